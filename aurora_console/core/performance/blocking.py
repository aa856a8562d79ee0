"""Who blocks whom: the Performance screen's Blocking tab.

:func:`read_blocking_tree` reads the sessions (``pg_stat_activity`` with ``pg_blocking_pids`` for
those waiting on a lock, the console's own included: the DBA's own SQL editor holding a row lock is a
common cause) and the locks of every session in a queue (``pg_locks``), and :func:`build_blocking_tree`
turns them into a forest of :class:`BlockingNode`: root blockers first (sessions that hold others up
and wait for nobody), by how many sessions they hold up.

``pg_blocking_pids`` returns every session a waiter waits for, which in a lock queue includes the
sessions queued ahead of it: the graph is a DAG, and printing it as a tree naively repeats nodes (a
queue of 30 waiters would repeat exponentially). So each waiter appears once, under the blocker that
is deepest in the queue (the one it waits behind); its ``session.blocked_by`` still lists every
blocker, and ``held_up`` counts every session a node holds up, directly or not, including those shown
under another blocker. A cycle (a deadlock PostgreSQL has not broken yet) is shown once, from its
lowest pid. A blocker that has no ``pg_stat_activity`` row (pid 0: a prepared transaction, or a
backend that ended meanwhile) gets a placeholder row.

The locks of a node are the ones involved: those it waits for (not granted) and those it holds that a
session it blocks waits for (same lock target).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.performance.activity import (
    SessionRow,
    SessionsSnapshot,
    read_sessions,
    server_version,
    short_transaction,
)

#: ``backend_type`` of the placeholder for pid 0 (PostgreSQL's stand-in for a prepared transaction).
PREPARED_TRANSACTION = "prepared transaction"


@dataclass(frozen=True)
class LockInfo:
    """One row of ``pg_locks`` for a session. ``relation``: the relation's name when it is in the
    connected database (else its OID as text, "" for locks on no relation). ``page``/``tuple``
    locate a row lock; ``transactionid``/``virtualxid`` the transaction a session waits for."""

    locktype: str
    mode: str
    granted: bool
    relation: str = ""
    page: int | None = None
    tuple: int | None = None
    transactionid: str | None = None
    virtualxid: str | None = None
    database: int | None = None
    classid: int | None = None
    objid: int | None = None
    objsubid: int | None = None
    relation_oid: int | None = None
    waitstart_s: float | None = field(default=None, compare=False)

    @property
    def target(self) -> tuple:
        """What is locked (two locks with the same target can conflict)."""
        return (self.locktype, self.database, self.relation_oid, self.page, self.tuple, self.transactionid,
                self.virtualxid, self.classid, self.objid, self.objsubid)

    def describe(self) -> str:
        """E.g. "ShareLock on transaction 742 (waiting)", "ExclusiveLock on tuple (0,1) of items"."""
        if self.locktype == "relation":
            what = f"relation {self.relation}"
        elif self.locktype == "tuple":
            what = f"tuple ({self.page},{self.tuple}) of {self.relation}"
        elif self.locktype == "page":
            what = f"page {self.page} of {self.relation}"
        elif self.locktype == "transactionid":
            what = f"transaction {self.transactionid}"
        elif self.locktype == "virtualxid":
            what = f"virtual transaction {self.virtualxid}"
        elif self.relation:
            what = f"{self.locktype} of {self.relation}"
        elif self.objid is not None:
            what = f"{self.locktype} {self.objid}"
        else:
            what = self.locktype
        return f"{self.mode} on {what}" + ("" if self.granted else " (waiting)")


@dataclass(frozen=True)
class BlockingNode:
    """A session in a lock queue: the locks involved, the sessions shown under it, and how many
    sessions it holds up (directly or not)."""

    session: SessionRow
    locks: tuple[LockInfo, ...] = ()
    blocked: tuple[BlockingNode, ...] = ()
    held_up: int = 0

    @property
    def pid(self) -> int:
        return self.session.pid

    def walk(self, depth: int = 0) -> Iterable[tuple[int, BlockingNode]]:
        """(depth, node) for this node and every node under it, depth first."""
        yield depth, self
        for child in self.blocked:
            yield from child.walk(depth + 1)


def _placeholder(pid: int) -> SessionRow:
    return SessionRow(pid=pid, user="", database="", application="", client="",
                      state="" if pid == 0 else "ended", wait_event_type="", wait_event="", query="",
                      query_age_s=None, xact_age_s=None, backend_start=None,
                      backend_type=PREPARED_TRANSACTION if pid == 0 else "")


def build_blocking_tree(sessions: Iterable[SessionRow],
                        locks: Mapping[int, Sequence[LockInfo]] | None = None) -> list[BlockingNode]:
    """The forest of lock queues among ``sessions`` (their ``blocked_by``), root blockers first by
    ``held_up`` (then the oldest transaction, then pid). ``locks``: each pid's ``pg_locks`` rows."""
    locks = locks or {}
    rows = {r.pid: r for r in sessions}
    blockers_of: dict[int, tuple[int, ...]] = {pid: r.blocked_by for pid, r in rows.items() if r.blocked_by}
    for blockers in list(blockers_of.values()):
        for b in blockers:
            rows.setdefault(b, _placeholder(b))
    waiters_of: dict[int, set[int]] = {}
    for w, blockers in blockers_of.items():
        for b in blockers:
            if b != w:
                waiters_of.setdefault(b, set()).add(w)
    involved = set(blockers_of) | set(waiters_of)
    if not involved:
        return []

    held_up = {pid: len(_reachable(pid, waiters_of)) for pid in involved}
    depth = _depths(involved, blockers_of)
    parent: dict[int, int] = {}
    for w, blockers in blockers_of.items():
        candidates = [b for b in blockers if b != w and b in involved]
        if candidates:
            parent[w] = max(candidates, key=lambda b: (depth[b], -b))
    children: dict[int, list[int]] = {}
    for w, b in parent.items():
        children.setdefault(b, []).append(w)

    def order(pid: int) -> tuple:
        xact = rows[pid].xact_age_s
        return (-held_up[pid], -(xact if xact is not None else -1.0), pid)

    placed: set[int] = set()

    def node(pid: int) -> BlockingNode:
        placed.add(pid)
        blocked = tuple(node(c) for c in sorted(children.get(pid, ()), key=order) if c not in placed)
        return BlockingNode(session=rows[pid], locks=_involved_locks(pid, locks, waiters_of.get(pid, ())),
                            blocked=blocked, held_up=held_up[pid])

    roots = sorted((pid for pid in involved if pid not in parent), key=order)
    forest = [node(pid) for pid in roots]
    # what is left hangs in a cycle (a deadlock not yet broken): show each cycle once, from its lowest pid
    while leftover := sorted(involved - placed):
        forest.append(node(leftover[0]))
    return sorted(forest, key=lambda n: order(n.pid))


