"""The blocking tree of real lock contention on a real PostgreSQL: root blocker first with the count
it holds up, the waiter behind a waiter under it, and the locks involved."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.activity import read_sessions
from aurora_console.core.performance.blocking import read_blocking_tree
from tests.integration.performance.conftest import backend_state, wait_until

pytestmark = pytest.mark.integration


def _locks(node):
    return {(lk.locktype, lk.mode, lk.granted, lk.relation) for lk in node.locks}


def _tree(observer, how):
    """The tree read on its own, or built from the snapshot the Sessions tab just read."""
    return read_blocking_tree(observer) if how == "alone" else read_blocking_tree(observer, read_sessions(observer))


class CountingConnection:
    """``observer`` with a count of the cursors opened on it."""

    def __init__(self, conn):
        self.conn, self.cursors = conn, 0
        self.info = conn.info

    def cursor(self, *a, **k):
        self.cursors += 1
        return self.conn.cursor(*a, **k)

    def transaction(self):
        return self.conn.transaction()


def test_no_queue_no_tree_and_no_extra_query_from_a_snapshot(observer, connect):
    connect("blog-app").execute("SELECT 1")
    assert read_blocking_tree(observer) == []
    snapshot = read_sessions(observer)
    counting = CountingConnection(observer)
    assert read_blocking_tree(counting, snapshot) == []
    assert counting.cursors == 0


@pytest.mark.parametrize("how", ["alone", "from the sessions snapshot"])
def test_the_holder_is_the_root_with_both_waiters_under_it(observer, lock_contention, how):
    c = lock_contention
    tree = _tree(observer, how)
    assert [n.pid for n in tree] == [c.holder_pid]
    root = tree[0]
    assert root.held_up == 2
    assert root.session.application == "blog-holder"
    assert root.session.state == "idle in transaction"
    assert root.session.blocked_by == ()

    # waiter 1 waits for the holder's transaction; waiter 2 waits behind waiter 1 (the tuple lock)
    assert [n.pid for n in root.blocked] == [c.waiter1.pid]
    w1 = root.blocked[0]
    assert w1.held_up == 1
    assert w1.session.blocked_by == (c.holder_pid,)
    assert w1.session.wait == "Lock: transactionid"
    assert [n.pid for n in w1.blocked] == [c.waiter2.pid]
    w2 = w1.blocked[0]
    assert w2.held_up == 0 and w2.blocked == ()
    assert w2.session.blocked_by == (c.waiter1.pid,)
    assert w2.session.wait == "Lock: tuple"
    assert [(d, n.pid) for d, n in root.walk()] == [(0, c.holder_pid), (1, c.waiter1.pid), (2, c.waiter2.pid)]

    # the locks involved: what each waits for, and what each holds that its waiter wants
    holder_xid = c.holder.execute("SELECT pg_current_xact_id()::text").fetchone()[0]
    assert _locks(root) == {("transactionid", "ExclusiveLock", True, "")}
    assert root.locks[0].transactionid == holder_xid
    assert _locks(w1) == {("transactionid", "ShareLock", False, ""), ("tuple", "ExclusiveLock", True, "items")}
    waited = next(lk for lk in w1.locks if not lk.granted)
    assert waited.transactionid == holder_xid
    assert waited.describe() == f"ShareLock on transaction {holder_xid} (waiting)"
    assert _locks(w2) == {("tuple", "ExclusiveLock", False, "items")}
    tuple_lock = w2.locks[0]
    assert (tuple_lock.page, tuple_lock.tuple) == (0, 1)
    assert tuple_lock.describe() == "ExclusiveLock on tuple (0,1) of items (waiting)"
    assert tuple_lock.waitstart_s is not None and tuple_lock.waitstart_s >= 0


def test_the_queue_drains_when_the_holder_rolls_back(observer, lock_contention):
    lock_contention.holder.rollback()
    lock_contention.waiter1.join()
    lock_contention.waiter2.join()
    assert lock_contention.waiter1.error is None and lock_contention.waiter2.error is None
    assert read_blocking_tree(observer) == []


@pytest.mark.parametrize("how", ["alone", "from the sessions snapshot"])
def test_the_console_own_sql_session_shows_as_the_blocker(observer, connect, run_in_background, how):
    """The DBA's own SQL editor holding the row lock is the root, although the Sessions tab hides it."""
    editor = connect("Aurora Console SQL", autocommit=False)
    editor.execute("UPDATE items SET n = 5 WHERE id = 2")
    waiter = run_in_background("UPDATE items SET n = 6 WHERE id = 2", "blog-app")
    wait_until(lambda: backend_state(observer, waiter.pid) == ("active", "Lock"), what="the waiter to wait")
    tree = _tree(observer, how)
    assert [n.pid for n in tree] == [editor.info.backend_pid]
    assert tree[0].session.console_backend
    assert [n.pid for n in tree[0].blocked] == [waiter.pid]
    assert editor.info.backend_pid not in {r.pid for r in read_sessions(observer).rows}
    editor.rollback()
    waiter.join()


def test_a_lock_queue_shows_each_waiter_once_and_counts_everyone_held_up(observer, lock_contention,
                                                                          run_in_background):
    """ALTER TABLE waits for all three sessions holding row locks on items; a later reader of the table
    queues behind that request. pg_blocking_pids reports several blockers per waiter: the tree still
    shows each session once."""
    c = lock_contention
    locker = run_in_background("ALTER TABLE items ADD COLUMN note text", "blog-ddl")
    wait_until(lambda: backend_state(observer, locker.pid) == ("active", "Lock"), what="the ALTER TABLE to wait")
    reader = run_in_background("SELECT count(*) FROM items", "blog-reader")
    wait_until(lambda: backend_state(observer, reader.pid) == ("active", "Lock"), what="the reader to queue")

    tree = read_blocking_tree(observer)
    assert [n.pid for n in tree] == [c.holder_pid]
    pids = [n.pid for _d, n in tree[0].walk()]
    assert sorted(pids) == sorted([c.holder_pid, c.waiter1.pid, c.waiter2.pid, locker.pid, reader.pid])
    assert tree[0].held_up == 4
    sessions = {r.pid: r for r in read_sessions(observer).rows}
    assert set(sessions[locker.pid].blocked_by) >= {c.holder_pid, c.waiter1.pid, c.waiter2.pid}
    by_pid = {n.pid: n for _d, n in tree[0].walk()}
    assert by_pid[reader.pid].held_up == 0
    assert by_pid[locker.pid].held_up == 1
    assert ("relation", "AccessExclusiveLock", False, "items") in _locks(by_pid[locker.pid])
    assert ("relation", "AccessShareLock", False, "items") in _locks(by_pid[reader.pid])
    c.holder.rollback()
    for job in (c.waiter1, c.waiter2, locker, reader):
        job.join()


def test_a_role_without_pg_read_all_stats_still_sees_the_whole_tree(lock_contention, connect, plain_role):
    """Other roles' wait events are hidden from it, but pg_blocking_pids still answers: the tree is the
    same, its rows hidden."""
    c = lock_contention
    name, password = plain_role
    weak = connect("blog-ops", user=name, password=password)
    [root] = read_blocking_tree(weak)
    assert [(d, n.pid, n.held_up) for d, n in root.walk()] == [(0, c.holder_pid, 2), (1, c.waiter1.pid, 1),
                                                                (2, c.waiter2.pid, 0)]
    assert all(n.session.query_hidden for _d, n in root.walk())
    # its own locks are visible to every role: pg_locks is not filtered
    assert ("tuple", "ExclusiveLock", False, "items") in _locks(root.blocked[0].blocked[0])
