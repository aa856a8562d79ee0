"""What the migrations screen reads for a folder (core.db.migrations.overview): the history table a
DBA expects, its format, how each file runs, ignored files and external entries."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import MigrationRunner, connection_factory
from aurora_console.core.db.migrations.overview import project_runner, read_overview

pytestmark = pytest.mark.integration


def overview_of(db, folder, **kwargs):
    return read_overview(project_runner(connection_factory(db.dsn), folder.path, **kwargs))


def test_a_plain_folder_on_an_empty_database_uses_the_consoles_own_history(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    ov = overview_of(db, folder)
    assert (ov.table, ov.history_format, ov.history_found) == ("aurora_console_schema_history", "console", False)
    assert ov.history_text == "Aurora Console history (public.aurora_console_schema_history; not created yet)"
    assert ov.config_sources == () and ov.ignored == [] and ov.external == []
    assert ov.transactions["V1__a.sql"].in_transaction


def test_the_history_table_the_database_has_decides_the_consoles_first(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    MigrationRunner(db.dsn, folder.path, table="flyway_schema_history").migrate()
    ov = overview_of(db, folder)
    assert (ov.table, ov.history_format, ov.history_found) == ("flyway_schema_history", "flyway", True)
    assert [i.state for i in ov.status.infos] == ["applied"]

    MigrationRunner(db.dsn, folder.path).baseline("1")  # now both tables exist: the console's own wins
    assert overview_of(db, folder).table == "aurora_console_schema_history"
    assert overview_of(db, folder, table="flyway_schema_history").table == "flyway_schema_history"  # explicit


def test_a_flyway_configuration_names_the_table_and_the_files_that_cannot_run(db, folder):
    folder.write("flyway.conf", "flyway.table=app_history\n")
    folder.write("V1__a.sql", "CREATE TABLE ${name} (id int);")
    folder.write("V2__b.sql", "VACUUM;")
    folder.write("V3_wrong_name.sql", "SELECT 1;")
    ov = overview_of(db, folder)
    assert ov.table == "app_history" and ov.config_sources and ov.config_sources[0].endswith("flyway.conf")
    assert ov.history_text == "Flyway history (public.app_history; not created yet)"  # a Flyway project's table
    assert "name" in ov.transactions["V1__a.sql"].problem  # a placeholder without a value: cannot run
    assert ov.without_transaction() == {"V2__b.sql": "VACUUM at line 1"}
    assert [w.script for w in ov.ignored] == ["V3_wrong_name.sql"]


def test_callbacks_the_console_runs_and_those_it_ignores(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("beforeMigrate.sql", "SET lock_timeout = '5s';")
    folder.write("afterMigrate__grants.sql", "SELECT 1;")
    folder.write("beforeClean.sql", "SELECT 1;")
    ov = overview_of(db, folder)
    assert ov.callbacks == ("afterMigrate__grants.sql", "beforeMigrate.sql")
    assert [(w.script, w.message) for w in ov.ignored] == [
        ("beforeClean.sql", "a Flyway beforeClean callback: the console does not run beforeClean callbacks")]
    assert list(ov.transactions) == ["V1__a.sql"]  # callbacks are not migrations
