"""A widget's lifeline to its background work: it outlives the widget, so a task's late
callbacks can check it (``guard``) and are dropped once the widget is gone; ``end`` also
cancels the task still running."""

from __future__ import annotations


class TaskLife:
    def __init__(self) -> None:
        self.alive = True
        self.handle = None  # the runner's handle of the task in flight, if any

    def cancel(self) -> None:
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()

    def end(self, *_args) -> None:
        self.alive = False
        self.cancel()

    def guard(self, fn):
        """``fn`` wrapped to do nothing once the widget is gone."""
        def call(*args):
            if self.alive:
                fn(*args)
        return call
