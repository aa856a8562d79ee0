"""Every AWS failure becomes a plain message with what to do next (Stubber for faults moto lacks)."""

from __future__ import annotations

import boto3
import pytest
from botocore import exceptions as bex
from botocore.stub import Stubber

from aurora_console.core.aws.errors import NotSupportedByEndpoint, classify
from aurora_console.core.aws.fleet.clusters import list_clusters
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget

pytestmark = pytest.mark.unit


def _stubbed_factory(code: str, status: int = 400, message: str = "nope"):
    client = boto3.client("rds", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(client)
    stub.add_client_error("describe_db_clusters", service_error_code=code, service_message=message,
                          http_status_code=status)
    stub.activate()
    factory = AwsSessionFactory()
    factory._clients[("rds", "prod", "us-east-1", None)] = client
    return factory


@pytest.mark.parametrize("code,status,kind,hint_part", [
    ("AccessDenied", 403, "access-denied", "IAM permission"),
    ("ExpiredToken", 400, "expired", "aws sso login --profile prod"),
    ("Throttling", 400, "throttled", "Wait"),
    ("OptInRequired", 403, "opt-in", "Enable the region"),
    ("InternalFailure", 500, "not-supported", ""),
])
def test_region_failure_is_returned_not_raised(code, status, kind, hint_part):
    result = list_clusters(_stubbed_factory(code, status), AwsTarget("prod", "us-east-1"))
    assert result.clusters == []
    assert result.error is not None and result.error.kind == kind
    assert hint_part in result.error.hint
    if kind == "not-supported":
        assert isinstance(result.error, NotSupportedByEndpoint)
        assert "not supported by this endpoint" in result.error.message


def test_sso_expired_names_the_login_command():
    err = classify(bex.SSOTokenLoadError(error_msg="token expired"), profile="team-admin")
    assert err.kind == "sso-expired" and err.hint.startswith("Run: aws sso login --profile team-admin ")
    err = classify(bex.UnauthorizedSSOTokenError(), profile="team-admin")
    assert "aws sso login --profile team-admin" in err.hint


def test_missing_credentials_and_profile():
    assert classify(bex.NoCredentialsError(), profile="x").kind == "credentials"
    err = classify(bex.ProfileNotFound(profile="ghost"), profile="ghost")
    assert err.kind == "config" and "ghost" in err.message


def test_unreachable_endpoint():
    err = classify(bex.EndpointConnectionError(endpoint_url="https://rds.nowhere"), operation="DescribeDBClusters")
    assert err.kind == "endpoint" and "cannot reach" in err.message


def test_not_found_is_not_called_unsupported():
    result = list_clusters(_stubbed_factory("DBClusterNotFoundFault", 404, "DBCluster x not found."),
                           AwsTarget("prod", "us-east-1"))
    assert result.error.kind == "not-found" and "not found" in result.error.message


def test_an_html_error_page_means_not_supported():
    from botocore.parsers import ResponseParserError

    err = classify(ResponseParserError("Unable to parse response, invalid XML received: b'<!doctype html>'"),
                   operation="DescribePendingMaintenanceActions")
    assert isinstance(err, NotSupportedByEndpoint)
    assert err.message == "DescribePendingMaintenanceActions is not supported by this endpoint."
