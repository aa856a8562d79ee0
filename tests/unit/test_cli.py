"""The command line's entry point: the garbage collector is paused for a GUI start (until run_gui
turns it back on after the first paint) and never for a helper program or a sub-command."""

from __future__ import annotations

import gc

import pytest

from aurora_console import cli

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _collector_on_after():
    yield
    assert gc.isenabled(), "cli.main left the garbage collector off"
    gc.enable()


def test_a_gui_start_runs_with_the_collector_paused(monkeypatch):
    import aurora_console.app as app

    seen = []

    def run_gui(opts, qt_args, *, t0):
        seen.append((gc.isenabled(), opts.smoke_test, qt_args))
        return 3

    monkeypatch.setattr(app, "run_gui", run_gui)
    assert cli.main(["--smoke-test", "-reverse"]) == 3
    assert seen == [(False, True, ["-reverse"])]
    assert gc.isenabled()


def test_a_gui_start_that_fails_turns_the_collector_back_on(monkeypatch):
    import aurora_console.app as app

    def run_gui(opts, qt_args, *, t0):
        raise RuntimeError("no display")

    monkeypatch.setattr(app, "run_gui", run_gui)
    with pytest.raises(RuntimeError, match="no display"):
        cli.main([])
    assert gc.isenabled()


@pytest.mark.parametrize("helper", ["eice-proxy", "ssm-proxy", "sandbox-aws-endpoint"])
def test_helper_programs_run_with_the_collector_on(monkeypatch, helper):
    from aurora_console.core.aws.bastion_route import eice_proxy, ssm_proxy
    from aurora_console.sandbox import aws_process

    module = {"eice-proxy": eice_proxy, "ssm-proxy": ssm_proxy, "sandbox-aws-endpoint": aws_process}[helper]
    seen = []
    monkeypatch.setattr(module, "main", lambda argv: seen.append((argv, gc.isenabled())) or 7)
    assert cli.main([helper, "x"]) == 7
    assert seen == [(["x"], True)]


def test_the_askpass_helper_runs_with_the_collector_on(monkeypatch):
    from aurora_console.core.ssh import askpass

    seen = []
    monkeypatch.setattr(askpass, "helper_invocation", lambda argv, env: "Password:")
    monkeypatch.setattr(askpass, "run_helper", lambda prompt: seen.append((prompt, gc.isenabled())) or 0)
    assert cli.main(["Password:"]) == 0
    assert seen == [("Password:", True)]


def test_sub_commands_run_with_the_collector_on(monkeypatch):
    import aurora_console.cli_tunnel as cli_tunnel

    seen = []
    monkeypatch.setattr(cli_tunnel, "run_tunnel", lambda args: seen.append(gc.isenabled()) or 5)
    assert cli.main(["tunnel", "some-profile"]) == 5
    assert seen == [True]


def test_a_command_line_error_turns_the_collector_back_on():
    with pytest.raises(SystemExit):
        cli.main(["tunnel", "some-profile", "--no-such-option"])
    assert gc.isenabled()
