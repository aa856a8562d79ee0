"""Tunnels through an EC2 bastion: the profile's tunnel opens (on the sandbox, sandbox-blog-eic: the
bastion instance's Instance Connect Endpoint with a key pushed for this connect, nothing stored),
its route is spelled out, and the database answers through it."""

import pytest

pytest.importorskip("aurora_console.testing.pages_connections", reason="the connections page object is not installed")

from targets import TUNNEL_PROFILE  # noqa: E402


def test_tunnel_through_ec2_bastion(console):
    connections = console.connections
    assert TUNNEL_PROFILE in connections.profiles()
    port = connections.open_tunnel(TUNNEL_PROFILE)
    try:
        state = connections.tunnel_state(TUNNEL_PROFILE)
        assert state == "up", state
        print(f"{TUNNEL_PROFILE}: 127.0.0.1:{port} → {state.route}")
        assert " → " in state.route, state.route  # e.g. "endpoint eice-… → i-… (ec2-user, pushed key) → host:5432"
        report = connections.test(TUNNEL_PROFILE)
        assert report["route"].endswith(f"127.0.0.1:{port}"), report["summary"]
    finally:
        connections.close_tunnel(TUNNEL_PROFILE)
