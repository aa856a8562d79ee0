"""Failures on the way to an EC2 bastion, each naming what failed and what to do next.

They are :class:`~aurora_console.core.ssh.errors.TunnelError` subclasses, so the tunnel manager,
the tunnel panel and the CLI show them like any other tunnel failure.
"""

from __future__ import annotations

from aurora_console.core.ssh.errors import TunnelError


class BastionRouteError(TunnelError):
    """The instance lookup, the key push or the carrier failed."""

    kind = "bastion-route"


class InstanceNotFound(BastionRouteError):
    kind = "instance-not-found"


class InstanceAmbiguous(BastionRouteError):
    kind = "instance-ambiguous"


class InstanceNotRunning(BastionRouteError):
    kind = "instance-not-running"


class RouteAccessDenied(BastionRouteError):
    """AWS refused an action; the message names the action and the resource."""

    kind = "aws-access-denied"

    def __init__(self, message: str, *, action: str, resource: str, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.action = action
        self.resource = resource


def aws_call_failed(exc: BaseException, *, action: str, resource: str, aws_profile: str | None,
                    region: str) -> BastionRouteError:
    """The error to raise for a failed AWS call ``action`` (e.g. ``ec2:DescribeInstances``) on
    ``resource`` (an ARN or id): access denied names both; an expired SSO session says which
    ``aws sso login`` to run (``core.aws.errors.classify``); anything else keeps AWS's words."""
    from aurora_console.core.aws.errors import classify

    failure = classify(exc, profile=aws_profile, operation=action)
    who = f"AWS profile '{aws_profile or 'default'}'"
    if failure.kind == "access-denied":
        return RouteAccessDenied(
            f"AWS denied {action} on {resource} for {who} in {region}.", action=action, resource=resource,
            hint=f"Allow {action} on {resource} in the IAM policy of the role or user behind {who}.",
            detail=failure.detail or str(exc))
    err = BastionRouteError(f"{action} on {resource} failed: {failure.message}", hint=failure.hint,
                            detail=failure.detail)
    err.aws_kind = failure.kind  # e.g. "sso-expired", "endpoint", "throttled"
    err.essential_hint = failure.essential_hint  # an expired login: its `aws sso login` shows with the message
    return err
