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
