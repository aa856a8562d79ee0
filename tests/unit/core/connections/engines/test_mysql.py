"""The MySQL engine's parameters and wording without a server: TLS modes to SSL contexts, the
tunnel address beside the endpoint name, IAM only over TLS, read-only sessions, error texts."""

from __future__ import annotations

import socket
import ssl
import threading
from types import SimpleNamespace

import pymysql
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.connections.engines.mysql import (
    MYSQL,
    ClearTextRefused,
    WrongEngineError,
    _version_num,
    tls_context,
)
from aurora_console.core.connections.engines.wire import is_mysql_greeting, peek_greeting
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.errors import ValidationError
from aurora_console.core.secrets import Secret

AWS = "shop.cluster-abc.eu-west-1.rds.amazonaws.com"


def _profile(**kw) -> ConnectionProfile:
    base = dict(name="shop", host=AWS, engine="mysql", database="shop", user="admin")
    base.update(kw)
    return ConnectionProfile(**base)


def test_tunnelled_verify_full_keeps_the_endpoint_name_for_tls(tmp_path):
    bundle = tmp_path / "global-bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    kw = MYSQL.connect_params(_profile(tls=TlsSettings(ca_bundle=str(bundle))), Secret("pw"), local_port=4000)
    assert kw["host"] == AWS and kw["hostaddr"] == "127.0.0.1" and kw["port"] == 4000
    assert (kw["tls_mode"], kw["tls_ca"], kw["password"]) == ("verify-full", str(bundle), "pw")
    assert "init_command" not in kw and kw["database"] == "shop"


def test_an_aws_endpoint_without_the_rds_bundle_is_refused_under_verification():
    with pytest.raises(ValidationError, match="RDS CA bundle"):
        MYSQL.connect_params(_profile(), "pw")


def test_iam_needs_tls():
    iam = PasswordSource("iam", region="eu-west-1")
    with pytest.raises(ValidationError, match="needs TLS"):
        MYSQL.connect_params(_profile(host="db.internal", password=iam, tls=TlsSettings(mode="prefer")), "tok")
    kw = MYSQL.connect_params(_profile(host="db.internal", password=iam, tls=TlsSettings(mode="require")), "tok")
    assert kw["tls_mode"] == "require"


def test_read_only_profile_starts_read_only_sessions():
    kw = MYSQL.connect_params(_profile(host="db.internal", read_only=True), None)
    assert kw["init_command"] == "SET SESSION TRANSACTION READ ONLY" and "password" not in kw


def test_tls_modes_become_contexts():
    assert tls_context("disable", None) is None
    for mode in ("prefer", "require"):
        ctx = tls_context(mode, None)
        assert ctx.verify_mode == ssl.CERT_NONE and not ctx.check_hostname
    ca = tls_context("verify-ca", None)
    assert ca.verify_mode == ssl.CERT_REQUIRED and not ca.check_hostname
    full = tls_context("verify-full", None)
    assert full.verify_mode == ssl.CERT_REQUIRED and full.check_hostname
    assert full.minimum_version == ssl.TLSVersion.TLSv1_2
    with pytest.raises(ValidationError):
        tls_context("maybe", None)


