"""Every database screen on a bastion profile uses the window's one tunnel manager: its tunnel is
listed in the tunnel panel and counted in the status bar, and closing one screen keeps it up."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_sql_and_content_share_the_listed_tunnel(console):
    sql = console.sql("sandbox-blog")
    [result] = sql.run("select count(*) from posts")
    assert result.error() is None and int(result.rows()[0][0]) > 0
    connections = console.connections
    assert connections.tunnel_state("sandbox-blog") == "up"
    console.qtbot.waitUntil(lambda: console.window.status.tunnels_label.text() == "Tunnels: 1", timeout=10000)
    port = connections.tunnel_info("sandbox-blog")["local_port"]
    posts = console.content("sandbox-blog").table("posts")
    assert posts.rows()
    assert connections.tunnel_info("sandbox-blog")["local_port"] == port  # the same tunnel, not a second one
    assert console.window.status.tunnels_label.text() == "Tunnels: 1"
