"""A value that becomes available, or changes, while the console runs (the AWS session once a
profile is chosen, the sandbox once it is up, a feature's controller once it is installed).

Readers take the current value with ``get()``; whoever needs to act when it changes registers
with ``watch()``. The holder is the one place such a value changes: ``Services`` itself never does.
Used on the UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Observable(Generic[T]):
    def __init__(self, value: T) -> None:
        self._value = value
        self._watchers: list[Callable[[T], None]] = []

    def get(self) -> T:
        return self._value

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
