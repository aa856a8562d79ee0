"""Observers of a Qt-free screen controller: its widget connects callbacks, the controller calls
them (as napari's models emit events its ``_qt`` views listen to). No Qt here, so a controller and
its tests run without a QApplication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Observers:
    """The callbacks interested in one kind of change. ``connect(fn)``; ``emit(*args)`` calls
    each in connection order; ``disconnect(fn)`` removes one."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self._callbacks.append(fn)
        return fn

    def disconnect(self, fn: Callable[..., Any]) -> None:
        self._callbacks.remove(fn)

    def emit(self, *args: Any) -> None:
        for fn in list(self._callbacks):
            fn(*args)

    def __len__(self) -> int:
        return len(self._callbacks)
