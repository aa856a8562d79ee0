"""The window with AWS_PROFILE and keys in the environment (issue 14): it lists the clusters with
the environment's keys, as the AWS CLI would, instead of "No AWS credentials found for profile";
a profile picked in the navigator is explicit, like --profile (moto endpoint)."""

from __future__ import annotations

import boto3
import pytest

from aurora_console.testing.console import close_console, open_console

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_aws_profile_with_environment_keys_lists_clusters_and_a_pick_is_explicit(
        qtbot, isolated_env, moto_endpoint, monkeypatch):
    aws_dir = isolated_env / "home" / ".aws"
    (aws_dir / "config").write_text("[profile x]\nregion = us-east-1\n[profile y]\nregion = us-east-1\n")
    (aws_dir / "credentials").write_text("[y]\naws_access_key_id = YKEY\naws_secret_access_key = y\n")
    monkeypatch.setenv("AWS_PROFILE", "x")  # x has no keys of its own
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    rds = boto3.client("rds", region_name="us-east-1", endpoint_url=moto_endpoint)
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long")

    window = open_console(qtbot, endpoint_url=moto_endpoint)
    try:
        nav = window.navigator
        assert nav.current_profile() == "x"
        assert [s.ref.cluster_id for s in nav.model.summaries()] == ["orders"]
        assert nav.model.errors == {} and "No AWS credentials" not in nav.status_label.text()

        with qtbot.waitSignal(window.load_finished, timeout=30000):
            nav.profile_combo.setCurrentText("y")  # picked: y's own keys
        assert [s.ref.cluster_id for s in nav.model.summaries()] == ["orders"]
        with qtbot.waitSignal(window.load_finished, timeout=30000):
            nav.profile_combo.setCurrentText("x")  # picked: explicit now, so no environment keys
        assert "No AWS credentials found for profile 'x'" in nav.status_label.text()
    finally:
        close_console(window)
