"""SSH bytes over the endpoint's websocket: the socket-like stream against the sandbox endpoint
(a real websocket server), and the plain messages for each refusal."""

from __future__ import annotations

import socket
import time

import pytest

from aurora_console.core.aws.bastion_route.eice_stream import (
    MAX_FRAME,
    EndpointRefused,
    EndpointUnreachable,
    TunnelCut,
    TunnelTicket,
    open_websocket,
    refusal,
)
from aurora_console.core.aws.bastion_route.errors import RouteAccessDenied
from tests.unit.core.aws.bastion_route.eice_fixtures import EndpointRig


@pytest.fixture
def rig():
    r = EndpointRig()
    yield r
    r.close()


def _read(stream, n: int) -> bytes:
    got = b""
    while len(got) < n:
        chunk = stream.recv(n - len(got))
        assert chunk, "closed early"
        got += chunk
    return got


def test_bytes_round_trip_in_any_read_size(rig):
    payload = bytes(range(256)) * 1000  # 256 kB: several frames of at most MAX_FRAME
    with open_websocket(rig.ticket()) as stream:
        stream.settimeout(10)
        assert stream.send(payload) == MAX_FRAME  # one frame per send, like a socket's partial send
        stream.sendall(payload[MAX_FRAME:])
        got = _read(stream, 7) + _read(stream, len(payload) - 7)
    assert got == payload
    assert rig.eice.opened == 1


def test_timeout_without_data_is_a_socket_timeout(rig):
    with open_websocket(rig.ticket()) as stream:
        stream.settimeout(0.1)
        t0 = time.monotonic()
        with pytest.raises(socket.timeout):
            stream.recv(10)
        assert time.monotonic() - t0 < 5


def test_close_by_the_endpoint_is_end_of_stream():
    rig = EndpointRig(duration_scale=0.01)  # maxTunnelDuration 60 s -> cut after 0.6 s
    try:
        with open_websocket(rig.ticket(seconds=60)) as stream:
            stream.settimeout(10)
            assert stream.recv(10) == b""  # cut at its maximum duration: a normal close
    finally:
        rig.close()


def test_text_frame_is_a_protocol_error():
    from websockets.sync.server import serve

    def handler(ws):
        ws.send("not tunnel data")
        time.sleep(1)

    with serve(handler, "127.0.0.1", 0) as server:
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        stream = open_websocket(TunnelTicket(f"ws://127.0.0.1:{port}/openTunnel", "eice-0aaaaaaaaaaaaaaa1"))
        stream.settimeout(5)
        with pytest.raises(TunnelCut, match="text"):
            stream.recv(10)
        assert stream.closed
        server.shutdown()


def test_tampered_expired_and_denied_urls_are_refused_plainly(rig):
    url = rig.url()
    signature = url.rsplit("=", 1)[1]
    tampered = url[: -len(signature)] + ("0" if signature[0] != "0" else "1") + signature[1:]
    with pytest.raises(EndpointRefused) as info:
        open_websocket(TunnelTicket(tampered, rig.endpoint.endpoint_id))
    assert info.value.status == 403 and "signature does not match" in info.value.message

    rig.eice.clock = lambda: time.time() + 61
    with pytest.raises(EndpointRefused) as info:
        open_websocket(TunnelTicket(url, rig.endpoint.endpoint_id))
    assert "expired" in info.value.message and "clock" in info.value.hint
    rig.eice.clock = time.time

    rig.eice.deny_open_tunnel = True
    with pytest.raises(RouteAccessDenied) as info:
        open_websocket(rig.ticket())
    assert info.value.action == "ec2-instance-connect:OpenTunnel" and info.value.resource == rig.endpoint.arn
    assert "ec2-instance-connect:OpenTunnel" in info.value.message and rig.endpoint.arn in info.value.message
    assert rig.echo.connections == 0  # nothing reached the instance


