"""How SSH bytes reach an EC2 bastion's SSH port when plain TCP cannot: a *carrier*.

Each non-direct transport has a factory ``carrier(clients, aws, facts, *, port) -> Carrier``
in its own module, found through the lazy table :data:`CARRIERS` (so this module imports none
of them, and a missing one is a plain error rather than an ImportError).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aurora_console.core.aws.bastion_route.errors import BastionRouteError
from aurora_console.core.aws.bastion_route.instances import ClientFactory, InstanceFacts
from aurora_console.core.ssh.config import AwsBastion


def _nothing() -> None:
    return None


@dataclass
class Carrier:
    """One way through to the bastion's SSH port, made for one tunnel opening.

    ``proxy_command``: the native backend runs this argv as ssh's ``ProxyCommand`` (SSH on its
    stdin/stdout). ``open_socket()``: the paramiko backend (and its host-key check) calls it for
    a new socket-like object (``send``/``recv``/``close``/``settimeout``, as ``paramiko.Transport``
    needs) each time it connects. ``expires_at``: ``time.monotonic()`` when the carrier is cut
    (the endpoint's maximum tunnel duration); the tunnel manager reconnects before then.
    ``close()``: called once when the tunnel closes (or its opening fails)."""

    label: str  # "endpoint eice-0abc…" / "Session Manager"
    proxy_command: list[str] | None = None
    open_socket: Callable[[], Any] | None = None
    expires_at: float | None = None
    close: Callable[[], None] = field(default=_nothing)


class CarrierFactory(Protocol):
    def __call__(self, clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, *, port: int) -> Carrier: ...


#: transport -> "module:attribute" of its carrier factory ("direct" needs none, "ssm-forward" is no SSH)
CARRIERS: dict[str, str] = {
    "eice": "aurora_console.core.aws.bastion_route.eice:carrier",
    "ssm": "aurora_console.core.aws.bastion_route.ssm:carrier",
}
_NAMES = {"eice": "EC2 Instance Connect Endpoint", "ssm": "Session Manager (SSH)"}


def carrier_factory(transport: str) -> CarrierFactory:
    """The factory for ``transport``; ``BastionRouteError`` when this build does not have it."""
    target = CARRIERS.get(transport)
    if target is None:
        raise BastionRouteError(f"The bastion transport {transport!r} carries no SSH connection.")
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:  # the carrier exists but a library it needs is missing
            raise BastionRouteError(f"The {_NAMES.get(transport, transport)} transport needs the Python "
                                    f"package {exc.name!r}, which is not installed.") from None
        raise BastionRouteError(f"This build of the console cannot reach a bastion through "
                                f"{_NAMES.get(transport, transport)} yet.",
                                hint="Choose the direct transport, or update the console.") from None
    factory = getattr(module, attribute, None)
    if factory is None:
        raise BastionRouteError(f"{module_name} has no {attribute}() carrier factory.")
    return factory


def open_carrier(clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, *, port: int) -> Carrier | None:
    """The carrier for ``aws.transport``, or None for ``direct``."""
    if aws.transport == "direct":
        return None
    return carrier_factory(aws.transport)(clients, aws, facts, port=port)
