"""open_profile on the sandbox's built-in profile while the sandbox's database is down:
a plain reason, not "No connection profile named 'sandbox-blog'"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.core.connections.opener import open_profile
from aurora_console.core.connections.profile import SANDBOX_DB_PROFILE
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit


def test_sandbox_database_down_says_why():
    info = SimpleNamespace(database_ready=False, db_error="no PostgreSQL server binaries found (install postgresql)")
    with pytest.raises(ValidationError, match="sandbox's database is not running: no PostgreSQL server binaries"):
        open_profile(SANDBOX_DB_PROFILE, sandbox_info=info)


def test_sandbox_database_still_starting():
    info = SimpleNamespace(database_ready=False, db_error=None)
    with pytest.raises(ValidationError, match="still starting"):
        open_profile(SANDBOX_DB_PROFILE, sandbox_info=info)


def test_other_profiles_are_looked_up_as_before(tmp_path):
    from aurora_console.core.connections.store import ProfileStore

    info = SimpleNamespace(database_ready=False, db_error=None)
    with pytest.raises(ValidationError, match="No connection profile named 'mine'"):
        open_profile("mine", sandbox_info=info, store=ProfileStore(tmp_path / "profiles.json"))


def test_the_runtime_names_its_profile_the_same():
    from aurora_console.sandbox.runtime import BLOG_PROFILE_NAME

    assert BLOG_PROFILE_NAME == SANDBOX_DB_PROFILE


def test_a_sandbox_route_profile_is_found_and_its_instance_key_trusted():
    """The sandbox's profiles through its EC2 bastion (sandbox-blog-eic...) open like sandbox-blog; the
    loopback bastion's key is trusted under the instance id too (at its port and at 22), for this session."""
    import keyring

    from aurora_console.core.connections.passwords import keyring_name
    from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
    from aurora_console.core.ssh.config import AwsBastion, BastionConfig

    def profile(name, bastion):
        return ConnectionProfile(name, "127.0.0.1", 5432, "blog", "blog_app", bastion=bastion,
                                 password=PasswordSource("keyring"), tls=TlsSettings(mode="prefer"))

    plain = BastionConfig("127.0.0.1", "bastion", 2222, key_file="/k")
    eic = BastionConfig("sandbox-bastion", "ec2-user", 22,
                        aws=AwsBastion(instance="sandbox-bastion", region="us-east-1", push_key=True,
                                       transport="eice"))
    key = SimpleNamespace(host="127.0.0.1", port=2222, known_hosts_line="ssh-ed25519 AAAA", instance_id="i-0abc")
    info = SimpleNamespace(database_ready=True, bastion=key,
                           connection_profiles=lambda: [profile(SANDBOX_DB_PROFILE, plain),
                                                        profile("sandbox-blog-eic", eic)])
    trusted, opened = [], []
    manager = SimpleNamespace(
        store=SimpleNamespace(trust_line=lambda host, port, line: trusted.append((host, port))),
        status=lambda name: None, close=lambda name: None,
        open=lambda spec: opened.append(spec) or SimpleNamespace(local_port=40000, backend="paramiko",
                                                                 state=SimpleNamespace(value="up")))
    keyring.set_password("aurora-console", keyring_name("sandbox-blog-eic"), "pw")
    try:
        conn = open_profile("sandbox-blog-eic", sandbox_info=info, manager=manager, aws_factory=object())
    finally:
        keyring.delete_password("aurora-console", keyring_name("sandbox-blog-eic"))
    assert conn.profile.name == "sandbox-blog-eic" and str(conn.route) == "paramiko tunnel 127.0.0.1:40000"
    assert sorted(trusted) == [("127.0.0.1", 2222), ("i-0abc", 22), ("i-0abc", 2222)]
    assert opened[0].bastion.aws.transport == "eice"
    assert opened[0].aws_clients is not None  # the bastion's instance lookup, key push and endpoint use them
