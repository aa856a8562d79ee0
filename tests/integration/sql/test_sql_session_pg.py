"""Sessions against a real PostgreSQL: cancel, transactions, read-only, timeouts, lost links."""

from __future__ import annotations

import threading
import time

import pytest

from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import TxState
from aurora_console.core.db.sql_errors import SqlError
from aurora_console.core.tasks import TaskContext
from tests.integration.sql.cancel_race import error_of_a_run_cancelled_as_it_starts

pytestmark = pytest.mark.integration


def _in_background(fn):
    box: dict = {}

    def work():
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=work, daemon=True)
    t.start()
    return t, box


def _wait_active(sql_db, pid: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    with sql_db.connect(autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "select state, wait_event from pg_stat_activity where pid = %s", (pid,)
            ).fetchone()
            if row and row[0] == "active" and row[1] == "PgSleep":
                return
            time.sleep(0.02)
    raise AssertionError("the statement never started")


def test_cancel_from_another_thread(make_session, sql_db):
    s = make_session()
    t, box = _in_background(lambda: run_statement(s, "select pg_sleep(60)"))
    _wait_active(sql_db, s.backend_pid)
    s.cancel()
    t.join(20)
    assert not t.is_alive()
    err = box["error"]
    assert isinstance(err, SqlError) and err.kind == "cancelled" and err.sqlstate == "57014"
    assert s.tx_state == TxState.IDLE
    assert run_statement(s, "select 1").rows == [(1,)]


def test_cancel_through_task_token(make_session, sql_db):
    s = make_session()
    ctx = TaskContext("run")
    t, box = _in_background(
        lambda: run_statement(s, "select pg_sleep(60) from generate_series(1, 3)", task=ctx)
    )
    _wait_active(sql_db, s.backend_pid)
    ctx.token.cancel()
    t.join(20)
    assert isinstance(box["error"], SqlError) and box["error"].kind == "cancelled"


def test_manual_transactions_and_states(make_session, sql_db):
    s = make_session(autocommit=False)
    assert s.tx_state == TxState.IDLE
    run_statement(s, "insert into items (id, name) values (200, 'tx')")
    assert s.tx_state == TxState.IN_TRANSACTION
    with sql_db.connect() as other:  # not visible before commit
        assert other.execute("select count(*) from items where id = 200").fetchone() == (0,)
    s.rollback()
    assert s.tx_state == TxState.IDLE
    run_statement(s, "insert into items (id, name) values (201, 'tx')")
    with pytest.raises(SqlError):
        run_statement(s, "select 1/0")
    assert s.tx_state == TxState.FAILED
    with pytest.raises(SqlError) as ei:
        run_statement(s, "select 1")
    assert ei.value.sqlstate == "25P02"  # in failed sql transaction
    s.rollback()
    run_statement(s, "insert into items (id, name) values (202, 'tx')")
    s.commit()
    with sql_db.connect() as other:
        assert other.execute("select array_agg(id order by id) from items where id >= 200").fetchone() == (
            [202],
        )


def test_cursors_survive_later_statements_in_a_manual_transaction(make_session):
    s = make_session(autocommit=False)
    a = run_statement(s, "select id from big order by id", first_batch=5)
    b = run_statement(s, "select id from items order by id", first_batch=5)
    assert a.has_more and b.has_more and not a.stream.owns_transaction
    assert a.stream.fetch(3) == [(6,), (7,), (8,)]
    s.commit()
    assert a.stream.closed and b.stream.closed


def test_switch_autocommit(make_session):
    s = make_session(autocommit=True)
    run_statement(s, "begin")
    assert s.tx_state == TxState.IN_TRANSACTION
    with pytest.raises(SqlError):
        s.set_autocommit(False)
    run_statement(s, "rollback")
    s.set_autocommit(False)
    run_statement(s, "select 1")
    assert s.tx_state == TxState.IN_TRANSACTION


def test_read_only_session_refuses_writes(make_session):
    s = make_session(read_only=True)
    with pytest.raises(SqlError) as ei:
        run_statement(s, "insert into items (id) values (300)")
    assert ei.value.kind == "read_only" and ei.value.sqlstate == "25006"
    with pytest.raises(SqlError) as ei:
        run_statement(s, "set default_transaction_read_only = off")
    assert ei.value.kind == "read_only"
    with pytest.raises(SqlError):
        run_statement(s, "begin read write")
    assert run_statement(s, "select count(*) from items").rows == [(50,)]
    s.reconnect()  # the setting survives a reconnect
    with pytest.raises(SqlError):
        run_statement(s, "create table t_new (a int)")


def test_statement_timeout(make_session):
    s = make_session(statement_timeout_ms=200)
    with pytest.raises(SqlError) as ei:
        run_statement(s, "select pg_sleep(5)")
    assert ei.value.kind == "timeout"
    s.set_statement_timeout(0)
    assert run_statement(s, "show statement_timeout").rows == [("0",)]
    s2 = make_session(autocommit=False)
    s2.set_statement_timeout(1500)  # applied outside a transaction, so a rollback keeps it
    s2.rollback()
    assert run_statement(s2, "show statement_timeout").rows == [("1500ms",)]


def test_connection_lost_mid_query_then_reconnect(make_session, sql_db):
    s = make_session()
    pid = s.backend_pid
    t, box = _in_background(lambda: run_statement(s, "select pg_sleep(60)"))
    _wait_active(sql_db, pid)
    with sql_db.connect(autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (pid,))
    t.join(20)
    err = box["error"]
    assert isinstance(err, SqlError) and err.connection_lost and "Reconnect" in err.hint
    assert s.tx_state == TxState.DISCONNECTED
    with pytest.raises(SqlError) as ei:
        run_statement(s, "select 1")
    assert ei.value.connection_lost
    s.reconnect()
    assert s.backend_pid != pid
    assert run_statement(s, "select 1").rows == [(1,)]


def test_a_cancel_just_before_the_statement_starts_still_cancels_it(make_session, sql_db):
    s = make_session()
    err = error_of_a_run_cancelled_as_it_starts(s, lambda task: run_statement(s, "select pg_sleep(40)", task=task))
    assert isinstance(err, SqlError) and err.kind == "cancelled", err
    assert s.statement_cancel.sent >= 1
    # the repeats stopped with the statement: the next statement of a new task runs to its end
    assert run_statement(s, "select pg_sleep(0.4), 7", task=TaskContext("next")).rows[0][1] == 7
    assert s.tx_state == TxState.IDLE
