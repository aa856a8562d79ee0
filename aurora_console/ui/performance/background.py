"""Top SQL snapshots in the background, while the console runs, for the connection profiles whose
setting is on (``Settings.top_sql_background_profiles``; the Top SQL tab's "Also record in the
background" box), so a window can be explained later even when no Performance screen was open.
Qt-free: the feature's timer calls :meth:`BackgroundRecording.tick`.

Each profile is recorded on its writer instance, under the same instance key the screen uses
(``<cluster or profile>/<instance id>``), so the screen's and the background's snapshots form one
history. The schedule is core's :class:`~aurora_console.core.performance.top_sql.BackgroundSnapshots`
(every 60 s; after a failure it waits longer, up to 15 min). Nothing is asked of the user in the
background: a profile that needs a typed password or passphrase is skipped, and the reason is
kept in :attr:`BackgroundRecording.errors` (the Top SQL tab shows it). Each profile has its own
queue and one connection, reused from one snapshot to the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aurora_console.core.errors import user_text
from aurora_console.ui.observers import Observers

from .instance_link import InstanceLink


class BackgroundRecording:
    """``settings()`` -> the console's ``Settings`` (``top_sql_background_profiles``);
    ``save_settings()`` (worker) writes them; ``open_writer(profile)`` (worker) -> ``(instance_key,
    source)`` for the profile's writer; ``open_store()`` (worker) -> the ``SnapshotStore``;
    ``take_snapshot(conn, store, key)`` (core's by default)."""

    def __init__(self, runner, *, settings: Callable[[], Any], save_settings: Callable[[], None],
                 open_writer: Callable[[str], tuple[str, Any]], open_store: Callable[[], Any], schedule=None,
                 take_snapshot: Callable | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        from aurora_console.core.performance.top_sql import BackgroundSnapshots

        self.runner = runner
        self.settings = settings
        self.save_settings = save_settings
        self.open_writer = open_writer
        self.open_store = open_store
        self.clock = clock
        self.schedule = schedule or BackgroundSnapshots(clock=clock)
        self._take = take_snapshot
        self.links: dict[str, tuple[str, InstanceLink]] = {}  # profile -> (instance key, link)
        self.errors: dict[str, str] = {}  # profile -> why its last background snapshot failed
        self.taken: dict[str, Any] = {}  # profile -> its last SnapshotResult
        self.store = None
        self.closed = False
        self.changed = Observers()

    # -- the setting -----------------------------------------------------------------------------
    def profiles(self) -> list[str]:
        return list(getattr(self.settings(), "top_sql_background_profiles", None) or [])

    def enabled(self, profile: str) -> bool:
        return profile in self.profiles()

    def set_enabled(self, profile: str, on: bool) -> None:
        """Turn ``profile``'s background snapshots on or off; the settings are saved off the UI thread."""
        from aurora_console.core.performance.top_sql import set_background_enabled

        if self.enabled(profile) == bool(on):
            return
        set_background_enabled(self.settings(), profile, bool(on))
        self.runner.submit(lambda ctx: self.save_settings(), name="Save the settings")
        self.sync()
        self.changed.emit()

    def sync(self) -> None:
        """Watch exactly the profiles whose setting is on (call after the setting changes)."""
        wanted = set(self.profiles())
        watched = {k for k, why in self.schedule.watched().items() if "background" in why}
        for profile in watched - wanted:
            self.schedule.unwatch(profile, "background")
            self._drop(profile)
            self.errors.pop(profile, None)
        for profile in wanted - watched:
            self.schedule.watch(profile, "background")

    def tick(self) -> None:
        """Take the snapshots that are due, each as a task on its profile's queue."""
        if self.closed:
            return
        self.sync()
        for profile in self.schedule.due(self.clock()):
            self._snapshot(profile)

    def _snapshot(self, profile: str) -> None:
        take = self._take
        if take is None:
            from aurora_console.core.performance.engines import take_snapshot as take

        def work(ctx):
            if profile not in self.links:
                key, source = self.open_writer(profile)
                self.links[profile] = (key, InstanceLink(source))
            key, link = self.links[profile]
            if self.store is None:
                self.store = self.open_store()
            store = self.store
            return link.run(lambda conn: take(conn, store, key))

        def done(result) -> None:
            self.schedule.done(profile, self.clock(), ok=True)
            self.taken[profile] = result
            self.errors.pop(profile, None)
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.schedule.done(profile, self.clock(), ok=False)
            self.errors[profile] = user_text(exc)
            self.changed.emit()

        self.runner.submit(work, name=f"Top SQL snapshot of {profile} (background)",
                           queue=f"performance-background:{profile}", on_done=done, on_error=failed)

    def _drop(self, profile: str) -> None:
        entry = self.links.pop(profile, None)
        if entry is not None:
            link = entry[1]
            self.runner.submit(lambda ctx: link.close(), name=f"Close the background recording of {profile}",
                               queue=f"performance-background:{profile}")

    def close(self) -> None:
        """The window is gone (the runner has stopped): close every connection, what was opened
        for it, and the store, here."""
        if self.closed:
            return
        self.closed = True
        for profile in list(self.links):
            entry = self.links.pop(profile)
            entry[1].close()
        if self.store is not None:
            self.store.close()
            self.store = None
