"""Build the OpenSSH client configuration for one tunnel (a private ssh_config + known_hosts).

Host keys are verified by the console first (see ``hostkeys``); the verified keys are pinned in
a known_hosts file that only this ssh process reads, with ``StrictHostKeyChecking yes``. A hop
trusted through a ``@cert-authority`` line ("certified") keeps its real name (no
``HostKeyAlias``: OpenSSH checks the certificate's principals against it) and lets ssh negotiate
certificate host key algorithms; its private known_hosts lines are the authority and ``@revoked``
lines that apply to it.
"""

from __future__ import annotations

from pathlib import Path

from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.hostkeys import algorithms_for

BASTION_ALIAS = "aurora-bastion"
JUMP_ALIAS = "aurora-jump"


def _quote(value: str) -> str:
    return '"' + value.replace('"', "") + '"' if any(c.isspace() for c in value) else value


def _common(spec: TunnelSpec, known_hosts: Path, key_type: str, batch: bool, agent: str | None,
            certified: bool = False) -> list[str]:
    cfg = spec.bastion
    algorithms = [] if certified else [f"  HostKeyAlgorithms {','.join(algorithms_for(key_type))}"]
    lines = [
        f"  UserKnownHostsFile {_quote(str(known_hosts))}",
        "  GlobalKnownHostsFile none",
        "  StrictHostKeyChecking yes",
        "  CheckHostIP no",
        "  UpdateHostKeys no",
        *algorithms,
        "  PasswordAuthentication no",
        "  KbdInteractiveAuthentication no",
        "  PubkeyAuthentication yes",
        f"  BatchMode {'yes' if batch else 'no'}",
        f"  ConnectTimeout {max(1, int(cfg.connect_timeout))}",
        "  ConnectionAttempts 1",
        f"  ServerAliveInterval {int(cfg.keepalive_seconds)}",
        "  ServerAliveCountMax 3",
        "  TCPKeepAlive yes",
        "  ControlMaster no",
        "  ControlPath none",
        "  ForwardAgent no",
        "  ForwardX11 no",
        "  PermitLocalCommand no",
        "  ClearAllForwardings no",
        "  LogLevel INFO",
        f"  IdentityAgent {agent or 'none'}",
    ]
    return lines


def proxy_command_text(argv: list[str]) -> str:
    """A carrier's argv as one ``ProxyCommand`` line (ssh hands it to the shell on POSIX, to
    CreateProcess on Windows); ``%`` is doubled, since ssh expands ``%h``-style tokens in it."""
    import os
    import shlex
    import subprocess

    text = subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)
    return text.replace("%", "%%")


def build_ssh_config(spec: TunnelSpec, *, known_hosts: Path, bastion_key_type: str, jump_key_type: str | None,
                     batch: bool, agent_socket: str | None, bastion_certified: bool = False,
                     jump_certified: bool = False, route=None, identity_file: Path | None = None) -> str:
    """``route``: the opening's ``PreparedRoute`` (address, carrier's ProxyCommand);
    ``identity_file``: the login key to use instead of the profile's (a pushed key's private file)."""
    cfg = spec.bastion
    agent = agent_socket if cfg.use_agent else None
    host, port = (route.host, route.port) if route else (cfg.host, cfg.port)
    proxy = route.carrier.proxy_command if route is not None and route.carrier is not None else None
    if route is not None and route.carrier is not None and not proxy:
        from aurora_console.core.ssh.errors import TunnelError

        raise TunnelError(f"{route.carrier.label} cannot carry the OpenSSH client's connection.",
                          hint="Choose the paramiko tunnel backend for this profile.")
    out: list[str] = []
    if cfg.jump and not proxy:
        j = cfg.jump
        key = j.key_file or cfg.key_file
        out += [f"Host {JUMP_ALIAS}", f"  HostName {j.host}", f"  Port {j.port}", f"  User {j.user or cfg.user}"]
        if not jump_certified:
            out.append(f"  HostKeyAlias {JUMP_ALIAS}")
        if key:
            out += [f"  IdentityFile {_quote(str(Path(key).expanduser()))}", "  IdentitiesOnly yes"]
        out += _common(spec, known_hosts, jump_key_type or bastion_key_type, batch, agent, jump_certified)
        out.append("")
    out += [f"Host {BASTION_ALIAS}", f"  HostName {host}", f"  Port {port}", f"  User {cfg.user}"]
    if not bastion_certified:
        out.append(f"  HostKeyAlias {BASTION_ALIAS}")
    out += ["  ExitOnForwardFailure yes", "  SessionType none", "  RequestTTY no"]
    if identity_file is not None:
        out += [f"  IdentityFile {_quote(str(identity_file))}", "  IdentitiesOnly yes"]
    elif cfg.key_file:
        out += [f"  IdentityFile {_quote(str(Path(cfg.key_file).expanduser()))}", "  IdentitiesOnly yes"]
    if proxy:
        out.append(f"  ProxyCommand {proxy_command_text(proxy)}")
    elif cfg.jump:
        out.append(f"  ProxyJump {JUMP_ALIAS}")
    out += _common(spec, known_hosts, bastion_key_type, batch, agent, bastion_certified)
    # Nothing from the user's ~/.ssh/config applies: "-F" makes this file the only one read.
    return "\n".join(out) + "\n"


def known_hosts_lines(hops) -> str:
    """ssh's private known_hosts: each verified hop's lines (see ``pinning.VerifiedHop``)."""
    return "".join(line + "\n" for hop in hops for line in hop.known_hosts_lines())


def ssh_command(ssh: str, config_file: Path, local_port: int, spec: TunnelSpec) -> list[str]:
    t = spec.target
    return [ssh, "-F", str(config_file), "-N", "-T", "-L", f"127.0.0.1:{local_port}:{t.host}:{t.port}", BASTION_ALIAS]
