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


def test_a_paramiko_renewal_ending_after_the_tunnel_closed_closes_its_new_route(monkeypatch) -> None:
    """The tunnel is closed (the user, the console's exit, a test's end) while its renewal logs in
    through a new carrier: once logged in, that new SSH connection and its carrier are closed too,
    not left open in the closed tunnel (seen: an endpoint websocket outliving its test by seconds)."""
    from aurora_console.core.ssh import paramiko_backend as module
    from aurora_console.core.ssh.listener import bind_loopback

    class Transport:
        def __init__(self) -> None:
            self.closed = False

        def close(self) -> None:
            self.closed = True

        def is_active(self) -> bool:
            return not self.closed

    class Route:
        def __init__(self, label: str) -> None:
            self.label, self.expires_at, self.cleaned = label, None, False

        def login(self, attempt):
            return attempt()

        def cleanup(self) -> None:
            self.cleaned = True

    logging_in, logged_in = threading.Event(), threading.Event()
    new_transport, new_route = Transport(), Route("new carrier")

    def connect_bastion(spec, store, route):
        logging_in.set()
        assert logged_in.wait(10)
        return new_transport, None

    monkeypatch.setattr(module, "prepare_route", lambda spec: new_route)
    monkeypatch.setattr(module, "connect_bastion", connect_bastion)
    spec = _spec()
    spec.bastion.keepalive_seconds = 0
    tunnel = module.ParamikoTunnel(spec, Transport(), None, bind_loopback(0), route=Route("old carrier"))
    renewed: list[bool] = []
    renewing = threading.Thread(target=lambda: renewed.append(tunnel.renew(None)), daemon=True)
    renewing.start()
    assert logging_in.wait(10)
    tunnel.close()
    logged_in.set()
    renewing.join(10)
    assert renewed == [False]
    assert new_transport.closed and new_route.cleaned
    assert tunnel.route.label == "old carrier"


def test_a_tunnel_closed_while_renewing_stays_closed() -> None:
    """The renewal gives up because the tunnel was closed meanwhile: no reopening is tried and no
    'reconnecting' status follows the 'closed' one (listeners such as the CLI's would print it)."""
    renewing, closed_now = threading.Event(), threading.Event()

    class _Renewing(_Tunnel):
        def renew(self, store) -> bool:
            renewing.set()
            assert closed_now.wait(10)
            return False  # as the paramiko tunnel says when it was closed during the renewal

    class _RenewingBackend(_Backend):
        def open(self, spec, store, *, local_port: int = 0):
            tunnel = _Renewing(local_port, self.lifetime, len(self.opened) + 1)
            self.opened.append(tunnel)
            return tunnel

    backend = _RenewingBackend(lifetime=1.0)
    manager = _manager(backend)
    seen = []
    manager.add_listener(seen.append)
    try:
        manager.open(_spec())
        assert renewing.wait(10)
        manager.close("eic")
        renewers = [t for t in threading.enumerate() if t.name == "tunnel-eic-renew"]  # held in renew()
        closed_now.set()
        for thread in renewers:
            thread.join(10)
        assert renewers and not any(t.is_alive() for t in renewers)
        assert seen[-1].state == TunnelState.CLOSED, [s.state for s in seen]
        assert len(backend.opened) == 1
    finally:
        closed_now.set()
        manager.shutdown()
