"""Profiles, regions and endpoints resolve the standard way; calls reach a real moto server."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.clusters import list_clusters
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget

pytestmark = pytest.mark.integration


def _write_config(home, text: str, creds: str = "") -> None:
    (home / "home/.aws/config").write_text(text)
    (home / "home/.aws/credentials").write_text(creds)


def _make_cluster(endpoint, region, cluster_id, engine="aurora-postgresql"):
    import boto3

    rds = boto3.client("rds", region_name=region, endpoint_url=endpoint, aws_access_key_id="k",
                       aws_secret_access_key="s")
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine=engine, MasterUsername="admin_user",
                          MasterUserPassword="Passw0rd-long")


def test_profiles_from_aws_config_file(isolated_env, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # the environment would win over the profile, as in the CLI
    _write_config(isolated_env, "[default]\nregion = eu-west-1\n[profile prod]\nregion = us-west-2\n"
                                "[profile sso-team]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n"
                                "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
    factory = AwsSessionFactory()
    assert factory.available_profiles() == ["default", "prod", "sso-team"]
    assert factory.default_region("prod") == "us-west-2"
    assert factory.default_region(None) == "eu-west-1"


def test_aws_endpoint_url_env_is_honoured_without_override(moto_endpoint, monkeypatch, isolated_env):
    _write_config(isolated_env, "[profile dev]\nregion = us-east-1\n",
                  "[dev]\naws_access_key_id = k\naws_secret_access_key = s\n")
    _make_cluster(moto_endpoint, "us-east-1", "env-cluster")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    result = list_clusters(AwsSessionFactory(), AwsTarget("dev", "us-east-1"))
    assert result.error is None, result.error
    assert [c.ref.cluster_id for c in result.clusters] == ["env-cluster"]


def test_endpoint_override_and_region_isolation(moto_endpoint, isolated_env):
    _write_config(isolated_env, "[profile dev]\nregion = us-east-1\n",
                  "[dev]\naws_access_key_id = k\naws_secret_access_key = s\n")
    _make_cluster(moto_endpoint, "us-east-1", "east-pg")
    _make_cluster(moto_endpoint, "eu-west-1", "west-my", engine="aurora-mysql")
    factory = AwsSessionFactory(endpoint_url=moto_endpoint)
    east = list_clusters(factory, AwsTarget("dev", "us-east-1"))
    west = list_clusters(factory, AwsTarget("dev", "eu-west-1"))
    assert [(c.ref.cluster_id, c.ref.engine) for c in east.clusters] == [("east-pg", "aurora-postgresql")]
    assert [(c.ref.cluster_id, c.ref.engine) for c in west.clusters] == [("west-my", "aurora-mysql")]
    assert factory.client("rds", AwsTarget("dev", "us-east-1")) is factory.client("rds", AwsTarget("dev", "us-east-1"))


def test_missing_credentials_are_reported_per_region(isolated_env, monkeypatch, moto_endpoint):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    _write_config(isolated_env, "[profile empty]\nregion = us-east-1\n")
    result = list_clusters(AwsSessionFactory(endpoint_url=moto_endpoint), AwsTarget("empty", "us-east-1"))
    assert result.error is not None and result.error.kind == "credentials"
    assert "aws configure --profile empty" in result.error.hint


def test_unknown_profile(isolated_env):
    result = list_clusters(AwsSessionFactory(), AwsTarget("ghost", "us-east-1"))
    assert result.error is not None and result.error.kind == "config"


def test_unreachable_endpoint_fails_fast_with_reason(isolated_env):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    factory = AwsSessionFactory(endpoint_url=f"http://127.0.0.1:{port}",
                                config_overrides={"retries": {"mode": "standard", "max_attempts": 1}})
    result = list_clusters(factory, AwsTarget(None, "us-east-1"))
    assert result.error is not None and result.error.kind == "endpoint"
