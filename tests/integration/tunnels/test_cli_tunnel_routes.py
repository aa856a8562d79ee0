"""``aurora-console tunnel PROFILE`` for each EC2 bastion route (issue 18), as a real process:
the port on stdout, the route spelled out on stderr, a database reached through it, Ctrl+C closes.

* key push and Instance Connect Endpoint: the sandbox's built-in ``sandbox-blog-push`` and
  ``sandbox-blog-eic`` (``--sandbox``: the command finds the sandbox this test started);
* Session Manager port forwarding and SSH over Session Manager: saved profiles on the rig's moto
  server (``--endpoint-url``), with the stand-in ``session-manager-plugin`` on PATH.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import psycopg
import pytest

from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.ssh.config import AwsBastion, BastionConfig
from tests.integration.tunnels.session_manager import BLOG_HOST, REGION, run_bastion, wire_sessions

pytestmark = pytest.mark.integration


def _tunnel(args: list[str], *, global_args: list[str] = (), env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-W", "ignore", "-m", "aurora_console", *global_args, "tunnel", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env=env or os.environ.copy())


def _up(proc) -> tuple[int, str]:
    """The port line, and the stderr line that spells out the route."""
    line = proc.stdout.readline().strip()
    if not line.isdigit():
        proc.kill()
        raise AssertionError(f"no port: {line!r} {proc.stderr.read()}")
    while True:
        text = proc.stderr.readline()
        assert text, "the tunnel's route line never came"
        if text.startswith("Tunnel "):
            return int(line), text.strip()


def _close(proc) -> str:
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    return proc.stderr.read()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    from aurora_console.sandbox.postgres_env import find_postgres_bin
    from aurora_console.sandbox.runtime import Sandbox

    if find_postgres_bin() is None:
        pytest.skip("no PostgreSQL binaries")
    folder = tmp_path_factory.mktemp("sbx")
    box = Sandbox(folder, live_metrics=False)
    try:
        box.start_aws()
        info = box.start_database()
        assert info.db_error is None, info.db_error
        yield folder, box, info
    finally:
        box.stop()


@pytest.mark.parametrize("name,route", [
    ("sandbox-blog-push", r"i-[0-9a-f]+ at 127\.0\.0\.1:[0-9]+ \(ec2-user, pushed key\) → "),
    ("sandbox-blog-eic", r"endpoint eice-[0-9a-f]+ → i-[0-9a-f]+ \(ec2-user, pushed key\) → "),
])
def test_sandbox_ec2_bastion_routes(sandbox, name, route):
    folder, box, info = sandbox
    proc = _tunnel([name], global_args=["--sandbox", "--sandbox-dir", str(folder)])
    try:
        port, said = _up(proc)
        assert re.search(rf"127\.0\.0\.1:{port} → {route}blog\.cluster-[a-z0-9]+\..+:5432 ", said), said
        conninfo = dict(box.database_conninfo(), host="127.0.0.1", port=port, sslmode="disable")
        with psycopg.connect(**conninfo, connect_timeout=15) as conn:
            assert conn.execute("select current_database()").fetchone()[0] == info.seed.blog_database
        assert f"Tunnel {name} closed." in _close(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _saved_ssm_profile(tmp_path, blog_db, instance: str, transport: str) -> str:
    store = ProfileStore(tmp_path / "profiles.json")
    bastion = BastionConfig(host=instance, user="ec2-user",
                            aws=AwsBastion(instance=instance, region=REGION, transport=transport))
    store.save(ConnectionProfile("blog-ssm", BLOG_HOST, 5432, blog_db.name, "postgres", bastion=bastion,
                                 password=PasswordSource("prompt"), tls=TlsSettings(mode="require")))
    return str(store.path)


def test_session_manager_port_forwarding(moto_server, moto_endpoint, aws_factory, blog_db, tmp_path):
    from aurora_console.sandbox.ssm_plugin import write_launcher

    wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    instance = run_bastion(aws_factory)
    path = _saved_ssm_profile(tmp_path, blog_db, instance, "ssm-forward")
    launcher = write_launcher(tmp_path / "plugin-bin")
    env = dict(os.environ, PATH=f"{launcher.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = _tunnel(["blog-ssm", "--profiles-file", path], global_args=["--endpoint-url", moto_endpoint], env=env)
    try:
        port, said = _up(proc)
        assert "Session Manager" in said and instance in said and f"{BLOG_HOST}:5432" in said, said
        with psycopg.connect(**dict(blog_db.conninfo, host="127.0.0.1", port=port), connect_timeout=15) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] == 100
        _close(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_session_manager_plugin_missing_is_said_with_where_to_get_it(moto_server, moto_endpoint, aws_factory,
                                                                     blog_db, tmp_path):
    wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    instance = run_bastion(aws_factory)
    path = _saved_ssm_profile(tmp_path, blog_db, instance, "ssm-forward")
    env = dict(os.environ, PATH=str(tmp_path / "empty-bin"))
    proc = _tunnel(["blog-ssm", "--profiles-file", path], global_args=["--endpoint-url", moto_endpoint], env=env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == ""
    assert "session-manager-plugin" in err and "docs.aws.amazon.com" in err


@pytest.mark.parametrize("backend", ["native", "paramiko"])
def test_ssh_over_session_manager(backend, moto_server, moto_endpoint, aws_factory, blog_db, sshd_server, tmp_path):
    """Transport "ssm": SSH to the bastion carried by a Session Manager session (here the rig's sshd,
    with its key file), then the usual forward to the database; the host key is the instance's."""
    from aurora_console.sandbox.ssm_plugin import write_launcher

    wire_sessions(moto_server, ssh=(sshd_server.host, sshd_server.port))
    instance = run_bastion(aws_factory)
    store = ProfileStore(tmp_path / "profiles.json")
    bastion = BastionConfig(host=instance, user=sshd_server.user, key_file=str(sshd_server.client_keys["ed25519"]),
                            aws=AwsBastion(instance=instance, region=REGION, transport="ssm"))
    store.save(ConnectionProfile("blog-ssh-ssm", "127.0.0.1", blog_db.conninfo["port"], blog_db.name, "postgres",
                                 bastion=bastion, backend=backend, password=PasswordSource("prompt")))
    launcher = write_launcher(tmp_path / "plugin-bin")
    env = dict(os.environ, PATH=f"{launcher.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = _tunnel(["blog-ssh-ssm", "--profiles-file", str(store.path), "--trust-host-key",
                    sshd_server.fingerprints["ed25519"]], global_args=["--endpoint-url", moto_endpoint], env=env)
    try:
        port, said = _up(proc)
        assert re.search(rf"→ Session Manager → {instance} .*→ 127\.0\.0\.1:{blog_db.conninfo['port']}", said), said
        with psycopg.connect(**dict(blog_db.conninfo, host="127.0.0.1", port=port), connect_timeout=15) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] == 100
        _close(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
