"""Every password source on a MySQL profile, against the rig's real MariaDB (TLS verified) and the
moto server: keyring, SSM SecureString, Secrets Manager (RDS-managed JSON, a rotated secret read
again once, a stale one said plainly). The PostgreSQL counterparts are in
tests/integration/tunnels/test_password_sources.py and test_expiring_credentials.py; here the MySQL
engine's own refusal detection (error 1045) drives the re-read. IAM tokens cannot be checked by
MariaDB (no IAM plugin): tests/unit/core/connections/engines/test_mysql_cleartext.py checks what the
engine sends and refuses instead."""

from __future__ import annotations

import dataclasses
import json
import secrets

import pytest

from aurora_console.core.connections.engines import DatabaseConnectError
from aurora_console.core.connections.opener import open_connection
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.connections.profile import PasswordSource

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]
REGION = "us-east-1"


class MysqlUser:
    """A user of the rig's MariaDB allowed on one database, whose password the test changes."""

    def __init__(self, server, database: str) -> None:
        self.server = server
        self.name = f"u_{secrets.token_hex(4)}"
        self.database = database
        server.execute(f"CREATE USER '{self.name}'@'%' IDENTIFIED BY 'initial-{secrets.token_hex(4)}'",
                       f"GRANT ALL ON `{database}`.* TO '{self.name}'@'%'")

    def set_password(self, value: str) -> None:
        self.server.execute(f"ALTER USER '{self.name}'@'%' IDENTIFIED BY '{value}'")

    def drop(self) -> None:
        self.server.execute(f"DROP USER IF EXISTS '{self.name}'@'%'")


@pytest.fixture
def user(mysql_server, mysql_db):
    made = MysqlUser(mysql_server, mysql_db.name)
    yield made
    made.drop()


class CountingClients:
    """The factory's clients, counting Secrets Manager reads."""

    def __init__(self, factory) -> None:
        self.inner = clients_from_factory(factory)
        self.reads = 0

    def __call__(self, service, aws_profile, region):
        client = self.inner(service, aws_profile, region)
        if service != "secretsmanager":
            return client
        outer = self

        class Counted:
            def get_secret_value(self, **kw):
                outer.reads += 1
                return client.get_secret_value(**kw)

        return Counted()


def _profile(mysql_profile, user: MysqlUser, source: PasswordSource):
    return dataclasses.replace(mysql_profile, user=user.name, password=source)


def _whoami(opened) -> str:
    conn = opened.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1), DATABASE()")
            who, db = cur.fetchone()
        assert db == opened.profile.database
        return who
    finally:
        conn.close()


def _target():
    from aurora_console.core.aws.session import AwsTarget

    return AwsTarget(None, REGION)


def test_keyring_password_signs_in(user, mysql_profile):
    value = secrets.token_urlsafe(12)
    user.set_password(value)
    asked = []

    def keyring_get(name):
        asked.append(name)
        return value

    opened = open_connection(_profile(mysql_profile, user, PasswordSource("keyring")), keyring_get=keyring_get)
    assert _whoami(opened) == user.name
    assert asked and all("rig-mysql" in name for name in asked)


def test_a_refused_keyring_password_is_said_and_not_read_again(user, mysql_profile):
    user.set_password(secrets.token_urlsafe(12))
    reads = []

    def keyring_get(name):
        reads.append(name)
        return "wrong"

    opened = open_connection(_profile(mysql_profile, user, PasswordSource("keyring")), keyring_get=keyring_get)
    with pytest.raises(DatabaseConnectError, match="wrong password"):
        opened.connect()
    assert len(reads) == 1


def test_ssm_securestring_signs_in(user, mysql_profile, aws_factory):
    value = secrets.token_urlsafe(12)
    user.set_password(value)
    aws_factory.client("ssm", _target()).put_parameter(Name="/web/shop/database/secret", Value=value,
                                                       Type="SecureString")
    source = PasswordSource("ssm", parameter="/web/shop/database/secret", region=REGION)
    opened = open_connection(_profile(mysql_profile, user, source), clients=clients_from_factory(aws_factory))
    assert _whoami(opened) == user.name


def test_rds_managed_secret_signs_in_and_a_rotation_is_read_again_once(user, mysql_profile, aws_factory):
    first, rotated = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    user.set_password(first)
    sm = aws_factory.client("secretsmanager", _target())
    sm.create_secret(Name="shop/app", SecretString=json.dumps({"username": user.name, "password": first}))
    clients = CountingClients(aws_factory)
    source = PasswordSource("secretsmanager", secret_id="shop/app", region=REGION)
    opened = open_connection(_profile(mysql_profile, user, source), clients=clients)
    assert _whoami(opened) == user.name
    assert clients.reads == 1

    user.set_password(rotated)  # the rotation: the database first, then the secret
    sm.put_secret_value(SecretId="shop/app", SecretString=json.dumps({"username": user.name, "password": rotated}))
    assert _whoami(opened) == user.name  # refused with 1045, the secret read again, signed in
    assert clients.reads == 2
    assert _whoami(opened) == user.name  # the new value is kept: no further read
    assert clients.reads == 2


def test_a_secret_refused_after_the_reread_says_so(user, mysql_profile, aws_factory):
    value = secrets.token_urlsafe(12)
    user.set_password(value)
    aws_factory.client("secretsmanager", _target()).create_secret(Name="shop/stale", SecretString=value)
    clients = CountingClients(aws_factory)
    source = PasswordSource("secretsmanager", secret_id="shop/stale", region=REGION)
    opened = open_connection(_profile(mysql_profile, user, source), clients=clients)
    user.set_password(secrets.token_urlsafe(12))  # rotated in the database only
    with pytest.raises(DatabaseConnectError) as raised:
        opened.connect()
    text = raised.value.user_text()
    assert "secret shop/stale" in text and "re-read" in text and "had not changed" in text
    assert value not in text and value not in raised.value.detail
    assert clients.reads == 2  # once at open, once again on the refusal: never a loop
