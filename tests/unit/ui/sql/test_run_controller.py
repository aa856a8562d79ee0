"""SqlRunController without Qt: a run's phases (idle -> running -> done / failed / cancelled), the
pending statements, stop, the transaction state and what the toolbar may offer. A recording runner
stands in for the task runner; each test ends the tasks the way the runner would deliver them."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from aurora_console.core.db.runs import RunOutcome
from aurora_console.core.db.session import SessionSettings, TxState
from aurora_console.core.db.sql_errors import CANCELLED, CONNECTION, SqlError
from aurora_console.core.db.sql_split import split_sql
from aurora_console.ui.sql.run_controller import SqlRunController
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit


class FakeSession:
    def __init__(self, autocommit: bool = True) -> None:
        self.settings = SessionSettings(autocommit=autocommit)
        self.tx_state = TxState.DISCONNECTED
        self.connected = False
        self.standard_conforming_strings = True  # the server's value, once connected
        self.connects = 0

    def connect(self):
        self.connects += 1
        self.connected = True


def outcome(st, tx=TxState.IDLE, error=None) -> RunOutcome:
    result = None if error else SimpleNamespace(notices=[], status="SELECT 1", has_result_set=True)
    return RunOutcome(st, result, None, error, tx, 1.0)


@pytest.fixture
def ctl():
    runner, owner = RecordingRunner(), object()
    c = SqlRunController(runner, FakeSession(), history=None, queue="db:p#1", profile="p", owner=owner)
    c.seen = {"changed": 0, "finished": 0, "messages": [], "outcomes": [], "autocommit": []}
    c.changed.connect(lambda: c.seen.__setitem__("changed", c.seen["changed"] + 1))
    c.finished.connect(lambda: c.seen.__setitem__("finished", c.seen["finished"] + 1))
    c.message.connect(c.seen["messages"].append)
    c.outcome.connect(lambda out, skipped: c.seen["outcomes"].append((out.statement.text, skipped)))
    c.session_changed.connect(c.seen["autocommit"].append)
    c.tasks, c.the_owner = runner, owner
    return c


def start(ctl, text="select 1; select 2; select 3", mode="run"):
    assert ctl.run(text, 10, mode)
    split = ctl.tasks.last
    split.run()  # the real split, as the worker would run it
    return split_sql(text)


def test_idle_at_first_and_connects_on_first_run(ctl):
    assert ctl.phase == "idle" and not ctl.busy
    assert ctl.can_run and not ctl.can_stop and not ctl.can_commit and not ctl.can_rollback
    assert ctl.can_switch_autocommit
    assert ctl.tx_text == "connects on first run" and ctl.title_suffix == ""


def test_a_run_goes_idle_running_done_one_statement_at_a_time(ctl):
    assert ctl.run("select 1; select 2", 0)
    assert ctl.phase == "running" and ctl.busy and ctl.can_stop and not ctl.can_run
    assert not ctl.can_switch_autocommit
    split = ctl.tasks.last
    assert split.name == "Split SQL" and split.queue == "db:p#1" and split.owner is ctl.the_owner
    assert ctl.handle is split
    assert not ctl.run("select 3")  # one run at a time
    split.run()
    first = ctl.tasks.last
    assert first.name == "SQL (p): select 1" and first.queue == "db:p#1" and first.owner is ctl.the_owner
    assert [s.text for s in ctl.pending] == ["select 2"]
    first.finish(outcome(split.fn(None)[0]))
    assert ctl.phase == "running" and ctl.pending == []
    second = ctl.tasks.last
    assert second.name == "SQL (p): select 2"
    second.finish(outcome(split.fn(None)[1]))
    assert ctl.phase == "done" and not ctl.busy and ctl.can_run
    assert ctl.seen["finished"] == 1 and ctl.seen["outcomes"] == [("select 1", 0), ("select 2", 0)]
    assert len(ctl.outcomes) == 2 and ctl.last_error is None
    assert ctl.tx_state == TxState.IDLE and ctl.connected_once and ctl.tx_text == "idle"
    assert len(ctl.tasks.tasks) == 3


def test_an_error_stops_the_run_and_says_how_many_were_skipped(ctl):
    sts = start(ctl)
    err = SqlError("boom", statement="select 1")
    ctl.tasks.last.finish(outcome(sts[0], TxState.IDLE, err))
    assert ctl.phase == "failed" and not ctl.busy and ctl.pending == []
    assert ctl.seen["outcomes"] == [("select 1", 2)] and ctl.last_error is err
    assert ctl.seen["finished"] == 1 and len(ctl.tasks.tasks) == 2  # nothing after the error started


def test_stop_cancels_the_running_statement_and_drops_the_rest(ctl):
    start(ctl)
    running = ctl.tasks.last
    ctl.stop()
    assert running.cancel_requested and ctl.pending == [] and ctl.stopped
    assert ctl.busy  # until the runner reports the cancel
    running.cancelled()
    assert ctl.phase == "cancelled" and ctl.seen["messages"] == ["Cancelled."] and ctl.seen["finished"] == 1


def test_statement_cancelled_by_the_server_ends_the_run_as_cancelled(ctl):
    sts = start(ctl)
    ctl.stop()
    ctl.tasks.last.finish(outcome(sts[0], TxState.IDLE, SqlError("canceling statement", kind=CANCELLED)))
    assert ctl.phase == "cancelled" and ctl.seen["outcomes"] == [("select 1", 0)]


def test_stop_while_splitting_ends_with_nothing_ran(ctl):
    ctl.run("select 1; select 2")
    split = ctl.tasks.last
    ctl.stop()
    assert split.cancel_requested
    split.run()  # the split had ended anyway: its statements are not started
    assert ctl.phase == "cancelled" and len(ctl.tasks.tasks) == 1
    [out] = ctl.outcomes
    assert out.error.kind == CANCELLED and "nothing ran" in ctl.seen["messages"][0]
    assert ctl.seen["outcomes"] == []  # no statement outcome to show


def test_split_cancelled_by_the_runner(ctl):
    ctl.run("select 1")
    ctl.tasks.last.cancelled()
    assert ctl.phase == "cancelled" and ctl.outcomes[0].error.kind == CANCELLED and ctl.seen["finished"] == 1


def test_a_failed_task_fails_the_run(ctl):
    ctl.run("select 1")
    ctl.tasks.last.fail(RuntimeError("worker died"))
    assert ctl.phase == "failed" and ctl.seen["messages"] == ["ERROR: worker died"]
    assert isinstance(ctl.last_error, RuntimeError) and ctl.can_run


def test_a_run_whose_connection_needs_an_expired_sso_login_names_the_login(ctl):
    """The run's (re)connect made an IAM auth token after the SSO session expired: the message has the
    exact `aws sso login --profile NAME`, and the next run works after the login (nothing to restart)."""
    from aurora_console.core.aws.errors import AwsError, login_hint

    ctl.run("select 1")
    ctl.tasks.last.fail(AwsError("Creating an IAM auth token: the AWS SSO session for profile 'corp' has expired.",
                                 kind="sso-expired", hint=login_hint("corp")))
    assert ctl.phase == "failed" and "aws sso login --profile corp" in ctl.seen["messages"][-1]
    assert ctl.can_run


def test_nothing_to_run(ctl):
    ctl.run("   ")
    ctl.tasks.last.run()
    assert ctl.phase == "done" and ctl.seen["messages"] == ["Nothing to run."] and ctl.outcomes == []


@pytest.mark.parametrize("mode", ["explain", "analyze"])
def test_explain_runs_only_the_first_statement(ctl, mode):
    sts = start(ctl, mode=mode)
    assert ctl.mode == mode and ctl.pending == [] and ctl.base == 10
    ctl.tasks.last.finish(outcome(sts[0]))
    assert ctl.phase == "done" and len(ctl.tasks.tasks) == 2


def test_a_new_run_starts_clean(ctl):
    sts = start(ctl)
    ctl.tasks.last.finish(outcome(sts[0], error=SqlError("boom")))
    assert ctl.phase == "failed"
    ctl.run("select 9")
    assert ctl.phase == "running" and ctl.outcomes == [] and ctl.last_error is None and not ctl.stopped


def test_transaction_state_drives_commit_rollback_and_autocommit(ctl):
    ctl.session.settings = SessionSettings(autocommit=False)
    sts = start(ctl, "insert into t values (1)")
    ctl.tasks.last.finish(outcome(sts[0], TxState.IN_TRANSACTION))
    assert ctl.in_transaction and ctl.can_commit and ctl.can_rollback and not ctl.can_switch_autocommit
    assert ctl.tx_text == "in transaction" and ctl.title_suffix == " [in transaction]"
    ctl.run("select 1")
    assert not ctl.can_commit and not ctl.can_rollback  # not while a run goes
    ctl.tasks.last.fail(RuntimeError("x"))
    done = []
    handle = ctl.session_action("commit", done=done.append)
    assert handle.name == "SQL commit" and handle.queue == "db:p#1" and handle.owner is ctl.the_owner
    handle.finish(TxState.IDLE)
    assert done == [TxState.IDLE] and not ctl.in_transaction and ctl.can_switch_autocommit
    assert ctl.seen["messages"][-1] == "commit: done (idle)" and ctl.seen["autocommit"] == [False]


def test_failed_transaction_state(ctl):
    sts = start(ctl, "select 1/0")
    ctl.tasks.last.finish(outcome(sts[0], TxState.FAILED, SqlError("division by zero")))
    assert ctl.in_transaction and ctl.can_rollback and ctl.tx_text == "failed transaction"
    assert ctl.title_suffix == " [failed transaction]"


def test_failed_session_action_shows_the_sessions_real_state(ctl):
    sts = start(ctl, "select 1")
    ctl.tasks.last.finish(outcome(sts[0], TxState.IDLE))
    errors = []
    handle = ctl.session_action("reconnect", error=errors.append)
    ctl.session.tx_state = TxState.DISCONNECTED  # the reconnect failed: the session is not connected
    exc = SqlError("connection refused", kind=CONNECTION)
    handle.fail(exc)
    assert errors == [exc] and ctl.tx_state == TxState.DISCONNECTED
    assert ctl.tx_text == "not connected" and ctl.title_suffix == " [disconnected]"
    assert ctl.seen["messages"][-1] == "reconnect failed: ERROR: connection refused"


def test_connection_lost_in_a_statement(ctl):
    sts = start(ctl, "select 1; select 2; select 3")
    ctl.tasks.last.finish(outcome(sts[0], TxState.IDLE))
    ctl.tasks.last.finish(outcome(sts[1], TxState.DISCONNECTED, SqlError("gone", kind=CONNECTION)))
    assert ctl.phase == "failed" and ctl.seen["outcomes"] == [("select 1", 0), ("select 2", 1)]
    assert ctl.tx_text == "not connected"  # it was connected before: not "connects on first run"


def test_timeout_and_autocommit_are_session_actions(ctl):
    assert ctl.set_timeout(0) is None  # unchanged: nothing to do
    handle = ctl.set_timeout(5)
    assert handle.name == "SQL set_statement_timeout"
    assert handle.fn is not None
    handle = ctl.set_autocommit(0)
    assert handle.name == "SQL set_autocommit"


def test_session_action_calls_the_session(ctl):
    calls = []
    ctl.session.commit = lambda: calls.append("commit")
    ctl.session.tx_state = TxState.IDLE
    handle = ctl.session_action("commit")
    assert handle.fn(None) == TxState.IDLE and calls == ["commit"]


def test_changed_is_emitted_on_every_transition(ctl):
    sts = start(ctl, "select 1")
    before = ctl.seen["changed"]
    assert before >= 1  # run() announced "running"
    ctl.tasks.last.finish(outcome(sts[0]))
    assert ctl.seen["changed"] > before


def test_the_controller_imports_no_qt():
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
            "import aurora_console.ui.sql.run_controller, aurora_console.ui.observers\n"
            "assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m] is not None)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


class Connector:
    """A profile that opens on first use (ui.connections.on_demand.OnDemandConnection's surface)."""

    def __init__(self, read_only: bool = False) -> None:
        self.ready, self.read_only, self.asked = False, read_only, []

    def ensure(self, then, failed, cancelled=None):
        self.asked.append((then, failed, cancelled))
        return SimpleNamespace(name="Open profile", done=False, cancel=lambda: None)


def with_connector(ctl, connector):
    ctl.connector = connector
    return ctl


@pytest.mark.parametrize("read_only", [False, True])
def test_a_profile_opens_before_the_first_statement(ctl, read_only):
    connector = with_connector(ctl, Connector(read_only)).connector
    ctl.run("select 1; select 2")
    ctl.tasks.last.run()  # the split
    assert len(connector.asked) == 1 and ctl.busy and ctl.pending == []
    assert len(ctl.tasks.tasks) == 1  # no statement before the profile is open
    then, _failed, _cancelled = connector.asked[0]
    connector.ready = True
    then()
    assert ctl.tasks.last.name == "SQL (p): select 1" and [s.text for s in ctl.pending] == ["select 2"]
    assert ctl.session.settings.read_only is read_only  # a read-only profile makes a read-only session


def test_a_profile_that_cannot_be_opened_fails_the_run(ctl):
    connector = with_connector(ctl, Connector()).connector
    ctl.run("select 1")
    ctl.tasks.last.run()
    _then, failed, cancelled = connector.asked[0]
    failed(RuntimeError("Not connected to 'p': the password question was cancelled."))
    assert ctl.phase == "failed" and ctl.seen["messages"][-1].startswith("ERROR: Not connected")
    ctl.run("select 1")
    ctl.tasks.last.run()
    connector.asked[-1][2]()  # the open was cancelled
    assert ctl.phase == "cancelled" and ctl.seen["messages"][-1] == "Cancelled."


def test_commit_waits_for_the_profile_but_autocommit_does_not(ctl):
    connector = with_connector(ctl, Connector()).connector
    ctl.session_action("commit")
    assert len(connector.asked) == 1 and ctl.tasks.tasks == []
    connector.ready = True
    connector.asked[0][0]()
    assert ctl.tasks.last.name == "SQL commit"
    connector.ready = False
    assert ctl.set_autocommit(False).name == "SQL set_autocommit" and len(connector.asked) == 1


def test_a_backslash_script_split_before_connecting_is_split_again_as_the_server_reads_strings(ctl):
    """Before the first connection the server's standard_conforming_strings is unknown; a script
    with a backslash is split again once connected, and the server's 'off' makes one statement of
    what 'on' reads as two (issue 22: the splitter follows the session's value)."""
    text = "select 'a\\'; select 1; -- '"
    assert ctl.run(text, 0, "run")
    ctl.tasks.last.run()  # the first split, not connected: standard_conforming_strings on
    ctl.session.standard_conforming_strings = False  # what the server reports on connect
    resplit = ctl.tasks.last
    assert resplit.name == "Split SQL" and resplit is not ctl.tasks.tasks[0]
    resplit.run()
    assert ctl.session.connects == 1
    st = ctl.tasks.last  # the first statement runs: the whole text is one string to this server
    assert ctl.pending == [] and st.name.startswith("SQL")


def test_a_script_without_backslashes_is_not_split_twice(ctl):
    start(ctl, "select 1; select 2")
    assert ctl.session.connects == 0
    assert len(ctl.pending) == 1  # the first statement is running, the second waits
