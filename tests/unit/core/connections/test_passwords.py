"""PasswordFeed (core/connections/passwords.py): what each new connection of an opened profile
uses; an IAM token is never kept, a Secrets Manager secret is read again once per refusal burst."""

from __future__ import annotations

import threading

import pytest

from aurora_console.core.connections.passwords import PasswordFeed
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource
from aurora_console.core.secrets import Secret

pytestmark = pytest.mark.unit
HOST = "blog.cluster-abc123.us-east-1.rds.amazonaws.com"


class Source:
    """Fake AWS clients: a secret whose value the test changes, and an IAM token counter."""

    def __init__(self) -> None:
        self.value = "v1"
        self.reads = 0

    def __call__(self, service, aws_profile, region):
        source = self

        class Client:
            def get_secret_value(self, SecretId):  # noqa: N803 - boto3's name
                source.reads += 1
                return {"SecretString": source.value}

        return Client()


class TokenEngine:
    def __init__(self) -> None:
        self.hosts: list[str] = []

    def iam_token(self, profile, clients):
        self.hosts.append(profile.host)
        return f"{profile.host}:5432/?token={len(self.hosts)}"


def _profile(kind: str, **kw) -> ConnectionProfile:
    return ConnectionProfile("blog", HOST, user="app", database="blog",
                             password=PasswordSource(kind, region="us-east-1", **kw))


def test_iam_token_is_made_for_each_connection_never_kept():
    engine = TokenEngine()
    feed = PasswordFeed(_profile("iam"), clients=Source(), engine=engine)
    assert feed.expiring and not feed.rereadable
    feed.open()
    tokens = [feed.current()[0].reveal() for _ in range(3)]
    assert tokens == [f"{HOST}:5432/?token={n}" for n in (2, 3, 4)]
    assert engine.hosts == [HOST] * 4


def test_secret_is_kept_then_read_again_once_for_a_burst_of_refusals():
    source = Source()
    feed = PasswordFeed(_profile("secretsmanager", secret_id="blog/app"), clients=source)
    assert feed.rereadable and not feed.expiring
    assert feed.open().reveal() == "v1"
    value, generation = feed.current()
    assert value.reveal() == "v1" and source.reads == 1
    source.value = "v2"
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(feed.reread(generation))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert source.reads == 2 and feed.rereads == 1 and all(seen)
    assert feed.current()[0].reveal() == "v2"
    assert feed.reread(feed.generation) is False  # read again, unchanged
    assert source.reads == 3


def test_a_typed_password_is_used_as_given():
    feed = PasswordFeed(_profile("prompt"), given=Secret("typed"))
    assert feed.open().reveal() == "typed" and not feed.rereadable and not feed.expiring
    assert "typed" not in repr(feed.current())


def test_an_expired_sso_login_while_making_a_token_drops_the_session_and_names_the_login():
    from botocore.exceptions import UnauthorizedSSOTokenError

    from aurora_console.core.aws.errors import AwsError
    from aurora_console.core.aws.session import AwsSessionFactory
    from aurora_console.core.connections.passwords import clients_from_factory, resolve_password
    from aurora_console.core.errors import error_message

    factory = AwsSessionFactory()
    factory._sessions["corp"] = object()  # a cached session for the profile

    class Expired:
        def iam_token(self, profile, clients):
            raise UnauthorizedSSOTokenError()

    profile = _profile("iam", aws_profile="corp")
    profile.tls.mode = "require"
    with pytest.raises(AwsError) as raised:
        resolve_password(profile, clients=clients_from_factory(factory), engine=Expired())
    assert raised.value.kind == "sso-expired"
    assert "aws sso login --profile corp" in error_message(raised.value)
    assert "corp" not in factory._sessions  # the next token after the login gets a new session
