"""The connection path's seam (core/connections/opener.py + engines/): the engine registry picks
the engine for a profile, the opener composes route + credentials + TLS parameters, a fake engine
plugged in is the one used, and every driver connect goes through the engine module."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from aurora_console.core.connections import engines
from aurora_console.core.connections.engines import DatabaseConnectError, Engine, ServerFacts, engine_for
from aurora_console.core.connections.engines.postgres import POSTGRES, PostgresEngine
from aurora_console.core.connections.opener import REJECTED, open_connection
from aurora_console.core.connections.passwords import PasswordSourceError, resolve_password
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.connections.tunnels import tunnel_spec
from aurora_console.core.errors import ConsoleError, ValidationError
from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.config import BastionConfig

pytestmark = pytest.mark.unit


class DriverError(Exception):
    """What the fake driver raises (the engine's ``is_driver_error`` knows it)."""


class FakeEngine(Engine):
    name = "fake"
    default_port = 7777
    tunnel_probe = "fake-probe"

    def __init__(self, fail: str = "") -> None:
        self.fail = fail
        self.connects: list[dict] = []

    def connect_params(self, profile, password, *, local_port=None, connect_timeout=10,
                       application_name="aurora-console"):
        return {"host": "127.0.0.1" if local_port else profile.host, "port": local_port or profile.port,
                "password": password.reveal() if isinstance(password, Secret) else password,
                "tls": profile.tls.effective_mode(profile.host), "app": application_name}

    def connect(self, conninfo="", **params):
        self.connects.append(params)
        if self.fail:
            raise DriverError(self.fail)
        return SimpleNamespace(params=params, close=lambda: None)

    def is_driver_error(self, exc):
        return isinstance(exc, DriverError)

    def explain_error(self, exc, profile):
        return DatabaseConnectError(f"fake refused {profile.name}", detail=str(exc))

    def is_password_refused(self, exc):
        return "bad password" in f"{exc} {getattr(exc, 'detail', '')}"

    def iam_token(self, profile, clients):
        return f"token-for-{profile.user}"

    def cancel(self, conn):
        conn.cancelled = True

    def server_facts(self, conn, samples=5):
        return ServerFacts("Fake 1.0", 10000, False, "", False, "", 1.0, False)


@pytest.fixture
def fake():
    engine = FakeEngine()
    previous = engines.register_engine(engine)
    yield engine
    if previous is None:
        engines.unregister_engine("fake")
    else:
        engines.register_engine(previous)


class FakeManager:
    """A TunnelManager stand-in: records what was opened and closed."""

    def __init__(self, up: bool = False) -> None:
        self.opened: list = []
        self.closed: list[str] = []
        self._up = up

    def _status(self):
        return SimpleNamespace(local_port=40123, backend="paramiko", state=SimpleNamespace(value="up"))

    def status(self, name):
        return self._status() if self._up else None

    def open(self, spec):
        self.opened.append(spec)
        self._up = True
        return self._status()

    def close(self, name):
        self.closed.append(name)
        self._up = False


def _profile(engine="fake", bastion=False, **kw):
    kw.setdefault("password", PasswordSource(kind="keyring"))
    kw.setdefault("tls", TlsSettings(mode="require"))
    b = BastionConfig(host="bastion.example.com", port=22, user="ec2-user", key_file="/nonexistent/key") \
        if bastion else None
    return ConnectionProfile(name="p1", host="db.example.com", port=7000, database="app", user="alice",
                             engine=engine, bastion=b, **kw)


def _keyring(_name):
    return "s3cret"


# -- the registry ------------------------------------------------------------------------------------
def test_registry_picks_postgres_for_a_postgres_profile():
    assert engine_for(_profile(engine="postgres")) is POSTGRES
    assert isinstance(POSTGRES, PostgresEngine) and POSTGRES.default_port == 5432


def test_profile_without_an_engine_name_is_postgres():
    assert engine_for(SimpleNamespace(engine="")) is POSTGRES


def test_unknown_engine_is_refused_with_its_name():
    with pytest.raises(ValidationError, match="'oracle'"):
        engine_for(_profile(engine="oracle"))


def test_registry_picks_mysql_for_a_mysql_profile():
    from aurora_console.core.connections.engines.mysql import MYSQL

    assert engine_for(_profile(engine="mysql")) is MYSQL and MYSQL.default_port == 3306


def test_a_plugged_in_engine_is_picked(fake):
    assert engine_for(_profile()) is fake


def test_tunnel_probe_comes_from_the_engine(fake):
    assert tunnel_spec(_profile(bastion=True)).target.probe == "fake-probe"
    assert tunnel_spec(_profile(engine="postgres", bastion=True)).target.probe == "postgres"
    assert tunnel_spec(_profile(engine="mysql", bastion=True)).target.probe == "tcp"  # a MySQL server greets first


# -- the opener: route + credentials + TLS -------------------------------------------------------------
def test_direct_profile_composes_credentials_and_tls_through_the_engine(fake):
    opened = open_connection(_profile(), keyring_get=_keyring, application_name="screen X")
    assert str(opened.route) == "direct" and opened.engine is fake
    conn = opened.connect()
    assert conn.params == {"host": "db.example.com", "port": 7000, "password": "s3cret", "tls": "require",
                           "app": "screen X"}
    assert "s3cret" not in repr(opened)


def test_bastion_profile_connects_through_the_tunnel_and_closes_it(fake):
    manager = FakeManager()
    opened = open_connection(_profile(bastion=True), manager=manager, keyring_get=_keyring)
    assert [s.name for s in manager.opened] == ["p1"]
    assert str(opened.route) == "paramiko tunnel 127.0.0.1:40123"
    assert opened.connect().params["port"] == 40123 and fake.connects[-1]["host"] == "127.0.0.1"
    opened.close()
    assert manager.closed == ["p1"]
    opened.close()  # idempotent
    assert manager.closed == ["p1"]


def test_shared_or_already_open_tunnels_stay_open(fake):
    kept = FakeManager()
    open_connection(_profile(bastion=True), manager=kept, keyring_get=_keyring, keep_tunnel=True).close()
    assert kept.opened and kept.closed == []
    already = FakeManager(up=True)
    open_connection(_profile(bastion=True), manager=already, keyring_get=_keyring).close()
    assert already.opened == [] and already.closed == []


def test_bastion_profile_without_a_manager_says_so(fake):
    with pytest.raises(ConsoleError, match="no tunnel manager"):
        open_connection(_profile(bastion=True), keyring_get=_keyring)


def test_missing_password_closes_the_tunnel_opened_for_it(fake):
    manager = FakeManager()
    with pytest.raises(PasswordSourceError) as err:
        open_connection(_profile(bastion=True, password=PasswordSource(kind="prompt")), manager=manager)
    assert err.value.kind == "prompt" and manager.closed == ["p1"]


def test_typed_password_is_used_for_an_ask_each_time_profile(fake):
    opened = open_connection(_profile(password=PasswordSource(kind="prompt")), password="typed")
    assert len(fake.connects) == 1  # signed in once to check it
    assert opened.connect().params["password"] == "typed"


def test_refused_typed_password_comes_back_as_rejected(fake):
    fake.fail = "FATAL: bad password for alice"
    manager = FakeManager()
    with pytest.raises(PasswordSourceError) as err:
        open_connection(_profile(bastion=True, password=PasswordSource(kind="prompt")), manager=manager,
                        password="wrong")
    assert err.value.kind == REJECTED and manager.closed == ["p1"]


def test_driver_errors_are_worded_by_the_engine(fake):
    fake.fail = "connection refused"
    opened = open_connection(_profile(), keyring_get=_keyring)
    with pytest.raises(DatabaseConnectError, match="fake refused p1") as err:
        opened.connect()
    assert err.value.detail == "connection refused"


def test_iam_token_comes_from_the_engine(fake):
    profile = _profile(password=PasswordSource(kind="iam", region="us-east-1"))
    assert resolve_password(profile, clients=lambda *a: None).reveal() == "token-for-alice"


def test_cancel_goes_to_the_engine(fake):
    opened = open_connection(_profile(), keyring_get=_keyring)
    conn = opened.connect()
    opened.cancel(conn)
    assert conn.cancelled


# -- PostgreSQL's own parts ------------------------------------------------------------------------------
def test_postgres_words_a_refused_password():
    profile = _profile(engine="postgres")
    exc = POSTGRES.explain_error(Exception('FATAL:  password authentication failed for user "alice"'), profile)
    assert "wrong password" in exc.message and POSTGRES.is_password_refused(exc)
    other = POSTGRES.explain_error(Exception("connection refused"), profile)
    assert not POSTGRES.is_password_refused(other) and "was closed" in other.message


def test_only_the_postgres_engine_connects_with_psycopg():
    """The driver's connect call lives in engines/postgres.py (the embedded sandbox server, which
    sets up its own database, is not part of the console's connection path)."""
    root = Path(__file__).resolve().parents[4] / "aurora_console"
    calls = re.compile(r"\bpsycopg\.connect\(|\bfrom psycopg import connect\b")
    found = [str(p.relative_to(root)) for p in root.rglob("*.py")
             if "sandbox" not in p.parts and calls.search(p.read_text(encoding="utf-8"))]
    assert found == [str(Path("core/connections/engines/postgres.py"))]
