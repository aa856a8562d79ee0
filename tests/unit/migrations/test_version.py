"""Version parsing and ordering (1 < 1.1 < 2 < 10), with hypothesis."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations import Version, parse_name
from aurora_console.core.db.migrations.files import REPEATABLE, VERSIONED

pytestmark = pytest.mark.unit

parts = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=5)


def test_numeric_not_lexical_order():
    versions = [Version.parse(t) for t in ["10", "2", "1.1", "1", "1.10", "1.2", "2.0.1"]]
    assert [str(v) for v in sorted(versions)] == ["1", "1.1", "1.2", "1.10", "2", "2.0.1", "10"]


def test_trailing_zeros_are_equal():
    assert Version.parse("1") == Version.parse("1.0") == Version.parse("1_0_0")
    assert hash(Version.parse("1")) == hash(Version.parse("1.0"))


@given(parts, parts)
def test_order_matches_tuple_order_without_trailing_zeros(a, b):
    def norm(p):
        p = list(p)
        while len(p) > 1 and p[-1] == 0:
            p.pop()
        return tuple(p)

    va = Version.parse(".".join(map(str, a)))
    vb = Version.parse("_".join(map(str, b)))
    assert (va < vb) == (norm(a) < norm(b))
    assert (va == vb) == (norm(a) == norm(b))


@given(parts, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_ -]{0,30}", fullmatch=True))
def test_versioned_names_round_trip(p, desc):
    text = ".".join(map(str, p))
    parsed = parse_name(f"V{text}__{desc}.sql")
    assert parsed.kind == VERSIONED
    assert parsed.version == Version(tuple(p))
    assert parsed.description == desc.replace("_", " ").strip()


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_ ]{0,30}", fullmatch=True))
def test_repeatable_names(desc):
    parsed = parse_name(f"R__{desc}.sql")
    assert parsed.kind == REPEATABLE and parsed.version is None


@given(st.text(max_size=40))
def test_parse_name_never_crashes_and_rejects_with_a_reason(name):
    try:
        parsed = parse_name(name)
    except ValueError as e:
        assert str(e)  # always says why
    else:
        assert name.endswith(".sql") and name[0] in "VR" and parsed.kind in ("versioned", "repeatable")


@pytest.mark.parametrize("name, why", [
    ("v1__lower.sql", "upper-case"),
    ("V1_create.sql", "double underscore"),
    ("V1.a__x.sql", "digits"),
    ("R1__x.sql", "no version"),
    ("V1__.sql", "empty"),
    ("V1__x.txt", ".sql"),
    ("create_tables.sql", "expected"),
])
def test_malformed_names_say_why(name, why):
    with pytest.raises(ValueError, match=why):
        parse_name(name)


def test_bad_version_text():
    with pytest.raises(ValueError):
        Version.parse("1..2")
    with pytest.raises(ValueError):
        Version.parse("")
