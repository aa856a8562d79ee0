"""The Change timeline tab on a real window over moto behind the sandbox's CloudTrail layer: the
cluster action opens it, a failover and a backup-window change made through the console show up
(who, from where, the window's before/after), filters by source, kind and text, the detail pane,
a denied CloudTrail named with its permission while the other sources still show, and the same
entries as markers on the metrics charts (a toggle; hovering says what)."""

from __future__ import annotations

import time
from datetime import timedelta

import botocore.session
import pytest
from botocore.stub import Stubber

from tests.gui.timeline.conftest import CLUSTER

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_the_cluster_action_is_offered(console_on_moto):
    texts = [text for text, _cb in console_on_moto.window.cluster_actions()]
    assert "Change timeline…" in texts


def test_a_failover_and_a_backup_change_show_up_with_who_and_what(console_on_moto):
    page = console_on_moto.timeline(CLUSTER)
    rows = page.entries(since=timedelta(hours=1), sources=["CloudTrail"])
    whats = [r.what for r in rows]
    assert "FailoverDBCluster orders" in whats
    [modify] = [r for r in rows if r.what.startswith("ModifyDBCluster orders")]
    assert modify.who == "arn:aws:sts::123456789012:user/moto"
    assert modify.where.startswith("127.0.0.1, Boto3/")
    assert ("preferredBackupWindow", None, "01:00-01:30") in modify.changes
    # the sources the tab read, oldest first; the console's own audit log is not this test's file
    assert [r.time for r in page.entries()] == sorted(r.time for r in page.entries())
    assert {r.source for r in page.entries()} >= {"cloudtrail"}
    # moto lacks DescribePendingMaintenanceActions: the screen says so for that source only
    assert page.problems() == ["Pending: DescribePendingMaintenanceActions is not supported by this endpoint."]
    assert page.tab.problems.isVisible()


def test_filters_narrow_what_the_screen_shows(console_on_moto, qtbot):
    page = console_on_moto.timeline(CLUSTER)
    everything = page.shown()
    assert len(everything) == len(page.entries())
    only_trail = page.filter(sources=["cloudtrail"])
    assert only_trail and {r.source for r in only_trail} == {"cloudtrail"}
    failovers = page.filter(kinds=["failover"])
    assert [r.what for r in failovers] == ["FailoverDBCluster orders"]
    page.all_kinds()
    assert [r.what for r in page.filter(text="backupwindow")] == [r.what for r in only_trail
                                                                   if "preferredBackupWindow" in r.what]
    assert page.tab.toolbar.source_boxes["cloudtrail"].text().startswith("CloudTrail (")
    assert page.status().startswith(f"{len(page.shown())} of {len(page.entries())} entries")


def test_selecting_a_row_shows_its_parameters(console_on_moto, qtbot):
    page = console_on_moto.timeline(CLUSTER)
    rows = page.filter(sources=["cloudtrail"], text="FailoverDBCluster")
    assert len(rows) == 1
    page.tab.table.selectRow(0)
    text = page.tab.detail.toPlainText()
    assert "Who: arn:aws:sts::123456789012:user/moto" in text
    assert '"targetDBInstanceIdentifier": "orders-2"' in text


