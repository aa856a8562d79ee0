"""Credentials that expire (issue 18), against the rig's real PostgreSQL and moto:

* an IAM auth token is made for every connect and reconnect of an opened profile, for the real
  endpoint host name (never the tunnel's 127.0.0.1), so a reconnect after the token's 15 minutes
  never reuses an expired one (the server here accepts only the token made last, as if the
  earlier one had expired);
* a Secrets Manager password rotated between two connects (in PostgreSQL and in the secret) is
  read again once on the refusal, and the message says the secret was re-read when that fails too.
"""

from __future__ import annotations

import secrets
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from psycopg import sql

from aurora_console.core.connections import engines
from aurora_console.core.connections.engines import DatabaseConnectError
from aurora_console.core.connections.engines.postgres import PostgresEngine
from aurora_console.core.connections.opener import open_connection
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.ssh.config import BastionConfig

pytestmark = pytest.mark.integration
ENDPOINT = "blog.cluster-abc123.us-east-1.rds.amazonaws.com"


class LoopbackTunnel:
    """A TunnelManager stand-in whose "tunnel" is the rig server's own port on 127.0.0.1: the
    connection goes to 127.0.0.1 while the profile's host stays the cluster endpoint, as through a
    real bastion (the tunnel itself is tested elsewhere; here only what the database gets matters)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.up = False

    def _status(self):
        return SimpleNamespace(local_port=self.port, backend="loopback", state=SimpleNamespace(value="up"))

    def status(self, name):
        return self._status() if self.up else None

    def open(self, spec):
        self.up = True
        return self._status()

    def close(self, name):
        self.up = False


@pytest.fixture
def role(pg_server, new_database):
    """A login role on a fresh database; ``role.set_password(pw)`` is what the server accepts now."""
    db = new_database()
    name = f"rot_{secrets.token_hex(4)}"
    admin = psycopg.connect(**db.conninfo, autocommit=True)
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))

    def set_password(value: str) -> None:
        admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(value)))

    yield SimpleNamespace(name=name, db=db, port=db.conninfo["port"], set_password=set_password)
    admin.close()
    with psycopg.connect(**db.conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
    new_database.drop_all()
    with pg_server.connect(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


class ServerTakesTheLastToken(PostgresEngine):
    """PostgreSQL whose IAM tokens are the real ones (botocore's ``generate_db_auth_token`` on moto),
    and whose server accepts only the token made last: each new token becomes the role's password,
    so a connect that reused an older token is refused, as AWS refuses an expired one."""

    def __init__(self, role) -> None:
        self.role = role
        self.tokens: list[str] = []

    def connect_params(self, profile, password, **kw):
        params = super().connect_params(profile, password, **kw)
        params["sslmode"] = "prefer"  # the rig's server has no TLS; a profile with IAM needs it (checked at open)
        return params

    def iam_token(self, profile, clients):
        token = super().iam_token(profile, clients)
        self.tokens.append(token)
        self.role.set_password(token)
        return token


@pytest.fixture
def iam_engine(role):
    engine = ServerTakesTheLastToken(role)
    previous = engines.register_engine(engine)
    try:
        yield engine
    finally:
        engines.register_engine(previous) if previous is not None else engines.unregister_engine("postgres")


def _iam_profile(role) -> ConnectionProfile:
    bastion = BastionConfig(host="bastion.example.com", port=22, user="ec2-user", key_file="/nonexistent/key")
    return ConnectionProfile("blog-iam", ENDPOINT, 5432, role.db.name, role.name, bastion=bastion,
                             password=PasswordSource("iam", region="us-east-1"), tls=TlsSettings(mode="require"))


def test_iam_token_for_every_connect_and_reconnect_for_the_real_endpoint(role, iam_engine, aws_factory):
    manager = LoopbackTunnel(role.port)
    opened = open_connection(_iam_profile(role), manager=manager, clients=clients_from_factory(aws_factory))
    assert str(opened.route) == f"loopback tunnel 127.0.0.1:{role.port}"
    time.sleep(1.1)  # SigV4 signs to the second: a token made a second later differs
    with opened.connect() as conn:  # a token made for this connect
        assert conn.execute("select current_user").fetchone()[0] == role.name
    time.sleep(1.1)
    with opened.connect() as conn:  # a reconnect: a new token (the one before no longer accepted)
        assert conn.execute("select 1").fetchone()[0] == 1
    assert len(iam_engine.tokens) == 3  # opening checks the source once, then one per connect
    assert len(set(iam_engine.tokens)) == 3
    for token in iam_engine.tokens:
        where = urlsplit("//" + token)
        assert (where.hostname, where.port) == (ENDPOINT, 5432)  # never 127.0.0.1
        query = parse_qs(where.query)
        assert query["Action"] == ["connect"] and query["DBUser"] == [role.name]
        assert query["X-Amz-Expires"] == ["900"]  # 15 minutes
    opened.close()


def test_a_token_kept_from_before_would_be_refused(role, iam_engine, aws_factory):
    """The rig's premise: the server refuses a token that is not the last one made (what made the old
    reuse of the parameters computed at open fail after 15 minutes)."""
    manager = LoopbackTunnel(role.port)
    opened = open_connection(_iam_profile(role), manager=manager, clients=clients_from_factory(aws_factory))
    old = iam_engine.tokens[0]
    time.sleep(1.1)
    opened.connect().close()
    assert iam_engine.tokens[-1] != old
    params = iam_engine.connect_params(opened.profile, old, local_port=role.port)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**params)


# -- Secrets Manager: rotated between two connects -------------------------------------------------------
def _secret_profile(role, secret_id: str) -> ConnectionProfile:
    return ConnectionProfile("blog-sm", "127.0.0.1", role.port, role.db.name, role.name,
                             password=PasswordSource("secretsmanager", secret_id=secret_id, region="us-east-1"),
                             tls=TlsSettings(mode="prefer"))


class CountingClients:
    """``clients_from_factory`` that counts GetSecretValue calls."""

    def __init__(self, factory) -> None:
        self.inner = clients_from_factory(factory)
        self.reads = 0

    def __call__(self, service, aws_profile, region):
        client = self.inner(service, aws_profile, region)
        if service == "secretsmanager":
            outer = self

            class Counted:
                def get_secret_value(self, **kw):
                    outer.reads += 1
                    return client.get_secret_value(**kw)

            return Counted()
        return client


def test_rotated_secret_is_read_again_once_and_the_connect_succeeds(role, aws_factory):
    first, rotated = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    role.set_password(first)
    sm = aws_factory.client("secretsmanager", _target())
    sm.create_secret(Name="blog/app", SecretString=f'{{"username": "{role.name}", "password": "{first}"}}')
    clients = CountingClients(aws_factory)
    opened = open_connection(_secret_profile(role, "blog/app"), clients=clients)
    opened.connect().close()
    assert clients.reads == 1

    role.set_password(rotated)  # the rotation: the database first, then the secret
    sm.put_secret_value(SecretId="blog/app",
                        SecretString=f'{{"username": "{role.name}", "password": "{rotated}"}}')
    with opened.connect() as conn:  # refused with the old value, the secret read again, connected
        assert conn.execute("select current_user").fetchone()[0] == role.name
    assert clients.reads == 2
    opened.connect().close()  # the new value is kept: no further read
    assert clients.reads == 2


def test_secret_refused_again_after_the_reread_says_so(role, aws_factory):
    value = secrets.token_urlsafe(12)
    role.set_password(value)
    sm = aws_factory.client("secretsmanager", _target())
    sm.create_secret(Name="blog/stale", SecretString=value)
    clients = CountingClients(aws_factory)
    opened = open_connection(_secret_profile(role, "blog/stale"), clients=clients)
    role.set_password(secrets.token_urlsafe(12))  # rotated in the database only
    with pytest.raises(DatabaseConnectError) as raised:
        opened.connect()
    text = raised.value.user_text()
    assert "secret blog/stale" in text and "re-read" in text and "had not changed" in text
    assert value not in text and value not in raised.value.detail
    assert clients.reads == 2  # once at open, once again on the refusal: never a loop


def test_a_wrong_user_is_not_retried_for_other_sources(role, aws_factory):
    """A keyring password refused is reported at once (only a secret that may rotate is read again)."""
    role.set_password("right")
    profile = ConnectionProfile("blog-kr", "127.0.0.1", role.port, role.db.name, role.name,
                                password=PasswordSource("keyring"), tls=TlsSettings(mode="prefer"))
    reads = []

    def keyring_get(name):
        reads.append(name)
        return "wrong"

    opened = open_connection(profile, keyring_get=keyring_get)
    with pytest.raises(DatabaseConnectError, match="wrong password"):
        opened.connect()
    assert len(reads) == 1


def _target():
    from aurora_console.core.aws.session import AwsTarget

    return AwsTarget(None, "us-east-1")
