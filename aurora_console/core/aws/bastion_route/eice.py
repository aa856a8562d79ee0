"""The EC2 Instance Connect Endpoint carrier: SSH to a bastion with only a private address.

For every tunnel opening (and reconnect):

1. the endpoint: ``endpoint_id`` from the profile when set, else the one in the instance's VPC,
   preferring one in the instance's subnet (``DescribeInstanceConnectEndpoints`` filtered on the
   states that accept tunnels);
2. per websocket, a fresh URL presigned with SigV4 (service ``ec2-instance-connect``, valid 60 s):
   ``wss://<endpoint dns>/openTunnel?instanceConnectEndpointId=...&remotePort=22&
   privateIpAddress=...&maxTunnelDuration=...`` plus the ``X-Amz-*`` query parameters;
3. SSH runs over the websocket: the paramiko backend through :class:`.eice_stream.WebsocketStream`
   (``Carrier.open_socket``), the native backend through ``ProxyCommand`` = the console's own
   helper (:mod:`.eice_proxy`), which gets its URL from an owner-only file, never argv or env.

The request shape follows the AWS CLI's ``aws ec2-instance-connect open-tunnel`` (aws/aws-cli,
awscli/customizations/ec2instanceconnect/eicefetcher.py for the lookup, eicesigner.py for the
presigned URL); signing is botocore's own ``RequestSigner``.

The endpoint cuts a tunnel after ``maxTunnelDuration`` seconds, so the carrier's ``expires_at``
is that long after it was made (before any websocket opens): the tunnel manager reconnects
before then. Against an AWS endpoint override without TLS (the sandbox's ``http://127.0.0.1``)
the websocket is ``ws://`` too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aurora_console.core.aws.bastion_route.carrier import Carrier
from aurora_console.core.aws.bastion_route.eice_stream import (
    OPEN_TUNNEL,
    TunnelTicket,
    WebsocketStream,
    open_websocket,
)
from aurora_console.core.aws.bastion_route.errors import BastionRouteError, aws_call_failed
from aurora_console.core.aws.bastion_route.instances import ClientFactory, InstanceFacts
from aurora_console.core.ssh.config import AwsBastion

log = logging.getLogger(__name__)

DESCRIBE_ENDPOINTS = "ec2:DescribeInstanceConnectEndpoints"
#: the states in which an endpoint opens tunnels (as the AWS CLI's eicefetcher.py filters)
USABLE_STATES = ("create-complete", "update-in-progress", "update-failed", "update-complete")
#: how long a presigned OpenTunnel URL is valid (the AWS CLI's value)
URL_EXPIRES_SECONDS = 60
SIGNING_SERVICE = "ec2-instance-connect"

#: the clock ``expires_at`` is measured on (tests replace it to jump ahead)
clock: Callable[[], float] = time.monotonic


class NoEndpoint(BastionRouteError):
    kind = "eice-missing"


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    arn: str
    dns_name: str
    vpc_id: str
    subnet_id: str
    state: str


def _endpoint(item: dict[str, Any]) -> Endpoint:
    return Endpoint(endpoint_id=item.get("InstanceConnectEndpointId", ""), arn=item.get("InstanceConnectEndpointArn", ""),
                    dns_name=item.get("DnsName", ""), vpc_id=item.get("VpcId", ""), subnet_id=item.get("SubnetId", ""),
                    state=item.get("State", ""))


def find_endpoint(clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts) -> Endpoint:
    """The endpoint to open tunnels through: ``aws.endpoint_id`` if set (it must be usable), else
    the usable one in the instance's subnet, else the first usable one in its VPC. ``NoEndpoint``
    says which VPC has none; AWS failures name ``ec2:DescribeInstanceConnectEndpoints``."""
    where = f"{aws.region}" + (f" (AWS profile {aws.aws_profile})" if aws.aws_profile else "")
    state_filter = {"Name": "state", "Values": list(USABLE_STATES)}
    if aws.endpoint_id:
        args: dict[str, Any] = {"InstanceConnectEndpointIds": [aws.endpoint_id], "Filters": [state_filter]}
        resource = aws.endpoint_id
    else:
        args = {"Filters": [state_filter, {"Name": "vpc-id", "Values": [facts.vpc_id]}]}
        resource = f"endpoints of {facts.vpc_id}"
    try:
        ec2 = clients("ec2", aws.aws_profile, aws.region)
        found = [_endpoint(item) for page in ec2.get_paginator("describe_instance_connect_endpoints").paginate(**args)
                 for item in page.get("InstanceConnectEndpoints", [])]
    except Exception as exc:  # noqa: BLE001 - every AWS failure becomes a plain message
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        if aws.endpoint_id and code in ("InvalidInstanceConnectEndpointId.NotFound",
                                        "InvalidInstanceConnectEndpointId.Malformed"):
            found = []
        else:
            raise aws_call_failed(exc, action=DESCRIBE_ENDPOINTS, resource=resource, aws_profile=aws.aws_profile,
                                  region=aws.region) from None
    found = [e for e in found if e.dns_name and e.state in USABLE_STATES]
    if aws.endpoint_id:
        if not found:
            raise NoEndpoint(f"The EC2 Instance Connect Endpoint {aws.endpoint_id} does not exist in {where} or is "
                             "not ready (being created or deleted).",
                             hint="Check the endpoint id in the profile, or leave it empty to use the endpoint of "
                                  f"the bastion's VPC ({facts.vpc_id}).")
        return found[0]
    if not found:
        raise NoEndpoint(f"The bastion {facts.shown}'s VPC {facts.vpc_id} has no EC2 Instance Connect Endpoint "
                         f"that is ready, in {where}.",
                         hint=f"Create one in {facts.vpc_id} (VPC console ▸ Endpoints ▸ EC2 Instance Connect "
                              "Endpoint, or `aws ec2 create-instance-connect-endpoint --subnet-id "
                              f"{facts.subnet_id}`), or choose another transport.")
    same_subnet = [e for e in found if e.subnet_id == facts.subnet_id]
    return (same_subnet or found)[0]


def websocket_scheme(client: Any) -> str:
    """``wss``, or ``ws`` when the AWS clients go to an endpoint override without TLS (the sandbox)."""
    endpoint = str(getattr(getattr(client, "meta", None), "endpoint_url", "") or "")
    return "ws" if endpoint.startswith("http://") else "wss"


def presign_open_tunnel(signer: Any, endpoint: Endpoint, private_ip: str, *, remote_port: int = 22,
                        max_tunnel_seconds: int | None = None, scheme: str = "wss",
                        expires_in: int = URL_EXPIRES_SECONDS) -> str:
    """The presigned ``OpenTunnel`` websocket URL (SigV4 query signature by botocore's
    ``RequestSigner``: ``signer`` is an ``ec2-instance-connect`` client's, bound to its credentials,
    region and event hooks). The request: ``GET /openTunnel`` with the endpoint id, port, address
    and duration as query parameters and the host header signed (as the AWS CLI's eicesigner.py)."""
    query = {"instanceConnectEndpointId": endpoint.endpoint_id, "remotePort": remote_port,
             "privateIpAddress": private_ip}
    if max_tunnel_seconds:
        query["maxTunnelDuration"] = int(max_tunnel_seconds)
    request = {"url": f"{scheme}://{endpoint.dns_name}/openTunnel?{urlencode(query)}", "body": {},
               "headers": {"host": endpoint.dns_name}, "method": "GET", "query_string": "", "url_path": "/",
               "context": {}}
    return signer.generate_presigned_url(request_dict=request, operation_name="openTunnel", expires_in=expires_in)


def _ca_file() -> str:
    """The CA bundle AWS calls verify with: ``AWS_CA_BUNDLE``, else botocore's (certifi's)."""
    import os

    if os.environ.get("AWS_CA_BUNDLE"):
        return os.environ["AWS_CA_BUNDLE"]
    try:
        from botocore.httpsession import get_cert_path

        return str(get_cert_path(True) or "")
    except Exception:  # noqa: BLE001 - the system's store then
        return ""


class TunnelTickets:
    """Makes a fresh :class:`TunnelTicket` (a newly presigned URL) for each websocket opening."""

    def __init__(self, clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, endpoint: Endpoint, *,
                 port: int = 22) -> None:
        self.endpoint = endpoint
        self.private_ip = facts.private_ip
        self.port = port
        self.max_tunnel_seconds = int(aws.max_tunnel_seconds)
        self._aws = aws
        try:
            client = clients(SIGNING_SERVICE, aws.aws_profile, aws.region)
        except Exception as exc:  # noqa: BLE001
            raise aws_call_failed(exc, action=OPEN_TUNNEL, resource=endpoint.arn or
                                  endpoint.endpoint_id, aws_profile=aws.aws_profile, region=aws.region) from None
        # botocore's client.generate_presigned_url signs only operations of the service model, and
        # OpenTunnel is not one, so the client's RequestSigner (its credentials, region, hooks) signs it
        # directly, as botocore's own presigning does
        self._client = client  # the signer holds its event hooks only weakly: keep the client alive
        self._signer = client._request_signer
        self.scheme = websocket_scheme(client)
        self.ca_file = _ca_file() if self.scheme == "wss" else ""

    def __call__(self) -> TunnelTicket:
        try:
            url = presign_open_tunnel(self._signer, self.endpoint, self.private_ip, remote_port=self.port,
                                      max_tunnel_seconds=self.max_tunnel_seconds, scheme=self.scheme)
        except Exception as exc:  # noqa: BLE001 - e.g. credentials that expired since the last opening
            raise aws_call_failed(exc, action=OPEN_TUNNEL,
                                  resource=self.endpoint.arn or self.endpoint.endpoint_id,
                                  aws_profile=self._aws.aws_profile, region=self._aws.region) from None
        return TunnelTicket(url, self.endpoint.endpoint_id, self.endpoint.arn, self.ca_file)


def carrier(clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, *, port: int = 22,
            timeout: float = 10.0) -> Carrier:
    """The ``eice`` carrier for one tunnel opening (see the module docstring)."""
    if not facts.private_ip:
        raise BastionRouteError(f"The bastion {facts.shown} has no private IPv4 address for the endpoint to reach.")
    endpoint = find_endpoint(clients, aws, facts)
    tickets = TunnelTickets(clients, aws, facts, endpoint, port=port)
    made = clock()

    def open_socket() -> WebsocketStream:
        return open_websocket(tickets(), timeout)

    from aurora_console.core.aws.bastion_route.eice_proxy import UrlHandout, proxy_argv

    handout = UrlHandout(tickets)
    log.info("bastion %s through endpoint %s (%s), tunnels cut after %d s", facts.instance_id, endpoint.endpoint_id,
             endpoint.subnet_id, tickets.max_tunnel_seconds)
    return Carrier(label=f"endpoint {endpoint.endpoint_id}", proxy_command=proxy_argv(handout.path),
                   open_socket=open_socket, expires_at=made + tickets.max_tunnel_seconds, close=handout.close)
