"""MySQL identifier quoting and server flavour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.mysql_dialect import AURORA_3_BASE, flavour_of, qualified, quote_ident
from aurora_console.core.db.mysql_split import split_mysql

pytestmark = pytest.mark.unit


def test_quote_ident():
    assert quote_ident("orders") == "`orders`"
    assert quote_ident("we`ird") == "`we``ird`"
    assert quote_ident("a b;c") == "`a b;c`"
    assert qualified("shop", "order items", None) == "`shop`.`order items`"
    for bad in ("", "a\x00b", None, b"x", 3):
        with pytest.raises(ValueError):
            quote_ident(bad)


@given(st.text(alphabet=st.characters(blacklist_characters="\x00"), min_size=1, max_size=30))
def test_quoted_identifier_is_one_token_to_the_splitter(name):
    """Whatever the name holds (backticks, ';', quotes, comment starts), the quoted identifier
    never ends a statement: a statement built with it splits back whole."""
    sql = f"SELECT 1 AS {quote_ident(name)}"
    assert [s.text for s in split_mysql(sql + "; SELECT 2")] == [sql, "SELECT 2"]
    body = quote_ident(name)[1:-1]
    assert body.replace("``", "") .count("`") == 0


@pytest.mark.parametrize("version, mariadb, numbers, tree, analyze", [
    ("10.11.9-MariaDB-0+deb12u1", True, (10, 11, 9), False, False),
    ("8.0.39", False, (8, 0, 39), True, True),
    ("8.0.15-log", False, (8, 0, 15), False, False),
    ("8.0.17", False, (8, 0, 17), True, False),
    ("5.7.12", False, (5, 7, 12), False, False),
    ("8.0.mysql_aurora.3.05.2", False, AURORA_3_BASE, True, True),
    ("5.5.5-10.6.14-MariaDB", True, (5, 5, 5), False, False),
    ("", False, (0, 0, 0), False, False),
])
def test_flavour_of(version, mariadb, numbers, tree, analyze):
    f = flavour_of(version)
    assert f.mariadb is mariadb and f.version == numbers
    assert f.explain_tree is tree and f.explain_analyze is analyze
    assert f.name == ("MariaDB" if mariadb else "MySQL")


def test_statement_timeout_sql():
    assert flavour_of("8.0.39").statement_timeout_sql(1500) == "SET SESSION max_execution_time = 1500"
    assert flavour_of("10.11.9-MariaDB").statement_timeout_sql(1500) == "SET SESSION max_statement_time = 1.500"
    assert flavour_of("10.11.9-MariaDB").statement_timeout_sql(0) == "SET SESSION max_statement_time = 0.000"
    with pytest.raises(ValueError):
        flavour_of("8.0.39").statement_timeout_sql(-1)
