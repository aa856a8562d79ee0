"""Validators refuse what AWS refuses (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.fleet.validation import (
    validate_az,
    validate_identifier,
    validate_instance_class,
    validate_tier,
)
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit


@given(st.integers(min_value=0, max_value=15))
def test_tiers_in_range_pass(n):
    assert validate_tier(n) == n
    assert validate_tier(str(n)) == n


@given(st.integers().filter(lambda n: n < 0 or n > 15))
def test_tiers_out_of_range_refused(n):
    with pytest.raises(ValidationError, match="outside 0-15"):
        validate_tier(n)


@pytest.mark.parametrize("bad", ["", "one", "1.5", None, True, 2.0, "  "])
def test_non_integer_tiers_refused(bad):
    with pytest.raises(ValidationError):
        validate_tier(bad)


_ident = st.from_regex(r"[a-z](?:[a-z0-9]|-[a-z0-9]){0,30}", fullmatch=True)


@given(_ident)
def test_well_formed_identifiers_pass(ident):
    assert validate_identifier(ident) == ident


@given(st.text(max_size=80))
def test_identifier_validator_never_accepts_bad_shapes(text):
    try:
        v = validate_identifier(text)
    except ValidationError:
        return
    assert 1 <= len(v) <= 63 and v[0].isalpha() and "--" not in v and not v.endswith("-")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in v)


@pytest.mark.parametrize("bad", ["", "   ", "1abc", "a--b", "abc-", "a_b", "a b", "x" * 64, None, 5])
def test_malformed_identifiers_refused(bad):
    with pytest.raises(ValidationError):
        validate_identifier(bad)


@pytest.mark.parametrize("good", ["db.r6g.large", "db.serverless", "db.x2g.16xlarge", "db.t4g.medium"])
def test_instance_classes(good):
    assert validate_instance_class(good) == good


@pytest.mark.parametrize("bad", ["", "r6g.large", "db.r6g", "db..large", "DB.R6G.LARGE", "db.r6g.large;x"])
def test_bad_instance_classes(bad):
    with pytest.raises(ValidationError):
        validate_instance_class(bad)


def test_availability_zones():
    assert validate_az("us-east-1a", "us-east-1") == "us-east-1a"
    assert validate_az("", "us-east-1") == "" and validate_az(None, "us-east-1") == ""
    for bad in ("eu-west-1a", "us-east-1", "us-east-1ab", "us-east-1A"):
        with pytest.raises(ValidationError):
            validate_az(bad, "us-east-1")
