import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.content.arrays import ArraySyntaxError, format_array, parse_array
from aurora_console.core.db.content.introspect import Column, trigger_assigned_columns
from aurora_console.core.db.content.slug import SLUG_PATTERN, slug_problem, suggest_slug
from aurora_console.core.db.content.values import MASK, InvalidValue, display_text, parse_cell

pytestmark = pytest.mark.unit


def col(base, **kw):
    kw.setdefault("type_ident", ("_" if kw.get("is_array") else "") + base)
    return Column(name=kw.pop("name", "c"), type_name=base, type_schema="pg_catalog", base_type=base, **kw)


def test_null_is_not_the_empty_string():
    assert parse_cell(col("text"), None) is None
    assert parse_cell(col("text"), "") == ""
    assert display_text(col("text"), None) == "NULL" and display_text(col("text"), "") == ""


@given(st.text(max_size=40))
def test_varchar_length(text):
    c = col("varchar", max_length=10)
    if "\x00" in text:
        with pytest.raises(InvalidValue):
            parse_cell(c, text)
    elif len(text) <= 10:
        assert parse_cell(c, text) == text
    else:
        with pytest.raises(InvalidValue, match="too long"):
            parse_cell(c, text)


@given(st.integers())
def test_integers_in_range(n):
    for base, bits in (("int2", 16), ("int4", 32), ("int8", 64)):
        if -(2 ** (bits - 1)) <= n < 2 ** (bits - 1):
            assert parse_cell(col(base), f" {n} ") == str(n)
        else:
            with pytest.raises(InvalidValue, match="out of range"):
                parse_cell(col(base), str(n))


@given(st.text())
def test_integer_parser_never_crashes(text):
    try:
        out = parse_cell(col("int4"), text)
    except InvalidValue:
        return
    assert int(out) == int(text.strip())



@pytest.mark.parametrize("base", ["int2", "int4", "int8", "numeric", "float4", "float8"])
@pytest.mark.parametrize("text", ["\u0663", "\uff11", "1\u0660", "\u00b3", "\u0967.5"])
def test_number_columns_refuse_digits_postgresql_does_not_read(base, text):
    """Python's int()/float()/Decimal() read any Unicode digit ('\u0663' is 3); the server does not."""
    with pytest.raises(InvalidValue, match="not a number"):
        parse_cell(col(base), text)


@given(st.text())
def test_number_columns_accept_ascii_only(text):
    for base in ("int4", "numeric", "float8"):
        try:
            parse_cell(col(base), text)
        except InvalidValue:
            continue
        assert text.strip().isascii()

@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-999999, max_value=999999))
def test_numeric_exact(d):
    out = parse_cell(col("numeric", numeric_precision=8, numeric_scale=2), str(d))
    assert Decimal(out) == d


def test_numeric_limits():
    c = col("numeric", numeric_precision=5, numeric_scale=2)
    assert parse_cell(c, "999.99") == "999.99"
    with pytest.raises(InvalidValue, match="too many digits"):
        parse_cell(c, "1000")
    assert parse_cell(col("numeric"), "0.1000000000000000000001") == "0.1000000000000000000001"
    with pytest.raises(InvalidValue):
        parse_cell(c, "1,5")


@pytest.mark.parametrize("text,expected", [("t", "true"), ("Yes", "true"), ("off", "false"), ("0", "false")])
def test_booleans(text, expected):
    assert parse_cell(col("bool"), text) == expected


def test_bad_boolean():
    with pytest.raises(InvalidValue, match="true or false"):
        parse_cell(col("bool"), "maybe")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=10))
def test_json_valid_values_accepted(value):
    text = json.dumps(value)
    assert parse_cell(col("jsonb"), text) == text


@pytest.mark.parametrize("text", ["{", "{'a': 1}", "NaN", "[1,]", "", "{\"a\": Infinity}"])
def test_invalid_json_rejected(text):
    with pytest.raises(InvalidValue, match="invalid JSON"):
        parse_cell(col("json"), text)


@pytest.mark.parametrize("base,text", [("timestamptz", "2026-11-27 10:00:00+02"), ("timestamptz", "2026-11-27T10:00Z"),
                                       ("timestamptz", "2026-11-27"), ("timestamp", "2026-11-27 10:00:00.5"),
                                       ("date", "2026-02-28"), ("time", "23:59:59"), ("timetz", "10:00:00+02"),
                                       ("date", "infinity")])
def test_temporal_ok(base, text):
    assert parse_cell(col(base), text)


@pytest.mark.parametrize("base,text", [("timestamptz", "yesterday-ish"), ("date", "2026-02-30"), ("time", "25:00")])
def test_temporal_bad(base, text):
    with pytest.raises(InvalidValue, match="not a valid"):
        parse_cell(col(base), text)


def test_enum_uuid_bytea_and_secret_display():
    mood = col("mood", enum_labels=("happy", "sad"))
    assert parse_cell(mood, "sad") == "sad"
    with pytest.raises(InvalidValue, match="happy, sad"):
        parse_cell(mood, "angry")
    assert parse_cell(col("uuid"), "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11") == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    with pytest.raises(InvalidValue, match="read-only"):
        parse_cell(col("bytea"), "\\x00")
    secret = col("text", name="password", secret=True)
    assert display_text(secret, "hash") == MASK and display_text(secret, "hash", revealed=True) == "hash"


def test_arrays_of_typed_elements():
    ints = col("int4", is_array=True)
    assert parse_cell(ints, "{1, 2 ,NULL}") == '{"1","2",NULL}'
    assert parse_cell(ints, "{{1,2},{3,4}}") == '{{"1","2"},{"3","4"}}'
    with pytest.raises(InvalidValue, match="whole number"):
        parse_cell(ints, "{1,x}")
    with pytest.raises(InvalidValue, match="not a valid array"):
        parse_cell(ints, "[1,2]")
    tags = col("varchar", is_array=True, max_length=3)
    with pytest.raises(InvalidValue, match="too long"):
        parse_cell(tags, "{ok,toolong}")


elements = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                                blacklist_characters="\x00"), max_size=8))


@given(st.lists(elements, max_size=6) | st.lists(st.lists(elements, min_size=2, max_size=2), max_size=3))
def test_array_literal_round_trip(items):
    assert parse_array(format_array(items)) == items


@pytest.mark.parametrize("text", ["{1,2", "{,}", "{1}x", '{"a}', "{a\"b}", "1,2"])
def test_array_syntax_errors(text):
    with pytest.raises(ArraySyntaxError):
        parse_array(text)


@given(st.text(max_size=60))
def test_slug_suggestion_is_always_well_formed(title):
    slug = suggest_slug(title)
    assert slug == "" or SLUG_PATTERN.match(slug)
    assert len(slug) <= 80


def test_slug_examples():
    assert suggest_slug("Hello, Wörld! Zero-downtime  2026") == "hello-world-zero-downtime-2026"
    assert slug_problem("Bad Slug") and slug_problem("") and not slug_problem("good-slug-2")


def test_trigger_assignments():
    src = 'BEGIN NEW.updated_at = now(); new."Modified By" := current_user; IF NEW.x == 1 THEN END IF; END'
    assert trigger_assigned_columns(src) == {"updated_at", "Modified By"}
