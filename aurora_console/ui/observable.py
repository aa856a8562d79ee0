"""A value that becomes available, or changes, while the console runs (the AWS session once a
profile is chosen, the sandbox once it is up, a feature's controller once it is installed).

Readers take the current value with ``get()``; whoever needs to act when it changes registers
with ``watch()``. The holder is the one place such a value changes: ``Services`` itself never does.
Used on the UI thread, except ``get()`` of a value made on first use (``make_on_first_get``), which
may also come from a worker thread (the holder makes it once either way).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Observable(Generic[T]):
    def __init__(self, value: T) -> None:
        self._value = value
        self._watchers: list[Callable[[T], None]] = []
        self._factory: Callable[[], T] | None = None
        self._making = threading.RLock()
        self._in_factory = False

    def get(self) -> T:
        """The value; one given to ``make_on_first_get`` is made now if nothing is held yet (if
        making it fails, the error is raised and the next ``get()`` tries again). Another thread
        asking meanwhile waits for it."""
        if self._factory is not None:
            with self._making:
                factory = self._factory
                if factory is not None and not self._in_factory:  # (the factory itself asking: None)
                    if self._value is None:
                        self._in_factory = True
                        try:
                            value = factory()
                        finally:
                            self._in_factory = False
                        self.set(value)  # held before the factory goes: a get() on another thread
                        self._factory = None  # that skips the lock once it is gone sees the value
                    else:
                        self._factory = None  # set meanwhile: that value wins
        return self._value

    def peek(self) -> T:
        """The value held now, without making one (shutting down what was made, if anything)."""
        return self._value

    def make_on_first_get(self, factory: Callable[[], T]) -> None:
        """Hold nothing until the first ``get()``, which holds ``factory()`` (a service start-up does
        not need: the window appears without paying for it). A value set meanwhile wins."""
        self.set(None)  # type: ignore[arg-type]
        self._factory = factory

    def set(self, value: T) -> None:
        """Hold ``value``; watchers hear of it when it is a different object than before."""
        if value is self._value:
            return
        self._value = value
        for watcher in list(self._watchers):
            watcher(value)

    def watch(self, callback: Callable[[T], None]) -> Callable[[], None]:
        """Call ``callback(new_value)`` on every change; returns a function that stops it."""
        self._watchers.append(callback)

        def unwatch() -> None:
            if callback in self._watchers:
                self._watchers.remove(callback)

        return unwatch

    def __repr__(self) -> str:
        return f"Observable({self._value!r})"
