"""The sandbox's blog database: its role, database, tables (the bundled migrations),
``pg_stat_statements`` and the monitoring grants, on the sandbox's PostgreSQL server.

Built in two places with the same steps (:func:`build_blog_database`):

* in the PostgreSQL data folder template (``postgres_template.py``), once per console cache and
  version of the bundled migrations (:class:`BlogTemplate`): the role without a password, the
  whole schema in. A fresh sandbox's folder is a copy of it, so its start only gives the role
  the sandbox's password and finds every migration applied, as a second start of a sandbox does.
  Building it at each fresh start (``CREATE DATABASE`` copying ``template1`` page by page through
  the write-ahead log, then the migrations' statements) took 0.4-1.2 s of a fresh sandbox's
  start, on the database check's path;
* at a later start of a folder (:meth:`~.runtime.Sandbox.start_database`'s PostgreSQL thread):
  only the password is set again when the folder's :data:`BUILT_MARKER` names the current
  migrations (their check, the extension and the grants found nothing to do: 0.2-0.6 s of a
  loaded machine's start); otherwise what the folder has is kept (``IF NOT EXISTS``, the migration
  history) and the rest built.
  A fresh copy of the template skips it: the role's password is set with the superuser's
  (:meth:`BlogTemplate.on_copy`), which saved another 0.2-0.8 s of connections and round trips.

The names are the seed catalog's (``seed_catalog.BLOG_MASTER_USER``/``BLOG_DATABASE``), which the
seed gives the blog cluster too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aurora_console.core.tasks import TaskContext, null_context

#: bump when :func:`build_blog_database` makes something else (a new template is made then)
BUILD_VERSION = "1"

#: ``conninfo(dbname, user)``: ``psycopg.connect`` keyword arguments for the sandbox's server, as
#: the superuser when ``user`` is None, else as that role (with its password, if it has one)
Conninfo = Callable[[str, "str | None"], dict[str, Any]]


def build_blog_database(conninfo: Conninfo, password: str | None, task: TaskContext | None = None, *,
                        file_copy: bool = False) -> list[str]:
    """The blog's role (``password`` set, or none: the template's), database and tables, then
    ``pg_stat_statements`` and the monitoring grants; the migrations applied now (their scripts).
    ``file_copy``: the database made with ``STRATEGY = FILE_COPY`` where the server has it
    (PostgreSQL 15 on; the template's: its write-ahead log then holds little, and the unused rest
    of it is not copied with the template)."""
    import psycopg
    from psycopg import sql

    from aurora_console.core.db.migrations.blog import apply_bundled_blog_schema
    from aurora_console.sandbox.seed_catalog import BLOG_DATABASE, BLOG_MASTER_USER

    task = task or null_context()
    user, db = BLOG_MASTER_USER, BLOG_DATABASE
    with psycopg.connect(**conninfo("postgres", None), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is not None
        if password is None:
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE").format(sql.Identifier(user)))
        elif not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(password)))
        else:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(password)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone() is None:
            create = sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db), sql.Identifier(user))
            if file_copy and conn.info.server_version >= 150000:
                create += sql.SQL(" STRATEGY = FILE_COPY")
            conn.execute(create)
    task.check()
    task.progress(None, "Building the blog database (migrations)…")
    result = apply_bundled_blog_schema(conninfo(db, user), task, engine="postgres")
    with psycopg.connect(**conninfo(db, None), autocommit=True) as conn:
        # Top SQL reads it in the blog database. The master user sees every session and may cancel
        # or terminate it, as rds_superuser may on Aurora (docs.aws.amazon.com/AmazonRDS/latest/
        # AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html)
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute(sql.SQL("GRANT pg_monitor, pg_signal_backend TO {}").format(sql.Identifier(user)))
    return [str(getattr(m, "script", m)) for m in getattr(result, "applied", [])]


#: in the PostgreSQL data folder: the :class:`BlogTemplate` key the blog database was last built
#: to (it goes with the folder: a replaced or wiped folder has none)
BUILT_MARKER = "aurora_blog_built"


def built_to(data_dir: Path) -> str | None:
    """The key the folder's blog database was last built to (:data:`BUILT_MARKER`), if any."""
    try:
        return (Path(data_dir) / BUILT_MARKER).read_text().strip() or None
    except OSError:
        return None


def mark_built(data_dir: Path, key: str) -> None:
    from aurora_console.core.private_files import atomic_write_text

    atomic_write_text(Path(data_dir) / BUILT_MARKER, key + "\n", private_parent=False)


def set_blog_password(conninfo: Conninfo, password: str) -> None:
    """Only the blog role's password (a later start of a folder whose database is built to the
    current key: what else the build does would find nothing to do)."""
    import psycopg
    from psycopg import sql

    from aurora_console.sandbox.seed_catalog import BLOG_MASTER_USER

    with psycopg.connect(**conninfo("postgres", None), autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(BLOG_MASTER_USER), sql.Literal(password)))


class BlogTemplate:
    """What the sandbox's data folder template holds besides ``initdb``'s output: the blog
    database without a password (``PostgresServer(template_setup=...)``). ``key`` names it among
    the templates: the bundled migrations' files and :data:`BUILD_VERSION`."""

    def __init__(self) -> None:
        # the folder bundled_blog_dir("postgres") names, without importing the migration engine
        # (core.db.migrations: 55-65 ms of CPU beside the window's start) that a start from the
        # template or from a folder built to these migrations never uses
        from aurora_console.core.resources import blog_migrations_dir

        digest = hashlib.sha256(BUILD_VERSION.encode())
        folder = blog_migrations_dir()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
        self.key = f"blog-{digest.hexdigest()[:12]}"

    def prepare(self, conninfo: Conninfo) -> None:
        """Build the blog database on the template's server (reached as ``conninfo`` says)."""
        build_blog_database(conninfo, None, file_copy=True)

    def on_copy(self, conn: Any, password: str) -> None:
        """A fresh sandbox's copy of the template, on the superuser's connection that has just set
        its password (statements kept out of the server's log): the blog's role gets the
        sandbox's password, the only thing of the blog database a copy lacks."""
        from psycopg import sql

        from aurora_console.sandbox.seed_catalog import BLOG_MASTER_USER

        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(BLOG_MASTER_USER), sql.Literal(password)))
