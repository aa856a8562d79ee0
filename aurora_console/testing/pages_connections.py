"""Page object for connection profiles and tunnels: ``console.connections``.

Calls wait for the background work they start::

    conn = console.connections
    assert "sandbox-blog" in conn.profiles()
    report = conn.test("sandbox-blog")         # {"server_version": ..., "is_aurora": ..., "tls": ..., ...}
    port = conn.open_tunnel("sandbox-blog")    # local port on 127.0.0.1
    assert conn.tunnel_state("sandbox-blog") == "up"
    conn.close_tunnel("sandbox-blog")

    # an EC2 bastion reached through its Instance Connect Endpoint with a pushed key
    conn.open_tunnel("sandbox-blog-eic")
    state = conn.tunnel_state("sandbox-blog-eic")
    assert state == "up"
    print(state.route)  # "endpoint eice-… → i-… (ec2-user, pushed key) → blog.cluster-…:5432"

``tunnel_state`` is the state word (a ``str``) with the route spelled out in ``.route``: the
tunnel manager's own label for the route it opened (``TunnelStatus.route``, made by
``core.aws.bastion_route.route``), never rebuilt here.

Profiles through an EC2 bastion (EC2 Instance Connect key push, Instance Connect Endpoint,
Session Manager) are made with ``create_ec2_profile`` from an existing profile's database, user
and password source; saving a profile is a local change (the profiles file), allowed everywhere::

    conn.create_ec2_profile("blog-ssm", like="blog", instance="bastion", region="eu-west-1",
                            transport="ssm", push_key=True)
    conn.open_tunnel("blog-ssm")

Unknown host keys: the page answers the trust question with ``trust_host_keys`` ("once" by
default on the sandbox, None - refuse - on a real profile); passphrase / password prompts are
answered from ``secrets`` (a dict: {"passphrase": ..., "password": ...}) or refused.
"""

from __future__ import annotations

from typing import Any

TIMEOUT_MS = 60000


class TunnelState(str):
    """A tunnel's state word ('closed', 'connecting', 'up', 'reconnecting', 'failed'), compared and
    printed as that word, with ``route``: the route spelled out as the tunnel manager reports it
    (e.g. "endpoint eice-0abc → i-0123 (ec2-user, pushed key) → blog.cluster-x…:5432"; "" while closed)."""

    route: str

    def __new__(cls, state: str, route: str = "") -> TunnelState:
        made = super().__new__(cls, state)
        made.route = route
        return made

    def __repr__(self) -> str:
        return f"TunnelState({str(self)!r}, route={self.route!r})"


