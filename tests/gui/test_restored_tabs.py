"""Tabs reopened from the last session work: on the sandbox (whose services come up in stages,
after the tabs would have been built) and on a real profile (moto); Ctrl+R refreshes the tab.

The sandbox's second start reuses the session's running sandbox: a staged controller hands the
window its endpoint first and its database later, in the order the real SandboxController does.
"""

from __future__ import annotations

import dataclasses
import json
import math

import boto3
import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from aurora_console.app import build_services, shutdown_services
from aurora_console.testing.console import close_console, console_options, open_console
from aurora_console.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


class StagedSandbox(QObject):
    """Stands in for SandboxController over an already running sandbox: ``start()`` switches the
    window onto its AWS endpoint on the next loop turn, with the database not up yet;
    ``database_up()`` brings the database in, as the controller's last stage does."""

    aws_ready = Signal(object)
    database_checked = Signal(dict)
    metrics_ready = Signal(object)

    def __init__(self, window, info) -> None:
        super().__init__(window)
        self.window, self.full = window, info
        self.info = dataclasses.replace(info, db_host=None, db_port=None, bastion=None, ca_file=None)

    started = False  # as SandboxController: start() was called

    def start(self) -> None:
        self.started = True
        QTimer.singleShot(0, lambda: self.window.use_sandbox(self.info))

    def database_up(self) -> None:
        for name in ("db_host", "db_port", "bastion", "ca_file"):
            setattr(self.info, name, getattr(self.full, name))
        self.database_checked.emit({"database": True, "error": None})


def _new_window(qtbot, opts):
    services = build_services(opts, QApplication.instance())
    window = MainWindow(services)
    window.persist_layout = False
    qtbot.addWidget(window)
    window.restore_layout()
    window.show()
    return window


def _close(window) -> None:
    window.services.sandbox_controller.set(None)
    window.close()
    shutdown_services(window.services)


def _blog(window):
    return next(s.ref for s in window.navigator.model.summaries() if s.ref.cluster_id == "blog")


def test_sandbox_second_start_restores_working_tabs(qtbot, aurora_sandbox):
    from aurora_console.testing.pages_sql import SqlPage
    from aurora_console.ui.backups import open_backups
    from aurora_console.ui.fleet import open_fleet
    from aurora_console.ui.metrics import open_metrics
    from aurora_console.ui.sql.feature import open_sql, sql_tabs

    aurora_sandbox.ensure_seeded()
    first = open_console(qtbot, sandbox_info=aurora_sandbox.info, persist_layout=True)
    paths = first.services.paths
    ref = _blog(first)
    open_fleet(first)
    open_metrics(first, ref).set_utc(True)  # saves the dashboard's layout
    open_backups(first, ref)
    open_sql(first, "sandbox-blog")
    titles = [first.tabs.tabText(i) for i in range(first.tabs.count())]
    close_console(first)

    sandbox_settings = json.loads(first.services.settings.path.read_text())
    assert [t["kind"] for t in sandbox_settings["open_tabs"]] == ["fleet", "metrics", "backups", "sql"]
    # keyed by the sandbox's profile name, in the sandbox's own file; the real settings untouched
    assert list(sandbox_settings["sections"]["metrics"]["layouts"]) == ["sandbox/us-east-1/blog"]
    assert first.services.settings.path.parent == paths.sandbox_dir
    assert not paths.settings_file.exists()

    window = _new_window(qtbot, console_options(sandbox=True))
    staged = StagedSandbox(window, aurora_sandbox.info)
    window.services.sandbox_controller.set(staged)
    try:
        window.start()
        window.restore_tabs()  # the order app.run_gui uses: the sandbox is not up yet
        assert window.tabs.count() == 0  # nothing is built without its services
        qtbot.waitUntil(lambda: window.tabs.count() == 3, timeout=20000)

        fleet = window.find_tab("fleet")
        qtbot.waitUntil(lambda: fleet.model.find_cluster("blog") is not None, timeout=30000)
        assert "Choose a profile" not in fleet.status.text()
        metrics = window.find_tab("metrics:sandbox:us-east-1:blog")
        qtbot.waitUntil(lambda: metrics.load_count >= 1, timeout=30000)
        assert metrics.layout_state.utc  # its saved layout came back
        cpu = metrics.data.plot("CPUUtilization")
        assert cpu.series and all(any(not math.isnan(v) for _t, v in s.points()) for s in cpu.series)
        backups = window.find_tab("backups:sandbox:us-east-1:blog")
        qtbot.waitUntil(lambda: backups.settings is not None, timeout=30000)
        assert backups.error == "" and "sandbox / us-east-1" in backups.title.text()
        assert sql_tabs(window) == []  # waits for the sandbox's database

        staged.database_up()
        qtbot.waitUntil(lambda: len(sql_tabs(window)) == 1, timeout=10000)
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles  # saved order
        (res,) = SqlPage.for_widget(qtbot, sql_tabs(window)[0]).run("select current_database()")
        assert res.error() is None, res.error()
        assert res.rows() == [("blog",)]

        # Ctrl+R refreshes the current tab (and the navigator)
        refresh = window.findChild(QAction, "actionRefresh")
        assert refresh.shortcut() == QKeySequence("Ctrl+R")
        window.tabs.setCurrentWidget(backups)
        before = backups.load_count
        refresh.trigger()
        qtbot.waitUntil(lambda: backups.load_count > before, timeout=30000)
        window.tabs.setCurrentWidget(fleet)
        before = fleet.load_count
        refresh.trigger()
        qtbot.waitUntil(lambda: fleet.load_count > before, timeout=30000)
    finally:
        for tab in sql_tabs(window):
            tab.shutdown()
        _close(window)
    assert not paths.settings_file.exists()  # nothing of the sandbox in the real settings


