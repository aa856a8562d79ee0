"""Every statement kind PostgreSQL refuses inside a transaction block runs, unchanged, from a
migration file on the rig's real server (Flyway's list, PostgreSQLParser.detectCanExecuteInTransaction,
flyway/flyway flyway-database/flyway-database-postgresql/src/main/java/org/flywaydb/database/
postgresql/PostgreSQLParser.java, plus REINDEX ... CONCURRENTLY): CREATE/DROP DATABASE, REINDEX
SCHEMA, REINDEX TABLE CONCURRENTLY, ALTER SYSTEM, VACUUM, CREATE/DROP INDEX CONCURRENTLY. Each would
fail with "cannot run inside a transaction block" if the engine wrapped it in the file's transaction.
The unit tests (tests/unit/core/db/migrations/test_transactions.py) cover the decision; this covers the run."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import MigrationRunner

pytestmark = pytest.mark.integration


def test_statements_refused_in_a_transaction_run_from_files(db, folder, sql):
    other = f"{db.name}_made_by_migration"[:63]
    files = {
        "V1__create_db.sql": f'CREATE DATABASE "{other}";\n',
        "V2__drop_db.sql": f'DROP DATABASE "{other}";\n',
        "V3__t.sql": "CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\n",
        "V4__reindex.sql": "-- rebuild without blocking writes\nREINDEX TABLE CONCURRENTLY t;\n",
        "V5__reindex_schema.sql": "REINDEX SCHEMA public;\n",
        "V6__alter_system.sql": "ALTER SYSTEM SET log_min_duration_statement = -1;\n",
        "V7__alter_system_reset.sql": "ALTER SYSTEM RESET log_min_duration_statement;\n",
        "V8__vacuum.sql": "VACUUM (ANALYZE) t;\n",
        "V9__idx.sql": "CREATE UNIQUE INDEX CONCURRENTLY t_a_u ON t (a);\n",
        "V10__drop_idx.sql": "DROP INDEX CONCURRENTLY t_a_u;\n",
    }
    for name, text in files.items():
        folder.write(name, text)
    try:
        runner = MigrationRunner(db.dsn, folder.path, table="flyway_schema_history")
        result = runner.migrate()
    finally:
        sql(f'DROP DATABASE IF EXISTS "{other}"')
        sql("ALTER SYSTEM RESET log_min_duration_statement")
    scripts = sorted(files, key=lambda n: int(n[1:n.index("__")]))
    assert [s.script for s in result.applied] == scripts
    assert all(not p.transaction.in_transaction for p in result.prepared if p.migration.script != "V3__t.sql")
    assert sql("SELECT count(*), bool_and(success) FROM flyway_schema_history") == [(10, True)]
    assert sql("SELECT 1 FROM pg_database WHERE datname = %s", [other]) == []
    assert sql("SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1") == [("t_a",)]
    runner.validate()
