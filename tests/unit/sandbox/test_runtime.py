"""Sandbox's seed stages and the endpoint's gate (sandbox/runtime.py), on a stand-in endpoint: the
gate never stays closed when a stage cannot run or fails (a held request would wait the gate's whole
``max_hold``), and a second stage the gate asked for on its own thread ends with ``stop()``."""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
from dataclasses import dataclass, replace

import pytest

from aurora_console.sandbox import aws_seed
from aurora_console.sandbox.runtime import Sandbox
from aurora_console.sandbox.seed_gate import SeedGate

pytestmark = pytest.mark.unit

#: a held request that comes back within this is released by the stage, not by max_hold (120 s)
RELEASED_S = 10


@dataclass(frozen=True)
class _Seed:
    regions: tuple[str, ...] = ("us-east-1",)
    seconds: float = 0.0
    surroundings_seeded: bool = False


class _Gate(SeedGate):
    def __init__(self, events: list[str]) -> None:
        super().__init__()  # max_hold 120 s, as the endpoint's
        self.events = events

    def close(self, on_hold=None) -> None:
        self.events.append("close")
        super().close(on_hold)


class _Endpoint:
    """Stands for the endpoint (LocalAwsServer, AwsEndpointProcess): its gate is real, its reset and stop recorded."""

    def __init__(self, reset_error: Exception | None = None) -> None:
        self.events: list[str] = []
        self.gate = _Gate(self.events)
        self.endpoint_url = "http://127.0.0.1:1"
        self.reset_error = reset_error

    def start(self) -> None:
        self.events.append("start")

    def reset(self) -> None:
        self.events.append("reset")
        if self.reset_error is not None:
            raise self.reset_error

    def stop(self) -> None:
        self.events.append("stop")
        self.gate.open()

    def seed_clusters(self, db_password: str):  # the stages as LocalAwsServer runs them (the tests replace them)
        return aws_seed.seed_clusters(self.endpoint_url, db_password=db_password)

    def seed_surroundings(self, seed, db_password: str, *, check=None):
        return aws_seed.seed_surroundings(self.endpoint_url, seed, db_password=db_password, check=check)


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(Sandbox, "_begin_postgres", lambda self: None)  # no PostgreSQL here
    monkeypatch.setattr(Sandbox, "_write_state", lambda self: None)
    monkeypatch.setattr(aws_seed, "seed_clusters", lambda endpoint_url, **kwargs: _Seed())
    made = Sandbox(tmp_path / "sbx", live_metrics=False)
    yield made
    made.stop()


def _endpoint(monkeypatch, **kwargs) -> _Endpoint:
    endpoint = _Endpoint(**kwargs)
    monkeypatch.setattr(Sandbox, "_new_endpoint", lambda self: endpoint)
    return endpoint


def _hold(gate: SeedGate) -> threading.Thread:
    """A screen's request held by the gate (as SeedGateWsgi holds it), on its own thread."""
    thread = threading.Thread(target=gate.wait, name="held-request", daemon=True)
    thread.start()
    return thread


