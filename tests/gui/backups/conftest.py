# ruff: noqa: F811 - pytest fixtures imported from the fleet GUI conftest are used as parameters
"""A main window on the rig's moto server (the fleet GUI tests' window) with a blog (PostgreSQL)
and a shop (MySQL, backtrack on) cluster, and the backup page object on it."""

from __future__ import annotations

import pytest

from tests.gui.fleet.conftest import REGIONS, FakeRoot, fleet_window, rds  # noqa: F401 - fixtures
from tests.integration.backups.conftest import make_cluster
from tests.integration.fleet.conftest import _quiet_moto_unimplemented  # noqa: F401 - autouse fixture


class Root(FakeRoot):
    def cluster_ids(self) -> list[str]:
        return [s.ref.cluster_id for s in self.window.navigator.model.summaries()]


@pytest.fixture
def clusters(fleet_window, rds, qtbot):
    east = rds["us-east-1"]
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
