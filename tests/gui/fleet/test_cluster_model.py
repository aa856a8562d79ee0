"""One cluster model: the navigator's list and the fleet tree are views of one load (one
ClusterInventory, one FleetTreeModel), on the rig's moto server."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.aws.session import AwsTarget
from tests.gui.fleet.conftest import REGIONS
from tests.integration.fleet.seed import make_cluster

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _count_describes(window) -> list[dict]:
    """Every DescribeDBClusters the console's own clients make (its parameters)."""
    calls: list[dict] = []
    for region in REGIONS:
        client = window.services.aws.client("rds", AwsTarget(None, region))  # the loader's own
        client.meta.events.register("before-call.rds.DescribeDBClusters",
                                     lambda params, **_kw: calls.append(dict(params.get("body", {}))))
    return calls


def _load(window, qtbot) -> None:
    with qtbot.waitSignal(window.load_finished, timeout=30000):
        window.refresh_clusters()


def _nav_ids(window) -> list[str]:
    return sorted(s.ref.cluster_id for s in window.navigator.model.summaries())


def test_both_views_show_one_load(fleet_window, fleet_page, rds, qtbot):
    make_cluster(rds["us-east-1"], "orders", 2)
    make_cluster(rds["eu-west-1"], "eu-app", 1, region="eu-west-1")
    calls = _count_describes(fleet_window)
    _load(fleet_window, qtbot)
    assert _nav_ids(fleet_window) == ["eu-app", "orders"]
    assert len(calls) == len(REGIONS)  # one DescribeDBClusters per region
    loads = fleet_window.load_count
    fleet = fleet_page()  # opening the fleet view shows what is loaded: no second load
    assert fleet.cluster_ids() == ["eu-app", "orders"]
    assert fleet_window.load_count == loads and not fleet.view.loading
    assert fleet.view.model is fleet_window.clusters.loader.model
    assert fleet_window.navigator.model.sourceModel() is fleet.view.model
    assert [c for c in calls if "DBClusterIdentifier" in c] == []  # no cluster described again
    assert len(calls) == len(REGIONS)


def test_a_refresh_from_either_view_updates_both(fleet_window, fleet_page, rds, qtbot):
    make_cluster(rds["us-east-1"], "orders", 1)
    _load(fleet_window, qtbot)
    fleet = fleet_page()
    make_cluster(rds["us-east-1"], "billing", 1, engine="aurora-mysql")
    fleet.refresh()  # the fleet's Refresh: the navigator follows
    assert _nav_ids(fleet_window) == ["billing", "orders"]
    rds["us-east-1"].delete_db_instance(DBInstanceIdentifier="billing-1")
    rds["us-east-1"].delete_db_cluster(DBClusterIdentifier="billing", SkipFinalSnapshot=True)
    _load(fleet_window, qtbot)  # the navigator's refresh: the fleet follows
    assert _nav_ids(fleet_window) == ["orders"]
    assert fleet.cluster_ids() == ["orders"]
    assert fleet.view.load_count == fleet_window.load_count


def test_selecting_a_cluster_describes_it_once(fleet_window, fleet_page, rds, qtbot):
    make_cluster(rds["us-east-1"], "orders", 2)
    make_cluster(rds["us-east-1"], "billing", 1)
    _load(fleet_window, qtbot)
    fleet = fleet_page()
    calls = _count_describes(fleet_window)
    view = fleet.view
    assert view.select_cluster(ClusterRef(None, "us-east-1", "orders"))
    qtbot.waitUntil(lambda: view.cluster_pane.details is not None, timeout=20000)
    assert [c.get("DBClusterIdentifier") for c in calls] == ["orders"]


def test_cluster_actions_are_offered_in_the_fleet_details(fleet_window, fleet_page, rds, qtbot):
    make_cluster(rds["eu-west-1"], "eu-app", 1, region="eu-west-1")
    got: list[ClusterRef] = []
    fleet_window.add_cluster_action("Probe…", got.append)
    _load(fleet_window, qtbot)
    fleet = fleet_page()
    view = fleet.view
    assert view.select_cluster(ClusterRef(None, "eu-west-1", "eu-app"))
    texts = [a.text() for a in view.cluster_pane.more_menu.actions()]
    assert "Probe…" in texts and "Metrics" in texts and "Backups…" in texts
    assert "Show in fleet view" not in texts and "Failover…" not in texts  # the fleet has its own
    assert view.cluster_pane.more_button.isVisibleTo(view.cluster_pane)
    next(a for a in view.cluster_pane.more_menu.actions() if a.text() == "Probe…").trigger()
    assert got == [ClusterRef(None, "eu-west-1", "eu-app", "aurora-postgresql")]
    # the navigator hands the same reference to the same action
    nav = dict(fleet_window.navigator._cluster_actions)
    [summary] = fleet_window.navigator.model.summaries()
    nav["Probe…"](summary.ref)
    assert got[1] == got[0]


def test_cluster_actions_are_in_the_fleet_tree_context_menu(fleet_window, fleet_page, rds, qtbot):
    make_cluster(rds["us-east-1"], "orders", 1)
    got: list[ClusterRef] = []
    fleet_window.add_cluster_action("Probe…", got.append)
    _load(fleet_window, qtbot)
    view = fleet_page().view
    assert view.select_cluster(ClusterRef(None, "us-east-1", "orders"))
    menu = view.actions.menu_for(view.tree.currentIndex())
    probe = next(a for a in menu.actions() if a.text() == "Probe…")
    assert [a.text() for a in menu.actions()].index("Probe…") > [a.text() for a in menu.actions()].index("Failover…")
    probe.trigger()
    assert got == [ClusterRef(None, "us-east-1", "orders", "aurora-postgresql")]
