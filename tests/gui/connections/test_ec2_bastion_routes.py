"""The page object on the sandbox's EC2 bastion (issue 18): profiles reached through the bastion
instance with a key pushed by EC2 Instance Connect, straight to its address or through its
Instance Connect Endpoint, opened with ``open_tunnel``; ``tunnel_state`` spells the route out as
the tunnel manager reports it; ``create_ec2_profile`` makes such a profile."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration]

ENDPOINT = r"blog\.cluster-[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com:5432"


def _open_and_check(conn, name: str, route_pattern: str, backend: str) -> None:
    conn.controller.backend_override[name] = backend
    try:
        port = conn.open_tunnel(name)
        state = conn.tunnel_state(name)
        assert state == "up", state
        assert re.fullmatch(route_pattern, state.route), state.route
        info = conn.tunnel_info(name)
        assert info["local_port"] == port and info["route"] == state.route
        report = conn.test(name)  # the database answers through that route
        assert report["server_version_num"] >= 140000 and report["route"].endswith(f"127.0.0.1:{port}")
    finally:
        conn.close_tunnel(name)
        conn.controller.backend_override.pop(name, None)
    closed = conn.tunnel_state(name)
    assert closed == "closed" and closed.route == ""


@pytest.mark.parametrize("backend", ["native", "paramiko"])
def test_key_push_route(console, backend):
    conn = console.connections
    assert "sandbox-blog-push" in conn.profiles()
    _open_and_check(conn, "sandbox-blog-push",
                    rf"i-[0-9a-f]+ at 127\.0\.0\.1:[0-9]+ \(ec2-user, pushed key\) → {ENDPOINT}", backend)


@pytest.mark.parametrize("backend", ["native", "paramiko"])
def test_instance_connect_endpoint_route(console, backend):
    conn = console.connections
    assert "sandbox-blog-eic" in conn.profiles()
    _open_and_check(conn, "sandbox-blog-eic",
                    rf"endpoint eice-[0-9a-f]+ → i-[0-9a-f]+ \(ec2-user, pushed key\) → {ENDPOINT}", backend)


def test_create_ec2_profile_saves_one_that_opens(console):
    conn = console.connections
    name = conn.create_ec2_profile("blog-by-instance", like="sandbox-blog-eic", instance="sandbox-bastion",
                                   region="us-east-1", transport="eice", push_key=True)
    try:
        assert name in conn.profiles()
        saved = conn.controller.store.get(name)
        assert saved.bastion.aws.transport == "eice" and saved.bastion.aws.push_key
        assert not saved.bastion.key_file  # nothing stored: the key is pushed for each connect
        _open_and_check(conn, name, rf"endpoint eice-[0-9a-f]+ → i-[0-9a-f]+ \(ec2-user, pushed key\) → {ENDPOINT}",
                        "paramiko")
    finally:
        conn.delete_profile(name)
    assert name not in conn.profiles()
