"""The sandbox's EC2 Instance Connect: SendSSHPublicKey on its AWS endpoint (checked, recorded) and
the loopback bastion accepting a pushed key for that OS user on that instance for 60 s only
(a settable clock moves time on instead of waiting a minute)."""

from __future__ import annotations

import base64
from pathlib import Path

import paramiko
import pytest
from botocore.exceptions import ClientError

from aurora_console.core.aws.bastion_route.key_push import EphemeralKey
from aurora_console.core.aws.session import AwsTarget
from aurora_console.sandbox.aws_seed import create_bastion_instance
from aurora_console.sandbox.bastion import Bastion
from aurora_console.sandbox.bastion_keys import PushedKeys
from tests.integration.tunnels.instance_connect_rig import SettableClock

pytestmark = pytest.mark.integration
REGION = "us-east-1"


@pytest.fixture
def instance(moto_server, aws_factory):
    clock = SettableClock()
    moto_server.pushed_keys.clock = clock
    ec2 = aws_factory.client("ec2", AwsTarget(None, REGION))
    instance_id, _ = create_bastion_instance(ec2)
    try:
        yield instance_id, clock, ec2, aws_factory.client("ec2-instance-connect", AwsTarget(None, REGION))
    finally:
        moto_server.pushed_keys.clock = __import__("time").monotonic


@pytest.fixture
def bastion(moto_server, instance, tmp_path: Path):
    b = Bastion(tmp_path / "bastion", pushed_keys=moto_server.pushed_keys, instance_id=instance[0])
    b.start()
    try:
        yield b
    finally:
        b.stop()


def _login(bastion: Bastion, user: str, key: EphemeralKey) -> bool:
    transport = paramiko.Transport(("127.0.0.1", bastion.port))
    try:
        algorithm, blob = bastion.known_hosts_line.split()[1:3]
        transport.connect(hostkey=paramiko.Ed25519Key(data=base64.b64decode(blob)))
        try:
            transport.auth_publickey(user, key.paramiko_key())
        except paramiko.AuthenticationException:
            return False
        return transport.is_authenticated()
    finally:
        transport.close()


def _push(eic, instance_id: str, user: str, key: EphemeralKey, **extra):
    return eic.send_ssh_public_key(InstanceId=instance_id, InstanceOSUser=user, SSHPublicKey=key.public_openssh(),
                                   **extra)


def test_a_pushed_key_logs_in_for_60_seconds_only(instance, bastion) -> None:
    instance_id, clock, _, eic = instance
    key = EphemeralKey()
    assert not _login(bastion, "ec2-user", key)  # not pushed yet
    assert _push(eic, instance_id, "ec2-user", key)["Success"] is True
    clock.now += 59.5
    assert _login(bastion, "ec2-user", key)
    clock.now += 1.0  # 60.5 s after the push
    assert not _login(bastion, "ec2-user", key)


def test_a_pushed_key_is_for_its_user_and_instance(instance, bastion, moto_server) -> None:
    instance_id, _, ec2, eic = instance
    key, other = EphemeralKey(), EphemeralKey()
    _push(eic, instance_id, "ec2-user", key)
    assert not _login(bastion, "bastion", key)  # another OS user of the instance
    assert not _login(bastion, "ec2-user", other)  # another key
    second, _ = create_bastion_instance(ec2)
    _push(eic, second, "ec2-user", other)  # pushed to another instance
    assert not _login(bastion, "ec2-user", other)
    _push(eic, instance_id, "ubuntu", other)  # a user the instance does not have
    assert not _login(bastion, "ubuntu", other)
    assert moto_server.pushed_keys.pushes(instance_id) == [(instance_id, "ec2-user"), (instance_id, "ubuntu")]


def test_push_is_refused_as_aws_refuses_it(instance, moto_server) -> None:
    instance_id, _, ec2, eic = instance
    key = EphemeralKey()
    with pytest.raises(ClientError) as err:
        _push(eic, "i-0123456789abcdef0", "ec2-user", key)
    assert err.value.response["Error"]["Code"] == "EC2InstanceNotFoundException"
    with pytest.raises(ClientError) as err:
        _push(eic, instance_id, "ec2-user", key, AvailabilityZone="us-east-1f")
    assert err.value.response["Error"]["Code"] == "InvalidArgsException"
    with pytest.raises(ClientError) as err:
        eic.send_ssh_public_key(InstanceId=instance_id, InstanceOSUser="ec2-user",
                                SSHPublicKey="ssh-ed25519 " + "A" * 80)
    assert err.value.response["Error"]["Code"] == "InvalidArgsException"
    ec2.stop_instances(InstanceIds=[instance_id])
    with pytest.raises(ClientError) as err:
        _push(eic, instance_id, "ec2-user", key)
    assert err.value.response["Error"]["Code"] == "EC2InstanceStateInvalidException"
    assert moto_server.pushed_keys.pushes() == []


def test_pushed_keys_forget_expired_pushes() -> None:
    clock = SettableClock()
    keys = PushedKeys(clock=clock)
    key = EphemeralKey()
    blob = base64.b64decode(key.public_openssh().split()[1])
    keys.push("i-1", "ec2-user", key.public_openssh())
    assert keys.accepts("i-1", "ec2-user", blob)
    clock.now += 60
    assert not keys.accepts("i-1", "ec2-user", blob)
    keys.push("i-1", "ec2-user", EphemeralKey().public_openssh())
    assert keys.pushes() == [("i-1", "ec2-user")]  # the expired one was dropped
    with pytest.raises(ValueError):
        keys.push("i-1", "ec2-user", "not a key")
