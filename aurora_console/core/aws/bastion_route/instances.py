"""Which EC2 instance is the bastion: ``DescribeInstances`` by instance id or ``Name`` tag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurora_console.core.aws.bastion_route.errors import (
    InstanceAmbiguous,
    InstanceNotFound,
    InstanceNotRunning,
    aws_call_failed,
)
from aurora_console.core.ssh.config import AwsBastion

#: ``clients(service, aws_profile, region)`` -> a boto3 client (as ``Engine.iam_token`` gets them)
ClientFactory = Callable[[str, "str | None", str], Any]
DESCRIBE = "ec2:DescribeInstances"
_GONE = ("terminated", "shutting-down")


@dataclass(frozen=True)
class InstanceFacts:
    instance_id: str
    name: str  # its Name tag ("" when untagged)
    state: str  # pending | running | stopping | stopped | ...
    private_ip: str
    public_ip: str  # "" when it has none
    public_dns: str
    availability_zone: str
    subnet_id: str
    vpc_id: str
    account_id: str = ""  # the reservation's owner ("" when unknown)

    def arn(self, region: str) -> str:
        """``arn:aws:ec2:REGION:ACCOUNT:instance/i-…`` (what IAM policies name), or the id alone
        when the account is unknown."""
        if not self.account_id:
            return self.instance_id
        return f"arn:aws:ec2:{region}:{self.account_id}:instance/{self.instance_id}"

    @property
    def shown(self) -> str:
        """``i-0abc (sandbox-bastion)``, or the id alone for an untagged instance."""
        return f"{self.instance_id} ({self.name})" if self.name and self.name != self.instance_id else self.instance_id


def _facts(inst: dict[str, Any], account_id: str = "") -> InstanceFacts:
    tags = {t.get("Key"): t.get("Value", "") for t in inst.get("Tags") or []}
    return InstanceFacts(
        instance_id=inst["InstanceId"], name=tags.get("Name", ""),
        state=(inst.get("State") or {}).get("Name", "unknown"),
        private_ip=inst.get("PrivateIpAddress") or "", public_ip=inst.get("PublicIpAddress") or "",
        public_dns=inst.get("PublicDnsName") or "",
        availability_zone=(inst.get("Placement") or {}).get("AvailabilityZone", ""),
        subnet_id=inst.get("SubnetId") or "", vpc_id=inst.get("VpcId") or "", account_id=account_id)


def _describe(ec2, aws: AwsBastion) -> list[tuple[dict[str, Any], str]]:
    """``(instance, owner account id)`` pairs."""
    if aws.is_instance_id:
        try:
            pages = ec2.get_paginator("describe_instances").paginate(InstanceIds=[aws.instance])
            return [(i, r.get("OwnerId", "")) for page in pages for r in page.get("Reservations", [])
                    for i in r.get("Instances", [])]
        except Exception as exc:  # noqa: BLE001 - a missing id is an error code, not an empty answer
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"):
                return []
            raise
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "tag:Name", "Values": [aws.instance]}])
    return [(i, r.get("OwnerId", "")) for page in pages for r in page.get("Reservations", []) for i in r.get("Instances", [])]


def resolve_instance(clients: ClientFactory, aws: AwsBastion) -> InstanceFacts:
    """The running instance ``aws.instance`` names (an id, or the value of its ``Name`` tag).

    Raises ``InstanceNotFound`` (none, or only terminated ones), ``InstanceAmbiguous`` (several
    live instances carry that Name: their ids are listed), ``InstanceNotRunning`` (stopped,
    stopping, pending) and ``RouteAccessDenied`` naming ``ec2:DescribeInstances``.
    """
    where = f"{aws.region}" + (f" (AWS profile {aws.aws_profile})" if aws.aws_profile else "")
    resource = aws.instance if aws.is_instance_id else f"instances tagged Name={aws.instance}"
    try:
        ec2 = clients("ec2", aws.aws_profile, aws.region)
        found = [_facts(i, owner) for i, owner in _describe(ec2, aws)]
    except Exception as exc:  # noqa: BLE001 - every AWS failure becomes a plain message
        raise aws_call_failed(exc, action=DESCRIBE, resource=resource, aws_profile=aws.aws_profile,
                              region=aws.region) from None
    live = [f for f in found if f.state not in _GONE]
    what = f"instance {aws.instance}" if aws.is_instance_id else f"instance named {aws.instance!r}"
    if not live:
        gone = f" ({found[0].instance_id} is {found[0].state})" if found else ""
        raise InstanceNotFound(f"No EC2 {what} in {where}{gone}.",
                               hint="Check the instance id or Name tag, the region and the AWS profile.")
    if len(live) > 1:
        ids = ", ".join(f"{f.instance_id} ({f.state})" for f in live)
        raise InstanceAmbiguous(f"Several EC2 instances in {where} are named {aws.instance!r}: {ids}.",
                                hint="Use the instance id in the profile instead of the Name tag.")
    facts = live[0]
    if facts.state != "running":
        raise InstanceNotRunning(
            f"The bastion instance {facts.shown} in {where} is {facts.state}, not running.",
            hint="Start it (EC2 console or `aws ec2 start-instances --instance-ids "
                 f"{facts.instance_id}`), then connect again." if facts.state in ("stopped", "stopping")
            else "Wait until it is running, then connect again.")
    return facts
