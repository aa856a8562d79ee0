"""The settings tab on a cluster whose current backup window overlaps its maintenance window
(issue 14): a retention change is warned about, not refused, and reaches AWS; a new overlapping
window is still refused."""

from __future__ import annotations

import pytest

from aurora_console.testing.pages_backups import BackupRefused

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def overlapping(backups, clusters):
    """The blog cluster with its backup window inside the maintenance window (moto accepts it; AWS
    can leave a cluster so, e.g. after the maintenance window moved)."""
    clusters.modify_db_cluster(DBClusterIdentifier="blog", PreferredBackupWindow="23:00-23:30", ApplyImmediately=True)
    page = backups("blog")
    assert (page.window(), page.maintenance_window()) == ("23:00-23:30", "sun:23:00-sun:23:30")
    return page


def test_retention_change_is_warned_about_and_applied(overlapping, clusters):
    page = overlapping
    tab = page.panel.settings_tab
    assert tab.input_error.isHidden() and tab.input_error.text() == ""
    assert not tab.input_warning.isHidden() and "overlaps the maintenance window" in tab.input_warning.text()
    tab.retention.setValue(9)
    dlg = tab.request_apply()
    assert dlg is not None, tab.input_error.text()
    assert "overlaps the maintenance window" in dlg.warning.text() and not dlg.warning.isHidden()
    dlg.reject()
    page.set_retention(9)
    raw = clusters.describe_db_clusters(DBClusterIdentifier="blog")["DBClusters"][0]
    assert (raw["BackupRetentionPeriod"], raw["PreferredBackupWindow"]) == (9, "23:00-23:30")


def test_a_new_overlapping_window_is_still_refused_inline(overlapping, clusters):
    tab = overlapping.panel.settings_tab
    tab.window_edit.setText("22:45-23:15")
    assert "overlaps the maintenance window" in tab.input_error.text() and not tab.input_error.isHidden()
    with pytest.raises(BackupRefused, match="AWS refuses"):
        overlapping.set_window("22:45-23:15")
    tab.window_edit.setText("01:00-01:30")  # moving it out clears both
    assert tab.input_error.text() == "" and tab.input_warning.text() == "" and tab.input_warning.isHidden()
