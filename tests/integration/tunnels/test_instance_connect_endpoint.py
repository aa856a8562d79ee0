"""SSH through an EC2 Instance Connect Endpoint (the ``eice`` carrier) end to end: the sandbox's
endpoint (DescribeInstanceConnectEndpoints on the rig's local AWS endpoint, its websocket server
checking the presigned URL) forwarding to the rig's real sshd, with both tunnel backends (OpenSSH
through the eice-proxy ProxyCommand, paramiko through the websocket stream), refusals reported
plainly, and the tunnel renewed before the endpoint's maximum duration cuts it."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from aurora_console.core.aws.bastion_route import eice
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import TunnelError
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager, TunnelState
from tests.integration.tunnels.conftest import BACKENDS
from tests.integration.tunnels.session_manager import REGION, run_bastion

pytestmark = pytest.mark.integration


@pytest.fixture
def endpoint(moto_server, aws_factory, sshd_server):
    """(sandbox endpoint service, instance id, clients): an endpoint in the bastion's VPC whose
    tunnels to its private address reach the rig's sshd."""
    instance = run_bastion(aws_factory, name="eice-bastion")
    service = moto_server.eice
    service.serve_instance(moto_server.endpoint_url, REGION, instance, (sshd_server.host, sshd_server.port))
    yield service, instance, clients_from_factory(aws_factory)
    service.duration_scale = 1.0


def _store(tmp_path: Path, sshd_server, instance: str) -> HostKeyStore:
    """Host keys are checked under the instance id (port 22), whatever carries the connection."""
    path = tmp_path / "known_hosts"
    path.write_text("".join(f"{instance} {key}\n" for key in sshd_server.host_public_keys.values()))
    return HostKeyStore(path, user_files=[])


def _spec(sshd_server, instance: str, clients, db_port: int, backend: str, **aws_options) -> TunnelSpec:
    aws = AwsBastion(instance=instance, region=REGION, transport="eice", **aws_options)
    bastion = BastionConfig(host=instance, user=sshd_server.user, key_file=str(sshd_server.client_keys["ed25519"]),
                            aws=aws, connect_timeout=15)
    return TunnelSpec(name=f"blog-eice-{backend}", bastion=bastion,
                      target=TunnelTarget("127.0.0.1", db_port, probe="postgres"), backend=backend,
                      aws_clients=clients)


def _count(db, port: int) -> int:
    info = {**db.conninfo, "host": "127.0.0.1", "port": port}
    with psycopg.connect(**info, connect_timeout=10) as conn:
        return conn.execute("select count(*) from posts").fetchone()[0]


def _tmp_folders() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("aurora-eice-*")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_database_through_the_endpoint(endpoint, sshd_server, blog_db, tmp_path, backend):
    service, instance, clients = endpoint
    before = _tmp_folders()
    tunnel = make_backend(backend).open(_spec(sshd_server, instance, clients, blog_db.conninfo["port"], backend),
                                        _store(tmp_path, sshd_server, instance))
    try:
        assert _count(blog_db, tunnel.local_port) == 100
        assert service.opened >= 1 and service.refused == []
        label = getattr(tunnel, "route_label", "")
        assert label.startswith("endpoint eice-") and instance in label
    finally:
        tunnel.close()
    assert _tmp_folders() <= before  # no URL ticket left behind


@pytest.mark.parametrize("backend", BACKENDS)
def test_access_denied_on_open_tunnel_names_action_and_endpoint(endpoint, sshd_server, blog_db, tmp_path, backend):
    service, instance, clients = endpoint
    service.deny_open_tunnel = True
    arn = service.endpoints[0].arn
    with pytest.raises(TunnelError) as info:
        make_backend(backend).open(_spec(sshd_server, instance, clients, blog_db.conninfo["port"], backend),
                                   _store(tmp_path, sshd_server, instance))
    text = info.value.user_text()
    assert "ec2-instance-connect:OpenTunnel" in text and arn in text
    assert "X-Amz-Signature" not in text


def test_expired_url_is_refused_plainly(endpoint, sshd_server, blog_db, tmp_path):
    service, instance, clients = endpoint
    service.clock = lambda: time.time() + 120  # the endpoint's clock is two minutes ahead: every URL is stale
    try:
        with pytest.raises(TunnelError) as info:
            make_backend("paramiko").open(_spec(sshd_server, instance, clients, blog_db.conninfo["port"], "paramiko"),
                                          _store(tmp_path, sshd_server, instance))
    finally:
        service.clock = time.time
    assert "expired" in info.value.user_text()
    assert service.refused and service.refused[0][0] == 403


def test_no_endpoint_in_the_vpc(moto_server, aws_factory, sshd_server, blog_db, tmp_path):
    instance = run_bastion(aws_factory, name="lonely-bastion")
    clients = clients_from_factory(aws_factory)
    with pytest.raises(TunnelError) as info:
        make_backend("paramiko").open(_spec(sshd_server, instance, clients, blog_db.conninfo["port"], "paramiko"),
                                      _store(tmp_path, sshd_server, instance))
    assert "has no EC2 Instance Connect Endpoint" in info.value.message


