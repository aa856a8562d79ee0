"""From a profile to a tunnel: passphrase source, TunnelSpec, open through a TunnelManager."""

from __future__ import annotations

from collections.abc import Callable

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import PassphraseRequired
from aurora_console.core.ssh.keys import detect_format, is_encrypted


def key_needs_passphrase(bastion: BastionConfig) -> bool:
    from pathlib import Path

    if not bastion.key_file:
        return False
    try:
        data = Path(bastion.key_file).expanduser().read_bytes()
    except OSError:
        return False
    return is_encrypted(data, detect_format(data))


def passphrase_for(bastion: BastionConfig, *, prompt: Callable[[str], str | None] | None = None,
                   keyring_get: Callable[[str], str | None] | None = None) -> Secret | None:
    """The key passphrase from the keyring or a prompt; None when the key is not encrypted."""
    if not key_needs_passphrase(bastion):
        return None
    value = None
    if bastion.passphrase_source == "keyring":
        if keyring_get is None:
            from aurora_console.core.secrets import get_secret as keyring_get
        value = keyring_get(bastion.keyring_name())
    if not value and prompt is not None:
        value = prompt(f"Passphrase for the SSH key {bastion.key_file}")
    if not value:
        raise PassphraseRequired(f"The key {bastion.key_file} is protected by a passphrase; enter it.")
    return Secret(value)


def tunnel_spec(profile: ConnectionProfile, passphrase: Secret | None = None, *, aws_clients=None) -> TunnelSpec:
    """``aws_clients(service, aws_profile, region)``: for an EC2 bastion (instance lookup, key push, carriers)."""
    if profile.bastion is None:
        raise ValueError(f"profile {profile.name!r} has no bastion")
    probe = _probe(profile)
    return TunnelSpec(name=profile.name, bastion=profile.bastion,
                      target=TunnelTarget(profile.host, int(profile.port), probe=probe),
                      passphrase=passphrase, backend=profile.backend, aws_clients=aws_clients)


def _probe(profile: ConnectionProfile) -> str:
    """The tunnel's readiness probe: the engine's protocol check, a plain TCP one for an engine
    the console cannot connect to yet (its tunnel still opens, e.g. for ``aurora-console tunnel``)."""
    from aurora_console.core.connections.engines import engine_for
    from aurora_console.core.errors import ValidationError

    try:
        return engine_for(profile).tunnel_probe
    except ValidationError:
        return "tcp"


def is_up(manager, profile: ConnectionProfile) -> bool:
    status = manager.status(profile.name)
    return status is not None and status.state.value == "up"


def open_profile_tunnel(manager, profile: ConnectionProfile, *, prompt=None, keyring_get=None,
                        passphrase: Secret | str | None = None, aws_clients=None):
    """Open (or reuse) the profile's tunnel; returns its TunnelStatus. ``passphrase``: the key's
    passphrase the user typed; otherwise it comes from the keyring or ``prompt`` when the key needs one."""
    if is_up(manager, profile):
        return manager.status(profile.name)
    if passphrase is None:
        passphrase = passphrase_for(profile.bastion, prompt=prompt, keyring_get=keyring_get)
    elif not isinstance(passphrase, Secret):
        passphrase = Secret(passphrase)
    return manager.open(tunnel_spec(profile, passphrase, aws_clients=aws_clients))