def test_wrong_port_and_address_are_refused(rig):
    with pytest.raises(EndpointRefused) as info:
        open_websocket(rig.ticket(port=2222))
    assert info.value.status == 400 and "remotePort" in info.value.message
    with pytest.raises(EndpointRefused) as info:
        open_websocket(rig.ticket(private_ip="10.0.1.99"))
    assert "10.0.1.99" in info.value.message
    assert rig.echo.connections == 0


def test_unreachable_endpoint_says_so():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(EndpointUnreachable, match="eice-0aaaaaaaaaaaaaaa1"):
        open_websocket(TunnelTicket(f"ws://127.0.0.1:{port}/openTunnel", "eice-0aaaaaaaaaaaaaaa1"), timeout=2)


@pytest.mark.parametrize("status,body,kind", [
    (403, b'{"Code":"AccessDeniedException","Message":"Request has expired"}', "eice-refused"),
    (403, b"The request signature we calculated does not match", "eice-refused"),
    (403, b'{"message":"User is not authorized to perform ec2-instance-connect:OpenTunnel"}', "aws-access-denied"),
    (400, b"bad port", "eice-refused"),
    (500, b"", "eice-refused"),
])
def test_refusal_kinds(status, body, kind):
    err = refusal(status, body, TunnelTicket("wss://x/openTunnel", "eice-0aaaaaaaaaaaaaaa1", "arn:aws:ec2:r:1:x"))
    assert err.kind == kind
    assert "eice-0aaaaaaaaaaaaaaa1" in err.message or "arn:aws:ec2:r:1:x" in err.message


def test_ticket_repr_hides_the_url():
    ticket = TunnelTicket("wss://x/openTunnel?X-Amz-Signature=abc", "eice-0aaaaaaaaaaaaaaa1")
    assert "Signature" not in repr(ticket)
    assert TunnelTicket.from_json(ticket.to_json()) == ticket


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.one_of(st.text(max_size=200), st.builds(lambda d: __import__("json").dumps(d),
                                                   st.dictionaries(st.text(max_size=10),
                                                                   st.one_of(st.text(max_size=10), st.integers(),
                                                                             st.none()), max_size=5))))
def test_ticket_parser_refuses_anything_else_with_value_error(text):
    try:
        ticket = TunnelTicket.from_json(text)
    except ValueError:
        return
    assert isinstance(ticket.url, str) and isinstance(ticket.endpoint_id, str)


@given(status=st.integers(100, 599), body=st.binary(max_size=300))
def test_refusal_always_names_the_endpoint(status, body):
    err = refusal(status, body, TunnelTicket("wss://x/openTunnel", "eice-0aaaaaaaaaaaaaaa1", "arn:aws:ec2:r:1:e"))
    assert "eice-0aaaaaaaaaaaaaaa1" in err.message or "arn:aws:ec2:r:1:e" in err.message
    assert err.hint


def test_console_log_never_holds_the_presigned_url(rig, tmp_path):
    """Even with DEBUG logging, neither the signature nor the credential of an opened or refused
    URL reaches the console's log file (websockets' handshake chatter is kept at WARNING)."""
    import logging

    from aurora_console.core.logs import setup_logging, teardown_logging

    log_file = setup_logging(tmp_path / "logs" / "console.log", level=logging.DEBUG)
    try:
        assert logging.getLogger("websockets").level == logging.WARNING
        ticket = rig.ticket()
        with open_websocket(ticket) as stream:
            stream.settimeout(5)
            stream.sendall(b"x")
            assert stream.recv(1) == b"x"
        rig.eice.deny_open_tunnel = True
        with pytest.raises(RouteAccessDenied):
            open_websocket(rig.ticket())
        for h in logging.getLogger().handlers:
            h.flush()
        text = log_file.read_text()
        signature = ticket.url.rsplit("X-Amz-Signature=", 1)[1]
        assert signature not in text and "X-Amz-Signature=" + signature[:8] not in text
    finally:
        teardown_logging()
