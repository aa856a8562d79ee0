"""Connections: the database profile connects (through its bastion tunnel, if it has one) with TLS."""

import pytest

pytest.importorskip("aurora_console.testing.pages_connections", reason="the connections page object is not installed")

from targets import DB_PROFILE  # noqa: E402


def test_connection_works(console):
    connections = console.connections
    assert DB_PROFILE in connections.profiles()
    report = connections.test(DB_PROFILE)  # "Test connection": raises the error it met
    assert report["tls"], report["summary"]
    assert report["server_version_num"] >= 130000, report["summary"]
