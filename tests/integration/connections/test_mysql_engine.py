"""The MySQL engine against the rig's real MariaDB: connect through the opener with TLS verified,
autocommit, the errors in a DBA's words, cancel, server facts, wrong engine for a profile."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from aurora_console.core.connections.engines import DatabaseConnectError
from aurora_console.core.connections.engines.mysql import MYSQL, STREAMING_CURSOR, WrongEngineError
from aurora_console.core.connections.opener import open_connection
from aurora_console.core.connections.profile import ConnectionProfile, TlsSettings
from tests.rig.mysql import wait_until_running_a_statement


def _open(profile, password):
    return open_connection(profile, password=password, check_password=False)


def test_connects_through_the_opener_with_tls_verified_and_autocommit(mysql_server, mysql_profile):
    conn = _open(mysql_profile, mysql_server.password).connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT DATABASE(), @@autocommit")
            assert cur.fetchone() == (mysql_profile.database, 1)
            cur.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
            assert cur.fetchone()[1].startswith("TLSv1.")
            cur.execute("CREATE TABLE t (id INT PRIMARY KEY)")
            cur.execute("INSERT INTO t VALUES (1)")
    finally:
        conn.close()
    other = _open(mysql_profile, mysql_server.password).connect()  # autocommit: the row is there
    try:
        with other.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM t")
            assert cur.fetchone() == (1,)
    finally:
        other.close()


def test_wrong_password_is_said_and_recognised(mysql_server, mysql_profile):
    with pytest.raises(DatabaseConnectError, match="wrong password or user") as info:
        _open(mysql_profile, "not-the-password").connect()
    assert MYSQL.is_password_refused(info.value)


def test_unknown_database_is_named(mysql_server, mysql_profile):
    profile = dataclasses.replace(mysql_profile, database="no_such_db")
    with pytest.raises(DatabaseConnectError, match="'no_such_db' does not exist"):
        _open(profile, mysql_server.password).connect()


def test_certificate_for_another_name_is_refused_under_verify_full(mysql_server, mysql_profile):
    # the rig's certificate names localhost and 127.0.0.1, not this name: verify-full must refuse
    profile = dataclasses.replace(mysql_profile, host="db.example.test")
    params = MYSQL.connect_params(profile, mysql_server.password)
    params["hostaddr"] = "127.0.0.1"
    with pytest.raises(Exception) as info:
        MYSQL.connect(**params)
    err = MYSQL.explain_error(info.value, profile)
    assert err.message.startswith("TLS to db.example.test failed"), err.message


def test_verify_full_checks_the_endpoint_name_through_a_tunnel_address(mysql_server, mysql_profile):
    # host stays the endpoint name (localhost, named by the certificate) while the socket goes to
    # the "tunnel" address 127.0.0.1:port, as a bastion route does
    params = MYSQL.connect_params(mysql_profile, mysql_server.password, local_port=mysql_server.port)
    assert params["hostaddr"] == "127.0.0.1" and params["host"] == "localhost"
    conn = MYSQL.connect(**params)
    try:
        assert conn.host == "localhost"
    finally:
        conn.close()


def test_cancel_stops_a_running_statement(mysql_server, mysql_profile):
    conn = _open(mysql_profile, mysql_server.password).connect()
    outcome = {}

    def run():
        started = time.monotonic()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT SLEEP(30)")
                outcome["row"] = cur.fetchone()
        except Exception as exc:  # noqa: BLE001 - MySQL 8 raises 3024/1317, MariaDB returns 1
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=run)
    worker.start()
    # once the server runs it: a KILL QUERY that comes first finds nothing to kill (a fixed 0.5 s wait
    # was too short on a loaded machine, and SLEEP(30) then outlived the join below)
    with _open(mysql_profile, mysql_server.password).connect() as watcher, watcher.cursor() as cur:
        wait_until_running_a_statement(cur, conn.thread_id())
    MYSQL.cancel(conn)
    worker.join(15)
    try:
        assert not worker.is_alive() and outcome["seconds"] < 15
        assert outcome.get("row") == (1,) or "error" in outcome  # SLEEP interrupted returns 1 on MariaDB
        with conn.cursor() as cur:  # the connection itself survives a KILL QUERY
            cur.execute("SELECT 2")
            assert cur.fetchone() == (2,)
    finally:
        conn.close()
    MYSQL.cancel(conn)  # closed: nothing happens


def test_streaming_cursor_reads_rows_as_they_come(mysql_server, mysql_profile):
    conn = _open(mysql_profile, mysql_server.password).connect()
    try:
        with conn.cursor(STREAMING_CURSOR) as cur:
            cur.execute("SELECT seq FROM seq_1_to_100000")  # MariaDB's Sequence engine
            assert list(cur.fetchmany(3)) == [(1,), (2,), (3,)]
            assert sum(1 for _ in cur) == 99997
    finally:
        conn.close()


def test_server_facts_name_mariadb_tls_and_read_only(mysql_server, mysql_profile):
    conn = _open(mysql_profile, mysql_server.password).connect()
    try:
        facts = MYSQL.server_facts(conn, samples=3)
    finally:
        conn.close()
    assert facts.version.startswith("MariaDB 10.") and facts.version_num >= 100000
    assert not facts.is_aurora and facts.aurora_version == ""
    assert facts.tls and facts.tls_version.startswith("TLSv1.")
    assert facts.latency_ms >= 0 and facts.read_only is False
    ro = _open(dataclasses.replace(mysql_profile, read_only=True), mysql_server.password).connect()
    try:
        assert MYSQL.server_facts(ro, samples=1).read_only is True
        with ro.cursor() as cur, pytest.raises(Exception, match="(?i)read.only"):
            cur.execute("CREATE TABLE nope (id INT)")
    finally:
        ro.close()


def test_a_postgresql_port_under_a_mysql_profile_says_so(pg_server, mysql_profile):
    profile = dataclasses.replace(mysql_profile, host="127.0.0.1", port=pg_server.port,
                                  tls=TlsSettings(mode="require"))
    started = time.monotonic()
    with pytest.raises(DatabaseConnectError) as info:
        _open(profile, "x").connect()
    assert "speaks PostgreSQL, the profile says MySQL" in info.value.message
    assert time.monotonic() - started < 9  # found out before the 10 s connect timeout
    assert isinstance(WrongEngineError(1, "x"), Exception)


def test_nothing_listening_is_said_plainly(mysql_profile):
    from aurora_console.sandbox.postgres_env import free_port

    profile = dataclasses.replace(mysql_profile, host="127.0.0.1", port=free_port())
    with pytest.raises(DatabaseConnectError, match="Nothing accepts connections"):
        _open(profile, "x").connect()


def test_a_mysql_port_under_a_postgresql_profile_says_so(mysql_server):
    profile = ConnectionProfile(name="pg-on-mysql", host="127.0.0.1", port=mysql_server.port, engine="postgres",
                                tls=TlsSettings(mode="prefer"))
    with pytest.raises(DatabaseConnectError) as info:
        _open(profile, "x").connect()
    assert "speaks MySQL, the profile says PostgreSQL" in info.value.message


def test_test_connection_reports_a_mysql_server(mysql_server, mysql_profile):
    from aurora_console.core.connections.tester import check_connection

    report = check_connection(mysql_profile, password=mysql_server.password, samples=2)
    text = report.summary()
    assert text.startswith("MariaDB 10.11") and "(not Aurora)" in text and "TLS TLSv1." in text, text
    assert report.route == "direct"


def test_a_statement_may_run_longer_than_the_connect_timeout(mysql_server, mysql_db):
    conn = mysql_db.connect(connect_timeout=1)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT SLEEP(2)")
            assert cur.fetchone() == (0,)
    finally:
        conn.close()
