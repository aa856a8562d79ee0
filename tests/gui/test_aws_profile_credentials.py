"""The window with AWS_PROFILE and keys in the environment (issue 14): it lists the clusters with
the environment's keys, as the AWS CLI would, instead of "No AWS credentials found for profile";
a profile picked in the navigator is explicit, like --profile (moto endpoint)."""

from __future__ import annotations

import boto3
import pytest

from aurora_console.testing.console import close_console, open_console

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _cluster(endpoint: str, region: str, cluster_id: str) -> None:
    # a session of its own: boto3's module-level default session keeps the AWS files of the test
    # that created it (a profile this test names would not be found there)
    rds = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s").client(
        "rds", region_name=region, endpoint_url=endpoint)
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long")


def test_aws_profile_with_environment_keys_lists_clusters_and_a_pick_is_explicit(
        qtbot, isolated_env, moto_endpoint, monkeypatch):
    aws_dir = isolated_env / "home" / ".aws"
    (aws_dir / "config").write_text("[profile x]\nregion = us-east-1\n[profile y]\nregion = us-east-1\n")
    (aws_dir / "credentials").write_text("[y]\naws_access_key_id = YKEY\naws_secret_access_key = y\n")
    _cluster(moto_endpoint, "us-east-1", "orders")
    monkeypatch.setenv("AWS_PROFILE", "x")  # x has no keys of its own
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")

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


def test_environment_keys_alone_with_no_aws_files_list_the_clusters_on_default(qtbot, isolated_env, moto_endpoint,
                                                                                monkeypatch):
    """aws-vault exec, a CI runner, a container: no ~/.aws at all, keys and a region in the
    environment. The window starts on the default chain and lists what `aws rds
    describe-db-clusters` would (moto here, through --endpoint-url)."""
    aws_dir = isolated_env / "home" / ".aws"
    assert not (aws_dir / "config").exists() and not (aws_dir / "credentials").exists()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_REGION", "eu-west-2")  # before AWS_DEFAULT_REGION (us-east-1 in the rig)
    _cluster(moto_endpoint, "eu-west-2", "orders")
    _cluster(moto_endpoint, "us-east-1", "elsewhere")

    window = open_console(qtbot, endpoint_url=moto_endpoint)
    try:
        nav = window.navigator
        assert nav.current_profile() == "default"
        assert [nav.profile_combo.itemText(i) for i in range(nav.profile_combo.count())] == ["default"]
        assert [s.ref.cluster_id for s in nav.model.summaries()] == ["orders"]  # AWS_REGION's only
        assert nav.model.errors == {} and "No AWS profile" not in nav.status_label.text()
        assert window.status.profile_label.text() == "Profile: default"
        creds = window.services.aws.session("default").get_credentials()
        assert (creds.access_key, creds.method) == ("ENVKEY", "env")  # the default chain, not a profile
    finally:
        close_console(window)
