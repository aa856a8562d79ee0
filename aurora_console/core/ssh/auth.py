"""Open an authenticated paramiko transport to the bastion (optionally through a jump host)."""

from __future__ import annotations

import logging

from aurora_console.core.secrets import reveal
from aurora_console.core.ssh.config import BastionConfig, TunnelSpec
from aurora_console.core.ssh.errors import AuthenticationRejected, BastionUnreachable, TunnelError
from aurora_console.core.ssh.handshake import open_socket, start_transport
from aurora_console.core.ssh.hostkeys import HostKeyStore, host_entry
from aurora_console.core.ssh.keys import load_private_key

log = logging.getLogger(__name__)


def load_spec_key(spec: TunnelSpec, key_file: str | None = None):
    path = key_file or spec.bastion.key_file
    if not path:
        return None
    return load_private_key(path, reveal(spec.passphrase)).pkey


def authenticate(transport, user: str, pkey, use_agent: bool, where: str) -> None:
    import paramiko

    tried: list[str] = []
    keys = [pkey] if pkey is not None else []
    if use_agent:
        try:
            keys += list(paramiko.Agent().get_keys())
        except paramiko.SSHException as exc:
            log.info("ssh-agent not usable: %s", exc)
    for key in keys:
        try:
            transport.auth_publickey(user, key)
        except paramiko.BadAuthenticationType as exc:
            raise AuthenticationRejected(
                f"{where} does not accept public keys for user {user!r} (it allows: {', '.join(exc.allowed_types)}).",
                hint="Ask the administrator to enable key authentication.") from None
        except paramiko.AuthenticationException:
            tried.append(key.fingerprint)
            continue
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise BastionUnreachable(f"The connection to {where} dropped during login: {exc}.") from None
        if transport.is_authenticated():
            return
    if not keys:
        raise AuthenticationRejected(f"No key to log in to {where}: choose a key file or start ssh-agent with a key.")
    raise AuthenticationRejected(
        f"{where} refused user {user!r} with key {', '.join(tried)}: wrong user name, or the public key is not in "
        f"that user's authorized_keys.",
        hint="Check the SSH user (ec2-user, ubuntu, ...) and that the key's .pub is authorised on the bastion.")


def _connect_hop(sock, host: str, port: int, user: str, pkey, cfg: BastionConfig, store: HostKeyStore, *,
                 certificates: bool = False):
    transport = start_transport(sock, host, port, store, cfg.connect_timeout, certificates=certificates)
    try:
        authenticate(transport, user, pkey, cfg.use_agent, f"the SSH server {host_entry(host, port)}")
    except Exception:
        transport.close()
        raise
    if cfg.keepalive_seconds:
        transport.set_keepalive(int(cfg.keepalive_seconds))
    return transport


def connect_bastion(spec: TunnelSpec, store: HostKeyStore, route=None):
    """Return ``(transport, jump_transport_or_None)``, authenticated and host-key verified.

    ``route``: the opening's ``bastion_route.route.PreparedRoute`` (where to connect, through which
    carrier, the pushed key, the name the host key is checked under); None: the bastion as configured."""
    import paramiko

    cfg = spec.bastion
    host, port, alias = (route.host, route.port, route.host_key_alias) if route else (cfg.host, cfg.port, cfg.host)
    pushed = route is not None and route.key is not None
    pkey = route.key.paramiko_key() if pushed else load_spec_key(spec)
    jump_transport = None
    if route is not None and route.carrier is not None:
        sock = carrier_socket(route)
    elif cfg.jump:
        j = cfg.jump
        jkey = load_spec_key(spec, j.key_file) if j.key_file or pushed else pkey
        jsock = open_socket(j.host, j.port, cfg.connect_timeout)
        jump_transport = _connect_hop(jsock, j.host, j.port, j.user or cfg.user, jkey, cfg, store)
        try:
            sock = jump_transport.open_channel("direct-tcpip", (host, port), ("127.0.0.1", 0),
                                               timeout=cfg.connect_timeout)
        except (paramiko.ChannelException, paramiko.SSHException) as exc:
            jump_transport.close()
            raise BastionUnreachable(
                f"The jump host {j.host} cannot reach the bastion {host_entry(host, port)}: {exc}.") from None
    else:
        sock = open_socket(host, port, cfg.connect_timeout)
    try:
        if pushed:
            route.ensure_key_fresh()
        transport = _connect_hop(sock, alias, port, cfg.user, pkey, cfg, store)
    except Exception:
        if jump_transport:
            jump_transport.close()
        raise
    return transport, jump_transport


def carrier_socket(route):
    """A new socket-like object to the bastion through ``route.carrier``: its ``open_socket()``, or
    its ``proxy_command`` run as paramiko's ProxyCommand."""
    import shlex

    import paramiko

    carrier = route.carrier
    try:
        if carrier.open_socket is not None:
            return carrier.open_socket()
        if carrier.proxy_command:
            return paramiko.ProxyCommand(shlex.join(carrier.proxy_command))
    except TunnelError:
        raise
    except Exception as exc:  # noqa: BLE001 - a carrier that cannot open is an unreachable bastion
        raise BastionUnreachable(f"{carrier.label} could not carry the SSH connection to "
                                 f"{route.host_key_alias}: {exc}.") from None
    raise BastionUnreachable(f"{carrier.label} offers no way to carry an SSH connection.")
