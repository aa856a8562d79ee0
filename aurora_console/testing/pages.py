"""Page objects: what a smoke test talks to instead of widgets.

``ConsoleRoot`` is what the ``console`` fixture returns. Each screen adds a module
``pages_<feature>.py``; the root exposes it as ``console.fleet``, ``console.metrics(id)``, ...
Mutating calls go through :meth:`ConsoleRoot.guard_change`, which refuses them against a real
AWS profile unless the run was started with ``--aurora-allow-changes``.
"""

from __future__ import annotations

from aurora_console.testing.deprecation import renamed
from aurora_console.testing.pages_backups import BackupsPage
from aurora_console.testing.pages_connections import ConnectionsPage
from aurora_console.testing.pages_content import ContentPage
from aurora_console.testing.pages_fleet import FleetPage
from aurora_console.testing.pages_logs import LogsPage
from aurora_console.testing.pages_metrics import MetricsPage
from aurora_console.testing.pages_migrations import MigrationsPage
from aurora_console.testing.pages_palette import PalettePage
from aurora_console.testing.pages_performance import PerformancePage
from aurora_console.testing.pages_sql import SqlPage
from aurora_console.testing.pages_timeline import TimelinePage


class ChangesNotAllowed(RuntimeError):
    pass


class ConsoleRoot:
    def __init__(self, window, qtbot, *, allow_changes: bool, sandbox: bool) -> None:
        self.window = window
        self.qtbot = qtbot
        self.allow_changes = allow_changes
        self.sandbox = sandbox
        self._fleet: FleetPage | None = None
        self._connections: ConnectionsPage | None = None

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

    def wait(self, timeout_ms: int = 30000) -> None:
        """Wait until no background task runs."""
        self.qtbot.waitUntil(lambda: not self.services.runner.active(), timeout=timeout_ms)

    def wait_idle(self, timeout_ms: int = 30000) -> None:
        """Deprecated name of :meth:`wait`."""
        renamed("ConsoleRoot.wait_idle()", "wait()")
        self.wait(timeout_ms)

    def guard_change(self, what: str) -> None:
        if not self.sandbox and not self.allow_changes:
            raise ChangesNotAllowed(
                f"{what} changes a real AWS resource; run pytest with --aurora-allow-changes to allow it")

    # -- screens (each in its own module, opened through the feature's own entry point) ------------
    @property
    def fleet(self) -> FleetPage:
        """The Fleet tab (opened, or brought to the front); the same page object every time."""
        if self._fleet is None:
            self._fleet = FleetPage(self)
        else:
            self._fleet.show()
        return self._fleet

    def metrics(self, cluster_id: str) -> MetricsPage:
        return MetricsPage(self, cluster_id)

    def backups(self, cluster_id: str) -> BackupsPage:
        return BackupsPage(self, cluster_id)

    @property
    def connections(self) -> ConnectionsPage:
        """Connection profiles and tunnels; the same page object every time."""
        if self._connections is None:
            self._connections = ConnectionsPage(self)
        return self._connections

    def sql(self, profile: str) -> SqlPage:
        return SqlPage(self, profile)

    def migrations(self, profile: str) -> MigrationsPage:
        return MigrationsPage(self, profile)

    def content(self, profile: str) -> ContentPage:
        return ContentPage(self, profile)

    def performance(self, target: str, **kwargs) -> PerformancePage:
        """The Performance screen of a cluster id (through its connection profile) or a profile."""
        return PerformancePage(self, target, **kwargs)

    def logs(self, instance_or_cluster: str, **kwargs) -> LogsPage:
        """The Logs screen of a cluster id (its writer first) or of one of its instances."""
        return LogsPage(self, instance_or_cluster, **kwargs)

    def palette(self) -> PalettePage:
        """The command palette (Ctrl+K), opened over the window."""
        return PalettePage(self).open()

    def timeline(self, cluster_id: str, **kwargs) -> TimelinePage:
        """The Change timeline of a cluster (RDS events, CloudTrail, audit, migrations, pending)."""
        return TimelinePage(self, cluster_id, **kwargs)
