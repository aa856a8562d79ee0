"""An EC2 bastion's settings (AwsBastion, BastionConfig with ``aws``): validated whole, any input
either accepted as it is or refused with a ValidationError (property tests), and the rules
between fields (no key file with a pushed key, a jump host only for the direct transport)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.errors import ValidationError
from aurora_console.core.ssh.config import AWS_TRANSPORTS, AwsBastion, BastionConfig, JumpHost

anything = st.one_of(st.none(), st.text(max_size=300), st.binary(max_size=20), st.integers(), st.booleans(),
                     st.floats(allow_nan=True), st.lists(st.text(max_size=5), max_size=3))
ok = dict(instance="sandbox-bastion", region="us-east-1")


def _outcome(**fields):
    try:
        return AwsBastion(**{**ok, **fields}).validate()
    except ValidationError as exc:
        assert exc.message
        return None


@given(anything)
def test_instance_is_an_id_or_a_name_tag_exactly(value) -> None:
    got = _outcome(instance=value)
    if got is not None:
        assert re.fullmatch(r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?", value) or re.fullmatch(r"[^\x00-\x1f]{1,255}", value)


@given(anything)
def test_region_is_a_region_name_exactly(value) -> None:
    if _outcome(region=value) is not None:
        assert re.fullmatch(r"[a-z]{2}(?:-[a-z]+)+-[0-9]", value)


@given(anything)
def test_endpoint_id_is_empty_or_eice(value) -> None:
    if _outcome(endpoint_id=value) is not None:
        assert value == "" or re.fullmatch(r"eice-[0-9a-f]{8,17}", value)


@given(st.one_of(anything, st.integers(min_value=-10**30, max_value=10**30)))
def test_tunnel_seconds_is_a_whole_number_60_to_3600(value) -> None:
    if _outcome(max_tunnel_seconds=value) is not None:
        assert type(value) is int and 60 <= value <= 3600


@given(anything, anything, anything)
def test_transport_profile_and_push_key(transport, profile, push) -> None:
    got = _outcome(transport=transport, aws_profile=profile, push_key=push)
    if got is not None:
        assert transport in AWS_TRANSPORTS and isinstance(push, bool)
        assert profile in (None, "") or re.fullmatch(r"[A-Za-z0-9_.@+=,/-]{1,128}", profile)
        assert not (transport == "ssm-forward" and push)


@pytest.mark.parametrize("text", ["i-0123456789abcdef0", "i-01234567", "bastion 1", "ünïcode-bastion"])
def test_good_instances(text) -> None:
    assert AwsBastion(instance=text, region="eu-central-1").validate().instance == text


@pytest.mark.parametrize("text", ["", "a\nb", "x" * 256, "tab\there"])
def test_bad_instances(text) -> None:
    with pytest.raises(ValidationError, match="neither an instance id"):
        AwsBastion(instance=text, region="us-east-1").validate()


def test_a_pushed_key_needs_no_key_file_and_host_may_be_the_instance() -> None:
    cfg = BastionConfig(host="prod bastion", user="ec2-user",
                        aws=AwsBastion(instance="prod bastion", region="us-east-1", push_key=True))
    assert cfg.validate() is cfg and not cfg.needs_ssh_key
    assert cfg.label == "ec2-user@prod bastion (pushed key)"
    cfg.aws.push_key = False
    with pytest.raises(ValidationError, match="key file or enable ssh-agent"):
        cfg.validate()


def test_a_jump_host_only_with_the_direct_transport() -> None:
    aws = AwsBastion(instance="b", region="us-east-1", push_key=True, transport="eice")
    cfg = BastionConfig(host="b", user="ec2-user", aws=aws, jump=JumpHost("edge.example.com"))
    with pytest.raises(ValidationError, match="jump host works only with the direct transport"):
        cfg.validate()
    aws.transport = "direct"
    assert cfg.validate() is cfg
    assert cfg.label == "ec2-user@b (pushed key) via edge.example.com"


def test_an_address_override_is_still_validated() -> None:
    cfg = BastionConfig(host="not a host!", user="ec2-user", aws=AwsBastion(instance="b", region="us-east-1",
                                                                            push_key=True))
    with pytest.raises(ValidationError, match="bastion host"):
        cfg.validate()


def test_round_trip_through_dict() -> None:
    cfg = BastionConfig(host="b", user="ec2-user", port=22,
                        aws=AwsBastion(instance="b", region="us-east-1", push_key=True, transport="eice",
                                       endpoint_id="eice-0123456789abcdef0", max_tunnel_seconds=1800))
    assert BastionConfig.from_dict(cfg.to_dict()) == cfg