def test_errors_in_a_dbas_words():
    p = _profile(host="db.internal")
    denied = pymysql.err.OperationalError(1045, "Access denied for user 'admin'@'10.0.0.1' (using password: YES)")
    assert MYSQL.is_password_refused(denied) and "wrong password" in MYSQL.explain_error(denied, p).message
    no_db = pymysql.err.OperationalError(1049, "Unknown database 'shop'")
    assert not MYSQL.is_password_refused(no_db)
    assert "'shop' does not exist" in MYSQL.explain_error(no_db, p).message
    no_grant = pymysql.err.OperationalError(1044, "Access denied for user 'app'@'%' to database 'shop'")
    assert not MYSQL.is_password_refused(no_grant) and "may not use" in MYSQL.explain_error(no_grant, p).message
    refused = pymysql.err.OperationalError(2003, "Can't connect to MySQL server on 'db.internal' ([Errno 111] "
                                                 "Connection refused)")
    assert MYSQL.explain_error(refused, p).message.startswith("Nothing accepts connections at db.internal:3306")
    slow = pymysql.err.OperationalError(2013, "Lost connection to MySQL server at 'db.internal': no greeting "
                                              "within 10 s (timed out)")
    assert "did not answer in time" in MYSQL.explain_error(slow, p).message
    tls = ssl.SSLCertVerificationError(1, "certificate verify failed: Hostname mismatch")
    assert MYSQL.explain_error(tls, p).message.startswith("TLS to db.internal failed")
    wrong = WrongEngineError(2012, "this port (db.internal:5432) speaks PostgreSQL, the profile says MySQL")
    assert "does not speak MySQL" in MYSQL.explain_error(wrong, p).message
    clear = ClearTextRefused(2059, "refused")
    assert "clear text" in MYSQL.explain_error(clear, p).message


def test_version_numbers():
    assert _version_num("8.0.39") == 80039
    assert _version_num("10.11.9-MariaDB-0+deb12u1") == 101109
    assert _version_num("5.7.mysql_aurora.2.11.2") == 50700


@given(st.binary(max_size=8))
def test_only_a_protocol_10_packet_or_an_error_packet_is_a_greeting(head):
    assert is_mysql_greeting(head) == (len(head) >= 5 and head[3] == 0 and head[4] in (10, 0xFF))


def test_a_server_that_sends_nothing_times_out_the_peek_and_a_greeting_stays_for_the_driver():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    client = socket.create_connection(("127.0.0.1", port))
    try:
        assert peek_greeting(client, 0.2) == b""
        accepted_sock = accepted[0] if accepted else None
        while accepted_sock is None:
            accepted_sock = accepted[0] if accepted else None
        accepted_sock.sendall(b"\x4a\x00\x00\x00\x0a5.7")
        assert peek_greeting(client, 2.0) == b"\x4a\x00\x00\x00\x0a"
        client.settimeout(2.0)
        assert client.recv(8) == b"\x4a\x00\x00\x00\x0a5.7"  # still there for the driver
        accepted_sock.close()
    finally:
        client.close()
        server.close()


def test_cancel_of_a_closed_or_foreign_connection_does_nothing():
    MYSQL.cancel(None)
    MYSQL.cancel(SimpleNamespace(open=False))
    MYSQL.cancel(SimpleNamespace(open=True, thread_id=lambda: 5))  # not made by the engine: no parameters


def test_iam_token_is_made_for_the_real_endpoint_and_port():
    calls = []

    class Rds:
        def generate_db_auth_token(self, **kw):
            calls.append(kw)
            return "token"

    def clients(service, aws_profile, region):
        calls.append((service, aws_profile, region))
        return Rds()

    p = _profile(password=PasswordSource("iam", region="eu-west-1", aws_profile="prod"))
    assert MYSQL.iam_token(p, clients) == "token"
    assert calls == [("rds", "prod", "eu-west-1"),
                     {"DBHostname": AWS, "Port": 3306, "DBUsername": "admin", "Region": "eu-west-1"}]


def test_a_port_that_accepts_and_says_nothing_is_a_timeout_not_a_hang():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    profile = _profile(host="127.0.0.1", port=port, tls=TlsSettings(mode="require"))
    try:
        with pytest.raises(pymysql.err.OperationalError) as info:
            MYSQL.connect(**MYSQL.connect_params(profile, "pw", connect_timeout=1))
        assert "did not answer in time" in MYSQL.explain_error(info.value, profile).message
    finally:
        for sock in held:
            sock.close()
        listener.close()


@given(st.text(max_size=40))
def test_any_version_text_gives_a_number(text):
    num = _version_num(text)
    assert isinstance(num, int) and num >= 0
