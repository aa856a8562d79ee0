"""The holder of a value that becomes available while the console runs (ui/observable.py)."""

from __future__ import annotations

import pytest

from aurora_console.ui.observable import Observable

pytestmark = pytest.mark.unit


def test_get_returns_what_was_set_and_watchers_hear_each_change():
    holder: Observable[str | None] = Observable(None)
    heard: list = []
    holder.watch(heard.append)
    assert holder.get() is None
    holder.set("a")
    holder.set("b")
    assert holder.get() == "b"
    assert heard == ["a", "b"]


def test_setting_the_same_object_again_is_not_a_change():
    value = object()
    holder = Observable(value)
    heard: list = []
    holder.watch(heard.append)
    holder.set(value)
    assert heard == []


def test_unwatch_stops_the_calls_and_may_be_called_twice():
    holder = Observable(0)
    heard: list = []
    unwatch = holder.watch(heard.append)
    holder.set(1)
    unwatch()
    unwatch()
    holder.set(2)
    assert heard == [1]


def test_a_watcher_that_unwatches_itself_does_not_skip_the_next_one():
    holder = Observable(0)
    heard: list = []
    unwatch_first = None

    def first(value):
        heard.append(("first", value))
        unwatch_first()

    unwatch_first = holder.watch(first)
    holder.watch(lambda v: heard.append(("second", v)))
    holder.set(1)
    holder.set(2)
    assert heard == [("first", 1), ("second", 1), ("second", 2)]
