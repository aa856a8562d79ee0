"""Verify the bastion's (and jump host's) host keys with paramiko before handing them to ssh.

Each hop ends up either *pinned* (its key is on record: ssh gets exactly that key under a
private alias) or *certified* (trusted through a ``@cert-authority`` line: ssh gets the
authority and the applicable ``@revoked`` lines under the hop's real name, and checks the host
certificate itself, since only OpenSSH can).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import paramiko

from aurora_console.core.ssh.auth import _connect_hop, carrier_socket, load_spec_key
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import BastionUnreachable
from aurora_console.core.ssh.handshake import open_socket, start_transport
from aurora_console.core.ssh.hostkeys import HostKeyStore, host_entry
from aurora_console.core.ssh.known_hosts import KnownHost
from aurora_console.core.ssh.native_config import BASTION_ALIAS, JUMP_ALIAS


@dataclass(frozen=True)
class VerifiedHop:
    alias: str  # BASTION_ALIAS or JUMP_ALIAS
    host: str
    port: int
    key: object  # the paramiko key the server offered
    authorities: tuple[KnownHost, ...] = ()  # non-empty: ssh must check a host certificate
    revoked: tuple[KnownHost, ...] = field(default=())

    @property
    def certified(self) -> bool:
        return bool(self.authorities)

    @property
    def key_type(self) -> str:
        return self.key.get_name()

    def known_hosts_lines(self) -> list[str]:
        """What this hop contributes to ssh's private known_hosts file."""
        if not self.certified:
            return [f"{self.alias} {self.key.get_name()} {self.key.get_base64()}"]
        name = host_entry(self.host, self.port)
        return [e.line(name) for e in (*self.authorities, *self.revoked)]


def _hop(alias: str, host: str, port: int, key, store: HostKeyStore) -> VerifiedHop:
    if store.verify(host, port, key, certificates=True) == "certificate":
        return VerifiedHop(alias, host, port, key, tuple(store.certificate_authorities(host, port)),
                           tuple(store.revoked(host, port)))
    return VerifiedHop(alias, host, port, key)


def verified_host_keys(spec: TunnelSpec, store: HostKeyStore, route=None) -> list[VerifiedHop]:
    """The jump host (if any) and the bastion, verified; raises on unknown/changed/revoked keys.

    ``route``: the opening's ``PreparedRoute``: the bastion is reached at its host/port or through
    its carrier (its ``open_socket`` or proxy command), and its key is checked under
    ``route.host_key_alias`` (an EC2 bastion's instance id)."""
    cfg = spec.bastion
    host, port, alias = (route.host, route.port, route.host_key_alias) if route else (cfg.host, cfg.port, cfg.host)
    if route is not None and route.carrier is not None:
        transport = start_transport(carrier_socket(route), alias, port, store, cfg.connect_timeout, certificates=True)
        key = transport.get_remote_server_key()
        transport.close()
        return [_hop(BASTION_ALIAS, alias, port, key, store)]
    if not cfg.jump:
        sock = open_socket(host, port, cfg.connect_timeout)
        transport = start_transport(sock, alias, port, store, cfg.connect_timeout, certificates=True)
        key = transport.get_remote_server_key()
        transport.close()
        return [_hop(BASTION_ALIAS, alias, port, key, store)]
    j = cfg.jump
    jkey = load_spec_key(spec, j.key_file) if j.key_file else load_spec_key(spec)
    jsock = open_socket(j.host, j.port, cfg.connect_timeout)
    jump = _connect_hop(jsock, j.host, j.port, j.user or cfg.user, jkey, cfg, store, certificates=True)
    try:
        jump_key = jump.get_remote_server_key()
        try:
            chan = jump.open_channel("direct-tcpip", (host, port), ("127.0.0.1", 0), timeout=cfg.connect_timeout)
        except (paramiko.ChannelException, paramiko.SSHException) as exc:
            raise BastionUnreachable(
                f"The jump host {j.host} cannot reach the bastion {host_entry(host, port)}: {exc}.") from None
        bastion = start_transport(chan, alias, port, store, cfg.connect_timeout, certificates=True)
        key = bastion.get_remote_server_key()
        bastion.close()
        return [_hop(JUMP_ALIAS, j.host, j.port, jump_key, store), _hop(BASTION_ALIAS, alias, port, key, store)]
    finally:
        jump.close()
