"""A main window pointed at the rig's moto server (two regions), without the full sandbox."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.session import AwsSessionFactory, StaticCredentials
from tests.integration.fleet.conftest import _quiet_moto_unimplemented  # noqa: F401 - autouse fixture

REGIONS = ["us-east-1", "eu-west-1"]


@pytest.fixture
def fleet_window(qtbot, moto_endpoint):
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), QApplication.instance())
    services.aws_session.set(AwsSessionFactory(
        endpoint_url=moto_endpoint, credentials=StaticCredentials("testing", "testing"),
        config_overrides={"retries": {"mode": "standard", "max_attempts": 1}}))
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.navigator.set_profiles(["sandbox"], "sandbox")
    window.navigator.set_regions(REGIONS, REGIONS)
    window.show()
    yield window
    window.close()
    shutdown_services(services)


@pytest.fixture
def rds(fleet_window, moto_endpoint):
    """boto3 RDS clients per region on the same moto server (to change AWS behind the console)."""
    from aurora_console.core.aws.session import AwsTarget

    f = fleet_window.services.aws
    return {r: f.client("rds", AwsTarget(None, r)) for r in REGIONS}


class FakeRoot:
    """The page objects' root without the full sandbox (same contract as ConsoleRoot)."""

    def __init__(self, window, qtbot) -> None:
        self.window, self.qtbot = window, qtbot
        self.allow_changes, self.sandbox = False, True

    @property
    def services(self):
        return self.window.services

    def guard_change(self, what: str) -> None:
        pass


@pytest.fixture
def fleet_page(fleet_window, qtbot):
    from aurora_console.testing.pages_fleet import FleetPage

    def make():
        return FleetPage(FakeRoot(fleet_window, qtbot))

    return make
