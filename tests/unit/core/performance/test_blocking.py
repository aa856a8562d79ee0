"""The blocking forest from sessions' blocked_by lists: roots first by how many they hold up, each
session once (lock queues are DAGs), cycles shown once, placeholders for pids without a session,
and the locks involved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.performance.activity import SessionRow
from aurora_console.core.performance.blocking import (
    PREPARED_TRANSACTION,
    LockInfo,
    build_blocking_tree,
)

pytestmark = pytest.mark.unit


def s(pid, *blocked_by, xact=10.0) -> SessionRow:
    return SessionRow(pid=pid, user="app", database="blog", application="blog", client="", state="active",
                      wait_event_type="Lock" if blocked_by else "", wait_event="", query="", query_age_s=1.0,
                      xact_age_s=xact, backend_start=None, backend_type="client backend",
                      blocked_by=tuple(blocked_by))


def shape(forest):
    return [(d, n.pid, n.held_up) for root in forest for d, n in root.walk()]


def test_nobody_waits_no_forest():
    assert build_blocking_tree([s(1), s(2)]) == []


def test_a_chain_holder_waiter_waiter():
    assert shape(build_blocking_tree([s(1), s(2, 1), s(3, 2), s(4)])) == [(0, 1, 2), (1, 2, 1), (2, 3, 0)]


def test_a_lock_queue_places_each_waiter_behind_the_last_one_it_waits_for():
    # 4 waits for everyone ahead of it (1, 2, 3), as pg_blocking_pids reports a queue
    forest = build_blocking_tree([s(1), s(2, 1), s(3, 1, 2), s(4, 1, 2, 3)])
    assert shape(forest) == [(0, 1, 3), (1, 2, 2), (2, 3, 1), (3, 4, 0)]


def test_held_up_counts_waiters_shown_under_another_blocker():
    # 3 waits for both 1 and 2; it is shown once, but both hold it up
    forest = build_blocking_tree([s(1, xact=50.0), s(2, xact=20.0), s(3, 1, 2)])
    assert [(n.pid, n.held_up) for n in forest] == [(1, 1), (2, 1)]
    assert sum(1 for root in forest for _d, n in root.walk() if n.pid == 3) == 1


def test_roots_by_held_up_then_oldest_transaction_then_pid():
    forest = build_blocking_tree([s(10, xact=5.0), s(11, 10), s(20, xact=1.0), s(21, 20), s(22, 20),
                                  s(30, xact=99.0), s(31, 30), s(40, xact=99.0), s(41, 40)])
    assert [n.pid for n in forest] == [20, 30, 40, 10]


def test_a_cycle_is_shown_once_from_its_lowest_pid():
    forest = build_blocking_tree([s(7, 5), s(5, 7), s(9, 5)])
    pids = [n.pid for root in forest for _d, n in root.walk()]
    assert sorted(pids) == [5, 7, 9]
    assert forest[0].pid == 5
    assert forest[0].held_up == 2  # 7 and 9 (5 itself is not counted)


def test_a_prepared_transaction_and_an_ended_backend_get_placeholders():
    forest = build_blocking_tree([s(3, 0), s(4, 77)])
    by_pid = {n.pid: n for n in forest}
    assert by_pid[0].session.backend_type == PREPARED_TRANSACTION
    assert by_pid[77].session.state == "ended"
    assert [c.pid for c in by_pid[0].blocked] == [3]


def lock(pid_target, mode, granted, locktype="transactionid", **kw):
    return LockInfo(locktype=locktype, mode=mode, granted=granted, transactionid=pid_target, **kw)


def test_only_the_locks_involved_are_kept():
    locks = {
        1: [lock("700", "ExclusiveLock", True),
            LockInfo("relation", "RowExclusiveLock", True, relation="items", relation_oid=16384, database=5),
            LockInfo("virtualxid", "ExclusiveLock", True, virtualxid="3/7")],
        2: [lock("700", "ShareLock", False), lock("701", "ExclusiveLock", True),
            LockInfo("tuple", "ExclusiveLock", True, relation="items", relation_oid=16384, database=5, page=0, tuple=1)],
        3: [LockInfo("tuple", "ExclusiveLock", False, relation="items", relation_oid=16384, database=5, page=0, tuple=1)],
    }
    [root] = build_blocking_tree([s(1), s(2, 1), s(3, 2)], locks)
    assert [lk.describe() for lk in root.locks] == ["ExclusiveLock on transaction 700"]
    w1 = root.blocked[0]
    assert [lk.describe() for lk in w1.locks] == ["ShareLock on transaction 700 (waiting)",
                                                  "ExclusiveLock on tuple (0,1) of items"]
    assert [lk.describe() for lk in w1.blocked[0].locks] == ["ExclusiveLock on tuple (0,1) of items (waiting)"]


@pytest.mark.parametrize("lk,text", [
    (LockInfo("relation", "AccessExclusiveLock", False, relation="public.items"),
     "AccessExclusiveLock on relation public.items (waiting)"),
    (LockInfo("page", "ExclusiveLock", True, relation="items", page=4), "ExclusiveLock on page 4 of items"),
    (LockInfo("virtualxid", "ShareLock", False, virtualxid="4/12"), "ShareLock on virtual transaction 4/12 (waiting)"),
    (LockInfo("advisory", "ExclusiveLock", False, objid=42), "ExclusiveLock on advisory 42 (waiting)"),
    (LockInfo("extend", "ExclusiveLock", True, relation="items"), "ExclusiveLock on extend of items"),
])
def test_lock_descriptions(lk, text):
    assert lk.describe() == text


graphs = st.dictionaries(st.integers(min_value=1, max_value=9),
                         st.lists(st.integers(min_value=0, max_value=9), max_size=4), max_size=9)


def _reachable(pid, edges):
    seen, todo = set(), [w for w, bs in edges.items() if pid in bs and w != pid]
    while todo:
        w = todo.pop()
        if w in seen or w == pid:
            continue
        seen.add(w)
        todo += [x for x, bs in edges.items() if w in bs and x != w]
    return seen


@settings(max_examples=300)
@given(graphs)
def test_any_graph_every_session_in_a_queue_appears_exactly_once(edges):
    rows = [s(pid, *blockers) for pid, blockers in edges.items()]
    forest = build_blocking_tree(rows)
    seen = [n.pid for root in forest for _d, n in root.walk()]
    involved = {w for w, bs in edges.items() if bs} | {b for bs in edges.values() for b in bs}
    assert sorted(seen) == sorted(set(seen))
    assert set(seen) == involved
    for root in forest:
        for _d, n in root.walk():
            assert n.held_up == len(_reachable(n.pid, edges))
    helds = [n.held_up for n in forest]
    assert helds == sorted(helds, reverse=True)
