"""Session Manager port forwarding (``ssm-forward``) through the sandbox's StartSession and the
stand-in session-manager-plugin, to the rig's real PostgreSQL; one session per tunnel, shared by
every connection of the profile; faults each with a plain message."""

from __future__ import annotations

import time

import psycopg
import pytest

from aurora_console.core.aws.bastion_route.errors import RouteAccessDenied
from aurora_console.core.aws.bastion_route.plugin import INSTALL_URL, PluginExited, PluginMissing
from aurora_console.core.aws.bastion_route.ssm_forward import FORWARD_DOCUMENT, SsmForwardBackend
from aurora_console.core.ssh.backend import backend_for
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager, TunnelState
from tests.integration.tunnels.conftest import LOOPBACK_HEX, listening_addresses
from tests.integration.tunnels.session_manager import (
    BLOG_HOST,
    forward_spec,
    put_plugin_on_path,
    run_bastion,
    wire_sessions,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def store(tmp_path):
    return HostKeyStore(tmp_path / "known_hosts", user_files=[])


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    return put_plugin_on_path(tmp_path / "plugin-bin", monkeypatch)


def _count(port: int, db) -> int:
    info = dict(db.conninfo, host="127.0.0.1", port=port)
    with psycopg.connect(**info, connect_timeout=10) as conn:
        return conn.execute("select count(*) from posts").fetchone()[0]


def _wait(predicate, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_forward_reaches_the_database_and_close_terminates_the_session(moto_server, aws_factory, plugin, blog_db,
                                                                        store):
    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    instance = run_bastion(aws_factory)
    spec = forward_spec(aws_factory, instance)
    backend = backend_for(spec)
    assert isinstance(backend, SsmForwardBackend)
    tunnel = backend.open(spec, store)
    try:
        assert tunnel.is_alive()
        assert _count(tunnel.local_port, blog_db) == 100
        assert listening_addresses(tunnel.local_port) == {LOOPBACK_HEX}
        [session] = sessions.started
        assert (session.target, session.document) == (instance, FORWARD_DOCUMENT)
        assert session.parameters == {"host": [BLOG_HOST], "portNumber": ["5432"], "localPortNumber": ["0"]}
        assert session.session_id in tunnel.route_label and instance in tunnel.route_label
    finally:
        tunnel.close()
    assert tunnel.proc.poll() is not None
    assert sessions.active() == []
    assert not tunnel.is_alive() and tunnel.failure() is None


def test_one_session_per_tunnel_shared_by_every_connection(moto_server, aws_factory, plugin, blog_db, store):
    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    manager = TunnelManager(store, poll_interval=0.1)
    try:
        ports = {manager.open(spec).local_port for _tab in range(5)}  # five tabs of the profile
        [port] = ports
        conns = []
        for _ in range(5):
            conns.append(psycopg.connect(**dict(blog_db.conninfo, host="127.0.0.1", port=port), connect_timeout=10))
        assert [c.execute("select count(*) from posts").fetchone()[0] for c in conns] == [100] * 5
        for c in conns:
            c.close()
        assert len(sessions.started) == 1
        assert manager.status(spec.name).backend == "session-manager"
    finally:
        manager.shutdown()
    assert sessions.active() == []


def test_a_session_ended_by_aws_reconnects_on_the_same_port_with_a_new_session(moto_server, aws_factory, plugin,
                                                                               blog_db, store):
    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    manager = TunnelManager(store, poll_interval=0.1, backoff=(0.1,))
    try:
        port = manager.open(spec).local_port
        [first] = sessions.started
        sessions.terminate_session({"SessionId": first.session_id})  # idle timeout / an admin ended it
        assert _wait(lambda: len(sessions.started) == 2 and manager.status(spec.name).state == TunnelState.UP, 20)
        assert manager.status(spec.name).local_port == port
        assert _count(port, blog_db) == 100
    finally:
        manager.shutdown()


def test_missing_plugin_is_a_plain_message_and_starts_no_session(moto_server, aws_factory, tmp_path, monkeypatch,
                                                                  store):
    from aurora_console.core.aws.bastion_route import plugin as plugin_module

    sessions = wire_sessions(moto_server, db_port=1)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(plugin_module, "usual_folders", lambda platform=None: [str(tmp_path / "nowhere")])
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    with pytest.raises(PluginMissing) as err:
        SsmForwardBackend().open(spec, store)
    assert INSTALL_URL in err.value.user_text()
    assert sessions.started == []


def test_plugin_exiting_early_reports_its_words_and_ends_the_session(moto_server, aws_factory, tmp_path,
                                                                      monkeypatch, store):
    sessions = wire_sessions(moto_server, db_port=1)
    folder = tmp_path / "broken"
    folder.mkdir()
    fake = folder / "session-manager-plugin"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 1.2.650.0; exit 0; }\n"
                    "echo 'Cannot perform start session: websocket handshake failed (403)' >&2\nexit 3\n")
    fake.chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    with pytest.raises(PluginExited) as err:
        SsmForwardBackend().open(spec, store)
    assert "exit code 3" in err.value.message
    assert "websocket handshake failed (403)" in err.value.message
    assert len(sessions.started) == 1 and sessions.active() == []


