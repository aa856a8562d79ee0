"""The sandbox's MySQL side: MariaDB starts beside PostgreSQL with the seeded shop database, and the
built-in ``sandbox-shop`` profile reaches it through the loopback bastion (TLS verified against the
shop's endpoint name, the password from SSM) and runs a query; a stop leaves no server behind."""

from __future__ import annotations

import threading
import time

import psutil
import pytest

from aurora_console.core.connections.opener import open_profile
from aurora_console.core.tasks import Cancelled
from aurora_console.sandbox.mysql import _run_as, find_mysql_server
from aurora_console.sandbox.postgres_relocation import usable_data_dir
from aurora_console.sandbox.profiles import SANDBOX_SHOP_PROFILE, sandbox_profiles
from aurora_console.sandbox.runtime import Sandbox

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(find_mysql_server() is None, reason="no MariaDB/MySQL server installed")]


def _mysqld_on(data_dir) -> list[int]:
    wanted = f"--datadir={usable_data_dir(data_dir.absolute(), _run_as())}"
    return [p.pid for p in psutil.process_iter(["cmdline"]) if wanted in (p.info["cmdline"] or [])]


def test_the_shop_profile_queries_the_seeded_shop_through_the_bastion(tmp_path):
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        sandbox.start_aws()
        info = sandbox.start_database()  # the blog's database is ready; the shop's may still start
        assert info.db_error is None and info.database_ready
        sandbox.wait_for_mysql()
        assert info.mysql_error is None and info.mysql_port and info.db_error is None
        assert len(_mysqld_on(tmp_path / "sbx" / "mysql")) == 1
        profile = next(p for p in info.connection_profiles() if p.name == SANDBOX_SHOP_PROFILE)
        assert (profile.engine, profile.port, profile.tls.mode) == ("mysql", 3306, "verify-full")
        assert profile.host.startswith("shop.cluster-") and profile.bastion is not None
        opened = open_profile(SANDBOX_SHOP_PROFILE, aws_factory=info.aws_factory(), sandbox_info=info,
                              known_hosts=tmp_path / "known_hosts")
        try:
            assert opened.route.kind == "tunnel"
            conn = opened.connect()
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id")
                    assert cur.fetchone() == (2500,)
                    cur.execute("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS "
                                "WHERE CONSTRAINT_SCHEMA = 'shop'")
                    assert cur.fetchone() == (3,)
                    cur.execute("SELECT COUNT(*) >= 2500 FROM order_items")
                    assert cur.fetchone() == (1,)
                    cur.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
                    assert cur.fetchone()[1].startswith("TLSv1.")
                    cur.execute("SELECT CURRENT_USER()")
                    assert cur.fetchone()[0].startswith("shop_admin@")
            finally:
                conn.close()
        finally:
            opened.close()
        # a headless command finds the same profile in sandbox.json
        headless = [p for p in sandbox_profiles(tmp_path / "sbx") if p.name == SANDBOX_SHOP_PROFILE]
        assert headless and headless[0].host == profile.host and headless[0].engine == "mysql"
    finally:
        sandbox.stop()
    time.sleep(0.3)
    assert _mysqld_on(tmp_path / "sbx" / "mysql") == []


@pytest.fixture(scope="module")
def running_sandbox(tmp_path_factory):
    sandbox = Sandbox(tmp_path_factory.mktemp("sbx-mysql") / "sbx", live_metrics=False)
    try:
        sandbox.start_aws()
        sandbox.start_database()
        sandbox.wait_for_mysql()
        yield sandbox
    finally:
        sandbox.stop()


@pytest.mark.parametrize("backend", ["native", "paramiko"])
def test_the_shop_answers_through_either_tunnel_backend(running_sandbox, tmp_path, backend):
    from dataclasses import replace

    from aurora_console.core.connections.opener import open_connection
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.core.ssh.manager import TunnelManager

    if backend == "native":
        import shutil

        if shutil.which("ssh") is None:
            pytest.skip("no OpenSSH client")
    info = running_sandbox.info
    assert info.mysql_error is None, info.mysql_error
    profile = next(p for p in info.connection_profiles() if p.name == SANDBOX_SHOP_PROFILE)
    manager = TunnelManager(HostKeyStore(tmp_path / "known_hosts", user_files=[]))
    manager.store.trust_line(info.bastion.host, info.bastion.port, info.bastion.known_hosts_line)
    try:
        opened = open_connection(replace(profile, backend=backend), manager=manager,
                                 clients=clients_from_factory(info.aws_factory()))
        assert opened.route.backend == backend
        conn = opened.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*), SUM(quantity * unit_price) > 0 FROM order_items")
                count, positive = cur.fetchone()
                assert count >= 2500 and positive == 1
        finally:
            conn.close()
        opened.close()
    finally:
        manager.shutdown()


@pytest.mark.parametrize("delay", [0.0, 0.5])
def test_stop_during_the_database_stage_leaves_no_mysql_server(tmp_path, delay):
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    sandbox.start_aws()
    outcome: list[object] = []

    def stage():
        try:
            outcome.append(sandbox.start_database())
        except Cancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=stage)
    worker.start()
    time.sleep(delay)
    sandbox.stop()
    worker.join(60)
    assert not worker.is_alive() and outcome
    time.sleep(0.5)
    assert _mysqld_on(tmp_path / "sbx" / "mysql") == []


def test_the_tunnel_command_finds_sandbox_shop_in_a_sandbox_it_starts(tmp_path):
    from types import SimpleNamespace

    from aurora_console.cli_tunnel import _start_sandbox, _started_sandbox_profile
    from aurora_console.core.ssh.hostkeys import HostKeyStore

    sandbox, info = _start_sandbox(SimpleNamespace(sandbox_dir=str(tmp_path / "sbx"), sandbox_reset=False))
    try:
        profile = _started_sandbox_profile(info, SANDBOX_SHOP_PROFILE, HostKeyStore(tmp_path / "known_hosts"))
        assert profile.engine == "mysql" and profile.bastion is not None
    finally:
        sandbox.stop()


def test_the_shop_survives_the_sandbox_being_seeded_again(tmp_path):
    """A reset of the AWS state (a test, or moto restarted) seeds again with new endpoint names and
    a re-issued certificate: sandbox-shop stays listed and its MariaDB serves the new certificate
    (before the fix every sandbox-shop connection after a re-seed failed TLS verification)."""
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        sandbox.start_aws()
        sandbox.start_database()
        sandbox.wait_for_mysql()
        sandbox._aws.reset()  # what a test resetting moto does
        sandbox.ensure_seeded()
        info = sandbox.wait_for_mysql()
        assert info.mysql_error is None and info.mysql_port
        assert SANDBOX_SHOP_PROFILE in [p.name for p in info.connection_profiles()]
        opened = open_profile(SANDBOX_SHOP_PROFILE, aws_factory=info.aws_factory(), sandbox_info=info,
                              known_hosts=tmp_path / "known_hosts")
        try:
            conn = opened.connect()  # TLS verify-full against the re-issued certificate's names
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT COUNT(*) FROM customers")
                    assert cur.fetchone()[0] > 0
            finally:
                conn.close()
        finally:
            opened.close()
    finally:
        sandbox.stop()
