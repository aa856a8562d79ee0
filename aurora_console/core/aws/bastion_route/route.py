"""The route one tunnel opening takes to its bastion: prepared by both tunnel backends on every
open and reconnect.

For a plain bastion it is just its host and port. For an EC2 bastion (``BastionConfig.aws``):
the instance is resolved (``DescribeInstances``), a fresh in-memory key is pushed when
``push_key`` (EC2 Instance Connect), and the carrier for the transport is built (Instance
Connect Endpoint, Session Manager); host keys are then recorded under the instance id, which
stays the same when its addresses change.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from aurora_console.core.aws.bastion_route.carrier import Carrier, open_carrier
from aurora_console.core.aws.bastion_route.errors import BastionRouteError
from aurora_console.core.aws.bastion_route.instances import ClientFactory, InstanceFacts, resolve_instance
from aurora_console.core.aws.bastion_route.key_push import EphemeralKey, push_key
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec
from aurora_console.core.ssh.errors import AuthenticationRejected

log = logging.getLogger(__name__)
ARROW = " \u2192 "
T = TypeVar("T")


def key_text(cfg: BastionConfig) -> str:
    """How the bastion login is authenticated, for route labels."""
    if cfg.aws and cfg.aws.push_key:
        return "pushed key"
    if cfg.key_file:
        return f"key {Path(cfg.key_file).name}"
    return "ssh-agent" if cfg.use_agent else "no key"


def label(cfg: BastionConfig, target: str, *, facts: InstanceFacts | None = None, carrier: Carrier | None = None,
          address: str = "") -> str:
    """The route spelled out, e.g. ``endpoint eice-0abc → i-0123 (ec2-user, pushed key) →
    blog.cluster-x.rds.amazonaws.com:5432``; direct to an EC2 bastion: ``i-0123 at 54.1.2.3:22 (...)``."""
    port = f":{cfg.port}" if cfg.port != 22 else ""
    who = f"({cfg.user}, {key_text(cfg)})"
    if cfg.aws is None or facts is None:
        jump = f"{cfg.jump.host}{ARROW}" if cfg.jump else ""
        return f"{jump}{cfg.host}{port} {who}{ARROW}{target}"
    if carrier is not None:
        return f"{carrier.label}{ARROW}{facts.instance_id} {who}{ARROW}{target}"
    jump = f"{cfg.jump.host}{ARROW}" if cfg.jump else ""
    return f"{jump}{facts.instance_id} at {address}{port} {who}{ARROW}{target}"


def _direct_address(cfg: BastionConfig, facts: InstanceFacts) -> str:
    """``cfg.host`` when it is an address of its own (a VPN name, the sandbox's 127.0.0.1), else
    the instance's public address, else its private one."""
    aws = cfg.aws
    names = {aws.instance, facts.instance_id, facts.name, ""}
    if cfg.host and cfg.host not in names:
        return cfg.host
    address = facts.public_ip or facts.public_dns or facts.private_ip
    if not address:
        raise BastionRouteError(f"The bastion instance {facts.shown} has no IP address to connect to.",
                                hint="Choose the Instance Connect Endpoint or Session Manager transport.")
    return address


class PreparedRoute:
    """Where one opening connects (``host``/``port``, or through ``carrier``), the name its host
    key is checked under (``host_key_alias``), the pushed ``key`` (None: the profile's own key)
    and ``label``. ``cleanup()`` (idempotent) closes the carrier; call it when the tunnel closes
    or its opening fails."""

    def __init__(self, host: str, port: int, host_key_alias: str, label: str, *, carrier: Carrier | None = None,
                 key: EphemeralKey | None = None, facts: InstanceFacts | None = None,
                 clients: ClientFactory | None = None, aws: AwsBastion | None = None, os_user: str = "") -> None:
        self.host = host
        self.port = port
        self.host_key_alias = host_key_alias
        self.label = label
        self.carrier = carrier
        self.key = key
        self.facts = facts
        self._clients = clients
        self._aws = aws
        self._os_user = os_user
        self._closed = False

    def __repr__(self) -> str:
        return f"PreparedRoute({self.label!r})"

    @property
    def expires_at(self) -> float | None:
        return self.carrier.expires_at if self.carrier else None

    def push_again(self) -> None:
        """Push the key once more (a login that missed the 60-s window)."""
        if self.key is None:
            return
        log.info("pushing the key for %s on %s again", self._os_user, self.facts.instance_id)
        push_key(self._clients, self._aws, self.facts, self._os_user, self.key)

    def ensure_key_fresh(self) -> None:
        """Right before logging in: push again when the last push is close to its 60 s end."""
        if self.key is not None and not self.key.fresh():
            self.push_again()

    def login(self, attempt: Callable[[], T]) -> T:
        """``attempt()`` (a backend's connect and login); when a pushed key is refused (its 60-s
        window passed before the login), push it again once and try again; refused twice: say what
        to check."""
        try:
            return attempt()
        except AuthenticationRejected as exc:
            if self.key is None:
                raise
            log.info("the pushed key was refused by %s (%s); pushing it again", self.host_key_alias, exc.message)
        self.push_again()
        try:
            return attempt()
        except AuthenticationRejected:
            raise AuthenticationRejected(
                f"The bastion {self.facts.shown} refused the key pushed with EC2 Instance Connect for "
                f"{self._os_user!r}, twice.",
                hint="Check the OS user (ec2-user on Amazon Linux, ubuntu on Ubuntu) and that the instance runs "
                     "the EC2 Instance Connect agent (the ec2-instance-connect package).") from None

    def cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.carrier is not None:
            with contextlib.suppress(Exception):
                self.carrier.close()


def prepare_route(spec: TunnelSpec) -> PreparedRoute:
    """Resolve, push and carry (see the module docstring). Raises ``BastionRouteError`` subclasses."""
    cfg = spec.bastion
    target = spec.target.label
    aws = cfg.aws
    if aws is None:
        return PreparedRoute(cfg.host, cfg.port, cfg.host, label(cfg, target))
    if aws.transport == "ssm-forward":
        raise BastionRouteError("Session Manager port forwarding opens no SSH connection to prepare.")
    clients = spec.aws_clients
    if clients is None:
        raise BastionRouteError(f"No AWS session to look up the bastion instance {aws.instance}.",
                                hint="Choose an AWS profile (or start the sandbox) and connect again.")
    facts = resolve_instance(clients, aws)
    key = None
    if aws.push_key:
        key = EphemeralKey()
        push_key(clients, aws, facts, cfg.user, key)
    carrier = open_carrier(clients, aws, facts, port=cfg.port)
    try:
        host = facts.instance_id if carrier is not None else _direct_address(cfg, facts)
    except BaseException:
        if carrier is not None:
            carrier.close()
        raise
    return PreparedRoute(host, cfg.port, facts.instance_id, label(cfg, target, facts=facts, carrier=carrier, address=host),
                         carrier=carrier, key=key, facts=facts, clients=clients, aws=aws, os_user=cfg.user)
