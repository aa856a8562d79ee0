"""``backups.set_retention`` raises the page's refusal exception for any input core refuses,
never a TypeError from the spin box (issue 14: page objects that report failure)."""

from __future__ import annotations

import pytest

from aurora_console.testing.pages_backups import BackupRefused

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_set_retention_refuses_what_is_not_a_number_of_days(backups, clusters, fleet_window):
    page = backups("blog")
    for bad in ("abc", "", None, 7.5, "\u00b2", "7 days", True, 10**40):
        with pytest.raises(BackupRefused) as refused:
            page.set_retention(bad)
        assert "retention period" in str(refused.value), bad
        assert page.panel.settings_tab.retention.value() == 5  # the form was not touched
    assert fleet_window.services.audit.read() == []
    raw = clusters.describe_db_clusters(DBClusterIdentifier="blog")["DBClusters"][0]
    assert raw["BackupRetentionPeriod"] == 5
    page.set_retention("8")  # typed text that is a number of days is fine
    assert page.retention() == 8
