"""The sandbox begun before the window exists (sandbox/early_start.py): taken over once by the
window for its own folder, stopped when nobody took it, and nothing kept when it cannot begin."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_console.sandbox import early_start, runtime

pytestmark = pytest.mark.unit


class _Sandbox:
    """Stands for runtime.Sandbox: records what the early start asks of it."""

    made: list[_Sandbox] = []
    fail_on: str | None = None

    def __init__(self, state_dir: Path, *, reset: bool = False, cache_dir: Path | None = None,
                 endpoint_process: object = None) -> None:
        if _Sandbox.fail_on == "init":
            raise RuntimeError("the sandbox extra is missing")
        self.state_dir, self.reset, self.cache_dir = state_dir, reset, cache_dir
        self.endpoint_process = endpoint_process
        self.events: list[str] = []
        self.seed_rest_at_once = False
        _Sandbox.made.append(self)

    def mark_phase(self, name: str) -> None:
        self.events.append(f"phase {name}")

    def begin(self) -> None:
        if _Sandbox.fail_on == "begin":
            raise OSError("no such program")
        self.events.append("begin")

    def stop(self) -> None:
        self.events.append("stop")


@pytest.fixture(autouse=True)
def stand_in(monkeypatch):
    _Sandbox.made, _Sandbox.fail_on = [], None
    monkeypatch.setattr(runtime, "Sandbox", _Sandbox)
    monkeypatch.setattr(early_start, "_early", None)
    monkeypatch.setattr(early_start, "_spawned", None)
    yield
    early_start.discard()


class _Child:
    """Stands for the endpoint's process aws_process.spawn starts (and discard ends)."""

    def __init__(self, cache_dir) -> None:
        self.cache_dir, self.ended = cache_dir, False


@pytest.fixture
def spawns(monkeypatch):
    """aws_process.spawn and discard replaced: the children spawn_endpoint starts, in order."""
    import signal

    from aurora_console.sandbox import aws_process

    started: list[_Child] = []
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)  # (the test run's Ctrl+C stays)
    monkeypatch.delenv("AURORA_SANDBOX_AWS_IN_PROCESS", raising=False)
    monkeypatch.setattr(aws_process, "spawn", lambda cache_dir: started.append(_Child(cache_dir)) or started[-1])
    monkeypatch.setattr(aws_process, "discard", lambda child: setattr(child, "ended", True))
    return started


def _paths(tmp_path, monkeypatch):
    monkeypatch.setenv("AURORA_CONSOLE_HOME", str(tmp_path / "home"))
    from aurora_console.core.paths import app_paths

    return app_paths()


def test_the_window_takes_over_the_sandbox_begun_for_its_folder_once(tmp_path):
    begun = early_start.launch(tmp_path / "sbx", reset=True, cache_dir=tmp_path / "cache")
    assert begun is not None and begun.events == ["phase sandbox made", "begin"]
    assert begun.reset and begun.cache_dir == tmp_path / "cache" and begun.seed_rest_at_once
    assert early_start.adopt(tmp_path / "other") is None  # another folder: not this one
    assert early_start.adopt(tmp_path / "sbx") is begun
    assert early_start.adopt(tmp_path / "sbx") is None  # handed over once
    assert early_start.discard() is False and "stop" not in begun.events  # the window stops it now


def test_a_sandbox_nobody_took_over_is_stopped_at_the_end(tmp_path):
    begun = early_start.launch(tmp_path / "sbx")
    assert early_start.discard() is True
    assert begun.events[-1] == "stop"
    assert early_start.adopt(tmp_path / "sbx") is None and early_start.discard() is False


@pytest.mark.parametrize("fail_on", ["init", "begin"])
def test_a_sandbox_that_cannot_begin_leaves_nothing_for_the_window(tmp_path, fail_on):
    _Sandbox.fail_on = fail_on
    assert early_start.launch(tmp_path / "sbx") is None
    assert all(s.events[-1] == "stop" for s in _Sandbox.made)  # made, then failed to begin: stopped
    assert early_start.adopt(tmp_path / "sbx") is None  # the window starts its own (and says why)


