"""No test reaches AWS: a call without moto's endpoint is refused locally, on its first attempt,
and fails the test that made it; an explicit endpoint (moto's) still wins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aurora_console.core.aws.fleet.clusters import list_clusters
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget
from tests.rig.aws_tripwire import ERROR_CODE

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_an_unpointed_call_is_refused_once_and_recorded(aws_tripwire):
    assert os.environ["AWS_ENDPOINT_URL"] == aws_tripwire.url
    # the console's own client: adaptive retries, 6 attempts; the refusal is not retried
    loaded = list_clusters(AwsSessionFactory(), AwsTarget(None, "us-east-1"))
    assert loaded.error is not None and loaded.clusters == []
    calls = aws_tripwire.take()
    operations = [c.operation for c in calls]  # the inventory's describe calls, each refused once
    assert "DescribeDBClusters" in operations and len(operations) == len(set(operations)), operations
    assert all(c.method == "POST" and "aurora-console/" in c.user_agent for c in calls)


def test_json_protocols_get_an_error_botocore_parses(aws_tripwire):
    import boto3
    from botocore.exceptions import ClientError

    client = boto3.client("secretsmanager", region_name="us-east-1")
    with pytest.raises(ClientError) as raised:
        client.get_secret_value(SecretId="db")
    assert raised.value.response["Error"]["Code"] == ERROR_CODE
    assert [c.operation for c in aws_tripwire.take()] == ["secretsmanager.GetSecretValue"]


def test_an_explicit_endpoint_wins_over_the_tripwire(aws_tripwire, moto_endpoint):
    loaded = list_clusters(AwsSessionFactory(endpoint_url=moto_endpoint), AwsTarget(None, "us-east-1"))
    assert loaded.error is None and loaded.clusters == []
    assert aws_tripwire.take() == []


def test_credential_calls_land_there_too(aws_tripwire, monkeypatch, tmp_path):
    """A web identity's STS call, made by botocore while resolving credentials."""
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/ci")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    import boto3

    with pytest.raises(Exception):  # noqa: B017 - botocore wraps the refusal in its credential error
        boto3.Session(region_name="us-east-1").get_credentials().get_frozen_credentials()
    assert "AssumeRoleWithWebIdentity" in [c.operation for c in aws_tripwire.take()]


def test_child_processes_inherit_it(aws_tripwire):
    code = ("import boto3, botocore.exceptions as e\n"
            "try:\n boto3.client('rds', region_name='eu-west-1').describe_db_clusters()\n"
            "except e.ClientError as x:\n print(x.response['Error']['Code'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == ERROR_CODE
    assert [c.operation for c in aws_tripwire.take()] == ["DescribeDBClusters"]


@pytest.mark.no_aws_credentials
def test_no_aws_credentials_marker_removes_the_dummy_keys():
    assert "AWS_ACCESS_KEY_ID" not in os.environ and "AWS_SECRET_ACCESS_KEY" not in os.environ
    assert os.environ["AWS_ENDPOINT_URL"]  # the tripwire stays


INNER_TESTS = '''
import boto3


def test_calls_aws_unpointed():
    try:
        boto3.client("rds", region_name="us-east-1").describe_db_clusters()
    except Exception:
        pass  # a test that swallows the error still fails


def test_takes_its_call(aws_tripwire):
    try:
        boto3.client("rds", region_name="us-east-1").describe_db_clusters()
    except Exception:
        pass
    assert len(aws_tripwire.take()) == 1
'''


def test_a_test_that_calls_aws_unpointed_fails(tmp_path):
    project = tmp_path / "inner"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_inner.py").write_text(INNER_TESTS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    env.pop("AWS_ENDPOINT_URL")  # the inner session sets its own
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-p", "tests.rig.isolation", str(project)],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    # reported at teardown, as the rig's check of logged errors
    assert "ERROR test_inner.py::test_calls_aws_unpointed" in result.stdout
    assert "2 passed, 1 error" in result.stdout  # test_takes_its_call passes
    assert "AWS calls not pointed at moto" in result.stdout
    assert "POST / DescribeDBClusters" in result.stdout
