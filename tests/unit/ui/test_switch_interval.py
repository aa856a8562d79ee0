"""ui/switch_interval.py: holds shorten the interpreter's switch interval, counted across the
process; the interval saved by the first hold returns with the last release, and an unbalanced
release changes nothing."""

from __future__ import annotations

import sys

import pytest

from aurora_console.ui import switch_interval

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _default_interval():
    saved = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    while switch_interval.holding():
        switch_interval.release()
    sys.setswitchinterval(saved)


def test_a_hold_shortens_the_interval_and_its_release_restores_it():
    switch_interval.hold()
    assert sys.getswitchinterval() == switch_interval.HELD and switch_interval.holding()
    assert switch_interval.release()
    assert sys.getswitchinterval() == 0.005 and not switch_interval.holding()


def test_overlapping_holds_restore_with_the_last_release_only():
    switch_interval.hold()
    switch_interval.hold()
    assert not switch_interval.release()
    assert sys.getswitchinterval() == switch_interval.HELD
    assert switch_interval.release()
    assert sys.getswitchinterval() == 0.005


def test_an_unbalanced_release_changes_nothing():
    assert not switch_interval.release()
    assert sys.getswitchinterval() == 0.005


def test_a_shorter_interval_set_before_the_hold_is_kept():
    sys.setswitchinterval(0.0005)
    switch_interval.hold()
    assert sys.getswitchinterval() == 0.0005
    switch_interval.release()
    assert sys.getswitchinterval() == 0.0005


class _Signal:
    def __init__(self) -> None:
        self.slots = []

    def connect(self, slot) -> None:
        self.slots.append(slot)

    def emit(self, *args) -> None:
        for slot in self.slots:
            slot(*args)


class _Handle:
    """What ``TaskRunner.submit`` returns, as far as release_when_ended reads it."""

    def __init__(self, done: bool = False) -> None:
        self.done = done
        self.signals = type("Signals", (), {})()
        self.signals.finished, self.signals.failed, self.signals.cancelled = _Signal(), _Signal(), _Signal()


@pytest.mark.parametrize("end", ["finished", "failed", "cancelled"])
def test_a_hold_is_released_once_when_its_task_ends_whichever_way(end):
    handle = _Handle()
    switch_interval.hold()
    switch_interval.release_when_ended(handle)
    assert switch_interval.holding()
    getattr(handle.signals, end).emit(object())
    assert not switch_interval.holding() and sys.getswitchinterval() == 0.005
    switch_interval.hold()  # another screen's hold is not released by a second signal
    handle.signals.finished.emit(None)
    assert switch_interval.holding()


def test_a_hold_for_a_task_that_never_ran_is_released_at_once():
    switch_interval.hold()
    switch_interval.release_when_ended(_Handle(done=True))
    assert not switch_interval.holding() and sys.getswitchinterval() == 0.005
