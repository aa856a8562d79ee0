"""Page object for connection profiles and tunnels: ``console.connections``.

Calls wait for the background work they start::

    conn = console.connections
    assert "sandbox-blog" in conn.profiles()
    report = conn.test("sandbox-blog")         # {"server_version": ..., "is_aurora": ..., "tls": ..., ...}
    port = conn.open_tunnel("sandbox-blog")    # local port on 127.0.0.1
    assert conn.tunnel_state("sandbox-blog") == "up"
    conn.close_tunnel("sandbox-blog")

Unknown host keys: the page answers the trust question with ``trust_host_keys`` ("once" by
default on the sandbox, None - refuse - on a real profile); passphrase / password prompts are
answered from ``secrets`` (a dict: {"passphrase": ..., "password": ...}) or refused.
"""

from __future__ import annotations

from typing import Any

TIMEOUT_MS = 60000


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

    def tunnel_state(self, profile: str) -> str:
        """'closed', 'connecting', 'up', 'reconnecting' or 'failed'."""
        status = self.controller.status(profile)
        return status.state.value if status else "closed"

    def tunnel_info(self, profile: str) -> dict[str, Any]:
        s = self.controller.status(profile)
        if s is None:
            return {"state": "closed"}
        return {"state": s.state.value, "local_port": s.local_port, "bastion": s.bastion, "target": s.target,
                "backend": s.backend, "reason": s.reason, "uptime": s.uptime()}

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
