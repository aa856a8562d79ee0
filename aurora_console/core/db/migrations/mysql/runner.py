"""The migrations runner on a MySQL connection: :class:`MySqlMigrationRunner`.

``MigrationRunner(connect, folder, ...)`` returns one of these when ``connect`` makes MySQL
connections (a profile's ``DatabaseConnection.connect`` whose engine is "mysql", or
``engine="mysql"``): the same discovery, checksums, placeholders, status, validate, baseline and
repair, with the MySQL pieces beside the PostgreSQL ones: the history table (:mod:`.history`),
the named lock (:mod:`.lock`), applying with implicit DDL commits (:mod:`.apply`), the MySQL
statement splitter (``core.db.mysql_split``: ``DELIMITER``, ``#`` comments, backticks, version
comments) and MySQL's transaction rules (:mod:`.statements`).

Checksums are computed on the file's text, never on its statements, so a file has the same
checksum on both engines and in Flyway (``..checksum``).

Flyway's ``schemas``/``defaultSchema`` are MySQL databases: created when missing
(``createSchemas``), and the default one becomes the work connection's current database
(``USE``), as Flyway's ``MySQLConnection.doChangeCurrentSchemaOrSearchPathTo`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from aurora_console.core.db.mysql_dialect import qualified as quote
from aurora_console.core.db.mysql_split import split_mysql

from ..callbacks import CallbackFailed, CallbackRunner, CallbackScript
from ..engine import MigrationRunner
from ..errors import MigrationError
from ..events import MigrationEvent
from ..files import MigrationFile
from ..history import DEFAULT_SCHEMA, DEFAULT_TABLE, FLYWAY_TABLE
from ..placeholders import Placeholders
from ..prepared import PreparedMigration, Preparer
from ..script_config import ScriptConfigError
from ..transactions import TxDecision
from .apply import MySqlApplier
from .connection import (
    DriverError,
    close_quietly,
    connection_lost,
    error_code,
    error_text,
    execute,
    one,
    open_connection,
    transaction,
)
from .history import MySqlHistoryTable
from .lock import MySqlLockedSession
from .statements import decide


@dataclasses.dataclass(frozen=True)
class MySqlPreparer(Preparer):
    """Files split with the MySQL splitter and decided with MySQL's transaction rules."""

    def prepare(self, mig: MigrationFile) -> PreparedMigration:
        conf = self.script_config(mig)
        sql = self.replaced(mig, conf)
        statements = split_mysql(sql)
        decision = decide(statements, script=mig.script, execute_in_transaction=conf.execute_in_transaction,
                          conf_name=conf.name, directive=mig.no_transaction,
                          default_in_transaction=self.execute_in_transaction)
        return PreparedMigration(mig, sql, statements, decision, conf)


class MySqlCallbackRunner(CallbackRunner):
    """Flyway SQL callbacks run over a MySQL connection."""

    def prepare(self, cb: CallbackScript) -> tuple[str, list, TxDecision]:
        try:
            text = cb.text()
            conf = cb.config
        except (ScriptConfigError, UnicodeDecodeError, LookupError) as e:
            raise CallbackFailed(cb.script, cb.event, f"cannot read it: {e}", None, None) from e
        if conf.placeholder_replacement is not False:
            text = self.placeholders.replace(text, cb.script, filename=cb.name)
        statements = split_mysql(text)
        return text, statements, decide(statements, script=cb.script, execute_in_transaction=conf.execute_in_transaction,
                                        conf_name=conf.name)

    def run(self, event: str, conn: Any, *, inside_transaction: bool = False) -> int:
        scripts = self.callbacks.of(event)
        for cb in scripts:
            _text, statements, decision = self.prepare(cb)
            self.log(f"executing SQL callback {cb.script} ({event})")
            current = None
            try:
                if inside_transaction or not decision.in_transaction:
                    for st in statements:
                        current = st
                        execute(conn, st.text)
                else:
                    with transaction(conn):
                        for st in statements:
                            current = st
                            execute(conn, st.text)
            except DriverError as e:
                if not inside_transaction and not connection_lost(conn, e):
                    execute(conn, "ROLLBACK")
                code = error_code(e)
                raise CallbackFailed(cb.script, event, error_text(e), current.line if current else None,
                                     None if code is None else str(code)) from e
        return len(scripts)


