"""End to end on the sandbox: the built-in sandbox-blog profile through the sandbox's bastion,
with both tunnel backends, driven through the page object."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration]


@pytest.mark.parametrize("backend", ["native", "paramiko"])
def test_sandbox_blog_through_bastion(console, backend):
    conn = console.connections
    assert "sandbox-blog" in conn.profiles()
    conn.controller.backend_override["sandbox-blog"] = backend
    report = conn.test("sandbox-blog")
    assert report["tls"] is True
    assert report["route"].startswith(f"{backend} tunnel 127.0.0.1:")
    assert report["server_version_num"] >= 140000 and report["latency_ms"] > 0
    assert conn.tunnel_state("sandbox-blog") == "closed"  # the test closed the tunnel it opened
    port = conn.open_tunnel("sandbox-blog")
    info = conn.tunnel_info("sandbox-blog")
    assert info["state"] == "up" and info["local_port"] == port and info["backend"] == backend
    assert conn.open_tunnels() == 1
    panel = conn.open_panel()
    row = panel.model.row_of("sandbox-blog")
    assert panel.model.index(row, 2).data() == str(port)
    conn.close_tunnel("sandbox-blog")
    console.qtbot.waitUntil(lambda: conn.open_tunnels() == 0, timeout=10000)
