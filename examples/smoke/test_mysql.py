"""Aurora MySQL: the MySQL profile connects with TLS and a query runs in the SQL editor."""

import pytest

pytest.importorskip("aurora_console.testing.pages_sql", reason="the SQL page object is not installed")

from targets import MYSQL_PROFILE  # noqa: E402


def test_mysql_connection_works(console):
    connections = console.connections
    assert MYSQL_PROFILE in connections.profiles()
    report = connections.test(MYSQL_PROFILE)  # "Test connection": raises the error it met
    assert report["tls"], report["summary"]
    assert report["server_version"].startswith(("MySQL ", "MariaDB ")), report["summary"]


def test_mysql_query_runs(console):
    sql = console.sql(MYSQL_PROFILE)
    (result,) = sql.run("SELECT DATABASE(), VERSION(), @@autocommit")
    assert result.error() is None
    (row,) = result.values()
    assert row[0] and str(row[1])[:1].isdigit() and int(row[2]) == 1
