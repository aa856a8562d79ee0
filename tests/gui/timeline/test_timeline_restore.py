"""A Change timeline tab is saved with the layout and reopened after a restart (real profile on
moto): the restored tab reads the cluster's timeline again."""

from __future__ import annotations

import json

import pytest

from aurora_console.testing.console import close_console, console_options, open_console
from tests.gui.test_restored_tabs import _close, _cluster, _new_window, _profile

pytestmark = pytest.mark.gui


def test_the_timeline_tab_is_restored_and_reads_again(qtbot, isolated_env, moto_endpoint):
    from aurora_console.ui.timeline import open_timeline

    _profile(isolated_env)
    rds = _cluster(moto_endpoint, "orders")
    rds.modify_db_cluster(DBClusterIdentifier="orders", BackupRetentionPeriod=9, ApplyImmediately=True)
    first = open_console(qtbot, profile="dev", endpoint_url=moto_endpoint, persist_layout=True)
    ref = next(s.ref for s in first.navigator.model.summaries() if s.ref.cluster_id == "orders")
    tab = open_timeline(first, ref)
    qtbot.waitUntil(lambda: tab.controller.load_count >= 1, timeout=60000)
    close_console(first)
    saved = json.loads(first.services.paths.settings_file.read_text())
    assert [t["kind"] for t in saved["open_tabs"] if t.get("kind") == "timeline"] == ["timeline"]

    window = _new_window(qtbot, console_options(sandbox=False, profile="dev", endpoint_url=moto_endpoint))
    try:
        window.start()
        window.restore_tabs()
        key = "timeline:dev:us-east-1:orders"
        qtbot.waitUntil(lambda: window.find_tab(key) is not None, timeout=20000)
        restored = window.find_tab(key)
        qtbot.waitUntil(lambda: restored.controller.load_count >= 1 and not restored.controller.loading,
                        timeout=60000)
        whats = [e.what for e in restored.controller.entries(sources=["cloudtrail"])]
        assert any(w.startswith("ModifyDBCluster orders") for w in whats), restored.controller.problems()
    finally:
        _close(window)
