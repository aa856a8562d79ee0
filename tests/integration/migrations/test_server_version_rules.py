"""The engine decides `ALTER TYPE ... ADD VALUE` by the version of the server it is connected to
(Flyway's PostgreSQLParser.detectCanExecuteInTransaction: outside a transaction before PostgreSQL 12,
flyway/flyway flyway-database/flyway-database-postgresql/src/main/java/org/flywaydb/database/
postgresql/PostgreSQLParser.java). The rig runs a current PostgreSQL, so an "old" server is a real
connection whose libpq ``server_version`` reads 110022: the decision must come from the
connection, not from a default."""

from __future__ import annotations

import psycopg
import pytest

from aurora_console.core.db.migrations import MigrationRunner

pytestmark = pytest.mark.integration

ADD_VALUE = "ALTER TYPE mood ADD VALUE 'sad';\n"


class _Info:
    def __init__(self, real, version):
        self._real, self.server_version = real, version

    def __getattr__(self, name):
        return getattr(self._real, name)


class _ReportsVersion(psycopg.Connection):
    reported_version = 110022

    @property
    def info(self):
        return _Info(super().info, self.reported_version)


def _runner(db, folder, version):
    cls = type("Conn", (_ReportsVersion,), {"reported_version": version})
    return MigrationRunner(lambda: cls.connect(db.dsn), folder.path, table="flyway_schema_history")


@pytest.mark.parametrize("version, in_transaction", [(110022, False), (120000, True)])
def test_add_value_runs_outside_a_transaction_on_servers_before_12(db, folder, sql, version, in_transaction):
    folder.write("V1__type.sql", "CREATE TYPE mood AS ENUM ('happy');\n")
    folder.write("V2__add.sql", ADD_VALUE)
    runner = _runner(db, folder, version)
    applied = runner.migrate()
    assert [s.script for s in applied.prepared] == ["V1__type.sql", "V2__add.sql"]
    decision = applied.prepared[1].transaction
    assert decision.in_transaction is in_transaction
    if not in_transaction:
        assert decision.reason == "ALTER TYPE ... ADD VALUE (PostgreSQL before 12) at line 1"
    assert sql("SELECT enum_range(NULL::mood)::text") == [("{happy,sad}",)]
