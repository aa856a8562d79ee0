"""Password masking (history, autosave, errors) on MySQL text: backtick identifiers and ``#``
comments, which psql's lexer reads otherwise, never hide a password from the mask."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.mysql_dialect import quote_ident
from aurora_console.core.db.sql_secrets import mask_sql_secrets

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("sql", [
    "CREATE USER `it's` IDENTIFIED BY 'Secr3tPw'",
    "SELECT 1 # it's\nCREATE USER u IDENTIFIED BY 'Secr3tPw'",
    "CREATE USER `a``b'` IDENTIFIED BY 'Secr3tPw'",
    "ALTER USER `o'neil`@'%' IDENTIFIED WITH mysql_native_password BY 'Secr3tPw'",
    "SET PASSWORD FOR `x'y` = 'Secr3tPw'",
    "# note: don't\nSET PASSWORD = 'Secr3tPw'",
])
def test_mysql_only_quoting_does_not_hide_a_password(sql):
    masked = mask_sql_secrets(sql)
    assert "Secr3tPw" not in masked
    assert "***" in masked or "statement masked" in masked


def test_nothing_masked_without_a_password():
    for sql in ("SELECT '#', 'password' FROM t", "SELECT `it's` FROM t # it's", "SELECT a # b FROM t"):
        assert mask_sql_secrets(sql) == sql


_NAMES = st.text(alphabet="ab'\"#`;-/* \\\n", min_size=1, max_size=10)
_PASSWORDS = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=8, max_size=12)


@given(_NAMES, _PASSWORDS, st.text(alphabet="ab'\"`# ", max_size=10), st.booleans())
def test_password_never_left_in_clear(name, password, comment, set_password):
    user = quote_ident(name)
    sql = (f"SET PASSWORD FOR {user} = '{password}'" if set_password
           else f"CREATE USER {user} IDENTIFIED BY '{password}'")
    sql = f"SELECT 1 # {comment}\n{sql} # {comment}"
    assert password not in mask_sql_secrets(sql)


def test_a_backtick_name_that_is_one_doubled_backtick_still_masks_the_password():
    """```` is the name ` (a doubled backtick inside backticks): the identifier is closed, so the
    password after it is found (found by the property test above: it stayed in clear)."""
    sql = "SELECT 1 # '`\nCREATE USER ```` IDENTIFIED BY '22222222' # '`"
    assert "22222222" not in mask_sql_secrets(sql)
