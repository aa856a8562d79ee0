"""resolve_instance's AccessDenied (Stubber: moto grants every call; the moto-backed cases are in
tests/integration/tunnels/test_instance_connect.py)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from aurora_console.core.aws.bastion_route.errors import BastionRouteError, RouteAccessDenied
from aurora_console.core.aws.bastion_route.instances import resolve_instance
from aurora_console.core.ssh.config import AwsBastion


def _ec2():
    return boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")


@pytest.mark.parametrize("instance", ["i-0123456789abcdef0", "prod bastion"])
def test_access_denied_names_describe_instances_and_what_was_looked_up(instance) -> None:
    client = _ec2()
    with Stubber(client) as stub:
        stub.add_client_error("describe_instances", service_error_code="UnauthorizedOperation",
                              service_message="You are not authorized to perform this operation.",
                              http_status_code=403)
        with pytest.raises(RouteAccessDenied) as err:
            resolve_instance(lambda *a: client, AwsBastion(instance=instance, region="eu-west-1"))
    assert err.value.action == "ec2:DescribeInstances"
    assert "AWS denied ec2:DescribeInstances on" in err.value.message and instance in err.value.message
    assert "eu-west-1" in err.value.message


def test_expired_sso_session_says_which_login_to_run() -> None:
    from botocore.exceptions import TokenRetrievalError

    def clients(service, profile, region):
        raise TokenRetrievalError(provider="sso", error_msg="Token has expired")

    with pytest.raises(BastionRouteError) as err:
        resolve_instance(clients, AwsBastion(instance="bastion", region="eu-west-1", aws_profile="ops"))
    assert err.value.aws_kind == "sso-expired"
    assert "aws sso login --profile ops" in err.value.hint


def test_a_running_instance_by_name() -> None:
    client = _ec2()
    with Stubber(client) as stub:
        stub.add_response("describe_instances", {"Reservations": [{"OwnerId": "111122223333", "Instances": [
            {"InstanceId": "i-0123456789abcdef0", "State": {"Name": "running"}, "PrivateIpAddress": "10.0.1.5",
             "Placement": {"AvailabilityZone": "eu-west-1a"}, "SubnetId": "subnet-1", "VpcId": "vpc-1",
             "Tags": [{"Key": "Name", "Value": "bastion"}]},
            {"InstanceId": "i-0fedcba9876543210", "State": {"Name": "terminated"},
             "Tags": [{"Key": "Name", "Value": "bastion"}]}]}]},
            {"Filters": [{"Name": "tag:Name", "Values": ["bastion"]}]})
        facts = resolve_instance(lambda *a: client, AwsBastion(instance="bastion", region="eu-west-1"))
    assert (facts.instance_id, facts.private_ip, facts.public_ip, facts.availability_zone, facts.vpc_id) == (
        "i-0123456789abcdef0", "10.0.1.5", "", "eu-west-1a", "vpc-1")
    assert facts.shown == "i-0123456789abcdef0 (bastion)"
    assert facts.arn("eu-west-1") == "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0"
