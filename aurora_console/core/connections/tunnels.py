"""From a profile to a tunnel: passphrase source, TunnelSpec, open through a TunnelManager."""

from __future__ import annotations

from collections.abc import Callable

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import PassphraseRequired
from aurora_console.core.ssh.keys import detect_format, is_encrypted
from aurora_console.core.ssh.secret import Secret


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


def tunnel_spec(profile: ConnectionProfile, passphrase: Secret | None = None) -> TunnelSpec:
    if profile.bastion is None:
        raise ValueError(f"profile {profile.name!r} has no bastion")
    probe = "postgres" if profile.engine == "postgres" else "tcp"
    return TunnelSpec(name=profile.name, bastion=profile.bastion,
                      target=TunnelTarget(profile.host, int(profile.port), probe=probe),
                      passphrase=passphrase, backend=profile.backend)


def open_profile_tunnel(manager, profile: ConnectionProfile, *, prompt=None, keyring_get=None):
    """Open (or reuse) the profile's tunnel; returns its TunnelStatus."""
    existing = manager.status(profile.name)
    if existing is not None and existing.state.value == "up":
        return existing
    passphrase = passphrase_for(profile.bastion, prompt=prompt, keyring_get=keyring_get)
    return manager.open(tunnel_spec(profile, passphrase))
