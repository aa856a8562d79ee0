"""prepare_route without AWS calls, the route label, the address rule and the push-again-once login."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.bastion_route import route as route_module
from aurora_console.core.aws.bastion_route.carrier import Carrier
from aurora_console.core.aws.bastion_route.errors import BastionRouteError
from aurora_console.core.aws.bastion_route.instances import InstanceFacts
from aurora_console.core.aws.bastion_route.key_push import EphemeralKey
from aurora_console.core.aws.bastion_route.route import PreparedRoute, label, prepare_route
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, JumpHost, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import AuthenticationRejected

FACTS = InstanceFacts("i-0123456789abcdef0", "bastion", "running", "10.0.0.5", "54.1.2.3", "", "us-east-1a",
                      "subnet-1", "vpc-1")
TARGET = "blog.cluster-abc.us-east-1.rds.amazonaws.com:5432"


def _cfg(**aws) -> BastionConfig:
    return BastionConfig(host="bastion", user="ec2-user", aws=AwsBastion(instance="bastion", region="us-east-1",
                                                                         **aws))


def test_labels_spell_out_the_route() -> None:
    eice = Carrier(label="endpoint eice-0123456789abcdef0")
    assert label(_cfg(push_key=True, transport="eice"), TARGET, facts=FACTS, carrier=eice) == (
        "endpoint eice-0123456789abcdef0 \u2192 i-0123456789abcdef0 (ec2-user, pushed key) \u2192 " + TARGET)
    assert label(_cfg(push_key=True), TARGET, facts=FACTS, address="54.1.2.3") == (
        "i-0123456789abcdef0 at 54.1.2.3 (ec2-user, pushed key) \u2192 " + TARGET)
    plain = BastionConfig(host="jump.example.com", user="ops", port=2222, key_file="/k/id_ed25519",
                          jump=JumpHost("edge.example.com"))
    assert label(plain, TARGET) == "edge.example.com \u2192 jump.example.com:2222 (ops, key id_ed25519) \u2192 " + TARGET


def test_direct_address_prefers_an_address_of_its_own_then_public_then_private() -> None:
    cfg = _cfg(push_key=True)
    assert route_module._direct_address(cfg, FACTS) == "54.1.2.3"
    cfg.host = "127.0.0.1"
    assert route_module._direct_address(cfg, FACTS) == "127.0.0.1"
    cfg.host = FACTS.instance_id
    private = InstanceFacts(**{**FACTS.__dict__, "public_ip": ""})
    assert route_module._direct_address(cfg, private) == "10.0.0.5"
    with pytest.raises(BastionRouteError, match="no IP address"):
        route_module._direct_address(cfg, InstanceFacts(**{**private.__dict__, "private_ip": ""}))


def test_a_plain_bastion_needs_no_aws() -> None:
    cfg = BastionConfig(host="b.example.com", user="ops", port=2200, key_file="/k")
    prepared = prepare_route(TunnelSpec("t", cfg, TunnelTarget("db", 5432)))
    assert (prepared.host, prepared.port, prepared.host_key_alias, prepared.key, prepared.carrier) == (
        "b.example.com", 2200, "b.example.com", None, None)


def test_an_ec2_bastion_without_aws_clients_or_ssh_is_refused_plainly() -> None:
    with pytest.raises(BastionRouteError, match="No AWS session"):
        prepare_route(TunnelSpec("t", _cfg(push_key=True), TunnelTarget("db", 5432)))
    with pytest.raises(BastionRouteError, match="opens no SSH"):
        prepare_route(TunnelSpec("t", _cfg(transport="ssm-forward"), TunnelTarget("db", 5432),
                                 aws_clients=lambda *a: None))


def test_aws_clients_stay_out_of_repr_and_comparison() -> None:
    a = TunnelSpec("t", _cfg(), TunnelTarget("db", 5432), aws_clients=lambda *a: "secret-ish")
    b = TunnelSpec("t", _cfg(), TunnelTarget("db", 5432))
    assert a == b and "lambda" not in repr(a)


def _pushed_route(pushes: list) -> PreparedRoute:
    key = EphemeralKey()
    r = PreparedRoute("127.0.0.1", 22, FACTS.instance_id, "x", key=key, facts=FACTS, os_user="ec2-user")
    r.push_again = lambda: pushes.append(key)  # the AWS call itself is covered with moto
    return r


def test_login_pushes_again_once_then_explains() -> None:
    pushes, attempts = [], []

    def refused_once():
        attempts.append(1)
        if len(attempts) == 1:
            raise AuthenticationRejected("refused")
        return "up"

    assert _pushed_route(pushes).login(refused_once) == "up" and len(pushes) == 1

    def always_refused():
        raise AuthenticationRejected("refused")

    pushes.clear()
    with pytest.raises(AuthenticationRejected, match="refused the key pushed with EC2 Instance Connect for 'ec2-user', twice"):
        _pushed_route(pushes).login(always_refused)
    assert len(pushes) == 1


def test_login_without_a_pushed_key_never_retries() -> None:
    calls = []

    def refused():
        calls.append(1)
        raise AuthenticationRejected("refused")

    with pytest.raises(AuthenticationRejected, match="^refused$"):
        PreparedRoute("h", 22, "h", "x").login(refused)
    assert calls == [1]


def test_cleanup_closes_the_carrier_once() -> None:
    closed = []
    r = PreparedRoute("i", 22, "i", "x", carrier=Carrier(label="c", close=lambda: closed.append(1), expires_at=5.0))
    assert r.expires_at == 5.0
    r.cleanup()
    r.cleanup()
    assert closed == [1]


def test_a_push_close_to_its_end_is_renewed_right_before_the_login() -> None:
    import time

    pushes: list = []
    r = _pushed_route(pushes)
    r.key.pushed_at = time.monotonic()
    r.ensure_key_fresh()
    assert pushes == []  # just pushed: nothing to do
    r.key.pushed_at = time.monotonic() - 50  # 10 s left of its 60-s window
    r.ensure_key_fresh()
    assert len(pushes) == 1
