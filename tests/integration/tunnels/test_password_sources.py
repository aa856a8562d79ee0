"""Password sources against a real moto server (SSM SecureString, Secrets Manager incl. the
RDS-managed JSON, IAM tokens); access denied through botocore's Stubber (moto does not enforce IAM)."""

from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

from aurora_console.core.connections.passwords import (
    PasswordSourceError,
    clients_from_factory,
    keyring_name,
    resolve_password,
)
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.integration
HOST = "blog.cluster-abc123.us-east-1.rds.amazonaws.com"


def _profile(**source) -> ConnectionProfile:
    return ConnectionProfile("blog", HOST, user="blog_app", database="blog",
                             password=PasswordSource(region="us-east-1", **source))


def test_ssm_securestring(aws_factory):
    ssm = aws_factory.client("ssm", _target())
    ssm.put_parameter(Name="/web/blog/database/secret", Value="s3cret-from-ssm", Type="SecureString")
    got = resolve_password(_profile(kind="ssm", parameter="/web/blog/database/secret"),
                           clients=clients_from_factory(aws_factory))
    assert got.reveal() == "s3cret-from-ssm"
    assert "s3cret" not in repr(got)


def test_ssm_json_value_uses_key(aws_factory):
    ssm = aws_factory.client("ssm", _target())
    ssm.put_parameter(Name="/web/blog/database/json", Type="SecureString",
                      Value=json.dumps({"username": "blog_app", "password": "json-pass"}))
    got = resolve_password(_profile(kind="ssm", parameter="/web/blog/database/json"),
                           clients=clients_from_factory(aws_factory))
    assert got.reveal() == "json-pass"


def test_ssm_missing_parameter(aws_factory):
    with pytest.raises(PasswordSourceError) as info:
        resolve_password(_profile(kind="ssm", parameter="/web/blog/database/nope"),
                         clients=clients_from_factory(aws_factory))
    assert info.value.kind == "missing"
    assert "/web/blog/database/nope" in info.value.message and "us-east-1" in info.value.message


def test_invalid_parameter_name_is_refused_before_any_call():
    def no_calls(*_):
        raise AssertionError("AWS must not be called for an invalid name")

    with pytest.raises(ValidationError):
        resolve_password(_profile(kind="ssm", parameter="web/blog secret"), clients=no_calls)


def test_secrets_manager_plain_and_rds_managed_json(aws_factory):
    sm = aws_factory.client("secretsmanager", _target())
    sm.create_secret(Name="blog/plain", SecretString="plain-pass")
    arn = sm.create_secret(Name="rds!cluster-1234", SecretString=json.dumps(
        {"username": "postgres", "password": "rds-managed-pass"}))["ARN"]
    clients = clients_from_factory(aws_factory)
    assert resolve_password(_profile(kind="secretsmanager", secret_id="blog/plain"), clients=clients).reveal() == \
        "plain-pass"
    assert resolve_password(_profile(kind="secretsmanager", secret_id=arn), clients=clients).reveal() == \
        "rds-managed-pass"


def test_secrets_manager_json_without_the_key(aws_factory):
    sm = aws_factory.client("secretsmanager", _target())
    sm.create_secret(Name="blog/odd", SecretString=json.dumps({"pw": "x"}))
    with pytest.raises(PasswordSourceError, match="without a 'password' field"):
        resolve_password(_profile(kind="secretsmanager", secret_id="blog/odd"),
                         clients=clients_from_factory(aws_factory))


def test_secrets_manager_missing(aws_factory):
    with pytest.raises(PasswordSourceError) as info:
        resolve_password(_profile(kind="secretsmanager", secret_id="blog/none"),
                         clients=clients_from_factory(aws_factory))
    assert info.value.kind == "missing"


@pytest.mark.parametrize("kind,method,code", [
    ("ssm", "get_parameter", "AccessDeniedException"),
    ("secretsmanager", "get_secret_value", "AccessDeniedException"),
    ("secretsmanager", "get_secret_value", "DecryptionFailure"),
])
def test_access_denied(aws_factory, kind, method, code):
    service = "ssm" if kind == "ssm" else "secretsmanager"
    client = aws_factory.client(service, _target())
    with Stubber(client) as stub:
        stub.add_client_error(method, service_error_code=code, service_message="User is not authorized")
        source = {"parameter": "/web/blog/database/secret"} if kind == "ssm" else {"secret_id": "blog/plain"}
        with pytest.raises(PasswordSourceError) as info:
            resolve_password(_profile(kind=kind, **source), clients=lambda *_: client)
    assert info.value.kind == "denied"
    assert "kms:Decrypt" in info.value.hint or "GetParameter" in info.value.hint


def test_iam_token_is_made_per_call(aws_factory):
    profile = _profile(kind="iam")
    profile.tls.mode = "require"
    token = resolve_password(profile, clients=clients_from_factory(aws_factory)).reveal()
    assert token.startswith(f"{HOST}:5432/?")
    assert "Action=connect" in token and "DBUser=blog_app" in token and "X-Amz-Signature=" in token


def test_iam_needs_tls():
    profile = _profile(kind="iam")
    profile.tls.mode = "disable"
    with pytest.raises(ValidationError, match="IAM"):
        profile.validate()


def test_keyring_and_prompt():
    import keyring

    keyring.set_password("aurora-console", keyring_name("blog"), "from-keyring")
    assert resolve_password(_profile(kind="keyring")).reveal() == "from-keyring"
    assert resolve_password(_profile(kind="prompt"), prompt=lambda text: "typed").reveal() == "typed"
    with pytest.raises(PasswordSourceError, match="No password entered"):
        resolve_password(_profile(kind="prompt"), prompt=lambda text: None)
    keyring.delete_password("aurora-console", keyring_name("blog"))
    with pytest.raises(PasswordSourceError, match="keyring"):
        resolve_password(_profile(kind="keyring"))


def _target():
    from aurora_console.core.aws.session import AwsTarget

    return AwsTarget(None, "us-east-1")
