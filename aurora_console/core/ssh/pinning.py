"""Verify the bastion's (and jump host's) host keys with paramiko before handing them to ssh."""

from __future__ import annotations

import paramiko

from aurora_console.core.ssh.auth import _connect_hop, load_spec_key
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import BastionUnreachable
from aurora_console.core.ssh.handshake import fetch_host_key, open_socket, start_transport
from aurora_console.core.ssh.hostkeys import HostKeyStore, host_entry
from aurora_console.core.ssh.native_config import BASTION_ALIAS, JUMP_ALIAS


def verified_host_keys(spec: TunnelSpec, store: HostKeyStore) -> list[tuple[str, object]]:
    """``[(alias, key), ...]`` for the jump host (if any) and the bastion; raises on unknown/changed keys."""
    cfg = spec.bastion
    if not cfg.jump:
        return [(BASTION_ALIAS, fetch_host_key(cfg.host, cfg.port, store, cfg.connect_timeout))]
    j = cfg.jump
    jkey = load_spec_key(spec, j.key_file) if j.key_file else load_spec_key(spec)
    jsock = open_socket(j.host, j.port, cfg.connect_timeout)
    jump = _connect_hop(jsock, j.host, j.port, j.user or cfg.user, jkey, cfg, store)
    try:
        jump_key = jump.get_remote_server_key()
        try:
            chan = jump.open_channel("direct-tcpip", (cfg.host, cfg.port), ("127.0.0.1", 0),
                                     timeout=cfg.connect_timeout)
        except (paramiko.ChannelException, paramiko.SSHException) as exc:
            raise BastionUnreachable(
                f"The jump host {j.host} cannot reach the bastion {host_entry(cfg.host, cfg.port)}: {exc}.") from None
        bastion = start_transport(chan, cfg.host, cfg.port, store, cfg.connect_timeout)
        key = bastion.get_remote_server_key()
        bastion.close()
        return [(JUMP_ALIAS, jump_key), (BASTION_ALIAS, key)]
    finally:
        jump.close()