def _profile(home, name="dev"):
    (home / "home/.aws/config").write_text(f"[profile {name}]\nregion = us-east-1\n")
    (home / "home/.aws/credentials").write_text(f"[{name}]\naws_access_key_id = k\naws_secret_access_key = s\n")


def _cluster(endpoint, cid):
    rds = boto3.client("rds", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="k",
                       aws_secret_access_key="s")
    rds.create_db_cluster(DBClusterIdentifier=cid, Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long", BackupRetentionPeriod=3)
    return rds


def test_real_profile_restores_its_tabs_and_a_gone_cluster_says_so(qtbot, isolated_env, moto_endpoint):
    from aurora_console.ui.backups import open_backups
    from aurora_console.ui.fleet import open_fleet
    from aurora_console.ui.metrics import open_metrics

    _profile(isolated_env)
    rds = _cluster(moto_endpoint, "orders")
    _cluster(moto_endpoint, "old-reports")
    first = open_console(qtbot, profile="dev", endpoint_url=moto_endpoint, persist_layout=True)
    refs = {s.ref.cluster_id: s.ref for s in first.navigator.model.summaries()}
    open_fleet(first)
    open_metrics(first, refs["orders"])
    open_backups(first, refs["orders"])
    open_metrics(first, refs["old-reports"])
    open_backups(first, refs["old-reports"])
    close_console(first)
    rds.delete_db_cluster(DBClusterIdentifier="old-reports", SkipFinalSnapshot=True)
    saved = json.loads(first.services.paths.settings_file.read_text())
    assert len(saved["open_tabs"]) == 5 and saved["aws_profile"] == "dev"

    window = _new_window(qtbot, console_options(sandbox=False, profile="dev", endpoint_url=moto_endpoint))
    try:
        window.start()
        window.restore_tabs()  # as app.run_gui: before the AWS configuration is read
        keys = ["fleet", "metrics:dev:us-east-1:orders", "backups:dev:us-east-1:orders",
                "metrics:dev:us-east-1:old-reports", "backups:dev:us-east-1:old-reports"]
        qtbot.waitUntil(lambda: all(window.find_tab(k) for k in keys), timeout=20000)
        fleet = window.find_tab("fleet")
        qtbot.waitUntil(lambda: fleet.model.find_cluster("orders") is not None, timeout=30000)
        metrics = window.find_tab("metrics:dev:us-east-1:orders")
        qtbot.waitUntil(lambda: metrics.load_count >= 1, timeout=30000)
        assert metrics.scope is not None and metrics.scope.cluster_id == "orders"
        backups = window.find_tab("backups:dev:us-east-1:orders")
        qtbot.waitUntil(lambda: backups.settings is not None, timeout=30000)
        assert "dev / us-east-1" in backups.title.text()

        gone_metrics = window.find_tab("metrics:dev:us-east-1:old-reports")
        qtbot.waitUntil(lambda: "does not exist" in gone_metrics.status_label.text(), timeout=30000)
        assert "old-reports" in gone_metrics.status_label.text()
        gone_backups = window.find_tab("backups:dev:us-east-1:old-reports")
        qtbot.waitUntil(lambda: "does not exist" in gone_backups.error_label.text(), timeout=30000)
        assert not gone_metrics.loading  # said so; nothing left hanging

        # Ctrl+R on it asks AWS again (it may have come back), and says so again
        window.tabs.setCurrentWidget(gone_metrics)
        gone_metrics.status_label.setText("")
        window.findChild(QAction, "actionRefresh").trigger()
        qtbot.waitUntil(lambda: "does not exist" in gone_metrics.status_label.text(), timeout=30000)
        assert gone_metrics.load_count == 0 and not gone_metrics.loading
    finally:
        _close(window)
