"""EphemeralKey (in memory; an owner-only file only inside a block) and push_key's errors
(AccessDenied through botocore's Stubber: moto grants every call)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile

import boto3
import paramiko
import pytest
from botocore.stub import Stubber

from aurora_console.core.aws.bastion_route.errors import BastionRouteError, RouteAccessDenied
from aurora_console.core.aws.bastion_route.instances import InstanceFacts
from aurora_console.core.aws.bastion_route.key_push import EphemeralKey, push_key
from aurora_console.core.ssh.config import AwsBastion

FACTS = InstanceFacts("i-0123456789abcdef0", "bastion", "running", "10.0.0.5", "", "", "us-east-1b", "subnet-1", "vpc-1",
                      account_id="111122223333")
AWS = AwsBastion(instance="bastion", region="us-east-1", aws_profile="ops", push_key=True)


def test_key_halves_match_and_repr_hides_the_private_half() -> None:
    key = EphemeralKey()
    kind, blob, comment = key.public_openssh().split()
    assert kind == "ssh-ed25519" and comment == "aurora-console"
    pkey = key.paramiko_key()
    assert pkey.get_base64() == blob
    assert key.fingerprint == pkey.fingerprint
    assert repr(key) == f"EphemeralKey({key.fingerprint})"
    assert EphemeralKey().public_openssh() != key.public_openssh()  # fresh each time


def test_private_file_is_owner_only_and_removed_after_the_block(tmp_path) -> None:
    key = EphemeralKey()
    folder = tmp_path / "keys"
    folder.mkdir()
    with key.private_file(folder) as path:
        assert path.parent == folder
        if sys.platform != "win32":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        loaded = paramiko.Ed25519Key.from_private_key_file(str(path))
        assert loaded.get_base64() == key.public_openssh().split()[1]
    assert not path.exists() and list(folder.iterdir()) == []


def test_private_file_is_removed_when_the_block_fails_and_its_own_folder_too() -> None:
    key = EphemeralKey()
    with pytest.raises(RuntimeError), key.private_file() as path:
        folder = path.parent
        raise RuntimeError("ssh failed")
    assert not path.exists() and not folder.exists()


def test_fresh_follows_the_last_push() -> None:
    key = EphemeralKey()
    assert not key.fresh(now=100.0)
    key.pushed_at = 100.0
    assert key.fresh(now=144.0) and not key.fresh(now=146.0)


def _clients(service_client):
    return lambda service, profile, region: service_client


def _eic():
    return boto3.client("ec2-instance-connect", region_name="us-east-1", aws_access_key_id="x",
                        aws_secret_access_key="y")


def test_push_sends_the_user_zone_and_public_key_and_records_when() -> None:
    client, key = _eic(), EphemeralKey()
    with Stubber(client) as stub:
        stub.add_response("send_ssh_public_key", {"RequestId": "r", "Success": True},
                          {"InstanceId": FACTS.instance_id, "InstanceOSUser": "ec2-user",
                           "SSHPublicKey": key.public_openssh(), "AvailabilityZone": "us-east-1b"})
        push_key(_clients(client), AWS, FACTS, "ec2-user", key)
        stub.assert_no_pending_responses()
    assert key.pushed_at is not None and key.fresh()


def test_access_denied_names_the_action_and_the_instance() -> None:
    client = _eic()
    with Stubber(client) as stub:
        stub.add_client_error("send_ssh_public_key", service_error_code="AccessDeniedException",
                              service_message="User: arn:aws:iam::1:user/x is not authorized", http_status_code=403)
        with pytest.raises(RouteAccessDenied) as err:
            push_key(_clients(client), AWS, FACTS, "ec2-user", EphemeralKey())
    e = err.value
    assert e.action == "ec2-instance-connect:SendSSHPublicKey"
    assert e.message.startswith("AWS denied ec2-instance-connect:SendSSHPublicKey on "
                                "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0 (OS user ec2-user)")
    assert "'ops'" in e.message and "IAM policy" in e.hint


def test_other_failures_keep_aws_words() -> None:
    client = _eic()
    with Stubber(client) as stub:
        stub.add_client_error("send_ssh_public_key", service_error_code="EC2InstanceStateInvalidException",
                              service_message="Instance i-0123456789abcdef0 is stopped", http_status_code=400)
        with pytest.raises(BastionRouteError) as err:
            push_key(_clients(client), AWS, FACTS, "ec2-user", EphemeralKey())
    assert not isinstance(err.value, RouteAccessDenied)
    assert "is stopped" in err.value.message and "SendSSHPublicKey" in err.value.message


def test_paramiko_key_writes_nothing(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    ours = lambda: {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("aurora-key-")}  # noqa: E731
    before = ours()
    EphemeralKey().paramiko_key()
    assert list(folder.iterdir()) == []
    assert ours() == before


def test_in_agent_without_a_running_agent_says_so_and_leaves_nothing(tmp_path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    with pytest.raises(BastionRouteError, match="ssh-agent did not take the pushed key|ssh-add could not"):
        with EphemeralKey().in_agent(folder, str(tmp_path / "no-agent.sock")):
            pass
    assert list(folder.iterdir()) == []
