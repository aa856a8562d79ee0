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
    assert str(parsed.version) == text
    assert parsed.description == desc.replace("_", " ")  # as Flyway records it: not trimmed


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
        assert name.lower().endswith(".sql")
        assert (name[0] in "VRUB") or parsed.kind == "callback"


@pytest.mark.parametrize("name, why", [
    ("v1__lower.sql", "upper-case"),
    ("V1_create.sql", "double underscore"),
    ("V1.a__x.sql", "digits"),
    ("R1__x.sql", "no version"),
    ("V1__x.txt", ".sql"),
    ("create_tables.sql", "expected"),
])
def test_malformed_names_say_why(name, why):
    with pytest.raises(ValueError, match=why):
        parse_name(name)


@pytest.mark.parametrize("name, kind, version, description", [
    ("V1__.sql", "versioned", "1", ""),  # Flyway accepts an empty description
    ("V1.sql", "versioned", "1", ""),
    ("V1_1__two__parts.sql", "versioned", "1.1", "two  parts"),  # split at the first '__' only
    ("V04_11__x_.sql", "versioned", "04.11", "x "),
    ("R__.sql", "repeatable", None, ""),
    ("U3__undo_it.sql", "undo", "3", "undo it"),
    ("beforeMigrate.sql", "callback", None, ""),
    ("afterEachMigrateError__log.sql", "callback", None, "log"),
])
def test_flyway_names(name, kind, version, description):
    """ResourceNameParser (flyway-13.0.0): prefix, version before the first '__', '_' -> ' '."""
    parsed = parse_name(name)
    assert (parsed.kind, None if parsed.version is None else str(parsed.version), parsed.description) == (
        kind, version, description)


def test_version_text_as_written_compared_numerically():
    """MigrationVersion.toString() is the raw version with '_' -> '.', leading zeros kept."""
    assert str(Version.parse("04_11")) == "04.11" and Version.parse("04.11") == Version.parse("4.11")
    assert Version.parse("4.2") < Version.parse("04.11") < Version.parse("4.11.1")
    assert str(Version.parse("1_0_0")) == "1.0.0"


def test_bad_version_text():
    with pytest.raises(ValueError):
        Version.parse("1..2")
    with pytest.raises(ValueError):
        Version.parse("")


@pytest.mark.parametrize("name", ["Users.sql", "Backup_notes.sql", "README.sql", "views.sql", "Views_old.sql"])
def test_plain_sql_file_names_get_the_general_advice(name):
    with pytest.raises(ValueError, match="expected V<version>__<description>.sql") as ei:
        parse_name(name)
    assert "double underscore" not in str(ei.value) and "digits" not in str(ei.value)


# Flyway documents "Version may only contain 0..9 and . (dot)" (flyway/flyway flyway-core/src/main/java/
# org/flywaydb/core/api/MigrationVersion.java; its parse goes through java.math.BigInteger, which
# happens to accept other Unicode digits too: we follow the documented rule). Python's \d and int()
# accept every Unicode decimal digit (Arabic-Indic ١, fullwidth １, Devanagari १...): such a name
# must not become version 1.
_NON_ASCII_DIGITS = st.characters(categories=("Nd",)).filter(lambda c: not ("0" <= c <= "9"))


@given(_NON_ASCII_DIGITS)
def test_non_ascii_digits_are_not_a_version(digit):
    with pytest.raises(ValueError):
        Version.parse(digit)
    with pytest.raises(ValueError):
        Version.parse(f"1.{digit}")
    with pytest.raises(ValueError):
        parse_name(f"V{digit}__x.sql")
    with pytest.raises(ValueError):
        parse_name(f"V1_{digit}__x.sql")


def test_arabic_indic_one_is_an_ignored_file_not_version_1(tmp_path):
    from aurora_console.core.db.migrations.files import discover

    (tmp_path / "V\u0661__x.sql").write_text("SELECT 1;")
    (tmp_path / "V1__y.sql").write_text("SELECT 1;")
    d = discover(tmp_path)
    assert [m.script for m in d.migrations] == ["V1__y.sql"]
    assert d.ignored == ["V\u0661__x.sql"]
    assert not d.problems