def test_the_gate_closes_after_the_reset(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    sandbox.start_aws()
    # closed before it, a request arriving while moto resets would be held for nothing
    assert endpoint.events == ["start", "reset", "close"] and not endpoint.gate.is_open


def test_a_failing_reset_leaves_the_gate_open(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch, reset_error=urllib.error.URLError("connection refused"))
    with pytest.raises(urllib.error.URLError):
        sandbox.start_aws()
    assert endpoint.gate.is_open  # was closed for good: every later request waited 120 s
    started = time.monotonic()
    assert endpoint.gate.wait() and time.monotonic() - started < RELEASED_S


@pytest.mark.expected_errors  # the seed thread logs the failed stage with its traceback
def test_a_failing_second_stage_releases_the_held_requests_at_once(sandbox, monkeypatch, caplog):
    endpoint = _endpoint(monkeypatch)

    def failing(endpoint_url, seed, **kwargs):
        raise RuntimeError("SnapshotQuotaExceeded")

    monkeypatch.setattr(aws_seed, "seed_surroundings", failing)
    sandbox.start_aws()
    held = [_hold(endpoint.gate) for _ in range(3)]  # the first asks for the stage, on a thread of its own
    for thread in held:
        thread.join(RELEASED_S)
    assert not any(t.is_alive() for t in held) and endpoint.gate.is_open  # passed on to the endpoint
    for seeder in [t for t in threading.enumerate() if t.name == "sandbox-seed"]:
        seeder.join(RELEASED_S)  # it logs the failure after opening the gate
    assert any(r.levelno == logging.ERROR and r.exc_info and "SnapshotQuotaExceeded" in str(r.exc_info[1])
               for r in caplog.records)  # the failure is visible in the log
    with pytest.raises(RuntimeError, match="SnapshotQuotaExceeded"):  # and to a caller of the stage
        sandbox.seed_surroundings()
    assert endpoint.gate.is_open


def test_a_stage_with_nothing_to_do_opens_the_gate(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    sandbox.start_aws()
    sandbox.info.seed = replace(sandbox.info.seed, surroundings_seeded=True)  # seeded meanwhile
    held = _hold(endpoint.gate)
    assert sandbox.seed_surroundings() is sandbox.info
    held.join(RELEASED_S)
    assert not held.is_alive() and endpoint.gate.is_open


@pytest.mark.expected_errors  # the stage the held request asked for fails the same way (logged)
def test_a_stage_without_the_first_one_opens_the_gate_and_says_why(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    sandbox.start_aws()
    sandbox.info = None  # as when the first stage never finished
    held = _hold(endpoint.gate)
    with pytest.raises(RuntimeError, match="not started"):
        sandbox.seed_surroundings()
    held.join(RELEASED_S)
    assert not held.is_alive() and endpoint.gate.is_open


def _waits_for_the_stop_then_fails(sandbox: Sandbox):
    def seed(endpoint_url, seed, **kwargs):
        sandbox._stopped.wait(RELEASED_S)
        time.sleep(0.2)  # its request to the stopped endpoint takes a moment to fail
        raise ConnectionError("the endpoint has gone")

    return seed


def _stops_at_its_next_step(sandbox: Sandbox):
    def seed(endpoint_url, seed, *, check, **kwargs):
        for _ in range(RELEASED_S * 100):
            check()  # raises once the sandbox stops
            time.sleep(0.01)
        return replace(seed, surroundings_seeded=True)

    return seed


@pytest.mark.parametrize("stage", [_waits_for_the_stop_then_fails, _stops_at_its_next_step],
                         ids=["its-request-fails", "checks-between-steps"])
def test_stop_ends_the_stage_the_gate_asked_for_and_logs_no_error(sandbox, monkeypatch, caplog, stage):
    endpoint = _endpoint(monkeypatch)
    monkeypatch.setattr(aws_seed, "seed_surroundings", stage(sandbox))
    sandbox.start_aws()
    caplog.set_level(logging.INFO, logger="aurora_console.sandbox.runtime")
    _hold(endpoint.gate)  # asks for the stage, which starts on its own thread
    deadline = time.monotonic() + RELEASED_S
    while not [t for t in threading.enumerate() if t.name == "sandbox-seed"] and time.monotonic() < deadline:
        time.sleep(0.01)
    seeders = [t for t in threading.enumerate() if t.name == "sandbox-seed"]
    assert seeders
    sandbox.stop()
    # ended before stop() returned: its end can no longer land in a later test's log
    assert not any(t.is_alive() for t in seeders)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("stopped while seeding" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)
    assert endpoint.events[-1] == "stop" and endpoint.gate.is_open


def test_no_stage_starts_after_stop(sandbox, monkeypatch):
    _endpoint(monkeypatch)
    ran: list[bool] = []
    monkeypatch.setattr(aws_seed, "seed_surroundings", lambda *args, **kwargs: ran.append(True))
    sandbox.start_aws()
    sandbox.stop()
    sandbox._seed_surroundings_soon()  # a request held just as the sandbox stopped
    time.sleep(0.2)
    assert ran == [] and not [t for t in threading.enumerate() if t.name == "sandbox-seed"]


def _wait_for(predicate, within: float = RELEASED_S) -> bool:
    deadline = time.monotonic() + within
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def test_begin_starts_the_endpoint_and_start_aws_takes_that_start_over(sandbox, monkeypatch):
    """The app begins the sandbox before its window exists: the endpoint starts and is seeded on a
    thread of its own, and the window's start_aws waits for that start (no second endpoint)."""
    endpoint = _endpoint(monkeypatch)
    made: list[_Endpoint] = []
    monkeypatch.setattr(Sandbox, "_new_endpoint", lambda self: made.append(endpoint) or endpoint)
    sandbox.begin()
    sandbox.begin()  # once
    assert _wait_for(lambda: "close" in endpoint.events)  # started and seeded before anyone asked
    info = sandbox.start_aws()
    assert info is sandbox.info and info.seed == _Seed()
    assert made == [endpoint] and endpoint.events == ["start", "reset", "close"]
    assert not [t for t in threading.enumerate() if t.name == "sandbox-start"]
    sandbox.start_aws()  # a later start (a re-seed) runs in line, on the same endpoint
    assert made == [endpoint] and endpoint.events == ["start", "reset", "close", "reset", "close"]


def test_start_aws_after_begin_raises_the_begun_start_s_error(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch, reset_error=urllib.error.URLError("connection refused"))
    sandbox.begin()
    with pytest.raises(urllib.error.URLError, match="connection refused"):
        sandbox.start_aws()
    assert endpoint.gate.is_open and sandbox.info is None


def test_start_aws_after_begin_stays_cancellable(sandbox, monkeypatch):
    """The task that waits for the begun start is cancelled as any other (the sandbox's stop ends the start)."""
    from aurora_console.core.tasks import Cancelled, CancelToken, TaskContext

    endpoint = _endpoint(monkeypatch)
    release = threading.Event()
    monkeypatch.setattr(_Endpoint, "start", lambda self: release.wait(RELEASED_S))
    sandbox.begin()
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        sandbox.start_aws(TaskContext(token=token))
    release.set()
    sandbox.stop()
    assert _wait_for(lambda: not [t for t in threading.enumerate() if t.name == "sandbox-start"])
    assert endpoint.events[-1] == "stop" and endpoint.gate.is_open


def test_a_begun_sandbox_stopped_before_anyone_took_it_leaves_no_endpoint(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    started = threading.Event()
    release = threading.Event()

    def slow_start(self):
        started.set()
        release.wait(RELEASED_S)
        self.events.append("start")

    monkeypatch.setattr(_Endpoint, "start", slow_start)
    sandbox.begin()
    assert started.wait(RELEASED_S)
    stopper = threading.Thread(target=sandbox.stop)
    stopper.start()
    time.sleep(0.1)
    release.set()  # the endpoint comes up after the stop: the start stops it
    stopper.join(RELEASED_S)
    assert _wait_for(lambda: not [t for t in threading.enumerate() if t.name == "sandbox-start"])
    assert endpoint.events == ["start", "stop"] and sandbox.info is None
    with pytest.raises(Exception, match="stopping"):
        sandbox.begin()  # nothing begins after stop


def test_seed_rest_at_once_seeds_the_surroundings_with_no_request_held(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    seeded = threading.Event()

    def surroundings(endpoint_url, seed, **kwargs):
        seeded.set()
        return replace(seed, surroundings_seeded=True)

    monkeypatch.setattr(aws_seed, "seed_surroundings", surroundings)
    sandbox.seed_rest_at_once = True
    sandbox.start_aws()
    assert seeded.wait(RELEASED_S) and _wait_for(lambda: endpoint.gate.is_open)
    assert endpoint.gate.held == 0 and _wait_for(lambda: sandbox.info.seed.surroundings_seeded)


def test_without_seed_rest_at_once_the_surroundings_wait_to_be_asked_for(sandbox, monkeypatch):
    endpoint = _endpoint(monkeypatch)
    ran: list[bool] = []
    monkeypatch.setattr(aws_seed, "seed_surroundings", lambda *args, **kwargs: ran.append(True))
    sandbox.start_aws()
    time.sleep(0.2)
    assert ran == [] and not endpoint.gate.is_open


# -- the endpoint's process started before the sandbox (early_start.spawn_endpoint) --------------------
@pytest.fixture
def ended(monkeypatch):
    """aws_process.discard replaced: the processes it was asked to end."""
    from aurora_console.sandbox import aws_process

    out: list[object] = []
    monkeypatch.setattr(aws_process, "discard", out.append)
    return out


def test_the_endpoint_takes_over_the_process_given_to_the_sandbox(tmp_path, ended):
    given = object()
    sbx = Sandbox(tmp_path / "sbx", endpoint_process=given, aws_in_process=False, cache_dir=tmp_path / "cache")
    endpoint = sbx._new_endpoint()
    assert endpoint._spawned is given and endpoint._cache_dir == tmp_path / "cache"
    assert sbx._new_endpoint()._spawned is None  # once
    sbx.stop()
    assert ended == []  # the endpoint ends it from now on


def test_a_process_the_sandbox_does_not_use_is_ended(tmp_path, ended, monkeypatch):
    in_process, stopped_first, failed = object(), object(), object()
    Sandbox(tmp_path / "a", endpoint_process=in_process, aws_in_process=True)  # its endpoint runs in here
    Sandbox(tmp_path / "b", endpoint_process=stopped_first, aws_in_process=False).stop()  # before its start
    monkeypatch.setattr("aurora_console.sandbox.preflight.missing_modules", lambda: ["moto"])
    with pytest.raises(Exception, match="sandbox"):
        Sandbox(tmp_path / "c", endpoint_process=failed, aws_in_process=False)  # the extra is missing
    assert ended == [in_process, stopped_first, failed]


class _Greeted:
    """Stands for AwsEndpointProcess: records greet/stop."""

    made: list[_Greeted] = []

    def __init__(self, password, *, seed_at_start=False, cache_dir=None, process=None) -> None:
        self.process, self.seed_at_start, self.events = process, seed_at_start, []
        _Greeted.made.append(self)

    def greet(self) -> None:
        self.events.append("greet")

    def stop(self) -> None:
        self.events.append("stop")


def test_the_early_child_is_greeted_at_once_and_its_endpoint_handed_out_once(tmp_path, ended, monkeypatch):
    """begin() sends the early child its password before any thread starts (it seeds as soon as its
    server runs), and the endpoint made for it is the one the start takes over."""
    from aurora_console.sandbox import aws_process

    _Greeted.made = []
    monkeypatch.setattr(aws_process, "AwsEndpointProcess", _Greeted)
    given = object()
    sbx = Sandbox(tmp_path / "sbx", endpoint_process=given, aws_in_process=False)
    sbx._greet_spawned_endpoint()
    (greeted,) = _Greeted.made
    assert greeted.process is given and greeted.seed_at_start and greeted.events == ["greet"]
    assert sbx._new_endpoint() is greeted
    assert sbx._new_endpoint() is not greeted  # handed out once (a later start makes its own)
    unused = Sandbox(tmp_path / "other", endpoint_process=object(), aws_in_process=False)
    unused._greet_spawned_endpoint()
    unused.stop()  # greeted, never taken: stopped with the sandbox
    assert _Greeted.made[-1].events == ["greet", "stop"] and ended == []