def test_a_second_launch_stops_the_first(tmp_path):
    first = early_start.launch(tmp_path / "one")
    second = early_start.launch(tmp_path / "two")
    assert first.events[-1] == "stop" and "stop" not in second.events
    assert early_start.adopt(tmp_path / "two") is second


def test_ctrl_c_before_the_window_stops_the_sandbox_and_ends_the_process(tmp_path, monkeypatch):
    """No KeyboardInterrupt in the middle of an import (which can leave the import lock held and
    every sandbox thread waiting on it): the handler returns, a thread stops the sandbox and exits."""
    import signal
    import threading

    exits: list[int] = []
    done = threading.Event()
    monkeypatch.setattr(early_start.os, "_exit", lambda code: (exits.append(code), done.set()))
    begun = early_start.launch(tmp_path / "sbx")
    assert early_start._quit_early(signal.SIGINT, None) is None  # raises nothing where it lands
    assert done.wait(10)
    assert begun.events[-1] == "stop" and exits == [130]


def test_launch_for_options_uses_the_console_s_folders(tmp_path, monkeypatch):
    import signal
    from argparse import Namespace

    monkeypatch.setenv("AURORA_CONSOLE_HOME", str(tmp_path / "home"))
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.append((signum, handler)))
    handlers: list = []
    from aurora_console.core.paths import app_paths

    paths = app_paths()
    begun = early_start.launch_for_options(Namespace(sandbox=True, sandbox_dir=None, sandbox_reset=False), paths)
    assert begun is not None and begun.state_dir == paths.sandbox_state_dir(None) and not begun.reset
    assert begun.cache_dir == paths.cache_dir
    given = early_start.launch_for_options(Namespace(sandbox=True, sandbox_dir=str(tmp_path / "mine"),
                                                     sandbox_reset=True), paths)
    assert given.state_dir == tmp_path / "mine" and given.reset
    assert handlers and all(h == (signal.SIGINT, early_start._quit_early) for h in handlers)
    assert signal.getsignal(signal.SIGINT) is previous  # (the test's own handler stays)


def test_the_endpoints_process_spawned_first_goes_to_the_sandbox_launch_makes(tmp_path, monkeypatch, spawns):
    from argparse import Namespace

    paths = _paths(tmp_path, monkeypatch)
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)
    assert [c.cache_dir for c in spawns] == [paths.cache_dir]  # with the console's cache folder
    begun = early_start.launch(tmp_path / "sbx", cache_dir=paths.cache_dir)
    assert begun.endpoint_process is spawns[0] and not spawns[0].ended  # the sandbox ends it from now on
    assert early_start.launch(tmp_path / "other").endpoint_process is None  # handed over once
    early_start.discard()
    assert not spawns[0].ended


def test_a_spawned_endpoint_process_no_sandbox_takes_is_ended(tmp_path, monkeypatch, spawns):
    from argparse import Namespace

    paths = _paths(tmp_path, monkeypatch)
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)
    _Sandbox.fail_on = "init"  # no sandbox made: launch ends the process
    assert early_start.launch(tmp_path / "sbx") is None and spawns[0].ended
    _Sandbox.fail_on = None
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)  # twice: the first is nobody's
    assert spawns[1].ended and not spawns[2].ended
    assert early_start.discard() is False and spawns[2].ended  # the app ended before its sandbox existed


def test_no_endpoint_process_is_spawned_without_a_child_endpoint(tmp_path, monkeypatch, spawns):
    from argparse import Namespace

    paths = _paths(tmp_path, monkeypatch)
    early_start.spawn_endpoint(Namespace(sandbox=False), paths)
    monkeypatch.setenv("AURORA_SANDBOX_AWS_IN_PROCESS", "1")  # the endpoint in the console's own process
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)
    monkeypatch.delenv("AURORA_SANDBOX_AWS_IN_PROCESS")
    monkeypatch.setattr("aurora_console.sandbox.preflight.missing_modules", lambda: ["moto"])
    early_start.spawn_endpoint(Namespace(sandbox=True), paths)  # the sandbox says what to install
    assert spawns == []
