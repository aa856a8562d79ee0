"""Which engine's Performance readers serve a connection: PostgreSQL's modules (``activity``,
``blocking``, ``backends``, ``statements``...) or MySQL's (``mysql_activity``, ``mysql_blocking``,
``mysql_backends``, ``mysql_statements``, ``mysql_replication``).

The screen holds one connection per instance and calls the functions here with it; each picks the
engine from the connection itself (a PyMySQL connection, as ``MYSQL.connect`` makes, is MySQL;
anything else PostgreSQL), so the screen, its recorder and ``console.performance(profile)`` work
unchanged on a MySQL profile. The pre-checks that take a session row instead of a connection
(``check_signal``, ``confirmation_text``) pick by the row's type (MySQL's readers return
:class:`~aurora_console.core.performance.mysql_activity.MySqlSessionRow`).
"""

from __future__ import annotations

from typing import Any

from aurora_console.core.validation import not_a_validator

POSTGRES, MYSQL = "postgres", "mysql"


def engine_of(conn: Any) -> str:
    """"mysql" for a PyMySQL connection, else "postgres"."""
    module = type(conn).__module__
    if module.startswith("pymysql") or module.endswith("engines.mysql"):
        return MYSQL
    try:
        import pymysql
    except ImportError:  # pragma: no cover - the driver is a dependency
        return POSTGRES
    return MYSQL if isinstance(conn, pymysql.connections.Connection) else POSTGRES


def _is_mysql_row(row: Any) -> bool:
    from aurora_console.core.performance.mysql_activity import MySqlSessionRow

    return isinstance(row, MySqlSessionRow)


def read_sessions(conn: Any, **kwargs: Any) -> Any:
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_activity import read_sessions as read
    else:
        from aurora_console.core.performance.activity import read_sessions as read
    return read(conn, **kwargs)


def read_blocking_tree(conn: Any, sessions: Any = None) -> Any:
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_blocking import read_blocking_tree as read
    else:
        from aurora_console.core.performance.blocking import read_blocking_tree as read
    return read(conn, sessions)


def read_replica_lag(conn: Any) -> Any:
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_replication import read_replica_lag as read
    else:
        from aurora_console.core.performance.replication import read_replica_lag as read
    return read(conn)


def signal_backend(conn: Any, pid: int, action: str, **kwargs: Any) -> Any:
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_backends import signal_backend as signal
    else:
        from aurora_console.core.performance.backends import signal_backend as signal
    return signal(conn, pid, action, **kwargs)


@not_a_validator("checks an already read session row against the action (the engine's own rule), not one input value")
def check_signal(row: Any, action: str, **kwargs: Any) -> None:
    if _is_mysql_row(row):
        from aurora_console.core.performance.mysql_backends import check_signal as check
    else:
        from aurora_console.core.performance.backends import check_signal as check
    check(row, action, **kwargs)


def confirmation_text(row: Any, action: str = "terminate") -> str:
    if _is_mysql_row(row):
        from aurora_console.core.performance.mysql_backends import confirmation_text as text
    else:
        from aurora_console.core.performance.backends import confirmation_text as text
    return text(row, action)


def take_snapshot(conn: Any, store: Any, instance_key: str, **kwargs: Any) -> Any:
    """A Top SQL snapshot: ``pg_stat_statements`` or ``events_statements_summary_by_digest``."""
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_statements import take_snapshot as take
    else:
        from aurora_console.core.performance.top_sql import take_snapshot as take
    return take(conn, store, instance_key, **kwargs)


def sample_activity(conn: Any) -> Any:
    """One active-session sample (the Load tab's sampling)."""
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_activity import sample_activity as sample
    else:
        from aurora_console.core.performance.activity_history import sample_activity as sample
    return sample(conn)


def server_version(conn: Any) -> int | None:
    """PostgreSQL's ``server_version_num`` (what the EXPLAIN texts depend on); None on MySQL."""
    if engine_of(conn) == MYSQL:
        return None
    from aurora_console.core.performance.activity import server_version as version

    return version(conn)


def read_migrations(conn: Any, start: Any, end: Any) -> Any:
    """The migration runs of a window (Explain a window), from every history table."""
    if engine_of(conn) == MYSQL:
        from aurora_console.core.performance.mysql_migration_runs import read_migrations as read
    else:
        from aurora_console.core.performance.explain_window import read_migrations as read

    return read(conn, start, end)
