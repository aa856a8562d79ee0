"""The fleet view on a moto server: tree, in-place refresh, filter, details, actions, audit viewer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QGuiApplication

from aurora_console.core.audit import read_audit
from tests.integration.fleet.seed import make_cluster

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _seed(rds):
    make_cluster(rds["us-east-1"], "orders", 3, tags={"env": "prod"})
    make_cluster(rds["us-east-1"], "billing", 2, engine="aurora-mysql", tags={"env": "dev"})
    make_cluster(rds["eu-west-1"], "eu-app", 2, region="eu-west-1")


def test_tree_shows_topology_and_page_object(fleet_page, rds):
    _seed(rds)
    fleet = fleet_page()
    assert fleet.cluster_ids() == ["billing", "eu-app", "orders"]
    orders = fleet.cluster("orders")
    assert orders.engine() == "aurora-postgresql" and orders.status() == "available"
    assert orders.writer() == "orders-1" and orders.readers() == ["orders-2", "orders-3"]
    assert set(orders.endpoints()) == {"writer", "reader"}
    view = fleet.view
    idx = view.model.index_of_key("sandbox/us-east-1|i|orders-2")
    row = [view.model.index(idx.row(), c, idx.parent()).data() for c in range(7)]
    assert row[0] == "orders-2" and row[3] == "reader" and row[4] == "2" and row[5] == "db.r6g.large"
    assert row[6] == "us-east-1b" and row[2] == "available"
    with pytest.raises(LookupError):
        fleet.cluster("nope")


def test_refresh_updates_in_place_keeping_selection_and_expansion(fleet_page, rds, qtbot):
    _seed(rds)
    fleet = fleet_page()
    view = fleet.view
    assert view.select_key("sandbox/us-east-1|i|orders-3")
    cluster_idx = view.proxy.mapFromSource(view.model.index_of_key("sandbox/us-east-1|c|orders"))
    view.tree.expand(cluster_idx)
    resets, inserted, removed = [], [], []
    view.model.modelAboutToBeReset.connect(lambda: resets.append(1))
    view.model.rowsInserted.connect(lambda parent, a, b: inserted.append(parent.data()))
    view.model.rowsRemoved.connect(lambda parent, a, b: removed.append(parent.data()))
    # AWS changes behind the console: a failover, a new reader, a deleted cluster
    rds["us-east-1"].failover_db_cluster(DBClusterIdentifier="orders", TargetDBInstanceIdentifier="orders-3")
    rds["us-east-1"].create_db_instance(DBInstanceIdentifier="orders-4", DBClusterIdentifier="orders",
                                        Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    rds["eu-west-1"].delete_db_instance(DBInstanceIdentifier="eu-app-2")
    fleet.refresh()
    assert resets == []
    assert "orders" in inserted and "eu-app" in removed
    assert fleet.cluster("orders").writer() == "orders-3"
    assert view.tree.currentIndex().data() == "orders-3"  # the selection survived
    assert view.tree.isExpanded(view.proxy.mapFromSource(view.model.index_of_key("sandbox/us-east-1|c|orders")))
    role_idx = view.model.index_of_key("sandbox/us-east-1|i|orders-3", 3)
    assert role_idx.data() == "writer"
    assert view.instance_pane.title.text().replace("\u2011", "-").startswith("orders-3  ·  writer")


def test_failing_region_shows_its_error_and_others_load(fleet_window, fleet_page, rds, moto_endpoint):
    from aurora_console.core.aws.session import AwsTarget
    from tests.integration.fleet.fault_server import FaultServer

    _seed(rds)
    with FaultServer(moto_endpoint) as denied:
        denied.faults["DescribeDBClusters"] = "deny"
        real = fleet_window.current_targets
        fleet_window.current_targets = lambda: [AwsTarget(None, "us-east-1"),
                                                AwsTarget(None, "eu-west-1", endpoint_url=denied.url)]
        try:
            fleet = fleet_page()
        finally:
            fleet_window.current_targets = real
    assert fleet.cluster_ids() == ["billing", "orders"]
    errors = fleet.region_errors()
    assert list(errors) == ["sandbox/eu-west-1"] and "access denied" in errors["sandbox/eu-west-1"].lower()
    idx = fleet.view.model.index_of_key("sandbox/eu-west-1", 2)
    assert "access denied" in idx.data().lower()
    assert "failed" in fleet.view.status.text()


def test_filter_by_engine_tag_status(fleet_page, rds):
    _seed(rds)
    fleet = fleet_page()
    fleet.set_filter("engine:mysql")
    assert fleet.visible_cluster_ids() == ["billing"]
    fleet.set_filter("tag:env=prod")
    assert fleet.visible_cluster_ids() == ["orders"]
    fleet.set_filter("eu-app")
    assert fleet.visible_cluster_ids() == ["eu-app"]
    fleet.set_filter("status:stopped")
    assert fleet.visible_cluster_ids() == []
    fleet.set_filter("")
    assert fleet.visible_cluster_ids() == ["billing", "eu-app", "orders"]


def test_cluster_details_pane_and_copy(fleet_page, rds, qtbot):
    _seed(rds)
    fleet = fleet_page()
    fleet.cluster("orders").select()
    pane = fleet.view.cluster_pane
    qtbot.waitUntil(lambda: pane.details is not None, timeout=20000)
    assert pane.title.text().startswith("orders")
    writer_edit = pane.endpoint_edits["writer"]
    assert writer_edit.text().startswith("orders.cluster-")
    assert set(pane.actions.buttons) == {"failover", "add-reader", "stop", "start"}
    assert pane.actions.buttons["failover"].isEnabled()
    from PySide6.QtWidgets import QToolButton

    button = pane.findChild(QToolButton, "fleetEndpoint_writerCopy")
    button.click()
    assert QGuiApplication.clipboard().text() == writer_edit.text()
    assert "Events" in pane.sections.toPlainText()


def test_failover_through_dialog_and_audit_viewer(fleet_page, fleet_window, rds, qtbot):
    _seed(rds)
    fleet = fleet_page()
    fleet.view.actions.poll_interval = 0.05
    new_writer = fleet.cluster("orders").failover("orders-2")
    assert new_writer == "orders-2"
    [entry] = read_audit(fleet_window.services.paths.audit_file)
    assert entry.action == "failover" and entry.outcome == "ok"
    assert entry.params["TargetDBInstanceIdentifier"] == "orders-2"
    fleet.view.actions.open_audit_log()
    audit_view = fleet_window.find_tab("audit-log")
    qtbot.waitUntil(lambda: audit_view.load_count > 0, timeout=10000)
    assert audit_view.model.rowCount() == 1
    assert audit_view.model.index(0, 4).data() == "failover"


def test_read_only_profile_disables_actions(fleet_page, fleet_window, rds):
    _seed(rds)
    fleet_window.services.settings.settings.read_only_profiles = ["sandbox"]
    fleet = fleet_page()
    fleet.cluster("orders").select()
    pane = fleet.view.cluster_pane
    assert all(not b.isEnabled() for b in pane.actions.buttons.values())
    dialog = fleet.view.actions.request("failover", fleet.view.model.find_cluster("orders")[1])
    assert not dialog.ok.isEnabled() and "read-only" in dialog.error.text()
    dialog.accept()  # even forced, core refuses
    assert dialog.prepared is None and "read-only" in dialog.error.text()
    dialog.reject()


def test_delete_reader_needs_the_typed_id(fleet_page, rds, qtbot):
    _seed(rds)
    fleet = fleet_page()
    fleet.view.actions.poll_interval = 0.05
    view = fleet.view
    cluster = view.model.find_cluster("orders")[1]
    dialog = view.actions.request("delete-reader", cluster, cluster.instance("orders-3"))
    assert not dialog.ok.isEnabled()
    dialog.confirm.setText("orders-2")
    assert not dialog.ok.isEnabled()
    dialog.confirm.setText("orders-3")
    assert dialog.ok.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: view.actions.completed == 1, timeout=20000)
    qtbot.waitUntil(lambda: fleet.cluster("orders").readers() == ["orders-2"], timeout=20000)


def test_bad_input_in_dialog_is_refused_inline(fleet_page, rds):
    _seed(rds)
    fleet = fleet_page()
    cluster = fleet.view.model.find_cluster("orders")[1]
    dialog = fleet.view.actions.request("add-reader", cluster)
    dialog.ident.setText("orders-2")  # taken
    dialog.accept()
    assert dialog.prepared is None and "already exists" in dialog.error.text()
    dialog.ident.setText("new-reader")
    dialog.az.setEditText("eu-west-1a")
    dialog.accept()
    assert dialog.prepared is None and "not a zone of us-east-1" in dialog.error.text()
    dialog.reject()
    assert fleet.view.actions.running == {}


def test_reboot_dialog_names_the_instance_and_needs_one(fleet_page, rds):
    _seed(rds)
    fleet = fleet_page()
    cluster = fleet.view.model.find_cluster("orders")[1]
    assert fleet.view.actions.request("reboot", cluster) is None  # was a "Start cluster?" box with a Reboot button
    dialog = fleet.view.actions.request("reboot", cluster, cluster.instance("orders-2"))
    assert "orders-2" in dialog.message.text() and dialog.ok.text() == "Reboot"
    dialog.reject()


def test_model_passes_qt_model_tester(rds, qtbot):
    from PySide6.QtTest import QAbstractItemModelTester

    from aurora_console.core.aws.fleet.inventory import load_region
    from aurora_console.ui.fleet.tree_model import FleetTreeModel

    _seed(rds)
    model = FleetTreeModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    factory = type("F", (), {"client": lambda self, s, t: rds[t.region]})()
    from aurora_console.core.aws.session import AwsTarget

    east = load_region(factory, AwsTarget(None, "us-east-1"), profile_label="sandbox")
    model.set_region(east)
    rds["us-east-1"].delete_db_instance(DBInstanceIdentifier="orders-2")
    make_cluster(rds["us-east-1"], "zeta", 1)
    model.set_region(load_region(factory, AwsTarget(None, "us-east-1"), profile_label="sandbox"))
    assert model.rowCount(QModelIndex()) == 1
    assert {model.index(r, 0, model.index(0, 0)).data() for r in range(model.rowCount(model.index(0, 0)))} == {
        "billing", "orders", "zeta"}
    model.remove_region("sandbox/us-east-1")
    assert model.rowCount(QModelIndex()) == 0


def test_feature_menu_opens_tab_and_closing_mid_load_is_clean(fleet_window, rds, qtbot):
    _seed(rds)
    action = fleet_window.findChild(type(fleet_window.menu("View").menuAction()), "actionFleetView")
    action.trigger()
    view = fleet_window.find_tab("fleet")
    assert view is not None and fleet_window.tabs.currentWidget() is view
    view.auto_box.setCurrentIndex(view.auto_box.findData(30))
    assert view.auto_timer.isActive() and fleet_window.services.settings.settings.auto_refresh_seconds == 30
    qtbot.waitUntil(lambda: view.loading, timeout=5000)
    fleet_window.close_tab(fleet_window.tabs.indexOf(view))  # while the load is in flight
    assert fleet_window.find_tab("fleet") is None
    qtbot.waitUntil(lambda: not fleet_window.services.runner.active(), timeout=20000)


def test_tree_nests_global_clusters_and_proxies(fleet_page, fleet_window, rds):
    from aurora_console.core.aws.session import AwsTarget
    from tests.integration.fleet.seed import add_global, add_proxy

    _seed(rds)
    ec2 = fleet_window.services.aws.client("ec2", AwsTarget(None, "us-east-1"))
    add_proxy(rds["us-east-1"], ec2, "orders", "orders-proxy")
    add_global(rds["us-east-1"], "orders-global", "arn:aws:rds:us-east-1:123456789012:cluster:orders")
    fleet = fleet_page()
    m = fleet.view.model
    g = m.index_of_key("sandbox/us-east-1|g|orders-global")
    assert g.isValid() and "orders-global" in g.data()
    c = m.index_of_key("sandbox/us-east-1|c|orders")
    assert c.parent() == g  # region -> global cluster -> cluster
    p = m.index_of_key("sandbox/us-east-1|c|orders|p|orders-proxy")
    assert p.parent() == c and "orders-proxy" in p.data()
    assert m.index_of_key("sandbox/us-east-1|c|billing").parent() == m.index_of_key("sandbox/us-east-1")
    fleet.set_filter("orders-proxy")
    assert fleet.visible_cluster_ids() == ["orders"]


def test_navigator_cluster_actions_open_the_fleet_view(fleet_window, rds, qtbot):
    from aurora_console.core.aws.fleet.models import ClusterRef

    _seed(rds)
    actions = dict(fleet_window.navigator._cluster_actions)
    actions["Failover…"](ClusterRef(None, "us-east-1", "orders", "aurora-postgresql"))
    view = fleet_window.find_tab("fleet")
    qtbot.waitUntil(lambda: view.actions.dialog is not None, timeout=20000)
    dialog = view.actions.dialog
    assert dialog.cluster.id == "orders" and "orders-1" in dialog.message.text()
    assert view.tree.currentIndex().data() == "orders"
    dialog.reject()
    actions["Show in fleet view"](ClusterRef(None, "eu-west-1", "eu-app", "aurora-postgresql"))
    qtbot.waitUntil(lambda: view.tree.currentIndex().data() == "eu-app", timeout=20000)


def test_big_changes_are_applied_in_slices_without_reset(qtbot):
    """A refresh that adds or changes many clusters reaches the tree over several event-loop
    turns, ending equal to the inventory; nothing is reset on the way."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
    from aurora_console.testing.console import console_options
    from aurora_console.ui.cluster_loader import InventoryLoader
    from aurora_console.ui.fleet.view import STAGE_CLUSTERS, FleetView

    def inventory(n, status):
        return RegionInventory("p", "us-east-1", clusters=tuple(
            Cluster(f"c{i:03d}", "aurora-mysql", "8.0", status,
                    instances=(Instance(f"c{i:03d}-1", f"c{i:03d}", "writer", 1, "db.r6g.large", "us-east-1a", status),))
            for i in range(n)))

    services = build_services(console_options(sandbox=False), QApplication.instance())
    loader = InventoryLoader(services)
    view = FleetView(SimpleNamespace(services=services, navigator=None, current_targets=lambda: [], open_tab=None,
                                     clusters=SimpleNamespace(loader=loader)))
    qtbot.addWidget(view)
    resets, changes = [], []
    view.model.modelAboutToBeReset.connect(lambda: resets.append(1))
    view.model.rowsInserted.connect(lambda *a: changes.append("insert"))
    loader.pending = set()
    n = STAGE_CLUSTERS * 3 + 5
    steps = []  # per update the tree took in: (clusters, of them modifying)
    view.model.settled.connect(lambda: steps.append(
        (len(view.model.clusters()), sum(c.status == "modifying" for _, c in view.model.clusters()))))
    loader._region_arrived(inventory(n, "available"), loader._generation)
    qtbot.waitUntil(lambda: not loader._staging, timeout=10000)
    assert steps[0] == (STAGE_CLUSTERS, 0)  # first slice only
    assert len(view.model.clusters()) == n and changes.count("insert") >= 4
    steps.clear()
    loader._region_arrived(inventory(n, "modifying"), loader._generation)
    qtbot.waitUntil(lambda: not loader._staging, timeout=10000)
    assert steps[0] == (n, STAGE_CLUSTERS) and len(steps) >= 4
    assert {c.status for _, c in view.model.clusters()} == {"modifying"}
    assert view.model.index_of_key("p/us-east-1|i|c007-1", 2).data() == "modifying"
    assert resets == []
    view.shutdown()


