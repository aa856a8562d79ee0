"""Backup times in local time only where local time differs from UTC ("= 19:00-22:00 UTC local" said nothing)."""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def local_zone(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_local_equivalents_only_when_they_differ(backups, clusters, fleet_window, local_zone):
    local_zone("UTC")
    page = backups("blog")
    tab = page.panel.settings_tab
    page.panel.settings_tab.show_settings(page.panel.settings)
    assert tab.window_local.text() == ""
    assert tab.maintenance.text() == "sun:23:00-sun:23:30 UTC"
    assert "\n" not in tab.earliest.text() and tab.earliest.text().endswith("UTC")

    local_zone("America/New_York")
    tab.show_settings(page.panel.settings)
    assert tab.window_local.text().startswith("= ") and tab.window_local.text().endswith("local")
    assert any(w in tab.window_local.text() for w in ("14:00-17:00", "15:00-18:00"))  # 19:00-22:00 UTC, EST or EDT
    assert tab.maintenance.text().startswith("sun:23:00-sun:23:30 UTC\n= ")
    first, _nl, second = tab.earliest.text().partition("\n")
    assert first.endswith("UTC") and second.startswith("= ")
