"""The SQL editor's per-engine pieces, picked by the connection profile's engine.

One :class:`SqlDialect` per engine bundles what differs between PostgreSQL and MySQL for the
editor, the runner and the export: the statement splitter, the session class, statement
execution, EXPLAIN, the completion catalog and the highlighter's lexer. Callers ask
``dialect_for(engine)`` (a profile's ``engine``, or a session's ``engine``) once, instead of
testing the engine everywhere. The modules load on first use (psycopg or the MySQL driver only
when a tab of that engine connects).
"""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.errors import ValidationError

__all__ = ["SqlDialect", "dialect_for", "dialect_of", "ENGINES"]

ENGINES = ("postgres", "mysql")


@dataclass(frozen=True)
class SqlDialect:
    """What one engine's SQL editor uses; every method loads its module on first use."""

    engine: str
    #: Pygments lexer class name (``pygments.lexers.sql``) for highlighting
    lexer: str
    #: the label the UI shows ("PostgreSQL", "MySQL")
    label: str

    @property
    def mysql(self) -> bool:
        return self.engine == "mysql"

    def split(self, text: str, *, session=None):
        """The statements of ``text`` as this engine's command-line client sends them; ``session``
        (when connected) gives the server's string rules (standard_conforming_strings /
        NO_BACKSLASH_ESCAPES)."""
        if self.mysql:
            from aurora_console.core.db.mysql_split import split_mysql

            escapes = True if session is None else session.backslash_escapes
            return split_mysql(text, backslash_escapes=escapes)
        from aurora_console.core.db.sql_split import split_sql

        conforming = True if session is None else session.standard_conforming_strings
        return split_sql(text, standard_conforming_strings=conforming)

    def new_session(self, source, settings=None, *, name: str = ""):
        if self.mysql:
            from aurora_console.core.db.mysql_session import MySqlSession

            return MySqlSession(source, settings, name=name)
        from aurora_console.core.db.session import DbSession

        return DbSession(source, settings, name=name)

    def run_statement(self, session, sql: str, **kwargs):
        if self.mysql:
            from aurora_console.core.db.mysql_query import run_statement
        else:
            from aurora_console.core.db.query import run_statement
        return run_statement(session, sql, **kwargs)

    def explain(self, session, sql: str, *, analyze: bool = False, task=None):
        if self.mysql:
            from aurora_console.core.db.mysql_explain import explain
        else:
            from aurora_console.core.db.explain import explain
        return explain(session, sql, analyze=analyze, task=task)

    def load_catalog(self, session, *, task=None):
        if self.mysql:
            from aurora_console.core.db.mysql_catalog import load_catalog
        else:
            from aurora_console.core.db.catalog import load_catalog
        return load_catalog(session, task=task)


_DIALECTS = {
    "postgres": SqlDialect("postgres", "PostgresLexer", "PostgreSQL"),
    "mysql": SqlDialect("mysql", "MySqlLexer", "MySQL"),
}


def dialect_for(engine: str | None) -> SqlDialect:
    """The dialect of a profile engine ("postgres", the default, or "mysql")."""
    try:
        return _DIALECTS[engine or "postgres"]
    except (KeyError, TypeError):
        raise ValidationError(f"The SQL editor does not know the engine {engine!r}.",
                              hint=f"Known engines: {', '.join(ENGINES)}.") from None


def dialect_of(session) -> SqlDialect:
    """The dialect of a session (``DbSession``: PostgreSQL; ``MySqlSession``: MySQL)."""
    return dialect_for(getattr(session, "engine", "postgres"))
