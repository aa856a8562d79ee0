"""A main window on the rig's moto server with a blog (PostgreSQL) and a shop (MySQL, backtrack
on) cluster, and the backup page object on it (without the full sandbox)."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials
from tests.integration.backups.conftest import make_cluster


class Root:
    """The page objects' root without the sandbox (same contract as ConsoleRoot)."""

    allow_changes, sandbox = False, True

    def __init__(self, window, qtbot) -> None:
        self.window, self.qtbot = window, qtbot

    @property
    def services(self):
        return self.window.services

    def cluster_ids(self) -> list[str]:
        return [s.ref.cluster_id for s in self.window.navigator.model.summaries()]

    def guard_change(self, what: str) -> None:
        pass


@pytest.fixture
def fleet_window(qtbot, moto_endpoint):
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), QApplication.instance())
    services.aws_session.set(AwsSessionFactory(
        endpoint_url=moto_endpoint, credentials=StaticCredentials("testing", "testing"),
        config_overrides={"retries": {"mode": "standard", "max_attempts": 1}}))
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.navigator.set_profiles(["sandbox"], "sandbox")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    window.show()
    yield window
    window.close()
    shutdown_services(services)


@pytest.fixture
def clusters(fleet_window, qtbot):
    """The us-east-1 RDS client (to look behind the console), after seeding the clusters."""
    east = fleet_window.services.aws.client("rds", AwsTarget(None, "us-east-1"))
    make_cluster(east, "blog", StorageEncrypted=True, instances=2)
    make_cluster(east, "shop", engine="aurora-mysql", BacktrackWindow=86400)
    east.create_db_cluster_snapshot(DBClusterIdentifier="blog", DBClusterSnapshotIdentifier="blog-before-upgrade")
    east.create_db_cluster_snapshot(DBClusterIdentifier="shop", DBClusterSnapshotIdentifier="shop-nightly")
    with qtbot.waitSignal(fleet_window.load_finished, timeout=30000):
        fleet_window.refresh_clusters()
    return east


@pytest.fixture
def backups(fleet_window, clusters, qtbot):
    """``backups("blog")`` -> a BackupsPage on the moto window (actions poll fast)."""
    from aurora_console.testing.pages_backups import BackupsPage

    def make(cluster_id: str) -> BackupsPage:
        page = BackupsPage(Root(fleet_window, qtbot), cluster_id)
        page.panel.tasks.poll_interval = 0.05
        return page

    return make
