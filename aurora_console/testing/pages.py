"""Page objects: what a smoke test talks to instead of widgets.

``ConsoleRoot`` is what the ``console`` fixture returns. Each screen adds a module
``pages_<feature>.py``; the root exposes it as ``console.fleet``, ``console.metrics(id)``, ...
Mutating calls go through :meth:`ConsoleRoot.guard_change`, which refuses them against a real
AWS profile unless the run was started with ``--aurora-allow-changes``.
"""

from __future__ import annotations

import importlib
from typing import Any


class ChangesNotAllowed(RuntimeError):
    pass


class ConsoleRoot:
    def __init__(self, window, qtbot, *, allow_changes: bool, sandbox: bool) -> None:
        self.window = window
        self.qtbot = qtbot
        self.allow_changes = allow_changes
        self.sandbox = sandbox

    # -- shell -------------------------------------------------------------------------------
    @property
    def services(self):
        return self.window.services

    def cluster_ids(self) -> list[str]:
        """Cluster ids listed in the navigator (all selected regions)."""
        return [s.ref.cluster_id for s in self.window.navigator.model.summaries()]

    def navigator_clusters(self) -> list[dict[str, str]]:
        return [{"id": s.ref.cluster_id, "engine": s.ref.engine, "status": s.status, "region": s.ref.region}
                for s in self.window.navigator.model.summaries()]

    def refresh_navigator(self, timeout_ms: int = 30000) -> None:
        with self.qtbot.waitSignal(self.window.load_finished, timeout=timeout_ms):
            self.window.refresh_clusters()

    def notifications(self) -> list[str]:
        return [f"{n.level}: {n.title}: {n.text}" for n in self.services.notifier.history]

    def wait_idle(self, timeout_ms: int = 30000) -> None:
        """Wait until no background task runs."""
        self.qtbot.waitUntil(lambda: not self.services.runner.active(), timeout=timeout_ms)

    def guard_change(self, what: str) -> None:
        if not self.sandbox and not self.allow_changes:
            raise ChangesNotAllowed(
                f"{what} changes a real AWS resource; run pytest with --aurora-allow-changes to allow it")

    # -- screens (each in its own module) ----------------------------------------------------
    def _page(self, module: str, cls: str, *args: Any):
        mod = importlib.import_module(f"aurora_console.testing.pages_{module}")
        return getattr(mod, cls)(self, *args)

    @property
    def fleet(self):
        return self._page("fleet", "FleetPage")

    def metrics(self, cluster_id: str):
        return self._page("metrics", "MetricsPage", cluster_id)

    def backups(self, cluster_id: str):
        return self._page("backups", "BackupsPage", cluster_id)

    @property
    def connections(self):
        return self._page("connections", "ConnectionsPage")

    def sql(self, profile: str):
        return self._page("sql", "SqlPage", profile)

    def migrations(self, profile: str):
        return self._page("migrations", "MigrationsPage", profile)

    def content(self, profile: str):
        return self._page("content", "ContentPage", profile)
