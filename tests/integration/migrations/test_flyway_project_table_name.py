"""A Flyway project that names its history table (``flyway.table=schema_changes``) gets Flyway's
table layout and CRC32 checksums, not the console's format: Flyway creates every history table it
uses in its format (PostgreSQLDatabase.getRawCreateScript, flyway/flyway flyway-database/
flyway-database-postgresql/src/main/java/org/flywaydb/database/postgresql/PostgreSQLDatabase.java),
so the console and Flyway can take turns on it. Before: any name other than flyway_schema_history
was created in the console's sha256 format, which Flyway cannot read. An existing table in the
console's format keeps being read as such (the table decides)."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import MigrationRunner
from aurora_console.core.db.migrations.checksum import flyway_checksum

pytestmark = pytest.mark.integration

V1 = "CREATE TABLE a (id int);\n"


def test_configured_table_of_a_flyway_project_is_created_in_flyways_format(db, folder, sql):
    folder.write("V1__a.sql", V1)
    (folder.path / "flyway.conf").write_text("flyway.table=schema_changes\n")
    runner = MigrationRunner.for_project(db.dsn, folder.path, env={})
    assert [s.script for s in runner.migrate().applied] == ["V1__a.sql"]
    assert runner.info().history_label == "Flyway history (schema_changes)"
    assert sql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
               " WHERE attrelid = 'public.schema_changes'::regclass AND attname = 'checksum'") == [("integer",)]
    assert sql("SELECT version, type, checksum FROM public.schema_changes") == [("1", "SQL", flyway_checksum(V1))]


def test_existing_console_table_of_that_name_is_still_read(db, folder, sql):
    folder.write("V1__a.sql", V1)
    MigrationRunner(db.dsn, folder.path, table="schema_changes", history_format="console").migrate()
    (folder.path / "flyway.conf").write_text("flyway.table=schema_changes\n")
    folder.write("V2__b.sql", "CREATE TABLE b (id int);\n")
    runner = MigrationRunner.for_project(db.dsn, folder.path, env={})
    assert runner.info().history_label == "Aurora Console history (schema_changes)"
    assert [s.script for s in runner.migrate().applied] == ["V2__b.sql"]


def test_without_a_configuration_file_a_new_named_table_is_the_consoles(db, folder, sql):
    folder.write("V1__a.sql", V1)
    runner = MigrationRunner.for_project(db.dsn, folder.path, env={}, table="schema_changes")
    runner.migrate()
    assert runner.info().history_label == "Aurora Console history (schema_changes)"