def test_tree_keeps_its_share_of_the_width_until_the_user_drags_the_handle(fleet_page, fleet_window, qtbot):
    """A maximised window gives the extra width to the tree (65%), not to the details; once the
    user has moved the splitter, their sizes stay."""
    view = fleet_page().view
    fleet_window.resize(1900, 900)
    qtbot.waitUntil(lambda: abs(view.split.sizes()[0] - 0.65 * sum(view.split.sizes())) < 10, timeout=5000)
    wide_tree = view.split.sizes()[0]
    fleet_window.resize(1600, 900)
    qtbot.waitUntil(lambda: view.split.sizes()[0] < wide_tree - 100, timeout=5000)
    view.split.splitterMoved.emit(500, 1)  # what QSplitter emits when the user drags the handle
    view.split.setSizes([500, view.split.width() - 500])
    fleet_window.resize(1900, 900)
    qtbot.wait(100)
    assert abs(view.split.sizes()[0] - 0.65 * sum(view.split.sizes())) > 100


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile, calls nothing
def test_the_navigator_list_steps_aside_while_the_fleet_tab_is_in_front(qtbot):
    """The fleet tab and the navigator show one model: never the same list twice on screen."""
    from PySide6.QtWidgets import QLabel

    from aurora_console.testing.console import close_console, open_console
    from aurora_console.ui.fleet import open_fleet

    window = open_console(qtbot)
    try:
        nav = window.navigator
        assert nav.list_shown
        open_fleet(window)
        assert not nav.list_shown and nav.list_elsewhere.isVisibleTo(window)
        assert nav.profile_combo.isVisibleTo(window)  # the profile and region choices stay
        window.open_tab("other", "Other", lambda: QLabel("other"))
        assert nav.list_shown
    finally:
        close_console(window)


