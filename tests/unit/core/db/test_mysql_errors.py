"""MySQL driver errors worded for the SQL editor."""

from __future__ import annotations

import pytest

from aurora_console.core.db.mysql_errors import error_position, from_mysql
from aurora_console.core.db.sql_errors import (
    CANCELLED,
    CONNECTION,
    READ_ONLY,
    SERVER,
    SYNTAX,
    TIMEOUT,
    SqlError,
)

pytestmark = pytest.mark.unit


class FakeDriverError(Exception):
    """What the driver raises: ``args == (code, text)``."""


class InterfaceError(Exception):
    pass


@pytest.mark.parametrize("code, kind", [
    (1064, SYNTAX), (1317, CANCELLED), (1969, TIMEOUT), (3024, TIMEOUT), (1792, READ_ONLY), (1290, READ_ONLY),
    (2013, CONNECTION), (2006, CONNECTION), (1927, CONNECTION), (1146, SERVER), (1213, SERVER),
])
def test_kinds_by_code(code, kind):
    err = from_mysql(FakeDriverError(code, "some text"), "SELECT 1")
    assert err.kind == kind and err.code == code
    assert err.user_text().startswith("ERROR: some text")
    assert f"(MySQL error {code})" in err.user_text()


def test_packet_too_large_says_so_plainly():
    err = from_mysql(FakeDriverError(1153, "Got a packet bigger than 'max_allowed_packet' bytes"))
    assert err.message.startswith("max_allowed_packet exceeded")
    assert "max_allowed_packet" in err.hint and "LEFT(" in err.hint
    assert err.kind == CONNECTION and "reconnect" in err.hint  # the server closes the connection after it
    lost = from_mysql(FakeDriverError(2020, "Got packet bigger than 'max_allowed_packet' bytes"))
    assert lost.kind == CONNECTION and "reconnect" in lost.hint


def test_interface_error_and_sqlerror_pass_through():
    err = from_mysql(InterfaceError(0, ""))
    assert err.kind == CONNECTION and err.message == "The connection to the server was lost."
    same = SqlError("x")
    assert from_mysql(same) is same


def test_deadlock_hint():
    assert "deadlock" in from_mysql(FakeDriverError(1213, "Deadlock found")).hint


def test_error_position_from_near_at_line():
    sql = "SELECT 1,\n  FROM t"
    msg = ("You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server "
           "version for the right syntax to use near 'FROM t' at line 2")
    assert error_position(sql, msg) == sql.index("FROM") + 1
    assert error_position("SELECT (", "... near '' at line 1") == len("SELECT (")
    assert error_position(sql, "Unknown column 'x' in 'field list'") is None
    assert error_position("", msg) is None
    err = from_mysql(FakeDriverError(1064, msg), sql)
    assert err.position == sql.index("FROM") + 1
