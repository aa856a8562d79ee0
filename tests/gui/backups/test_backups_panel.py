"""The backup panel on a moto-backed window: reading, changing, refusing, confirming."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aurora_console.testing.pages_backups import BackupRefused

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_settings_read_and_changed(backups, clusters, fleet_window):
    page = backups("blog")
    assert (page.retention(), page.window(), page.maintenance_window()) == (5, "19:00-22:00", "sun:23:00-sun:23:30")
    tab = page.panel.settings_tab
    from aurora_console.ui.backups.settings_tab import local_is_utc

    assert (tab.window_local.text() == "") if local_is_utc() else tab.window_local.text().startswith("= ")
    assert "UTC" in tab.earliest.text() and tab.pending.text() == "none"
    assert tab.continuous.text() == "no data" and "No backup storage data" in tab.storage_note.text()
    page.set_retention(7)
    page.set_window("01:00-01:45")
    raw = clusters.describe_db_clusters(DBClusterIdentifier="blog")["DBClusters"][0]
    assert (raw["BackupRetentionPeriod"], raw["PreferredBackupWindow"]) == (7, "01:00-01:45")
    assert (page.retention(), page.window()) == (7, "01:00-01:45")
    actions = [(e.action, e.params.get("BackupRetentionPeriod"), e.params.get("PreferredBackupWindow"))
               for e in fleet_window.services.audit.read()]
    assert actions == [("modify-backup-settings", 7, None), ("modify-backup-settings", None, "01:00-01:45")]


@pytest.mark.parametrize("call, why", [
    (lambda p: p.set_retention(0), "outside 1-35"),
    (lambda p: p.set_retention(36), "outside 1-35"),
    (lambda p: p.set_window("25:00-01:00"), "hour 25"),
    (lambda p: p.set_window("19:00-19:10"), "at least 30 minutes"),
    (lambda p: p.set_window("22:45-23:15"), "overlaps the maintenance window"),
    (lambda p: p.create_snapshot("blog-before-upgrade"), "already in use"),
    (lambda p: p.create_snapshot("Shop-Nightly"), "already in use"),  # ids are unique per region
    (lambda p: p.create_snapshot("blog--x"), "malformed"),
    (lambda p: p.restore_to_time("2001-01-01T00:00:00Z", "blog-old"), "outside the restorable range"),
    (lambda p: p.restore_to_time("latest", "shop"), "already in use"),
])
def test_bad_input_refused_before_aws(backups, clusters, fleet_window, call, why):
    page = backups("blog")
    with pytest.raises(BackupRefused, match=why):
        call(page)
    assert fleet_window.services.audit.read() == []
    raw = clusters.describe_db_clusters(DBClusterIdentifier="blog")["DBClusters"][0]
    assert (raw["BackupRetentionPeriod"], raw["PreferredBackupWindow"]) == (5, "19:00-22:00")


def test_inline_window_check_while_typing(backups):
    tab = backups("blog").panel.settings_tab
    tab.window_edit.setText("19:00-19:10")
    assert "at least 30 minutes" in tab.input_error.text() and tab.window_local.text() == ""
    tab.window_edit.setText("02:00-02:30")
    assert tab.input_error.text() == "" and tab.apply_button.isEnabled()


def test_snapshots_table_create_sort_and_delete(backups, clusters, qtbot):
    page = backups("blog")
    rows = page.snapshots()
    assert {r["type"] for r in rows} == {"manual", "automated"} and all(r["encrypted"] for r in rows)
    assert "shop-nightly" not in [r["id"] for r in rows]  # only this cluster's snapshots are listed
    page.create_snapshot("blog-release-42")
    ids = [r["id"] for r in page.snapshots()]
    assert "blog-release-42" in ids
    tab = page.panel.snapshots_tab
    tab.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [r["id"] for r in page.snapshots()] == sorted(ids)
    auto = next(r["id"] for r in page.snapshots() if r["type"] == "automated")
    tab.select(auto)
    assert not tab.buttons["delete"].isEnabled() and "retention period" in tab.buttons["delete"].toolTip()
    tab.select("blog-release-42")
    dlg = tab.request("delete")
    assert not dlg.ok.isEnabled()  # typed confirmation first
    dlg.confirm.setText("blog-release")
    assert not dlg.ok.isEnabled()
    dlg.reject()
    page.delete_snapshot("blog-release-42")
    assert "blog-release-42" not in [r["id"] for r in page.snapshots()]


def test_restore_snapshot_dialog_creates_cluster_and_writer(backups, clusters, qtbot):
    page = backups("blog")
    tab = page.panel.snapshots_tab
    tab.select("blog-before-upgrade")
    dlg = tab.request("restore")
    assert dlg.klass.currentText() == "db.r6g.large"
    dlg.ident.setText("blog-from-snap")
    page._confirm_and_wait(dlg)
    c = clusters.describe_db_clusters(DBClusterIdentifier="blog-from-snap")["DBClusters"][0]
    assert c["Status"] == "available" and [m["IsClusterWriter"] for m in c["DBClusterMembers"]] == [True]
    assert "done" in page.status()


def test_point_in_time_restore(backups, clusters):
    page = backups("blog")
    page.restore_to_time("latest", "blog-pitr")
    c = clusters.describe_db_clusters(DBClusterIdentifier="blog-pitr")["DBClusters"][0]
    assert c["Status"] == "available" and c["DBClusterMembers"][0]["DBInstanceIdentifier"] == "blog-pitr-1"
    assert "blog-pitr" in page.panel.cluster_ids


def test_backtrack_postgres_explained_and_mysql_unsupported(backups):
    assert "Aurora PostgreSQL has no backtrack" in backups("blog").backtrack_message()
    shop = backups("shop")
    assert "Backtrack: not available from this endpoint" in shop.backtrack_message()
    tab = shop.panel.backtrack_tab
    assert tab.window_label.text() == "Backtrack window: 24 hours"
    assert tab.window_button.isEnabled() and not tab.run_button.isEnabled()
    dlg = tab.request("window")
    dlg.hours.setValue(0)
    assert "cannot be undone" in dlg.warning.text() and not dlg.ok.isEnabled()
    dlg.confirm.setText("shop")
    assert dlg.ok.isEnabled()
    dlg.reject()


def test_event_subscriptions_create_and_delete(backups, fleet_window, qtbot):
    from aurora_console.core.aws.session import AwsTarget

    sns = fleet_window.services.aws.client("sns", AwsTarget(None, "us-east-1"))
    arn = sns.create_topic(Name="dba-alerts")["TopicArn"]
    page = backups("blog")
    page.refresh()
    tab = page.panel.events_tab
    assert page.subscriptions() == [] and tab.topics == [arn]
    dlg = tab.request_create()
    assert dlg.topic.currentText() == arn and dlg.sources.text() == "blog"
    page._confirm_and_wait(dlg)
    assert page.subscriptions() == ["blog-events"]
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    dlg = tab.request_delete()
    dlg.confirm.setText("blog-events")
    page._confirm_and_wait(dlg)
    assert page.subscriptions() == []


def test_read_only_profile_disables_everything(backups, fleet_window, clusters):
    fleet_window.services.settings.settings.read_only_profiles = ["sandbox"]
    page = backups("blog")
    panel = page.panel
    assert "read-only" in panel.badge.text()
    st, sn = panel.settings_tab, panel.snapshots_tab
    assert not any(w.isEnabled() for w in (st.retention, st.window_edit, st.apply_button, st.pitr_button))
    assert not any(b.isEnabled() for b in sn.buttons.values())
    assert not panel.events_tab.create_button.isEnabled()
    dlg = sn.request("create")
    assert not dlg.ok.isEnabled() and "read-only" in dlg.error.text()
    dlg.reject()
    with pytest.raises(BackupRefused):
        page.create_snapshot("blog-ro")
    assert "blog-ro" not in [s["DBClusterSnapshotIdentifier"]
                             for s in clusters.describe_db_cluster_snapshots()["DBClusterSnapshots"]]


def test_stop_waiting_cancels_the_follow_up_not_the_call(backups, clusters, qtbot, fleet_window):
    from aurora_console.core.aws.backups.operations import WAIT_CLUSTER, BackupAction, Step

    page = backups("blog")
    panel = page.panel
    panel.tasks.poll_interval = 0.2
    # a snapshot call followed by a wait for a cluster that never shows up: only Stop ends it
    action = BackupAction("create-cluster-snapshot", "Snapshot then wait", panel.target, "blog",
                          (Step("create_db_cluster_snapshot", {"DBClusterIdentifier": "blog",
                                                               "DBClusterSnapshotIdentifier": "blog-wait"},
                                WAIT_CLUSTER, "never-there"),))
    panel.tasks.run(action)
    qtbot.waitUntil(lambda: "never-there is gone" in panel.action_label.text(), timeout=20000)
    assert panel.cancel_button.isVisible() and not panel.snapshots_tab.buttons["create"].isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.tasks.running, timeout=20000)
    assert "stopped waiting" in panel.action_label.text() and not panel.cancel_button.isVisible()
    ids = [s["DBClusterSnapshotIdentifier"] for s in clusters.describe_db_cluster_snapshots()["DBClusterSnapshots"]]
    assert "blog-wait" in ids  # what AWS accepted stays
    assert [e.action for e in fleet_window.services.audit.read()] == ["create-cluster-snapshot"]