class MySqlMigrationRunner(MigrationRunner):
    """:class:`MigrationRunner` over MySQL connections; see the module docs."""

    engine = "mysql"

    def __init__(self, connect, folder, *, schema: str = DEFAULT_SCHEMA, **kwargs: Any) -> None:
        super().__init__(connect, folder, schema=schema, **kwargs)
        old = self.history
        # "public" is the PostgreSQL default: on MySQL the history goes to the connection's database
        self.history = MySqlHistoryTable(None if schema == DEFAULT_SCHEMA else schema, old.table, old.requested,
                                         flyway_project=self.config.from_files)
        self._server_text = ""

    def placeholders(self) -> Placeholders:
        p = super().placeholders()
        sep = self.config.placeholder_separator
        if self.history.schema is None:  # not connected yet: Flyway's defaultSchema is the current database
            values = dict(p.values)
            values[f"flyway{sep}defaultSchema"] = self._built_ins.get("database", "")
            return dataclasses.replace(p, values=values)
        return p

    def preparer(self) -> Preparer:
        return MySqlPreparer(self.placeholders(), None, self.config.mixed, self.config.execute_in_transaction)

    # -- connections ------------------------------------------------------------------------
    def _open(self) -> AbstractContextManager:
        return _Closing(open_connection(self.connect))

    def _locked(self, task: Any, emit: Callable[[MigrationEvent], None]) -> MySqlLockedSession:
        return MySqlLockedSession(self.connect, self._resolve, self.lock_timeout, task, emit)

    def _resolve(self, conn: Any) -> tuple[str, str]:
        if self.config.history_schema and self.history.schema is None:
            self.history.schema = self.config.history_schema
        return self.history.resolve_schema(conn), self.history.table

    def _learn_server(self, conn: Any) -> None:
        row = one(conn, "SELECT SUBSTRING_INDEX(USER(), '@', 1), DATABASE(), VERSION()")
        if row:
            self._built_ins = {"user": row[0] or "", "database": row[1] or ""}
            self._server_text = row[2] or ""
        self.history.resolve_schema(conn)

    def _callback_runner(self, emit: Callable[[MigrationEvent], None] | None = None) -> CallbackRunner | None:
        if not self.callbacks:
            return None
        log = (lambda text: emit(MigrationEvent("log", "", 0, 0, message=text))) if emit else None
        return MySqlCallbackRunner(self.callbacks, self.placeholders(), None, log)

    def _callback(self, runner: CallbackRunner | None, event: str, conn: Any, *, quiet: bool = False) -> None:
        if runner is None or not self.callbacks.of(event):
            return
        if quiet:
            if connection_lost(conn):
                return
            try:
                runner.run(event, conn)
            except (MigrationError, DriverError):
                pass
            return
        runner.run(event, conn)

    def _applier(self, runner: CallbackRunner | None) -> MySqlApplier:
        return MySqlApplier(self.history, self.installed_by, runner)

    def _transaction(self, work: Any) -> AbstractContextManager:
        return transaction(work)

    def _quoted_schemas(self, work: Any, schemas: list[str]) -> str:
        return ",".join(quote(s) for s in schemas)

    def _use_schemas(self, work: Any) -> list[str]:
        c = self.config
        created: list[str] = []
        if not c.schemas and not c.default_schema:
            return created
        names = list(dict.fromkeys([*([c.default_schema] if c.default_schema else []), *c.schemas]))
        for name in names:
            if execute(work, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", [name]):
                continue
            if not c.create_schemas:
                raise MigrationError(f"The database (schema) {name} does not exist and createSchemas is false",
                                     hint="Create it first, or allow Flyway's createSchemas.")
            execute(work, f"CREATE DATABASE {quote(name)}")
            created.append(name)
        execute(work, f"USE {quote(c.history_schema)}")
        return created

    def _schema_has_objects(self, work: Any) -> bool:
        """A database with a table, view, routine or event other than a history table (Flyway's
        "existing database" for baselineOnMigrate)."""
        names = list(self.config.schemas) or [self.history.resolve_schema(work)]
        histories = sorted({self.history.table, DEFAULT_TABLE, FLYWAY_TABLE})
        marks = ", ".join(["%s"] * len(names))
        hist = ", ".join(["%s"] * len(histories))
        row = one(work, f"SELECT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ({marks})"
                        f" AND TABLE_NAME NOT IN ({hist}))"
                        f" OR EXISTS (SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN ({marks}))"
                        f" OR EXISTS (SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN ({marks}))",
                  [*names, *histories, *names, *names])
        return bool(row and row[0])


class _Closing(AbstractContextManager):
    """``with`` for a DB-API connection: closes it (PyMySQL's own ``with`` only closes a cursor)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __enter__(self) -> Any:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        close_quietly(self.conn)


def existing_history_table(conn: Any, schema: str | None) -> str:
    """The history table the database already has (the console's, then Flyway's), else the
    console's default; ``schema`` None or ``public``: the connection's database."""
    db = schema if schema not in (None, DEFAULT_SCHEMA) else (one(conn, "SELECT DATABASE()") or [None])[0]
    for name in (DEFAULT_TABLE, FLYWAY_TABLE):
        if db and execute(conn, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
                          [db, name]):
            return name
    return DEFAULT_TABLE