class ConnectionsPage:
    def __init__(self, root, *, timeout_ms: int = TIMEOUT_MS) -> None:
        self.root = root
        self.qtbot = root.qtbot
        self.timeout_ms = timeout_ms
        self.controller = root.services.connections.get()
        if self.controller is None:
            raise RuntimeError("the connections feature is not installed in this window")
        self.trust_host_keys: str | None = "once" if root.sandbox else None
        self.secrets: dict[str, str] = {}
        self.trust_questions: list[str] = []  # fingerprints the page was asked about
        self.controller.ask_trust = self._trust
        self.controller.ask_secret = self._secret

    def _trust(self, error) -> str | None:
        self.trust_questions.append(error.fingerprint)
        return self.trust_host_keys

    def _secret(self, title: str, _label: str) -> str | None:
        return self.secrets.get("passphrase" if "passphrase" in title.lower() else "password")

    # -- panel -----------------------------------------------------------------------------------
    def open_panel(self):
        from aurora_console.ui.connections.feature import open_panel

        return open_panel(self.root.window)

    # -- queries -------------------------------------------------------------------------------------
    def profiles(self) -> list[str]:
        return [p.name for p in self.controller.profiles()]

    def tunnel_state(self, profile: str) -> TunnelState:
        """'closed', 'connecting', 'up', 'reconnecting' or 'failed', with the route in ``.route``."""
        status = self.controller.status(profile)
        if status is None:
            return TunnelState("closed")
        return TunnelState(status.state.value, getattr(status, "route", "") or "")

    def tunnel_info(self, profile: str) -> dict[str, Any]:
        s = self.controller.status(profile)
        if s is None:
            return {"state": "closed"}
        return {"state": s.state.value, "local_port": s.local_port, "bastion": s.bastion, "target": s.target,
                "backend": s.backend, "reason": s.reason, "uptime": s.uptime(),
                "route": getattr(s, "route", "") or ""}

    # -- profiles -----------------------------------------------------------------------------------
    def create_profile(self, profile) -> str:
        """Save ``profile`` (a ``core.connections.profile.ConnectionProfile``, validated first) in
        the profiles file, replacing one of the same name; returns its name."""
        profile.validate()
        self.controller.save_profile(profile)
        return profile.name

    def create_ec2_profile(self, name: str, *, like: str, instance: str, region: str, transport: str = "direct",
                           push_key: bool = True, os_user: str = "ec2-user", aws_profile: str | None = None,
                           endpoint_id: str = "", max_tunnel_seconds: int | None = None, host: str = "",
                           port: int = 22, key_file: str = "", backend: str | None = None) -> str:
        """A copy of profile ``like`` (database, user, password source, TLS) reached through the EC2
        instance ``instance`` (an id or its Name tag) in ``region``: ``transport`` "direct" (its
        address, ``host`` overriding it), "eice" (an Instance Connect Endpoint), "ssm" (SSH over
        Session Manager) or "ssm-forward" (Session Manager port forwarding, no SSH);
        ``push_key``: a fresh key pushed through EC2 Instance Connect before each connect, as
        ``os_user``. Saved like :meth:`create_profile`; returns the name."""
        from dataclasses import replace

        from aurora_console.core.ssh.config import AwsBastion, BastionConfig

        aws = AwsBastion(instance=instance, region=region, aws_profile=aws_profile, push_key=push_key,
                         transport=transport, endpoint_id=endpoint_id)
        if max_tunnel_seconds is not None:
            aws.max_tunnel_seconds = max_tunnel_seconds
        bastion = BastionConfig(host=host or instance, user=os_user, port=port, key_file=key_file, aws=aws)
        base = self.controller.profile(like)
        made = replace(base, name=name, bastion=bastion, builtin=False,
                       backend=backend if backend is not None else base.backend)
        return self.create_profile(made)

    def delete_profile(self, name: str) -> None:
        """Close its tunnel and remove the saved profile."""
        self.controller.delete_profile(name)

    def open_tunnels(self) -> int:
        """What the status-bar indicator shows."""
        text = self.root.window.status.tunnels_label.text()
        return int(text.rsplit(" ", 1)[-1])

    # -- actions ---------------------------------------------------------------------------------------
    def _wait(self, start) -> Any:
        box: dict[str, Any] = {}
        start(lambda r: box.setdefault("ok", r), lambda e: box.setdefault("err", e))
        self.qtbot.waitUntil(lambda: bool(box), timeout=self.timeout_ms)
        if "err" in box:
            raise box["err"]
        return box["ok"]

    def test(self, profile: str) -> dict[str, Any]:
        """Run "Test connection"; returns the report as a dict (raises the error it met)."""
        report = self._wait(lambda ok, err: self.controller.test(profile, on_done=ok, on_error=err))
        return {"server_version": report.server_version, "server_version_num": report.server_version_num,
                "is_aurora": report.is_aurora, "aurora_version": report.aurora_version, "tls": report.tls,
                "tls_version": report.tls_version, "latency_ms": report.latency_ms, "route": report.route,
                "read_only": report.read_only, "summary": report.summary()}

    def open_tunnel(self, profile: str, backend: str | None = None) -> int:
        """Open the profile's tunnel; returns the local port on 127.0.0.1."""
        if backend is not None:
            self.controller.backend_override[profile] = backend
        status = self._wait(lambda ok, err: self.controller.open_tunnel(profile, on_done=ok, on_error=err))
        self.qtbot.waitUntil(lambda: self.open_tunnels() >= 1, timeout=self.timeout_ms)
        return status.local_port

    def close_tunnel(self, profile: str) -> None:
        self.controller.close_tunnel(profile)
        self.qtbot.waitUntil(lambda: self.tunnel_state(profile) == "closed", timeout=self.timeout_ms)

    def reconnect(self, profile: str) -> int:
        status = self._wait(lambda ok, err: self.controller.reconnect(profile, on_done=ok, on_error=err))
        return status.local_port
