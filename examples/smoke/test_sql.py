"""SQL editor: a read-only query runs and returns rows."""

import pytest

pytest.importorskip("aurora_console.testing.pages_sql", reason="the SQL page object is not installed")

from targets import DB_PROFILE  # noqa: E402


def test_query_runs(console):
    sql = console.sql(DB_PROFILE)
    (result,) = sql.run("select current_database(), current_setting('server_version_num')::int")
    assert result.error() is None
    (row,) = result.values()
    assert row[0] and row[1] >= 130000
