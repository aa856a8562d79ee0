"""Who blocks whom on MySQL and MariaDB: the Blocking tab's InnoDB row-lock queues.

The lock waits come from
* MySQL 8.0: ``performance_schema.data_lock_waits`` joined with ``performance_schema.threads`` (the
  processlist ids) and ``performance_schema.data_locks`` (the locks: type, mode, table, index,
  the locked row);
* MariaDB and MySQL 5.7 (Aurora MySQL 2): ``information_schema.INNODB_LOCK_WAITS`` joined with ``INNODB_TRX``
  (the thread of each transaction) and ``INNODB_LOCKS`` (the locks).

:func:`read_blocking_tree` turns them into the same forest of
:class:`~aurora_console.core.performance.blocking.BlockingNode` the PostgreSQL screen shows
(:func:`~aurora_console.core.performance.blocking.build_blocking_tree`: root blockers first, by
how many sessions they hold up), with :class:`MySqlLockInfo` locks (mode, table, index, row).

References (read, not copied): https://dev.mysql.com/doc/refman/8.0/en/performance-schema-data-lock-waits-table.html,
https://mariadb.com/kb/en/information-schema-innodb_lock_waits-table/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aurora_console.core.performance.activity import SessionsSnapshot
from aurora_console.core.performance.blocking import BlockingNode, LockInfo, build_blocking_tree


@dataclass(frozen=True)
class MySqlLockInfo(LockInfo):
    """An InnoDB lock: ``locktype`` "record" or "table", ``mode`` as InnoDB writes it
    ("X", "X,REC_NOT_GAP", "IX"...), ``relation`` the table ("shop.items"), ``index`` the index
    of a record lock, ``lock_data`` the locked row's key values as the server shows them."""

    index: str = ""
    lock_data: str = ""

    @property
    def target(self) -> tuple:
        return (self.locktype, self.relation, self.index, self.lock_data)

    def describe(self) -> str:
        """E.g. "X,REC_NOT_GAP on record of shop.items index PRIMARY (1) (waiting)"."""
        what = f"{self.locktype} of {self.relation}" if self.relation else self.locktype
        if self.index:
            what += f" index {self.index}"
        if self.lock_data:
            what += f" ({self.lock_data})"
        return f"{self.mode} on {what}" + ("" if self.granted else " (waiting)")


@dataclass(frozen=True)
class LockWait:
    """Thread ``waiting_pid`` waits for a lock ``blocking_pid`` holds (lock ids as the engine names them)."""

    waiting_pid: int
    blocking_pid: int
    requested_lock_id: str
    blocking_lock_id: str


_MARIADB_WAITS = """
SELECT r.trx_mysql_thread_id AS waiting, b.trx_mysql_thread_id AS blocking,
       w.requested_lock_id AS requested, w.blocking_lock_id AS held
  FROM information_schema.INNODB_LOCK_WAITS w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
"""

_MYSQL8_WAITS = """
SELECT rt.PROCESSLIST_ID AS waiting, bt.PROCESSLIST_ID AS blocking,
       w.REQUESTING_ENGINE_LOCK_ID AS requested, w.BLOCKING_ENGINE_LOCK_ID AS held
  FROM performance_schema.data_lock_waits w
  JOIN performance_schema.threads rt ON rt.THREAD_ID = w.REQUESTING_THREAD_ID
  JOIN performance_schema.threads bt ON bt.THREAD_ID = w.BLOCKING_THREAD_ID
"""

_MARIADB_LOCKS = """
SELECT l.lock_id AS lock_id, t.trx_mysql_thread_id AS pid, l.lock_type AS type, l.lock_mode AS mode,
       l.lock_table AS tbl, l.lock_index AS idx, l.lock_data AS data, l.lock_trx_id AS trx
  FROM information_schema.INNODB_LOCKS l
  JOIN information_schema.INNODB_TRX t ON t.trx_id = l.lock_trx_id
"""

_MYSQL8_LOCKS = """
SELECT l.ENGINE_LOCK_ID AS lock_id, t.PROCESSLIST_ID AS pid, l.LOCK_TYPE AS type, l.LOCK_MODE AS mode,
       CONCAT(l.OBJECT_SCHEMA, '.', l.OBJECT_NAME) AS tbl, l.INDEX_NAME AS idx, l.LOCK_DATA AS data,
       l.ENGINE_TRANSACTION_ID AS trx, l.LOCK_STATUS AS status
  FROM performance_schema.data_locks l
  JOIN performance_schema.threads t ON t.THREAD_ID = l.THREAD_ID
 WHERE l.ENGINE_LOCK_ID IN %(ids)s
"""


