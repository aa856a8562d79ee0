"""A real InnoDB row-lock queue on MariaDB shown as the Blocking tab's tree."""

from __future__ import annotations

from aurora_console.core.performance.engines import read_blocking_tree, read_sessions
from aurora_console.core.performance.mysql_blocking import MySqlLockInfo

from .conftest import wait_until


def test_two_waiters_behind_a_select_for_update_form_a_tree(threads):
    observer = threads.observer()
    holder = threads.open(autocommit=False)
    threads.execute(holder, "SELECT * FROM items WHERE id = 1 FOR UPDATE")
    waiters = []
    for key in ("w1", "w2"):
        w = threads.open(autocommit=False, init_command="SET SESSION innodb_lock_wait_timeout = 30")
        threads.run_in_background(w, "UPDATE items SET n = n + 1 WHERE id = 1", key)
        waiters.append(w)
    ids = {w.thread_id() for w in waiters}

    def both_wait():
        snap = read_sessions(observer)
        waiting = {r.pid for r in snap.rows if r.waiting_on_lock}
        return snap if ids <= waiting else None

    snap = wait_until(both_wait, what="both waiters on the row lock")
    for pid in ids:
        row = snap.by_pid()[pid]
        assert row.wait == "Lock: row lock" and holder.thread_id() in row.blocked_by
    forest = read_blocking_tree(observer, snap)
    assert len(forest) == 1
    root = forest[0]
    assert root.pid == holder.thread_id() and root.held_up == 2
    assert {n.pid for _d, n in root.walk()} == {holder.thread_id(), *ids}
    assert all(isinstance(lk, MySqlLockInfo) for _d, n in root.walk() for lk in n.locks)
    held = [lk for lk in root.locks if lk.granted]
    assert held and held[0].relation == f"{threads.db.name}.items" and held[0].index == "PRIMARY"
    assert held[0].mode.startswith("X")
    waiting = [lk for _d, n in root.walk() for lk in n.locks if not lk.granted]
    assert waiting and "(waiting)" in waiting[0].describe() and "index PRIMARY" in waiting[0].describe()

    holder.rollback()  # the first waiter gets the row and keeps it (no autocommit): the second waits for it now
    forest = wait_until(lambda: (f := read_blocking_tree(observer)) and f[0].pid in ids and f, what="the next holder")
    assert forest[0].held_up == 1 and [n.pid for n in forest[0].blocked] == list(ids - {forest[0].pid})


def test_no_queue_no_tree(threads):
    observer = threads.observer()
    threads.open()
    assert read_blocking_tree(observer) == []
