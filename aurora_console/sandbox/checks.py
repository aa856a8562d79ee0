"""End-to-end check of the sandbox's database path, as a user's connection takes it:
SSM password -> SSH tunnel through the loopback bastion -> TLS (verify-full) -> PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aurora_console.core.tasks import TaskContext
from aurora_console.core.validation import not_a_validator


def trust_sandbox_bastion(store, info) -> None:
    """Trust the sandbox bastion's host key for this session only (never written to known_hosts)."""
    from aurora_console.sandbox.profiles import trust_bastion_instance

    b = info.bastion
    store.trust_line(b.host, b.port, b.known_hosts_line)
    trust_bastion_instance(store, b)  # the same bastion as EC2 instance sandbox-bastion (pushed-key profiles)


def warm_database_check(info, aws_factory) -> None:
    """Load what the first :func:`check_database_through_bastion` would load on its way (the
    password, tunnel and connection code with paramiko and PyMySQL, ~0.15 s of CPU) and make its
    SSM client (``aws_factory`` caches it): run while the sandbox's database stage still waits for
    the seed, so the check itself only connects. A head start only: the check loads whatever
    this did not."""
    import importlib

    from aurora_console.core.aws.session import AwsTarget

    for name in ("aurora_console.core.connections.tester", "aurora_console.core.connections.opener",
                 "aurora_console.core.connections.tunnels", "aurora_console.core.connections.passwords",
                 "aurora_console.core.connections.engines.mysql", "aurora_console.core.ssh.hostkeys",
                 "aurora_console.core.ssh.manager", "aurora_console.core.ssh.native_backend",
                 "aurora_console.core.ssh.native_probe", "aurora_console.core.ssh.pinning",
                 "aurora_console.core.ssh.handshake", "aurora_console.core.aws.bastion_route.route",
                 "paramiko"):
        importlib.import_module(name)
    aws_factory.client("ssm", AwsTarget(None, info.regions[0]))  # the SSM password's region


@not_a_validator("connects to the sandbox database through its bastion")
def check_database_through_bastion(info, aws_factory, task: TaskContext | None = None,
                                   backend: str = "auto", *, known_hosts: Path) -> dict[str, Any]:
    """``known_hosts``: the console's known-hosts file (``paths.known_hosts_file``); the sandbox
    bastion's key is trusted in memory only, never written to it."""
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.connections.tester import test_connection
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.core.ssh.manager import TunnelManager

    store = HostKeyStore(known_hosts, user_files=[])
    trust_sandbox_bastion(store, info)
    manager = TunnelManager(store)
    try:
        profile = info.connection_profile()
        profile.backend = backend
        report = test_connection(profile, manager=manager, clients=clients_from_factory(aws_factory), task=task)
        return {"database": True, "error": None, "route": report.route, "tls": report.tls,
                "server_version": report.server_version_num, "latency_ms": round(report.latency_ms, 2)}
    finally:
        manager.shutdown()
