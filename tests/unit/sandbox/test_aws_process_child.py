"""The endpoint's child process, its side of the calls without the process (sandbox/aws_process.py):
the seed at start taken by the console's first reset and seed_clusters, garbage collection
turned on again after it."""

from __future__ import annotations

import gc
import threading

import pytest

from aurora_console.sandbox.aws_process import _Child, _collect_again
from aurora_console.sandbox.seed_gate import SeedGate

pytestmark = pytest.mark.unit


class _Server:
    """What the child calls on LocalAwsServer: the seed, a reset and the gate."""

    def __init__(self, fail: bool = False) -> None:
        self.gate = SeedGate()
        self.calls: list[str] = []
        self.just_started: list[bool] = []
        self.release = threading.Event()
        self.fail = fail

    def seed_clusters(self, password: str, *, just_started: bool = False) -> str:
        self.calls.append("seed")
        self.just_started.append(just_started)
        self.release.wait(30)
        if self.fail:
            raise RuntimeError("the seed failed")
        return f"seed-{len(self.calls)}"

    def reset(self) -> None:
        self.calls.append("reset")


def _child(server: _Server) -> tuple[_Child, list]:
    sent: list = []
    return _Child(server, "Sbx-unit-password-1", sent.append), sent


def test_the_consoles_first_reset_and_seed_take_the_seed_at_start():
    server = _Server()
    child, _ = _child(server)
    after = threading.Event()
    child.seed_at_start(then=after.set)
    assert not server.gate.is_open  # closed before any request could reach moto
    child.op_reset()  # kept: it is what the console is about to ask for
    child.op_gate_close()
    assert not after.is_set()
    server.release.set()
    assert child.op_seed_clusters() == "seed-1" and after.wait(10)
    assert server.calls == ["seed"]
    child.op_reset()  # from now on as before
    assert child.op_seed_clusters() == "seed-3"
    assert server.calls == ["seed", "reset", "seed"]


def test_the_seed_at_starts_failure_goes_to_the_console_and_gc_comes_back_on():
    server = _Server(fail=True)
    child, _ = _child(server)
    after = threading.Event()
    child.seed_at_start(then=after.set)
    server.release.set()
    with pytest.raises(RuntimeError, match="the seed failed"):
        child.op_seed_clusters()
    assert after.wait(10)  # `then` ran though the seed failed


def test_a_request_held_before_the_consoles_gate_close_is_told_at_that_close():
    server = _Server()
    child, sent = _child(server)
    child.seed_at_start(then=lambda: None)
    waiter = threading.Thread(target=server.gate.wait, daemon=True)
    waiter.start()  # a screen's request, held by the seed at start's gate
    deadline = threading.Event()
    while server.gate.held == 0 and not deadline.wait(0.01):
        pass
    assert sent == [("held",)]  # sent while the console had no on_hold yet
    child.op_gate_close()
    assert sent == [("held",), ("held",)]  # so the console's own on_hold hears of it
    child.op_gate_open()
    server.release.set()
    waiter.join(10)
    child.op_gate_close()  # a later close with nothing held says nothing
    assert sent == [("held",), ("held",)]


def test_collection_comes_back_on_with_start_up_frozen():
    was = gc.isenabled()
    gc.disable()
    try:
        _collect_again(tidy_after=None)
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        if not was:
            gc.disable()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_start_ups_garbage_is_collected_later_and_the_living_frozen_again():
    import weakref

    gc.disable()
    try:
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage  # a cycle: only the collector frees it
        kept = _Cycle()
        timer = _collect_again(tidy_after=0.5)
        assert gone() is not None  # frozen with the rest of start-up
        timer.join(30)
        assert gone() is None and kept.me is kept
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_only_the_seed_at_start_skips_the_check_that_the_endpoint_is_empty():
    """At start nobody but the child knows the endpoint's address: nothing can be on it. A seed the
    console asks for later (after its reset) checks, as before."""
    server = _Server()
    server.release.set()
    child, _ = _child(server)
    after = threading.Event()
    child.seed_at_start(then=after.set)
    assert child.op_seed_clusters() == "seed-1" and after.wait(10)
    child.op_reset()
    child.op_seed_clusters()
    assert server.just_started == [True, False]
