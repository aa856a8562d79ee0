"""An SQL tab on a connection profile opens the profile before its first statement, through the
connections controller's one prompt path (OnDemandConnection -> ConnectionsController.open_source),
not from a worker waiting on the UI thread. Qt-free: a fake controller stands in for the window's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.core.errors import ConsoleError
from aurora_console.ui.connections.on_demand import OnDemandConnection
from aurora_console.ui.sql.run_controller import SqlRunController
from tests.unit.ui.sql.test_run_controller import FakeSession, RecordingRunner

pytestmark = pytest.mark.unit


class FakeController:
    """Records open_source calls; the test ends each one as the controller would."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def open_source(self, name, *, queue=None, on_done=None, on_error=None, on_declined=None, on_cancelled=None,
                    application_name="aurora-console"):
        call = dict(name=name, queue=queue, on_done=on_done, on_error=on_error, on_declined=on_declined,
                    on_cancelled=on_cancelled, application_name=application_name,
                    handle=SimpleNamespace(done=False, cancel=lambda: None))
        self.calls.append(call)
        return call["handle"]


class Opened:
    def __init__(self, read_only: bool = False) -> None:
        self.read_only = read_only
        self.closed = 0
        self.connects = 0

    def connect(self):
        self.connects += 1
        return f"conn-{self.connects}"

    def close(self) -> None:
        self.closed += 1


def _controller(read_only=False):
    ctl = FakeController()
    source = OnDemandConnection(ctl, "ask-sql", queue="connect:ask-sql", application_name="Aurora Console SQL")
    runner = RecordingRunner()
    run = SqlRunController(runner, FakeSession(), history=None, queue="db:ask-sql#1", profile="ask-sql",
                           connector=source)
    return ctl, source, runner, run


def test_the_first_run_opens_the_profile_then_runs_its_statements():
    ctl, source, runner, run = _controller()
    run.run("select 1; select 2")
    runner.last.run()  # the split
    assert [c["name"] for c in ctl.calls] == ["ask-sql"] and ctl.calls[0]["application_name"] == "Aurora Console SQL"
    assert len(runner.tasks) == 1 and run.busy  # nothing runs before the profile is open
    assert run.handle is ctl.calls[0]["handle"]  # Esc cancels the open
    opened = Opened()
    ctl.calls[0]["on_done"](opened)
    assert source.ready and runner.last.name.startswith("SQL (ask-sql): select 1")
    assert source() == "conn-1"  # the session's connections come from the opened profile
    went_on = []
    assert source.ensure(lambda: went_on.append(1), failed=pytest.fail) is None  # later runs: no second open
    assert went_on == [1] and len(ctl.calls) == 1


def test_a_read_only_profile_makes_the_session_read_only():
    ctl, _source, runner, run = _controller()
    run.run("select 1")
    runner.last.run()
    ctl.calls[0]["on_done"](Opened(read_only=True))
    assert run.session.settings.read_only


def test_a_declined_question_fails_the_run_naming_it():
    ctl, source, runner, run = _controller()
    messages = []
    run.message.connect(messages.append)
    run.run("select 1")
    runner.last.run()
    ctl.calls[0]["on_declined"]("password", ConsoleError("asks for the password"))
    assert run.phase == "failed" and not source.ready
    assert "no password was entered" in str(run.last_error) and "password" in messages[-1]


def test_a_failed_open_fails_the_run_and_the_next_run_tries_again():
    ctl, _source, runner, run = _controller()
    run.run("select 1")
    runner.last.run()
    ctl.calls[0]["on_error"](ConsoleError("bastion unreachable"))
    assert run.phase == "failed" and "bastion unreachable" in str(run.last_error)
    run.run("select 1")
    runner.last.run()
    assert len(ctl.calls) == 2


def test_cancelling_while_the_profile_opens_ends_the_run_as_cancelled():
    ctl, _source, runner, run = _controller()
    run.run("select 1")
    runner.last.run()
    ctl.calls[0]["on_cancelled"]()
    assert run.phase == "cancelled"


def test_reconnect_before_the_first_run_opens_the_profile_first():
    ctl, _source, runner, run = _controller()
    run.session_action("reconnect")
    assert len(ctl.calls) == 1 and runner.tasks == []
    ctl.calls[0]["on_done"](Opened())
    assert runner.last.name == "SQL reconnect"


def test_closing_closes_the_opened_profile_and_a_late_one():
    ctl, source, runner, run = _controller()
    run.run("select 1")
    runner.last.run()
    opened = Opened()
    ctl.calls[0]["on_done"](opened)
    source.close()
    assert opened.closed == 1 and not source.ready
    late_ctl = FakeController()
    late = OnDemandConnection(late_ctl, "p", queue="q")
    late.ensure(lambda: pytest.fail("a closed screen goes on"), failed=lambda exc: None)
    late.close()
    arrived = Opened()
    late_ctl.calls[0]["on_done"](arrived)
    assert arrived.closed == 1


def test_without_the_connections_feature_the_run_fails_clearly():
    source = OnDemandConnection(None, "p", queue="q")
    errors = []
    assert source.ensure(lambda: None, errors.append) is None
    assert "connections feature did not load" in str(errors[0])
    with pytest.raises(ConsoleError, match="not open yet"):
        source()
