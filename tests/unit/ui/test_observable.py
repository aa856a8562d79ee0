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


def test_a_value_made_on_first_get_is_made_once_and_peek_never_makes_it():
    made: list = []
    holder: Observable[object | None] = Observable(None)
    heard: list = []
    holder.watch(heard.append)
    holder.make_on_first_get(lambda: made.append(object()) or made[-1])
    assert holder.peek() is None and made == []  # nothing made until asked for
    first = holder.get()
    assert made == [first] and holder.get() is first and holder.peek() is first
    assert heard == [first]  # watchers hear of it like any other change


def test_a_value_set_before_the_first_get_wins_over_the_factory():
    holder: Observable[str | None] = Observable(None)
    holder.make_on_first_get(lambda: "made")
    holder.set("given")
    assert holder.get() == "given"


def test_a_failing_factory_raises_and_the_next_get_tries_again():
    attempts: list[int] = []

    def factory() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("not yet")
        return "made"

    holder: Observable[str | None] = Observable(None)
    holder.make_on_first_get(factory)
    with pytest.raises(RuntimeError, match="not yet"):
        holder.get()
    assert holder.peek() is None
    assert holder.get() == "made" and len(attempts) == 2


def test_threads_asking_at_once_get_the_one_value_made():
    import threading
    import time

    calls: list[int] = []

    def slow() -> object:
        calls.append(1)
        time.sleep(0.05)  # a second caller arrives while the first is making it
        return object()

    holder: Observable[object | None] = Observable(None)
    holder.make_on_first_get(slow)
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(holder.get())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and len(got) == 4 and all(g is got[0] for g in got)


def test_a_made_value_is_held_before_the_factory_is_let_go():
    """get() skips its lock once the factory is gone: by then the value must be there, or a get()
    on another thread in between returns None (the audit log's assert failed that way)."""
    seen_when_factory_went: list = []

    class Watched(Observable):
        def __setattr__(self, name, value):
            if name == "_factory" and value is None and "_value" in self.__dict__:
                seen_when_factory_went.append(self.__dict__["_value"])
            super().__setattr__(name, value)

    holder = Watched(None)
    holder.make_on_first_get(lambda: "made")
    assert holder.get() == "made"
    assert seen_when_factory_went and seen_when_factory_went[-1] == "made"