@pytest.mark.parametrize("refused", ["document", "instance"])
def test_access_denied_names_the_action_and_the_refused_resource(refused, moto_server, aws_factory, plugin, store):
    sessions = wire_sessions(moto_server, db_port=1)
    instance = run_bastion(aws_factory)
    sessions.deny([FORWARD_DOCUMENT if refused == "document" else instance])
    with pytest.raises(RouteAccessDenied) as err:
        SsmForwardBackend().open(forward_spec(aws_factory, instance), store)
    assert err.value.action == "ssm:StartSession"
    arn = (f"arn:aws:ssm:us-east-1::document/{FORWARD_DOCUMENT}" if refused == "document"
           else f"arn:aws:ec2:us-east-1:123456789012:instance/{instance}")
    assert err.value.message.startswith(f"AWS denied ssm:StartSession on {arn} (instance {instance}, document "
                                        f"{FORWARD_DOCUMENT})")
    assert "ssm:StartSession" in err.value.hint and sessions.started == []


def test_an_instance_without_the_agent_is_named(moto_server, aws_factory, plugin, store):
    wire_sessions(moto_server, db_port=1)
    instance = run_bastion(aws_factory, name="not-managed")
    with pytest.raises(Exception) as err:
        SsmForwardBackend().open(forward_spec(aws_factory, instance), store)
    assert "not connected to Session Manager" in str(err.value)


def test_unreachable_database_is_reported_and_other_profiles_keep_working(moto_server, aws_factory, plugin,
                                                                          blog_db, store):
    from dataclasses import replace

    from aurora_console.core.ssh.config import TunnelTarget

    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    instance = run_bastion(aws_factory)
    manager = TunnelManager(store, poll_interval=0.1)
    try:
        bad = replace(forward_spec(aws_factory, instance, name="other-db"),
                      target=TunnelTarget("nowhere.cluster-x.us-east-1.rds.amazonaws.com", 5432))
        with pytest.raises(Exception) as err:
            manager.open(bad)
        assert "cannot reach nowhere.cluster-x" in str(err.value)
        good = manager.open(forward_spec(aws_factory, instance))
        assert _count(good.local_port, blog_db) == 100
        assert [s.terminated for s in sessions.started] == [True, False]
    finally:
        manager.shutdown()


def test_a_taken_local_port_is_retried_on_a_port_the_plugin_picks(moto_server, aws_factory, plugin, blog_db, store):
    import socket

    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    taken = holder.getsockname()[1]
    try:
        tunnel = SsmForwardBackend().open(spec, store, local_port=taken)
        try:
            assert tunnel.local_port != taken
            assert _count(tunnel.local_port, blog_db) == 100
            assert [s.parameters["localPortNumber"] for s in sessions.started] == [[str(taken)], ["0"]]
            assert [s.terminated for s in sessions.started] == [True, False]
        finally:
            tunnel.close()
    finally:
        holder.close()


def test_the_plugin_gets_no_aws_credentials_and_no_token_on_its_command_line(moto_server, aws_factory, tmp_path,
                                                                            monkeypatch, store):
    import json
    import os

    wire_sessions(moto_server, db_port=1)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACONSOLEOWNKEY000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "console-own-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "console-own-session-token")
    folder = tmp_path / "spy"
    folder.mkdir()
    spy = folder / "session-manager-plugin"
    spy.write_text(f"#!/bin/sh\n[ \"$1\" = --version ] && {{ echo 1.2.650.0; exit 0; }}\n"
                   f"env > '{tmp_path}/env.txt'\nprintf '%s\\n' \"$@\" > '{tmp_path}/argv.txt'\n"
                   "echo 'spy: done' >&2\nexit 2\n")
    spy.chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin:/bin")
    with pytest.raises(PluginExited):
        SsmForwardBackend().open(forward_spec(aws_factory, run_bastion(aws_factory)), store)
    env = dict(line.split("=", 1) for line in (tmp_path / "env.txt").read_text().splitlines() if "=" in line)
    argv = (tmp_path / "argv.txt").read_text().splitlines()
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(env)
    response = json.loads(env["AWS_SSM_START_SESSION_RESPONSE"])
    assert argv[0] == "AWS_SSM_START_SESSION_RESPONSE" and response["TokenValue"] not in "\n".join(argv)
    assert argv[1:4] == ["us-east-1", "StartSession", ""]
    assert json.loads(argv[4])["DocumentName"] == FORWARD_DOCUMENT
    assert argv[5] == moto_server.endpoint_url


