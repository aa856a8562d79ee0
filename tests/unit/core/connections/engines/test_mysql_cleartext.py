"""A server that asks for the password in clear text (mysql_clear_password, what Aurora's IAM
authentication asks for) over a link without TLS gets nothing from the MySQL engine, while plain
PyMySQL would send it. The server here is a few lines speaking the MySQL handshake (protocol 10
greeting, then an AuthSwitchRequest), as documented in the MySQL client/server protocol."""

from __future__ import annotations

import socket
import ssl
import struct
import threading

import pymysql
import pytest

from aurora_console.core.connections.engines.mysql import MYSQL, ClearTextRefused

SECRET = "iam-token-that-must-stay-secret"
# CLIENT_LONG_PASSWORD | CONNECT_WITH_DB | PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH (no SSL)
CAPS = 0x1 | 0x8 | 0x200 | 0x8000 | 0x80000


def _packet(seq: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def _read_packet(sock: socket.socket) -> bytes:
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            return b""
        head += chunk
    length = int.from_bytes(head[:3], "little")
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            break
        body += chunk
    return body


class ClearTextAskingServer:
    """Accepts one client: greets, reads its handshake response, asks for mysql_clear_password,
    and records everything the client sends after that."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received_after_switch = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.settimeout(5)
            salt = b"abcdefgh" + b"ijklmnopqrst"
            greeting = (bytes([10]) + b"5.7.99-fake\0" + struct.pack("<I", 7) + salt[:8] + b"\0"
                        + struct.pack("<H", CAPS & 0xFFFF) + bytes([45]) + struct.pack("<H", 2)
                        + struct.pack("<H", CAPS >> 16) + bytes([21]) + b"\0" * 10 + salt[8:] + b"\0"
                        + b"mysql_native_password\0")
            conn.sendall(_packet(0, greeting))
            _read_packet(conn)  # the client's handshake response (user, scrambled password)
            conn.sendall(_packet(2, b"\xfe" + b"mysql_clear_password\0"))
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    self.received_after_switch += data
                    conn.sendall(_packet(4, b"\x00\x00\x00\x02\x00\x00\x00"))  # OK, then the client goes on
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.fixture
def server():
    s = ClearTextAskingServer()
    yield s
    s.close()


def test_the_engine_refuses_to_send_a_password_in_clear_without_tls(server):
    with pytest.raises(ClearTextRefused):
        MYSQL.connect(host="127.0.0.1", port=server.port, user="iam_user", password=SECRET, tls_mode="prefer",
                      connect_timeout=5)
    server.thread.join(5)
    assert SECRET.encode() not in server.received_after_switch


def test_plain_pymysql_would_have_sent_it(server):
    # what the engine's handler prevents: the driver alone answers the switch with the password
    try:
        pymysql.connect(host="127.0.0.1", port=server.port, user="iam_user", password=SECRET, connect_timeout=5,
                        ssl_disabled=True)
    except pymysql.Error:
        pass
    server.thread.join(5)
    assert SECRET.encode() in server.received_after_switch


def test_a_server_that_greets_then_goes_quiet_times_out_the_handshake():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    held = []

    def serve():
        conn, _ = listener.accept()
        held.append(conn)
        salt = b"abcdefghijklmnopqrst"
        conn.sendall(_packet(0, bytes([10]) + b"5.7.99-fake\0" + struct.pack("<I", 7) + salt[:8] + b"\0"
                             + struct.pack("<H", CAPS & 0xFFFF) + bytes([45]) + struct.pack("<H", 2)
                             + struct.pack("<H", CAPS >> 16) + bytes([21]) + b"\0" * 10 + salt[8:] + b"\0"
                             + b"mysql_native_password\0"))  # then never answers

    threading.Thread(target=serve, daemon=True).start()
    try:
        with pytest.raises(pymysql.err.OperationalError):
            MYSQL.connect(host="127.0.0.1", port=port, user="u", password="p", tls_mode="disable", connect_timeout=1)
    finally:
        for sock in held:
            sock.close()
        listener.close()


# CLIENT_SSL added: the server offers TLS (the client's SSLRequest, then the TLS handshake, then the
# handshake response inside TLS; MySQL client/server protocol, "Protocol::SSLRequest")
TLS_CAPS = CAPS | 0x800
ENDPOINT = "iamdb.internal"  # the certificate's name; the socket goes to 127.0.0.1 as through a tunnel


class TlsClearTextServer:
    """Like :class:`ClearTextAskingServer`, over TLS (as Aurora asks an IAM user): records the
    password packet sent after the switch to mysql_clear_password, then answers OK to the rest."""

    def __init__(self, tls) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(tls.cert_file), str(tls.key_file))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.auth_packet = b""
        self.tls_version = ""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        raw, _ = self.listener.accept()
        raw.settimeout(5)
        salt = b"abcdefgh" + b"ijklmnopqrst"
        greeting = (bytes([10]) + b"8.0.32-fake\0" + struct.pack("<I", 7) + salt[:8] + b"\0"
                    + struct.pack("<H", TLS_CAPS & 0xFFFF) + bytes([45]) + struct.pack("<H", 2)
                    + struct.pack("<H", TLS_CAPS >> 16) + bytes([21]) + b"\0" * 10 + salt[8:] + b"\0"
                    + b"mysql_native_password\0")
        raw.sendall(_packet(0, greeting))
        request = _read_packet(raw)  # SSLRequest: capability flags with CLIENT_SSL, nothing else
        if len(request) != 32 or not struct.unpack("<I", request[:4])[0] & 0x800:
            raw.close()
            return
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with conn:
            self.tls_version = conn.version() or ""
            try:
                _read_packet(conn)  # handshake response (user, scrambled password), inside TLS
                conn.sendall(_packet(3, b"\xfe" + b"mysql_clear_password\0"))
                self.auth_packet = _read_packet(conn)
                conn.sendall(_packet(5, b"\x00\x00\x00\x02\x00\x00\x00"))
                while _read_packet(conn):  # the session set-up statements: OK to each
                    conn.sendall(_packet(1, b"\x00\x00\x00\x02\x00\x00\x00"))
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def endpoint_tls(tmp_path_factory):
    from aurora_console.sandbox.tls import ensure_certificates

    return ensure_certificates(tmp_path_factory.mktemp("cleartext-tls"), [ENDPOINT])


@pytest.mark.parametrize("mode", ["verify-full", "require"])
def test_over_tls_the_token_is_sent_with_the_cleartext_plugin(endpoint_tls, mode):
    server = TlsClearTextServer(endpoint_tls)
    try:
        conn = MYSQL.connect(host=ENDPOINT, hostaddr="127.0.0.1", port=server.port, user="iam_user",
                             password=SECRET, tls_mode=mode, tls_ca=str(endpoint_tls.ca_file), connect_timeout=5)
        conn.close()
    finally:
        server.close()
    assert server.tls_version.startswith("TLSv1.")
    assert server.auth_packet == SECRET.encode() + b"\0"  # mysql_clear_password: the token, NUL-ended


def test_verify_full_refuses_a_certificate_for_another_name_before_any_password(endpoint_tls):
    server = TlsClearTextServer(endpoint_tls)
    try:
        with pytest.raises(pymysql.err.OperationalError):
            MYSQL.connect(host="other.internal", hostaddr="127.0.0.1", port=server.port, user="iam_user",
                          password=SECRET, tls_mode="verify-full", tls_ca=str(endpoint_tls.ca_file),
                          connect_timeout=5)
    finally:
        server.close()
    assert server.auth_packet == b""
