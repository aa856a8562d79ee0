"""Flyway's ignoreMigrationPatterns, parsed and matched as ValidatePattern does (flyway-13.0.0:
flyway-core/src/main/java/org/flywaydb/core/api/pattern/ValidatePattern.java; documentation/Reference/
Configuration/Flyway Namespace/Flyway Ignore Migration Patterns Setting.md: default '*:future', an
empty value clears it)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.ignore_patterns import (
    FLYWAY_DEFAULT,
    STATES,
    TYPES,
    IgnorePattern,
    IgnorePatterns,
)

pytestmark = pytest.mark.unit


def test_default_and_clearing():
    assert str(FLYWAY_DEFAULT) == "*:future" and IgnorePatterns.parse(None) == FLYWAY_DEFAULT
    assert FLYWAY_DEFAULT.ignores(True, "future") and FLYWAY_DEFAULT.ignores(False, "future")
    assert not FLYWAY_DEFAULT.ignores(True, "pending")
    assert IgnorePatterns.parse("").patterns == () and IgnorePatterns.parse([]).patterns == ()


def test_types_states_case_and_lists():
    p = IgnorePatterns.parse(" Repeatable:Missing , versioned:PENDING ")
    assert p.ignores(False, "missing") and not p.ignores(True, "missing")
    assert p.ignores(True, "pending") and not p.ignores(False, "pending")
    assert not p.ignores_all("pending")
    assert IgnorePatterns.parse(["*:missing", "repeatable:*"]).ignores(False, "ignored")
    assert IgnorePatterns.parse("*:*").ignores_all("future")


def test_with_pending_is_what_migrate_uses():
    p = FLYWAY_DEFAULT.with_pending()
    assert p.ignores_all("pending") and p.ignores_all("future") and p.with_pending() == p


@pytest.mark.parametrize("bad", ["future", "*:future:x", "table:missing", "*:failed", "*:success", ":"])
def test_bad_patterns_say_why(bad):
    with pytest.raises(ValueError, match="pattern"):
        IgnorePatterns.parse(bad)


@given(st.sampled_from(TYPES), st.sampled_from(STATES), st.booleans(), st.sampled_from(STATES[1:]))
def test_matching_follows_flyway(type_, state, versioned, actual):
    pattern = IgnorePattern.parse(f"{type_.upper()}:{state.title()}")
    expected = (state in ("*", actual)) and (type_ == "*" or type_ == ("versioned" if versioned else "repeatable"))
    assert pattern.matches(versioned, actual) == expected
    assert IgnorePatterns.parse(str(pattern)).patterns == (pattern,)


@given(st.text(max_size=30))
def test_parse_never_crashes_with_anything_but_a_reason(text):
    try:
        patterns = IgnorePatterns.parse(text)
    except ValueError as e:
        assert str(e)
    else:
        for p in patterns.patterns:
            assert p.type in TYPES and p.state in STATES
