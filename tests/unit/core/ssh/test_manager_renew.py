"""The tunnel manager reopens a tunnel before its carrier's maximum duration (``expires_at``),
shows the route once up, and does not retry an AWS refusal."""

from __future__ import annotations

import threading
import time

from aurora_console.core.aws.bastion_route.errors import RouteAccessDenied
from aurora_console.core.ssh.backend import OpenTunnel, TunnelBackend
from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.manager import TunnelManager, TunnelState


class _Tunnel(OpenTunnel):
    backend_name = "fake"

    def __init__(self, port: int, lifetime: float | None, n: int) -> None:
        self.local_port = port or 40000
        self.expires_at = None if lifetime is None else time.monotonic() + lifetime
        self.route_label = f"endpoint eice-0123456789abcdef0 \u2192 i-0123456789abcdef0 (ec2-user, pushed key) #{n}"
        self.closed = threading.Event()

    def is_alive(self) -> bool:
        return not self.closed.is_set()

    def failure(self) -> str | None:
        return None

    def close(self) -> None:
        self.closed.set()


class _Backend(TunnelBackend):
    def __init__(self, lifetime: float | None, fail=None) -> None:
        self.lifetime = lifetime
        self.opened: list[_Tunnel] = []
        self.fail = fail

    def open(self, spec, store, *, local_port: int = 0):
        if self.fail is not None:
            raise self.fail
        tunnel = _Tunnel(local_port, self.lifetime, len(self.opened) + 1)
        self.opened.append(tunnel)
        return tunnel


def _spec() -> TunnelSpec:
    return TunnelSpec("eic", BastionConfig(host="b", user="ec2-user", key_file="/k"), TunnelTarget("db", 5432))


def _manager(backend, **kw) -> TunnelManager:
    return TunnelManager(store=None, backend_factory=lambda name: backend, poll_interval=0.05, **kw)


def test_a_tunnel_is_reopened_before_its_carrier_ends_on_the_same_port() -> None:
    backend = _Backend(lifetime=2.0)
    manager = _manager(backend, renew_margin=60.0)  # at most a tenth of the life: ~0.2 s before the end
    seen = []
    manager.add_listener(seen.append)
    try:
        first = manager.open(_spec())
        assert first.route.endswith("#1")
        deadline = time.monotonic() + 10
        while len(backend.opened) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(backend.opened) >= 2
        old = backend.opened[0]
        assert old.closed.is_set() and time.monotonic() < old.expires_at + 0.5
        while manager.status("eic").state != TunnelState.UP and time.monotonic() < deadline:
            time.sleep(0.02)
        status = manager.status("eic")
        assert status.state == TunnelState.UP and status.route.endswith("#2") and status.local_port == 40000
        renewing = [s for s in seen if s.state == TunnelState.RECONNECTING]
        assert renewing and "maximum duration" in renewing[0].reason
    finally:
        manager.shutdown()


def test_a_tunnel_without_an_end_is_left_alone_and_its_route_goes_with_it() -> None:
    backend = _Backend(lifetime=None)
    manager = _manager(backend)
    seen = []
    manager.add_listener(seen.append)
    try:
        manager.open(_spec())
        time.sleep(0.5)
        assert len(backend.opened) == 1 and manager.status("eic").state == TunnelState.UP
        manager.close("eic")
        assert seen[-1].state == TunnelState.CLOSED and seen[-1].route == ""
    finally:
        manager.shutdown()


def test_access_denied_is_not_retried() -> None:
    denied = RouteAccessDenied("AWS denied ec2-instance-connect:SendSSHPublicKey on instance i-1", action="a",
                               resource="r")
    backend = _Backend(lifetime=None)
    manager = _manager(backend, backoff=(0.05,), max_attempts=5)
    try:
        manager.open(_spec())
        backend.fail = denied
        backend.opened[0].close()  # the tunnel drops; the reconnect meets the refusal
        deadline = time.monotonic() + 5
        while manager.status("eic").state != TunnelState.FAILED and time.monotonic() < deadline:
            time.sleep(0.02)
        status = manager.status("eic")
        assert status.state == TunnelState.FAILED and status.reason == denied.message
        assert status.attempts == 1
    finally:
        manager.shutdown()


def test_an_expired_sso_login_is_the_tunnels_reason_with_the_login_command() -> None:
    """A route whose AWS call met an expired SSO session (e.g. DescribeInstances): the tunnel's
    reason, shown by the panel and the CLI, names the exact `aws sso login --profile NAME`."""
    import pytest
    from botocore.exceptions import UnauthorizedSSOTokenError

    from aurora_console.core.aws.bastion_route.errors import BastionRouteError, aws_call_failed

    refused = aws_call_failed(UnauthorizedSSOTokenError(), action="ec2:DescribeInstances", resource="sandbox-bastion",
                              aws_profile="corp", region="us-east-1")
    manager = _manager(_Backend(lifetime=None, fail=refused))
    try:
        with pytest.raises(BastionRouteError):
            manager.open(_spec())
        status = manager.status("eic")
        assert status.state == TunnelState.FAILED and "aws sso login --profile corp" in status.reason
    finally:
        manager.shutdown()