def test_denied_cloudtrail_names_the_permission_and_the_rest_still_shows(console_on_moto, monkeypatch):
    factory = console_on_moto.changed.factory
    real = factory.client

    def client(service, target):
        if service != "cloudtrail":
            return real(service, target)
        denied = botocore.session.get_session().create_client(
            "cloudtrail", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
        stub = Stubber(denied)
        stub.add_client_error("lookup_events", "AccessDeniedException",
                              "User: arn:aws:sts::123456789012:user/moto is not authorized to perform: "
                              "cloudtrail:LookupEvents", 400)
        stub.activate()
        return denied

    monkeypatch.setattr(factory, "client", client)
    page = console_on_moto.timeline(CLUSTER)
    problems = page.problems()
    assert any(p.startswith("CloudTrail: Access denied") and "cloudtrail:LookupEvents" in p for p in problems)
    assert "cloudtrail:LookupEvents" in page.tab.problems.text()
    assert page.entries(sources=["cloudtrail"]) == []
    # the other sources still show: moto answers DescribeEvents for the cluster and its instances
    rds_events = page.entries(sources=["rds-events"])
    assert rds_events and {r.source for r in rds_events} == {"rds-events"}
    assert {r.source for r in page.shown()} >= {"rds-events"}


def test_entries_are_markers_on_the_metrics_charts(console_on_moto, qtbot):
    from PySide6.QtCore import QPointF

    from aurora_console.ui.metrics.markers import MarkerLines

    metrics = console_on_moto.metrics(CLUSTER)
    # the charts end at the last whole minute: a range reaching past now shows the changes just made
    now = time.time()
    metrics.set_range((now - 3600, now + 600))
    dash = metrics.dashboard

    def drawn():
        return [i for p in dash.grid.plots.values() for i in p.item.items if isinstance(i, MarkerLines)]

    button = dash.markers.button
    assert button.isVisible() and not button.isChecked() and drawn() == []
    button.click()
    qtbot.waitUntil(lambda: dash.markers.load_count >= 1 and not dash.markers.loading, timeout=60000)
    lines = drawn()
    assert len(lines) == len(dash.grid.plots) and all(len(item.times) == len(dash.markers.markers) for item in lines)
    failover = next(m for m in dash.markers.markers if "FailoverDBCluster" in m.text)
    assert "arn:aws:sts::123456789012:user/moto" in failover.text
    # hovering the line: the item's tool tip and the dashboard's readout say what it was
    item = lines[0]

    class Hover:
        def isExit(self):  # noqa: N802 - pyqtgraph's HoverEvent API
            return False

        def pos(self):
            return QPointF(failover.time, 0)

    item.hoverEvent(Hover())
    assert "FailoverDBCluster orders" in item.toolTip()
    key, plot = next(iter(dash.grid.plots.items()))
    dash._hovered(plot, failover.time)
    assert "FailoverDBCluster orders" in dash.readout.text()
    far = failover.time - 1800
    assert item.text_at(far) == "" or "FailoverDBCluster" not in item.text_at(far)
    qtbot.wait(50)
    dash.grid.widget.grab()  # paints the lines (no error on a real paint)
    button.click()  # off: the lines go (one plot a turn)
    qtbot.waitUntil(lambda: drawn() == [], timeout=5000)
    dash._hovered(plot, failover.time)
    assert "FailoverDBCluster" not in dash.readout.text()


def test_migrations_of_a_profile_pointing_at_the_cluster(changed, qtbot, new_database, tmp_path):
    """A saved connection profile whose cluster is ``orders`` (password in the keyring): the
    runs in its database's history table are in the cluster's timeline, read without a prompt."""
    from types import SimpleNamespace

    from aurora_console.core.connections.passwords import keyring_name
    from aurora_console.core.connections.profile import (
        ClusterEndpointRef,
        ConnectionProfile,
        PasswordSource,
        TlsSettings,
    )
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.migrations.engine import MigrationRunner
    from aurora_console.core.paths import app_paths
    from aurora_console.core.secrets import set_secret
    from aurora_console.testing.console import close_console, open_console
    from aurora_console.testing.pages import ConsoleRoot

    db = new_database()
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "V1__create_orders.sql").write_text("CREATE TABLE orders (id int);")
    MigrationRunner(db.conninfo, folder).migrate()
    info = db.conninfo
    ProfileStore.for_paths(app_paths()).save(ConnectionProfile(
        name="orders-app", host="127.0.0.1", port=int(info["port"]), database=db.name, user=info["user"],
        password=PasswordSource(kind="keyring"), tls=TlsSettings(mode="disable"),
        cluster=ClusterEndpointRef(None, "us-east-1", CLUSTER)))
    set_secret(keyring_name("orders-app"), info["password"])
    sandbox = SimpleNamespace(aws_factory=lambda: changed.factory, regions=("us-east-1",), database_ready=False)
    window = open_console(qtbot, sandbox_info=sandbox)
    try:
        page = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=True).timeline(CLUSTER)
        [run] = page.entries(sources=["migrations"])
        assert run.where == "profile orders-app" and "V1 create orders" in run.what and run.who == info["user"]
        assert not [p for p in page.problems() if p.startswith("Migrations")]
    finally:
        close_console(window)
