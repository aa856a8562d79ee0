"""Snapshot / cluster ids, account ids, KMS keys: RDS rules, refused before any AWS call."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.backups.snapshot_ids import (
    validate_account_ids,
    validate_kms_key,
    validate_region,
    validate_snapshot_id,
)
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

RDS_RULE = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$")


def rds_accepts(s: str) -> bool:
    return 1 <= len(s) <= 63 and bool(RDS_RULE.match(s)) and not s.endswith("-")


@pytest.mark.parametrize("bad, why", [
    ("", "empty"), ("1blog", "malformed"), ("blog--x", "malformed"), ("blog-", "malformed"),
    ("blog_x", "malformed"), ("a" * 64, "longer than 63"), ("blog snap", "malformed"),
])
def test_bad_snapshot_ids_refused(bad, why):
    with pytest.raises(ValidationError, match=why):
        validate_snapshot_id(bad)


def test_duplicates_refused_case_insensitively():
    with pytest.raises(ValidationError, match="already in use"):
        validate_snapshot_id("Blog-Before-PG16-Upgrade", ["blog-before-pg16-upgrade"])
    assert validate_snapshot_id("blog-2", ["blog-1"]) == "blog-2"


@given(st.text(alphabet="abcXYZ019-_ .", min_size=0, max_size=70))
def test_validator_agrees_with_the_rds_rule(s):
    if rds_accepts(s.strip()) and s.strip():
        assert validate_snapshot_id(s) == s.strip()
    else:
        with pytest.raises(ValidationError):
            validate_snapshot_id(s)


@given(st.from_regex(r"[a-z](?:[a-z0-9]|-[a-z0-9]){0,30}", fullmatch=True))
def test_valid_ids_pass_and_clash_with_themselves(s):
    assert validate_snapshot_id(s) == s
    with pytest.raises(ValidationError, match="already in use"):
        validate_snapshot_id(s, [s.upper()])


def test_account_ids():
    assert validate_account_ids("111122223333, 444455556666\n111122223333") == ["111122223333", "444455556666"]
    for bad, why in (("12345", "not an AWS account id"), ("all", "public"), ("", "No AWS account id"),
                     ("1111222233334", "not an AWS account id")):
        with pytest.raises(ValidationError, match=why):
            validate_account_ids(bad)


@given(st.lists(st.from_regex(r"[0-9]{12}", fullmatch=True), min_size=1, max_size=20))
def test_any_twelve_digit_ids_pass(ids):
    assert validate_account_ids(" ".join(ids)) == list(dict.fromkeys(ids))


def test_kms_keys_and_regions():
    assert validate_kms_key("alias/aws/rds") == "alias/aws/rds"
    assert validate_kms_key("") == ""
    arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert validate_kms_key(arn) == arn
    with pytest.raises(ValidationError, match="not a KMS key"):
        validate_kms_key("my key")
    assert validate_region("eu-west-1") == "eu-west-1"
    with pytest.raises(ValidationError, match="not an AWS region"):
        validate_region("Europe")
