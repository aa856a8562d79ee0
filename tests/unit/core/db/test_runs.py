"""core.db.runs.split_for_run: a run's split step ends as soon as the run is cancelled."""

from __future__ import annotations

import threading

import pytest

import aurora_console.core.db.runs as runs
from aurora_console.core.db.session import TxState
from aurora_console.core.db.sql_errors import CANCELLED
from aurora_console.core.tasks import Cancelled, TaskContext

pytestmark = pytest.mark.unit


def test_statements_come_back_when_not_cancelled():
    sts = runs.split_for_run("select 1; select 'a;b'", task=TaskContext("t"))
    assert [s.text for s in sts] == ["select 1", "select 'a;b'"]
    assert [s.text for s in runs.split_for_run("select 2")] == ["select 2"]  # without a task


def test_cancel_ends_the_wait_for_a_slow_split(monkeypatch):
    splitting, release, returned = threading.Event(), threading.Event(), threading.Event()
    real = runs.split_sql

    def slow(text, **kw):
        splitting.set()
        release.wait(30)
        returned.set()
        return real(text)

    monkeypatch.setattr(runs, "split_sql", slow)
    ctx = TaskContext("t")
    threading.Thread(target=lambda: splitting.wait(10) and ctx.token.cancel(), daemon=True).start()
    with pytest.raises(Cancelled):
        runs.split_for_run("select 1", task=ctx)
    assert not returned.is_set()  # the task ended while the split was still running
    release.set()


def test_already_cancelled_does_not_split_and_errors_propagate(monkeypatch):
    ctx = TaskContext("t")
    ctx.token.cancel()
    with pytest.raises(Cancelled):
        runs.split_for_run("select 1", task=ctx)

    def broken(text, **kw):
        raise ValueError("bad input")

    monkeypatch.setattr(runs, "split_sql", broken)
    with pytest.raises(ValueError, match="bad input"):
        runs.split_for_run("select 1", task=TaskContext("t"))


def test_cancelled_outcome_covers_the_whole_text():
    out = runs.cancelled_before_running("select 1;\nselect 2", TxState.IDLE)
    assert out.error.kind == CANCELLED and "nothing ran" in out.error.message
    assert (out.statement.start, out.statement.end, out.statement.end_line) == (0, 18, 2)
    assert out.result is None and out.tx_state == TxState.IDLE