def _renewed(seen) -> bool:
    """A renewal is over: renewed in place (paramiko), or up again after reconnecting (OpenSSH)."""
    states = [(s.state, s.reason) for s in list(seen)]
    return any(state == TunnelState.UP and ("renewed before" in reason
                                            or any(st == TunnelState.RECONNECTING for st, _ in states[:i]))
               for i, (state, reason) in enumerate(states))


@pytest.mark.parametrize("backend", BACKENDS)
def test_renewed_before_the_maximum_duration(endpoint, sshd_server, blog_db, tmp_path, monkeypatch, backend):
    """maxTunnelDuration 60 s: the endpoint cuts each websocket after 60 x 0.25 = 15 s of real time;
    the carrier's clock runs 54 s behind the manager's, so its end falls 6 s after it was made and the manager
    renews the tunnel before the endpoint cuts it (no cut, new websockets, the database still answers).

    Room for a loaded machine: the first query has the route's 6 s (the old route's open connections
    end at its end); the renewal, which starts 0.6 s before it, has 9 s more before the endpoint's cut;
    and the query after it waits for the renewal to be over, not only for its websocket to open (a
    connection made before the new route's login ends takes the old route, ended at its end)."""
    service, instance, clients = endpoint
    service.duration_scale = 0.25
    monkeypatch.setattr(eice, "clock", lambda: time.monotonic() - 54)
    manager = TunnelManager(_store(tmp_path, sshd_server, instance), poll_interval=0.2)
    seen = []
    manager.add_listener(seen.append)
    spec = _spec(sshd_server, instance, clients, blog_db.conninfo["port"], backend, max_tunnel_seconds=60)
    try:
        status = manager.open(spec)
        first = service.opened
        assert _count(blog_db, status.local_port) == 100
        end = time.monotonic() + 30
        while time.monotonic() < end and not _renewed(seen):
            time.sleep(0.1)
        assert _renewed(seen), [(s.state.value, s.reason) for s in seen]
        assert service.opened > first  # through a new websocket
        assert _count(blog_db, manager.status(spec.name).local_port) == 100
        assert service.cut == 0  # every websocket was replaced before the endpoint cut it
    finally:
        manager.shutdown()


@pytest.mark.expected_errors  # paramiko logs the dropped connection as a socket error, as for a direct bastion
@pytest.mark.parametrize("close", ["error reason", "no close frame"])
def test_a_paramiko_transport_whose_endpoint_drops_it_ends(sshd_server, close):
    """The endpoint ends the websocket abnormally (a close with an error reason, or the connection
    lost without one): the SSH transport over it must end, so the tunnel is seen down and reopened.
    (The stream's errors once carried a message alone: paramiko's transport thread failed on them
    formatting 'message (errno)' and died still marked active, so the tunnel looked up for ever.)"""
    import socket
    import threading

    import paramiko
    from websockets.sync.server import serve

    from aurora_console.core.aws.bastion_route.eice_stream import TunnelTicket, open_websocket

    relays = []

    def relay(ws):  # the endpoint: websocket <-> the rig's sshd
        sock = socket.create_connection((sshd_server.host, sshd_server.port), timeout=10)
        sock.settimeout(None)
        relays.append(ws)

        def down():
            try:
                while data := sock.recv(65536):
                    ws.send(data)
            except Exception:  # noqa: BLE001 - either side went away
                pass

        threading.Thread(target=down, daemon=True).start()
        try:
            for message in ws:
                sock.sendall(message)
        except Exception:  # noqa: BLE001
            pass
        finally:
            sock.close()

    errors = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    with serve(relay, "127.0.0.1", 0, ping_interval=None, compression=None) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            port = server.socket.getsockname()[1]
            stream = open_websocket(TunnelTicket(f"ws://127.0.0.1:{port}/openTunnel", "eice-0aaaaaaaaaaaaaaa1"))
            transport = paramiko.Transport(stream)
            try:
                transport.start_client(timeout=20)
                key = paramiko.Ed25519Key.from_private_key_file(str(sshd_server.client_keys["ed25519"]))
                transport.auth_publickey(sshd_server.user, key)
                assert transport.is_active()
                if close == "error reason":
                    relays[0].close(1011, "the endpoint failed")
                else:
                    relays[0].socket.shutdown(socket.SHUT_RDWR)  # gone without a close frame
                end = time.monotonic() + 20
                while transport.is_active() and time.monotonic() < end:
                    time.sleep(0.05)
                assert not transport.is_active(), "the transport over the dropped websocket still looks up"
                assert errors == []
            finally:
                transport.close()
        finally:
            threading.excepthook = previous_hook
            server.shutdown()
