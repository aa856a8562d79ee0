from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aurora_console.core.connections.aws_names import validate_parameter_name, validate_secret_id
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ["/web/blog/database/secret", "plain_name", "a.b-c", "/x",
                                  "arn:aws:ssm:us-east-1:123456789012:parameter/web/blog/db"])
def test_valid_parameter_names(name):
    assert validate_parameter_name(name) == name


@pytest.mark.parametrize("name", ["", "web/blog", "/web//blog", "/web/", "/has space", "/aws/x", "ssm-thing",
                                  "/" + "/".join(["a"] * 16), "x" * 2049, "/bad*char"])
def test_invalid_parameter_names(name):
    with pytest.raises(ValidationError):
        validate_parameter_name(name)


@given(st.text(max_size=80))
@example("0\n")  # once accepted and kept: re.match(r"^...$") allows a newline before the end
@example("/web/blog/db\n")
def test_parameter_validator_never_crashes_and_accepts_only_allowed_chars(text):
    try:
        validate_parameter_name(text)
    except ValidationError:
        return
    assert text and all(c.isascii() and (c.isalnum() or c in "_.-/:") for c in text)


@given(st.lists(st.from_regex(r"[a-z0-9_.-]{1,10}", fullmatch=True), min_size=1, max_size=15))
def test_generated_hierarchies_are_valid(levels):
    name = "/" + "/".join(levels)
    if levels[0].startswith(("aws", "ssm")):
        return
    assert validate_parameter_name(name) == name


@pytest.mark.parametrize("sid", ["blog/db", "rds!cluster-abc", "a+b=c.d@e-f",
                                 "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf"])
def test_valid_secret_ids(sid):
    assert validate_secret_id(sid) == sid


@pytest.mark.parametrize("sid", ["", "has space", "x" * 513, "arn:aws:s3:::bucket", "semi;colon"])
def test_invalid_secret_ids(sid):
    with pytest.raises(ValidationError):
        validate_secret_id(sid)


@given(st.text(max_size=100))
@example("blog/db\n")
def test_secret_validator_never_crashes(text):
    try:
        assert validate_secret_id(text) == text
    except ValidationError:
        return
    assert all(c.isascii() and (c.isalnum() or c in "/_+=.@!-:") for c in text)
