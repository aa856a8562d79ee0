"""Flyway's schemas on migrate, as Flyway does them (flyway/flyway flyway-core/src/main/java/org/
flywaydb/core/Flyway.java ``migrate``, internal/command/DbSchemas.java ``create``, internal/
schemahistory/SchemaHistory.java ``addSchemasMarker``, flyway-13.0.0):

* schemas that do not exist are created (createSchemas), and then the history table gets Flyway's
  ``SCHEMA`` marker row: installed_rank 0, description ``<< Flyway Schema Creation >>``, script the
  created schemas quoted and comma-separated, no version, no checksum;
* baselineOnMigrate looks at the schemas *before* the history table exists: a schema holding only
  the history table (and its own indexes) is empty, so nothing is baselined. Before: the history
  table's primary key index counted as an object and a fresh schema was baselined."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import MigrationRunner

pytestmark = pytest.mark.integration


def _runner(db, folder, conf: str):
    (folder.path / "flyway.conf").write_text(conf)
    return MigrationRunner.for_project(db.dsn, folder.path, env={})


def _rows(sql, table):
    return sql(f"SELECT installed_rank, version, description, type, script, checksum, success FROM {table}"
               " ORDER BY installed_rank")


def test_created_schemas_get_flyways_marker_row(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);\n")
    runner = _runner(db, folder, "flyway.schemas=app_a,app_b\nflyway.baselineOnMigrate=true\n")
    assert [s.script for s in runner.migrate().applied] == ["V1__a.sql"]
    rows = _rows(sql, "app_a.flyway_schema_history")
    assert rows[0] == (0, None, "<< Flyway Schema Creation >>", "SCHEMA", '"app_a","app_b"', None, True)
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [(1, "1", "SQL")]
    runner.validate()
    assert runner.info().current_version is not None


def test_existing_schemas_get_no_marker(db, folder, sql):
    sql("CREATE SCHEMA app_a")
    folder.write("V1__a.sql", "CREATE TABLE a (id int);\n")
    _runner(db, folder, "flyway.schemas=app_a\n").migrate()
    assert [r[3] for r in _rows(sql, "app_a.flyway_schema_history")] == ["SQL"]


def test_baseline_on_migrate_only_for_a_schema_with_objects(db, folder, sql):
    sql("CREATE SCHEMA app_a; CREATE SCHEMA app_b; CREATE TABLE app_b.legacy (id int)")
    folder.write("V1__legacy.sql", "CREATE TABLE legacy (id int);\n")
    folder.write("V2__new.sql", "CREATE TABLE fresh (id int);\n")
    # app_a exists and is empty: no baseline, both files run (in app_a, first on the search_path)
    _runner(db, folder, "flyway.schemas=app_a\nflyway.baselineOnMigrate=true\n").migrate()
    assert [(r[1], r[3]) for r in _rows(sql, "app_a.flyway_schema_history")] == [("1", "SQL"), ("2", "SQL")]
    # app_b holds a table: baselined at 1, only V2 runs
    _runner(db, folder, "flyway.schemas=app_b\nflyway.baselineOnMigrate=true\n").migrate()
    assert [(r[1], r[3]) for r in _rows(sql, "app_b.flyway_schema_history")] == [("1", "BASELINE"), ("2", "SQL")]
