"""The main window on a real profile (moto endpoint), on no profile, and on the sandbox."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from PySide6.QtWidgets import QApplication, QPushButton

from aurora_console.app import build_services, shutdown_services
from aurora_console.core.aws.session import AwsSessionFactory
from aurora_console.testing.console import close_console, console_options, open_console
from aurora_console.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _profile(home, name="dev"):
    (home / "home/.aws/config").write_text(f"[profile {name}]\nregion = us-east-1\n")
    (home / "home/.aws/credentials").write_text(f"[{name}]\naws_access_key_id = k\naws_secret_access_key = s\n")


def _cluster(endpoint, region, cid, engine="aurora-postgresql"):
    rds = boto3.client("rds", region_name=region, endpoint_url=endpoint, aws_access_key_id="k",
                       aws_secret_access_key="s")
    rds.create_db_cluster(DBClusterIdentifier=cid, Engine=engine, MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long")


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_first_run_without_aws_config_offers_the_sandbox(qtbot):
    window = open_console(qtbot)
    try:
        welcome = window.find_tab("welcome")
        assert welcome is not None and window.tabs.currentWidget() is welcome
        assert welcome.findChild(QPushButton, "openSandboxButton").isVisible()
        assert not welcome.findChild(QPushButton, "useProfileButton").isEnabled()  # nothing to pick from
        assert "aws configure" in welcome.profile_hint.text()  # says how to make one
        assert "No AWS profile" in window.navigator.status_label.text()
        assert window.navigator.model.summaries() == []
    finally:
        close_console(window)


def test_profile_lists_clusters_and_one_failing_region_keeps_the_rest(qtbot, isolated_env, moto_endpoint):
    _profile(isolated_env)
    _cluster(moto_endpoint, "us-east-1", "orders")
    _cluster(moto_endpoint, "us-east-1", "billing", "aurora-mysql")
    opts = console_options(sandbox=False, profile="dev", endpoint_url=moto_endpoint)
    services = build_services(opts, QApplication.instance())
    services.settings.settings.first_run = False
    services.settings.settings.aws_regions = ["us-east-1", "eu-west-1"]
    factory = AwsSessionFactory(endpoint_url=moto_endpoint)
    denied = boto3.client("rds", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
    stub = Stubber(denied)
    stub.add_client_error("describe_db_clusters", "AccessDenied", "not allowed in eu-west-1", 403)
    stub.activate()
    factory._clients[("rds", "dev", "eu-west-1", moto_endpoint)] = denied
    services.aws_session.set(factory)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.load_finished, timeout=30000) as sig:
        window.start()
    ok, errors = sig.args
    try:
        assert ok is True and len(errors) == 1 and "eu-west-1" in errors[0] and "access denied" in errors[0]
        ids = sorted((s.ref.cluster_id, s.ref.engine) for s in window.navigator.model.summaries())
        assert ids == [("billing", "aurora-mysql"), ("orders", "aurora-postgresql")]
        assert "eu-west-1" in window.navigator.status_label.text()
        assert window.status.profile_label.text() == "Profile: dev"
        assert window.find_tab("welcome") is None
    finally:
        window.close()
        shutdown_services(services)


def test_layout_and_choices_survive_a_restart(qtbot, isolated_env, moto_endpoint):
    _profile(isolated_env)
    window = open_console(qtbot, profile="dev", endpoint_url=moto_endpoint, persist_layout=True)
    window.resize(701, 501)  # inside the offscreen screen, which clamps restored geometry
    window.navigator_dock.hide()
    close_console(window)
    saved = json.loads(window.services.paths.settings_file.read_text())
    assert saved["aws_profile"] == "dev" and saved["window"]["geometry"] and saved["window"]["state"]
    again = open_console(qtbot, profile="dev", endpoint_url=moto_endpoint, persist_layout=True)
    try:
        assert (again.width(), again.height()) == (701, 501)
        assert again.navigator_dock.isHidden()
    finally:
        close_console(again)


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_corrupt_settings_give_a_warning_not_a_crash(qtbot, isolated_env):
    from aurora_console.core.paths import app_paths

    path = app_paths().ensure().settings_file
    path.write_text("{ this is not json")
    window = open_console(qtbot)
    try:
        warnings = [n for n in window.services.notifier.history if n.level == "warning"]
        assert warnings and "defaults are used" in warnings[0].text
        assert list(path.parent.glob("settings.json.corrupt-*"))
    finally:
        close_console(window)


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_about_shows_library_versions(qtbot):
    from aurora_console.ui.about import library_versions

    versions = library_versions()
    for name in ("Qt", "PySide6", "boto3", "psycopg"):
        assert versions[name] and versions[name] != "not installed"
    window = open_console(qtbot)
    try:
        from PySide6.QtGui import QAction
        from PySide6.QtWidgets import QMessageBox

        window.findChild(QAction, "actionAbout").trigger()
        box = window.findChild(QMessageBox, "aboutDialog")
        assert box is not None and "psycopg" in box.text() and versions["Qt"] in box.text()
        box.close()
        file_actions = window.menu("File").actions()
        assert file_actions[-1].objectName() == "actionQuit" and file_actions[-2].isSeparator()
        assert window.findChild(QAction, "actionNewSqlEditor") in file_actions  # features' items sit above Quit
    finally:
        close_console(window)


def test_results_of_a_superseded_load_are_dropped(qtbot, monkeypatch):
    """Switching profile while a region still loads: the old profile's rows never appear."""
    import threading

    import aurora_console.core.aws.fleet.inventory as mw
    from aurora_console.core.aws.fleet.models import Cluster, RegionInventory

    gate = threading.Event()

    def fake_list(aws, target, task=None, **_kw):
        if target.profile == "prod":
            gate.wait(10)
        return RegionInventory(target.profile, target.region, clusters=(
            Cluster(f"{target.profile}-db", "aurora-postgresql", "15.4", "available"),), target=target)

    monkeypatch.setattr(mw, "load_region", fake_list)
    services = build_services(console_options(sandbox=False), QApplication.instance())
    services.aws_session.set(AwsSessionFactory())
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        window.navigator.set_profiles(["dev", "prod"], "prod")
        window.navigator.set_regions(["us-east-1"], ["us-east-1"])
        finished = []
        window.load_finished.connect(lambda ok, errs: finished.append(ok))
        window.refresh_clusters()  # prod: blocked in the worker
        with qtbot.waitSignal(window.load_finished, timeout=10000):
            window.navigator.profile_combo.setCurrentText("dev")
        gate.set()
        qtbot.waitUntil(lambda: not services.runner.active(), timeout=10000)
        qtbot.wait(50)
        assert [s.ref.cluster_id for s in window.navigator.model.summaries()] == ["dev-db"]
        assert finished == [True]
    finally:
        gate.set()
        window.close()
        shutdown_services(services)


def test_a_real_profile_named_sandbox_keeps_its_name(qtbot):
    services = build_services(console_options(sandbox=False), QApplication.instance())
    services.aws_session.set(AwsSessionFactory())
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.navigator.set_profiles(["sandbox"], "sandbox")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    assert [t.profile for t in window.current_targets()] == ["sandbox"]
    window.close()
    shutdown_services(services)


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_a_tab_whose_screen_is_missing_is_kept_for_next_time(qtbot, isolated_env):
    from aurora_console.core.paths import app_paths
    from aurora_console.core.settings import SettingsStore

    store = SettingsStore(app_paths().ensure().settings_file)
    store.settings.first_run = False
    store.settings.open_tabs = [{"kind": "from-a-newer-version", "x": 1}]
    store.save()
    window = open_console(qtbot, persist_layout=True)
    close_console(window)
    assert SettingsStore(app_paths().settings_file).settings.open_tabs == [{"kind": "from-a-newer-version", "x": 1}]


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_scripted_runs_leave_the_layout_alone(qtbot, isolated_env):
    window = open_console(qtbot)
    close_console(window)
    assert not window.services.paths.settings_file.exists()
