from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.connections.engines.postgres import POSTGRES
from aurora_console.core.connections.profile import (
    ConnectionProfile,
    PasswordSource,
    TlsSettings,
    is_aws_endpoint,
    validate_profile_name,
)
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.errors import ValidationError
from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.config import BastionConfig, JumpHost

pytestmark = pytest.mark.unit
AWS = "blog.cluster-abc.us-east-1.rds.amazonaws.com"


def _profile(**kw) -> ConnectionProfile:
    base = dict(name="blog", host=AWS, database="blog", user="app",
                password=PasswordSource("secretsmanager", region="us-east-1",
                                        secret_id="arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!c-1"),
                bastion=BastionConfig("203.0.113.5", "ec2-user", key_file="~/.ssh/id", jump=JumpHost("198.51.100.1")))
    base.update(kw)
    return ConnectionProfile(**base)


def test_round_trip_and_no_secret_in_file(tmp_path):
    store = ProfileStore(tmp_path / "profiles.json")
    Secret("typed-db-password")  # registered as a secret value
    store.save(_profile())
    again = store.get("blog")
    assert again == _profile()
    data = json.loads(store.path.read_text())
    assert data["version"] == 1 and "blog" in data["profiles"]
    store.add_builtin(_profile(name="sandbox-blog"))
    assert store.names() == ["sandbox-blog", "blog"]
    with pytest.raises(ValidationError, match="built-in"):
        store.save(_profile(name="sandbox-blog"))
    store.delete("blog")
    assert store.names() == ["sandbox-blog"]


def test_refuses_to_write_a_known_secret(tmp_path):
    Secret("typed-db-password-2")
    with pytest.raises(ValidationError, match="secret"):
        ProfileStore(tmp_path / "p.json").save(_profile(database="typed-db-password-2"))


def test_corrupt_file_is_kept_aside(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text("{not json")
    store = ProfileStore(path)
    assert store.list() == [] and store.warnings
    assert list(tmp_path.glob("profiles.json.corrupt-*"))


def test_tls_defaults_and_kwargs(tmp_path):
    assert is_aws_endpoint(AWS) and not is_aws_endpoint("localhost")
    assert TlsSettings().effective_mode(AWS) == "verify-full"
    assert TlsSettings().effective_mode("127.0.0.1") == "prefer"
    with pytest.raises(ValidationError, match="CA bundle"):
        POSTGRES.connect_params(_profile(), "pw", local_port=4000)
    bundle = tmp_path / "global-bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    p = _profile(tls=TlsSettings(ca_bundle=str(bundle)), read_only=True)
    kw = POSTGRES.connect_params(p, Secret("pw-x-y"), local_port=4000)
    assert kw["host"] == AWS and kw["hostaddr"] == "127.0.0.1" and kw["port"] == 4000
    assert kw["sslmode"] == "verify-full" and kw["sslrootcert"] == str(bundle)
    assert kw["options"] == "-c default_transaction_read_only=on" and kw["password"] == "pw-x-y"
    kw = POSTGRES.connect_params(_profile(tls=TlsSettings(mode="require")), None)
    assert kw["sslmode"] == "require" and "sslrootcert" not in kw and "hostaddr" not in kw


@pytest.mark.parametrize("bad", [dict(port=0), dict(host="bad host"), dict(name=""), dict(backend="x"),
                                 dict(tls=TlsSettings(mode="maybe")), dict(password=PasswordSource("ssm"))])
def test_validation(bad):
    with pytest.raises(ValidationError):
        _profile(**bad).validate()


@given(st.text(max_size=80))
def test_profile_names(text):
    try:
        assert validate_profile_name(text) == text.strip()
    except ValidationError:
        pass
