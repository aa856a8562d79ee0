"""The MySQL rig: its server runs unprivileged (when the tests run as root), listens on 127.0.0.1
only, verifies with the rig's CA, and the database factory drops what it made."""

from __future__ import annotations

import os

import psutil
import pytest

from tests.rig.mysql import STARTUP_SECONDS, MysqlDatabaseFactory

pytestmark = pytest.mark.integration


def test_the_server_runs_unprivileged_on_loopback_with_a_private_data_folder(mysql_server):
    proc = psutil.Process(mysql_server._proc.pid)
    if os.geteuid() == 0:
        assert proc.uids().real != 0 and proc.username() in ("mysql", "nobody")
    listening = {c.laddr for c in proc.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    assert {(addr.ip, addr.port) for addr in listening} == {("127.0.0.1", mysql_server.port)}
    assert oct(mysql_server.data_dir.stat().st_mode & 0o777) == "0o700"
    print(f"mysql_server fixture start-up: {STARTUP_SECONDS['mysql_server']:.2f} s")


def test_tls_is_verified_with_the_rig_ca(mysql_server):
    conn = mysql_server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            assert cur.fetchone()[1]
    finally:
        conn.close()


def test_the_factory_drops_every_database_it_made(mysql_server):
    factory = MysqlDatabaseFactory(mysql_server)
    made = [factory().name, factory("named_by_test").name]
    conn = mysql_server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            present = {row[0] for row in cur.fetchall()}
            assert set(made) <= present and "test" not in present  # no test database installed
            factory.drop_all()
            cur.execute("SHOW DATABASES")
            assert not set(made) & {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
