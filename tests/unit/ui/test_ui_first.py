"""ui_first / step_aside: workers wait (the GIL released) while the UI thread paints, and only then."""

from __future__ import annotations

import threading
import time

import pytest

from aurora_console.ui import ui_first as module
from aurora_console.ui.ui_first import inside, step_aside, ui_first

pytestmark = pytest.mark.unit


def test_a_worker_waits_while_the_ui_thread_is_inside_and_goes_on_when_it_leaves(monkeypatch):
    from tests.unit.ui.ui_first_probe import PauseProbe

    probe = PauseProbe()  # reports the worker in its wait: ordered by events, not by sleeping
    monkeypatch.setattr(module, "_cond", probe)
    me, events = [], []

    def worker():
        me.append(threading.get_ident())
        events.append(("went on", step_aside(max_wait=60)))

    with ui_first():
        assert inside()
        thread = threading.Thread(target=worker)
        thread.start()
        while not me:
            time.sleep(0.001)
        assert probe.wait_until_waiting(me[0])
        assert not events  # still waiting
        events.append("left")
    thread.join(30)
    assert events == ["left", ("went on", True)] and not inside()


def test_outside_a_worker_does_not_wait_and_the_ui_thread_never_waits_for_itself():
    assert step_aside() is False
    with ui_first(), ui_first():  # nested: counted
        assert step_aside(max_wait=10) is False  # the UI thread itself (a small parse run there)
    assert not inside()


def test_a_worker_waits_at_most_max_wait():
    out = []
    with ui_first():
        thread = threading.Thread(target=lambda: out.append((time.perf_counter(), step_aside(max_wait=0.05),
                                                              time.perf_counter())))
        thread.start()
        thread.join(30)  # an upper bound: the UI thread stays inside until the worker has gone on
        assert not thread.is_alive()  # it went on while the UI thread was still inside
    (start, waited, end), = out
    assert waited and end - start >= 0.04


def test_an_error_inside_still_lets_the_workers_go():
    with pytest.raises(RuntimeError), ui_first():
        raise RuntimeError("paint failed")
    assert not inside() and module._inside == 0


def test_the_switch_interval_is_short_while_inside_and_returns_after():
    """A worker with no slices to step aside between yields the GIL sooner while the UI paints."""
    import sys

    before = sys.getswitchinterval()
    with ui_first():
        assert sys.getswitchinterval() == pytest.approx(module.UI_SWITCH_INTERVAL, abs=2e-6)
        with ui_first():  # nested: still short, and not restored by the inner exit
            pass
        assert sys.getswitchinterval() == pytest.approx(module.UI_SWITCH_INTERVAL, abs=2e-6)
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), ui_first():
        raise RuntimeError("paint failed")
    assert sys.getswitchinterval() == before


def test_a_shorter_interval_set_by_the_user_is_kept():
    import sys

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0001)
    try:
        with ui_first():
            assert sys.getswitchinterval() == pytest.approx(0.0001, abs=2e-6)
        assert sys.getswitchinterval() == pytest.approx(0.0001, abs=2e-6)
    finally:
        sys.setswitchinterval(before)


def test_max_wait_is_read_when_a_worker_steps_aside(monkeypatch):
    """A setting (or a test) that changes MAX_WAIT takes effect: step_aside() does not keep the
    value the module had when it was defined."""
    from tests.unit.ui.ui_first_probe import PauseProbe

    probe = PauseProbe()
    monkeypatch.setattr(module, "_cond", probe)
    monkeypatch.setattr(module, "MAX_WAIT", 12.5)
    me: list[int] = []

    def worker():
        me.append(threading.get_ident())
        step_aside()

    thread = threading.Thread(target=worker)
    with ui_first():
        thread.start()
        while not me:
            time.sleep(0.001)
        assert probe.wait_until_waiting(me[0])
    thread.join(30)
    assert not thread.is_alive() and probe.waits == [(me[0], 12.5)]


def test_a_thread_that_has_left_is_not_taken_for_the_ui_thread():
    """Another thread marked inside and gone (a test's stand-in painter) leaves the mark to the
    thread still inside, and to none once all have left: the UI thread never waits for itself."""
    def paint():
        with ui_first():
            pass

    with ui_first():
        other = threading.Thread(target=paint)
        other.start()
        other.join(30)
        assert not other.is_alive() and module._ui_thread == threading.get_ident()
        assert step_aside(max_wait=30) is False  # the UI thread does not wait for itself
    assert module._ui_thread is None
    other = threading.Thread(target=paint)
    other.start()
    other.join(30)
    assert module._ui_thread is None and not inside()
