"""MySQL column types as the content editor's base types, and enum labels read from COLUMN_TYPE."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.content.introspect import Column
from aurora_console.core.db.content.mysql.introspect import base_type, enum_labels
from aurora_console.core.db.content.values import InvalidValue, parse_cell


def test_base_types():
    assert base_type("int", "int(11)") == "int4"
    assert base_type("int", "int(10) unsigned") == "int8"
    assert base_type("bigint", "bigint(20) unsigned") == "numeric"
    assert base_type("tinyint", "tinyint(1)") == "int2"
    assert base_type("decimal", "decimal(10,2)") == "numeric"
    assert base_type("double", "double") == "float8"
    assert base_type("varchar", "varchar(255)") == "varchar"
    assert base_type("char", "char(2)") == "bpchar"
    assert base_type("longtext", "longtext") == "text"
    assert base_type("json", "json") == "json"
    assert base_type("datetime", "datetime(6)") == "timestamp"
    assert base_type("timestamp", "timestamp") == "timestamp"
    assert base_type("date", "date") == "date"
    assert base_type("blob", "blob") == "bytea"
    assert base_type("enum", "enum('a','b')") == "text"


def test_an_unsigned_int_column_takes_values_a_signed_one_refuses():
    col = Column("n", "int(10) unsigned", "db", "int", base_type("int", "int(10) unsigned"))
    assert parse_cell(col, "4000000000") == "4000000000"
    signed = Column("n", "int(11)", "db", "int", base_type("int", "int(11)"))
    try:
        parse_cell(signed, "4000000000")
    except InvalidValue as e:
        assert "out of range" in str(e)
    else:
        raise AssertionError("a signed int accepted 4000000000")


def test_enum_labels():
    assert enum_labels("enum('admin','author','guest')") == ("admin", "author", "guest")
    assert enum_labels("enum('it''s','a,b')") == ("it's", "a,b")
    assert enum_labels("varchar(10)") == ()


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\\"),
                        max_size=12), min_size=1, max_size=6))
def test_enum_labels_round_trip_as_mysql_writes_them(labels):
    column_type = "enum(" + ",".join("'" + label.replace("'", "''") + "'" for label in labels) + ")"
    assert enum_labels(column_type) == tuple(labels)