def _rows(conn: Any, sql: str, args: Any = None) -> list[dict[str, Any]]:
    cur = conn.cursor()
    try:
        cur.execute(sql, args)
        names = [d[0].lower() for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def innodb_lock_tables(conn: Any) -> bool:
    """Whether the server keeps its lock waits in ``information_schema.INNODB_LOCK_WAITS`` (MariaDB,
    MySQL before 8.0) rather than ``performance_schema.data_lock_waits`` (MySQL 8.0)."""
    from aurora_console.core.db.mysql_dialect import flavour_of
    from aurora_console.core.performance.mysql_activity import version_text

    flavour = flavour_of(version_text(conn))
    return flavour.mariadb or flavour.version < (8, 0, 0)


def read_lock_waits(conn: Any, *, legacy: bool | None = None) -> list[LockWait]:
    """Every InnoDB lock wait of the instance: who waits for whom. ``legacy``: read the
    ``information_schema`` tables (default: :func:`innodb_lock_tables`)."""
    legacy = innodb_lock_tables(conn) if legacy is None else legacy
    rows = _rows(conn, _MARIADB_WAITS if legacy else _MYSQL8_WAITS)
    return [LockWait(int(r["waiting"]), int(r["blocking"]), str(r["requested"]), str(r["held"]))
            for r in rows if r["waiting"] is not None and r["blocking"] is not None]


def _table(name: str | None) -> str:
    """"shop.items" for MariaDB's "`shop`.`items`" (MySQL 8 gives schema and name apart)."""
    text = str(name or "")
    if text.startswith("`"):
        parts = [p.replace("``", "`") for p in text[1:-1].split("`.`")] if text.endswith("`") else [text]
        return ".".join(parts)
    return text


def read_locks(conn: Any, waits: list[LockWait], *, legacy: bool | None = None) -> dict[int, list[MySqlLockInfo]]:
    """The locks involved in ``waits`` (the requested ones, not granted, and the ones that block
    them), per thread."""
    requested = {w.requested_lock_id for w in waits}
    ids = requested | {w.blocking_lock_id for w in waits}
    if not ids:
        return {}
    legacy = innodb_lock_tables(conn) if legacy is None else legacy
    rows = _rows(conn, _MARIADB_LOCKS) if legacy else _rows(conn, _MYSQL8_LOCKS, {"ids": tuple(sorted(ids))})
    out: dict[int, list[MySqlLockInfo]] = {}
    for r in rows:
        lock_id = str(r["lock_id"])
        if lock_id not in ids or r["pid"] is None:
            continue
        status = str(r.get("status") or "")
        granted = status.upper() == "GRANTED" if status else lock_id not in requested
        out.setdefault(int(r["pid"]), []).append(MySqlLockInfo(
            locktype=str(r["type"] or "").lower(), mode=str(r["mode"] or ""), granted=granted,
            relation=_table(r["tbl"]), transactionid=str(r["trx"]) if r["trx"] is not None else None,
            index=str(r["idx"] or ""), lock_data=str(r["data"] or "")))
    return out


def read_blocking_tree(conn: Any, sessions: SessionsSnapshot | None = None) -> list[BlockingNode]:
    """The row-lock queues of the instance, root blockers first (empty when nobody waits).

    ``sessions``: a snapshot just read by :func:`.mysql_activity.read_sessions` (its
    ``console_rows`` included: the DBA's own SQL editor holding a lock is a common cause), whose
    ``blocked_by`` already holds the lock waits; the locks are read only when someone waits."""
    from aurora_console.core.performance.mysql_activity import read_sessions

    rows = sessions.all_rows if sessions is not None else read_sessions(conn, include_own=True).rows
    if not any(r.blocked_by for r in rows):
        return []
    legacy = innodb_lock_tables(conn)
    waits = read_lock_waits(conn, legacy=legacy)
    return build_blocking_tree(rows, read_locks(conn, waits, legacy=legacy))
