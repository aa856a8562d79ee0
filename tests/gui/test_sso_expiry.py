"""An SSO session that expires mid-work (issue 18), in the window: the navigator says so with the
exact `aws sso login --profile NAME`, and after the login a refresh lists the clusters without a
restart (the SSO portal is a local stand-in, tests/rig/sso_portal.py; clusters on moto)."""

from __future__ import annotations

import boto3
import pytest

from aurora_console.testing.console import close_console, open_console
from tests.rig.sso_portal import VALID_TOKEN, sso_config

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_expired_sso_login_is_said_and_a_refresh_after_login_works(qtbot, isolated_env, moto_endpoint, sso_portal,
                                                                     sso_login, monkeypatch):
    (isolated_env / "home" / ".aws" / "config").write_text(sso_config("corp"))
    rds = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s").client(
        "rds", region_name="us-east-1", endpoint_url=moto_endpoint)
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long")
    sso_login("token-that-expired")

    window = open_console(qtbot, profile="corp", region="us-east-1", endpoint_url=moto_endpoint)
    try:
        nav = window.navigator
        assert nav.model.summaries() == []
        assert "aws sso login --profile corp" in nav.status_label.text()
        assert "no restart" in nav.status_label.text()

        sso_login(VALID_TOKEN)  # the user runs `aws sso login --profile corp` in a terminal
        with qtbot.waitSignal(window.load_finished, timeout=30000):
            window.refresh_clusters()
        assert [s.ref.cluster_id for s in nav.model.summaries()] == ["orders"]
        assert nav.model.errors == {} and "sso login" not in nav.status_label.text()
        assert sso_portal.calls[-1] == VALID_TOKEN
    finally:
        close_console(window)