def test_start_session_answer_has_the_aws_shape(moto_server, aws_factory):
    import botocore.exceptions

    from aurora_console.core.connections.passwords import clients_from_factory

    wire_sessions(moto_server)
    ssm = clients_from_factory(aws_factory)("ssm", None, "us-east-1")
    instance = run_bastion(aws_factory)
    answer = ssm.start_session(Target=instance, DocumentName="AWS-StartSSHSession", Parameters={"portNumber": ["22"]})
    assert answer["SessionId"].startswith("sandbox-") and answer["TokenValue"]
    assert answer["StreamUrl"].startswith(f"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/{answer['SessionId']}?")
    assert ssm.terminate_session(SessionId=answer["SessionId"])["SessionId"] == answer["SessionId"]
    for kwargs, code in [({"Target": "i-0123456789abcdef0", "DocumentName": "AWS-StartSSHSession"}, "TargetNotConnected"),
                         ({"Target": instance, "DocumentName": "AWS-RunShellScript"}, "InvalidDocument")]:
        with pytest.raises(botocore.exceptions.ClientError) as err:
            ssm.start_session(**kwargs)
        assert err.value.response["Error"]["Code"] == code
    assert moto_server.ssm_sessions.active() == []


def test_every_tab_of_a_profile_shares_one_session_through_the_opener(moto_server, aws_factory, plugin, blog_db,
                                                                      store):
    """The path the tabs take (core.connections.opener.open_connection with the window's manager):
    four tabs, four database connections, one StartSession."""
    from aurora_console.core.connections.opener import open_connection
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.connections.profile import ConnectionProfile, TlsSettings

    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    spec = forward_spec(aws_factory, run_bastion(aws_factory))
    profile = ConnectionProfile(name="blog-ssm", host=BLOG_HOST, port=5432, database=blog_db.conninfo["dbname"],
                                user=blog_db.conninfo["user"], tls=TlsSettings(mode="disable"),
                                bastion=spec.bastion)
    manager = TunnelManager(store, poll_interval=0.1)
    opened, conns = [], []
    try:
        for _tab in range(4):
            tab = open_connection(profile, manager=manager, clients=clients_from_factory(aws_factory),
                                  password=blog_db.conninfo.get("password", "unused"), keep_tunnel=True)
            opened.append(tab)
            conns.append(tab.connect())
        assert [c.execute("select count(*) from posts").fetchone()[0] for c in conns] == [100] * 4
        assert len({tab.route.local_port for tab in opened}) == 1
        assert len(sessions.started) == 1
    finally:
        for c in conns:
            c.close()
        for tab in opened:
            tab.close()
        manager.shutdown()
    assert sessions.active() == []


def test_an_old_plugin_gets_the_session_on_its_command_line_and_works(moto_server, aws_factory, tmp_path,
                                                                     monkeypatch, blog_db, store):
    """Plugins up to 1.2.497.0 read the StartSession response only from argv (as the AWS CLI decides)."""
    import os
    import sys

    from aurora_console.core.aws.bastion_route import plugin as plugin_module

    sessions = wire_sessions(moto_server, db_port=blog_db.conninfo["port"])
    folder = tmp_path / "old"
    folder.mkdir()
    old = folder / "session-manager-plugin"
    old.write_text(f"#!/bin/sh\n[ \"$1\" = --version ] && {{ echo 1.2.497.0; exit 0; }}\n"
                   f"exec '{sys.executable}' -m aurora_console.sandbox.ssm_plugin \"$@\"\n")
    old.chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    plugin_module._VERSIONS.clear()
    tunnel = SsmForwardBackend().open(forward_spec(aws_factory, run_bastion(aws_factory)), store)
    try:
        assert _count(tunnel.local_port, blog_db) == 100
        argv = tunnel.proc.args
        assert argv[1].startswith("{") and '"TokenValue"' in argv[1]
        assert len(sessions.started) == 1
    finally:
        tunnel.close()