def _reachable(pid: int, waiters_of: Mapping[int, set[int]]) -> set[int]:
    seen: set[int] = set()
    todo = list(waiters_of.get(pid, ()))
    while todo:
        w = todo.pop()
        if w in seen or w == pid:
            continue
        seen.add(w)
        todo.extend(waiters_of.get(w, ()))
    return seen


def _depths(involved: set[int], blockers_of: Mapping[int, tuple[int, ...]]) -> dict[int, int]:
    """Longest chain of blockers above each pid (cycles cut where they close)."""
    depth: dict[int, int] = {}

    def visit(pid: int, path: set[int]) -> int:
        if pid in depth:
            return depth[pid]
        path = path | {pid}
        above = [visit(b, path) for b in blockers_of.get(pid, ()) if b not in path and b != pid]
        depth[pid] = 1 + max(above) if above else 0
        return depth[pid]

    for pid in sorted(involved):
        visit(pid, set())
    return depth


def _involved_locks(pid: int, locks: Mapping[int, Sequence[LockInfo]], waiters: Iterable[int]) -> tuple[LockInfo, ...]:
    mine = list(locks.get(pid, ()))
    wanted = {lk.target for w in waiters for lk in locks.get(w, ()) if not lk.granted}
    out = [lk for lk in mine if not lk.granted or lk.target in wanted]
    return tuple(sorted(out, key=lambda lk: (lk.granted, lk.locktype, lk.mode)))


def _locks_sql(version: int) -> str:
    waitstart = ("EXTRACT(epoch FROM statement_timestamp() - l.waitstart)::float8"
                 if version >= 140000 else "NULL::float8")
    return f"""
        SELECT l.pid, l.locktype, l.mode, l.granted, l.database, l.relation, l.page, l.tuple,
               l.transactionid::text AS transactionid, l.virtualxid, l.classid, l.objid, l.objsubid,
               CASE WHEN l.relation IS NULL THEN NULL
                    WHEN l.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
                    THEN l.relation::regclass::text
                    ELSE l.relation::text END AS relation_name,
               {waitstart} AS waitstart_s
          FROM pg_locks l
         WHERE l.pid = ANY(%(pids)s)
    """


def _lock(d: Mapping[str, Any]) -> LockInfo:
    return LockInfo(locktype=d["locktype"] or "", mode=d["mode"] or "", granted=bool(d["granted"]),
                    relation=d.get("relation_name") or "", page=d.get("page"), tuple=d.get("tuple"),
                    transactionid=d.get("transactionid"), virtualxid=d.get("virtualxid"),
                    database=d.get("database"), classid=d.get("classid"), objid=d.get("objid"),
                    objsubid=d.get("objsubid"), relation_oid=d.get("relation"), waitstart_s=d.get("waitstart_s"))


def read_locks(conn: Any, pids: Iterable[int]) -> dict[int, list[LockInfo]]:
    """``pg_locks`` rows of ``pids``, per pid."""
    wanted = sorted({int(p) for p in pids if int(p) > 0})
    out: dict[int, list[LockInfo]] = {}
    if not wanted:
        return out
    from psycopg.rows import dict_row

    with short_transaction(conn), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(_locks_sql(server_version(conn)), {"pids": wanted})
        for d in cur.fetchall():
            out.setdefault(int(d["pid"]), []).append(_lock(d))
    return out


def read_blocking_tree(conn: Any, sessions: SessionsSnapshot | None = None) -> list[BlockingNode]:
    """The lock queues of the instance ``conn`` is connected to, root blockers first (empty when no
    session waits on a lock).

    ``sessions``: a snapshot just read with :func:`read_sessions` (its ``console_rows`` included),
    so that a refresh reads ``pg_stat_activity`` once; without it the sessions are read here. Only
    when someone waits are the locks read, so a refresh with no queue costs no extra query."""
    rows = sessions.all_rows if sessions is not None else read_sessions(conn, include_own=True).rows
    involved = {r.pid for r in rows if r.blocked_by}
    involved |= {b for r in rows for b in r.blocked_by}
    if not involved:
        return []
    return build_blocking_tree(rows, read_locks(conn, involved))