def test_the_tree_paints_and_takes_a_region_in_with_workers_stepping_aside(fleet_page, rds, qtbot):
    # every visible cell is a Python call from Qt into the fleet's filter model; an inventory
    # parsed on a worker meanwhile made each wait for the GIL: those run inside ui_first now
    import sys

    from aurora_console.ui.ui_first import inside

    _seed(rds)
    fleet = fleet_page()
    view = fleet.view
    seen = []
    data_code = type(view.proxy).data.__code__

    def probe(frame, event, _arg):  # each call of the filter model's data(), wherever from
        if event == "call" and frame.f_code is data_code:
            seen.append(inside())

    sys.setprofile(probe)
    try:
        view.tree.viewport().repaint()
    finally:
        sys.setprofile(None)
    assert seen and all(seen)
    seen.clear()
    inv = view.model.regions["sandbox/us-east-1"]
    view.model.rowsInserted.connect(lambda *_a: seen.append(inside()))
    view.model.set_region(inv.__class__(**{**inv.__dict__, "clusters": inv.clusters[:-1]}))  # one cluster less
    view.model.set_region(inv)  # and back: rows inserted
    assert seen and all(seen) and not inside()


def test_the_runners_tasks_give_way_to_the_ui_thread_while_it_paints(fleet_window, qtbot, monkeypatch):
    """A task's pause waits while the UI thread is inside ui_first (the fleet's parse calls it
    between slices), and returns at once when it is not. Ordered by events, not by how long each
    step took (a loaded machine may take any time to wake a thread)."""
    import threading

    from aurora_console.ui import ui_first as ui_first_module
    from aurora_console.ui.ui_first import ui_first
    from tests.unit.ui.ui_first_probe import PauseProbe

    probe = PauseProbe()  # reports when the task's thread is in its pause
    monkeypatch.setattr(ui_first_module, "_cond", probe)
    monkeypatch.setattr(ui_first_module, "MAX_WAIT", 60.0)  # an upper bound only
    started, go_on, went_on, go_on_again, done = (threading.Event() for _ in range(5))
    worker, events = [], []

    def work(ctx):
        worker.append(threading.get_ident())
        started.set()
        go_on.wait(30)
        ctx.pause()  # the UI thread is inside: waits until it leaves
        events.append("worker went on")
        went_on.set()
        go_on_again.wait(30)
        ctx.pause()  # nothing to wait for: on at once
        events.append("worker went on again")
        done.set()
        return True

    handle = fleet_window.services.runner.submit(work, name="pause test")
    assert started.wait(30)
    with ui_first():
        go_on.set()
        assert probe.wait_until_waiting(worker[0])  # the worker is in its pause...
        events.append("worker in pause")
        assert not went_on.is_set()
        events.append("paint ended")
    # the UI thread blocks here (no event processing, so no paint of its own meanwhile): the
    # second pause finds nothing inside
    assert went_on.wait(30)
    go_on_again.set()
    assert done.wait(30)
    qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    assert events == ["worker in pause", "paint ended", "worker went on", "worker went on again"]
    assert probe.waits_of(worker[0]) == 1  # the second pause did not wait
