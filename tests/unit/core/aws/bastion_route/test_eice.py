"""The Instance Connect Endpoint lookup and the presigned OpenTunnel URL (the AWS CLI's
``ec2-instance-connect open-tunnel`` is the reference: aws/aws-cli,
awscli/customizations/ec2instanceconnect/eicefetcher.py and eicesigner.py).

moto has no DescribeInstanceConnectEndpoints, so the lookup runs against botocore's Stubber;
the URL is checked by the sandbox endpoint's own signature check (recomputed, not trusted)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.stub import Stubber

from aurora_console.core.aws.bastion_route import eice as E
from aurora_console.core.aws.bastion_route.errors import RouteAccessDenied
from aurora_console.core.aws.bastion_route.instances import InstanceFacts
from aurora_console.core.ssh.config import AwsBastion
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.eice_endpoint import Refusal, check_signature

FACTS = InstanceFacts(instance_id="i-0123456789abcdef0", name="bastion", state="running", private_ip="10.0.1.25",
                      public_ip="", public_dns="", availability_zone="us-east-1a", subnet_id="subnet-b",
                      vpc_id="vpc-1")
CREDS = sandbox_credentials()


def _item(eid: str, subnet: str, vpc: str = "vpc-1", state: str = "create-complete") -> dict:
    return {"InstanceConnectEndpointId": eid, "InstanceConnectEndpointArn": f"arn:aws:ec2:us-east-1:1:instance-"
            f"connect-endpoint/{eid}", "DnsName": f"{eid}.abc.ec2-instance-connect-endpoint.us-east-1.amazonaws.com",
            "VpcId": vpc, "SubnetId": subnet, "State": state}


def _client(service: str, endpoint_url: str | None = None):
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint_url,
                        aws_access_key_id=CREDS.access_key_id, aws_secret_access_key=CREDS.secret_access_key)


def _clients_with(ec2):
    made = []

    def clients(service, profile, region):
        made.append((service, profile, region))
        return ec2 if service == "ec2" else _client(service)
    clients.made = made
    return clients


def _expect(stub: Stubber, items: list[dict], params: dict) -> None:
    stub.add_response("describe_instance_connect_endpoints", {"InstanceConnectEndpoints": items}, params)


STATES = {"Name": "state", "Values": list(E.USABLE_STATES)}


def test_prefers_the_endpoint_in_the_instances_subnet():
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        _expect(stub, [_item("eice-0aaaaaaaaaaaaaaa1", "subnet-a"), _item("eice-0bbbbbbbbbbbbbbb2", "subnet-b")],
                {"Filters": [STATES, {"Name": "vpc-id", "Values": ["vpc-1"]}]})
        found = E.find_endpoint(_clients_with(ec2), AwsBastion("i-0123456789abcdef0", "us-east-1"), FACTS)
    assert found.endpoint_id == "eice-0bbbbbbbbbbbbbbb2"
    assert found.subnet_id == "subnet-b"


def test_falls_back_to_any_endpoint_of_the_vpc():
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        _expect(stub, [_item("eice-0aaaaaaaaaaaaaaa1", "subnet-a")],
                {"Filters": [STATES, {"Name": "vpc-id", "Values": ["vpc-1"]}]})
        found = E.find_endpoint(_clients_with(ec2), AwsBastion("i-0123456789abcdef0", "us-east-1"), FACTS)
    assert found.endpoint_id == "eice-0aaaaaaaaaaaaaaa1"


def test_an_explicit_endpoint_id_wins():
    ec2 = _client("ec2")
    aws = AwsBastion("i-0123456789abcdef0", "us-east-1", endpoint_id="eice-0ccccccccccccccc3")
    with Stubber(ec2) as stub:
        _expect(stub, [_item("eice-0ccccccccccccccc3", "subnet-z", vpc="vpc-9")],
                {"InstanceConnectEndpointIds": ["eice-0ccccccccccccccc3"], "Filters": [STATES]})
        found = E.find_endpoint(_clients_with(ec2), aws, FACTS)
    assert found.endpoint_id == "eice-0ccccccccccccccc3"


def test_no_endpoint_in_the_vpc_says_which_vpc():
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        _expect(stub, [], {"Filters": [STATES, {"Name": "vpc-id", "Values": ["vpc-1"]}]})
        with pytest.raises(E.NoEndpoint) as info:
            E.find_endpoint(_clients_with(ec2), AwsBastion("bastion", "us-east-1"), FACTS)
    assert "vpc-1" in info.value.message and "no EC2 Instance Connect Endpoint" in info.value.message
    assert "create-instance-connect-endpoint" in info.value.hint and "subnet-b" in info.value.hint


def test_an_unknown_explicit_endpoint_is_named():
    ec2 = _client("ec2")
    aws = AwsBastion("bastion", "us-east-1", endpoint_id="eice-0ddddddddddddddd4")
    with Stubber(ec2) as stub:
        stub.add_client_error("describe_instance_connect_endpoints", "InvalidInstanceConnectEndpointId.NotFound",
                              "The instanceConnectEndpoint ID 'eice-0ddddddddddddddd4' does not exist")
        with pytest.raises(E.NoEndpoint) as info:
            E.find_endpoint(_clients_with(ec2), aws, FACTS)
    assert "eice-0ddddddddddddddd4" in info.value.message


def test_access_denied_names_the_action():
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        stub.add_client_error("describe_instance_connect_endpoints", "UnauthorizedOperation",
                              "You are not authorized to perform this operation.")
        with pytest.raises(RouteAccessDenied) as info:
            E.find_endpoint(_clients_with(ec2), AwsBastion("bastion", "us-east-1", aws_profile="ops"), FACTS)
    assert info.value.action == "ec2:DescribeInstanceConnectEndpoints"
    assert "ec2:DescribeInstanceConnectEndpoints" in info.value.message and "vpc-1" in info.value.resource


def test_endpoints_not_ready_are_skipped():
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        _expect(stub, [_item("eice-0aaaaaaaaaaaaaaa1", "subnet-b", state="delete-in-progress")],
                {"Filters": [STATES, {"Name": "vpc-id", "Values": ["vpc-1"]}]})
        with pytest.raises(E.NoEndpoint):
            E.find_endpoint(_clients_with(ec2), AwsBastion("bastion", "us-east-1"), FACTS)


def _endpoint(dns: str = "eice-0aaaaaaaaaaaaaaa1.abc.ec2-instance-connect-endpoint.us-east-1.amazonaws.com"):
    return E.Endpoint("eice-0aaaaaaaaaaaaaaa1", "arn:aws:ec2:us-east-1:1:instance-connect-endpoint/eice-0aaaaaaaaaaaaaaa1",
                      dns, "vpc-1", "subnet-b", "create-complete")


def test_presigned_url_has_the_open_tunnel_shape():
    client = _client("ec2-instance-connect")
    signer = client._request_signer
    url = E.presign_open_tunnel(signer, _endpoint(), "10.0.1.25", remote_port=22, max_tunnel_seconds=1800)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.scheme == "wss" and parts.netloc == _endpoint().dns_name and parts.path == "/openTunnel"
    assert query["instanceConnectEndpointId"] == "eice-0aaaaaaaaaaaaaaa1"
    assert query["remotePort"] == "22" and query["privateIpAddress"] == "10.0.1.25"
    assert query["maxTunnelDuration"] == "1800"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" and query["X-Amz-Expires"] == "60"
    assert query["X-Amz-SignedHeaders"] == "host"
    assert query["X-Amz-Credential"].split("/")[2:] == ["us-east-1", "ec2-instance-connect", "aws4_request"]
    assert CREDS.secret_access_key not in url


def test_presigned_url_verifies_and_any_change_breaks_it():
    client = _client("ec2-instance-connect")
    signer = client._request_signer
    endpoint = _endpoint("127.0.0.1:4567")
    url = E.presign_open_tunnel(signer, endpoint, "10.0.1.25", scheme="ws", max_tunnel_seconds=600)
    path = url.split("127.0.0.1:4567", 1)[1]
    host = {"host": "127.0.0.1:4567"}.get
    params = check_signature(path, host, CREDS, time.time())
    assert params["remotePort"] == "22"
    for before, after in (("remotePort=22", "remotePort=23"), ("privateIpAddress=10.0.1.25", "privateIpAddress=10.0.1.26"),
                          ("maxTunnelDuration=600", "maxTunnelDuration=3600")):
        with pytest.raises(Refusal) as info:
            check_signature(path.replace(before, after), host, CREDS, time.time())
        assert info.value.status == 403 and "signature" in info.value.message
    with pytest.raises(Refusal):  # signed for another host
        check_signature(path, {"host": "127.0.0.1:9999"}.get, CREDS, time.time())
    with pytest.raises(Refusal) as info:
        check_signature(path, host, CREDS, time.time() + 61)
    assert "expired" in info.value.message


def test_scheme_follows_the_aws_endpoint():
    assert E.websocket_scheme(_client("ec2", "https://ec2.us-east-1.amazonaws.com")) == "wss"
    assert E.websocket_scheme(_client("ec2", "http://127.0.0.1:5000")) == "ws"
    assert E.websocket_scheme(_client("ec2", "https://vpce.example.com")) == "wss"


def test_a_bastion_without_private_address_is_refused_before_any_call():
    facts = InstanceFacts(**{**FACTS.__dict__, "private_ip": ""})
    clients = _clients_with(None)
    with pytest.raises(E.BastionRouteError, match="no private IPv4"):
        E.carrier(clients, AwsBastion("bastion", "us-east-1"), facts, port=22)
    assert clients.made == []


def test_carrier_expires_after_the_tunnel_duration(monkeypatch):
    ec2 = _client("ec2")
    monkeypatch.setattr(E, "clock", lambda: 1000.0)
    aws = AwsBastion("bastion", "us-east-1", max_tunnel_seconds=600)
    with Stubber(ec2) as stub:
        _expect(stub, [_item("eice-0aaaaaaaaaaaaaaa1", "subnet-b")],
                {"Filters": [STATES, {"Name": "vpc-id", "Values": ["vpc-1"]}]})
        made = E.carrier(_clients_with(ec2), aws, FACTS, port=22)
    try:
        assert made.expires_at == 1600.0
        assert made.label == "endpoint eice-0aaaaaaaaaaaaaaa1"
        assert made.proxy_command and made.open_socket is not None
        # nothing secret on the helper's command line
        assert not any("X-Amz" in a or CREDS.access_key_id in a for a in made.proxy_command)
    finally:
        made.close()
