"""EC2 Instance Connect's ``SendSSHPublicKey`` on the sandbox's AWS endpoint.

moto answers the call with "Success" whatever it is given and forgets the key. This WSGI layer
in front of it checks the request as AWS does (the instance exists in that region and is
running, the availability zone matches, the key is an OpenSSH public key), records the key in
:class:`~aurora_console.sandbox.bastion_keys.PushedKeys` (which the loopback bastion consults:
the key logs in for 60 s), and then lets moto answer.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from aurora_console.core.validation import not_a_validator
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, SANDBOX_REGION
from aurora_console.sandbox.bastion_keys import PushedKeys
from aurora_console.sandbox.wsgi_body import read_body

log = logging.getLogger(__name__)
TARGET = "AWSEC2InstanceConnectService.SendSSHPublicKey"
_USER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _region_of(environ: dict[str, Any]) -> str:
    m = re.search(r"Credential=[^/]+/[0-9]+/([a-z0-9-]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else SANDBOX_REGION


def _instance(region: str, instance_id: str):
    from moto.ec2.models import ec2_backends

    try:
        return ec2_backends[SANDBOX_ACCOUNT_ID][region].get_instance(instance_id)
    except Exception:  # noqa: BLE001 - moto raises InvalidInstanceIdError for an unknown id
        return None


@not_a_validator("checks a SendSSHPublicKey request against moto's EC2 state")
def check_push(body: dict[str, Any], region: str) -> tuple[str, str, str]:
    """``(instance id, OS user, public key)`` of a valid request; raises ``_Refused`` as AWS would."""
    instance_id, user = body.get("InstanceId"), body.get("InstanceOSUser")
    key, zone = body.get("SSHPublicKey"), body.get("AvailabilityZone")
    if not all(isinstance(v, str) for v in (instance_id, user, key)):
        raise _Refused("InvalidArgsException", "InstanceId, InstanceOSUser and SSHPublicKey are required.")
    if not _USER_RE.fullmatch(user):
        raise _Refused("InvalidArgsException", f"Invalid OS user {user!r}.")
    instance = _instance(region, instance_id)
    if instance is None:
        raise _Refused("EC2InstanceNotFoundException", f"Instance {instance_id} not found in {region}.")
    state = getattr(instance, "state", "")
    if state != "running":
        raise _Refused("EC2InstanceStateInvalidException", f"Instance {instance_id} is {state}, not running.")
    placement = getattr(getattr(instance, "placement", None), "zone", "")
    if zone and placement and zone != placement:
        raise _Refused("InvalidArgsException", f"Instance {instance_id} is not in {zone}.")
    return instance_id, user, key


class InstanceConnectWsgi:
    """WSGI layer: SendSSHPublicKey checked and recorded in ``keys``, then answered by moto."""

    def __init__(self, app: Callable, keys: PushedKeys) -> None:
        self.app = app
        self.keys = keys

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "") != TARGET:
            return self.app(environ, start_response)
        try:
            body = json.loads(read_body(environ) or b"{}")
            instance_id, user, key = check_push(body if isinstance(body, dict) else {}, _region_of(environ))
            try:
                self.keys.push(instance_id, user, key)
            except ValueError as exc:
                raise _Refused("InvalidArgsException", f"SSHPublicKey: {exc}.") from None
        except (ValueError, UnicodeDecodeError):
            return _answer(start_response, 400, "SerializationException", "The request body is not JSON.")
        except _Refused as exc:
            return _answer(start_response, 400, exc.code, exc.message)
        log.info("sandbox: key pushed for %s on %s (accepted for %.0f s)", user, instance_id, self.keys.window)
        return self.app(environ, start_response)


def _answer(start_response: Callable, status: int, code: str, message: str) -> list[bytes]:
    data = json.dumps({"__type": code, "Message": message}).encode()
    start_response(f"{status} Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                             ("Content-Length", str(len(data))),
                                             ("x-amzn-RequestId", f"sandbox-eic-{time.monotonic_ns()}")])
    return [data]
