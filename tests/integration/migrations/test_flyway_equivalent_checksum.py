"""A repeatable with placeholders recorded with the checksum of its file as written (no replacement)
is up to date, as in Flyway: ``SqlMigrationResolver`` gives a repeatable two checksums, the one after
placeholder replacement and an *equivalent* one of the file as written, and
``ResolvedMigrationImpl.checksumMatches`` accepts either; ``DbRepair`` then rewrites the row to the
replaced checksum (``checksumMatchesWithoutBeingIdentical``). flyway/flyway flyway-core/src/main/java/
org/flywaydb/core/internal/resolver/sql/SqlMigrationResolver.java, .../resolver/ResolvedMigrationImpl.java,
.../internal/command/DbRepair.java (flyway-13.0.0). Such rows are what a run with
placeholderReplacement=false (or a Flyway before repeatables were checksummed after replacement) left.
Before: the console called the view "outdated" and ran it again."""

from __future__ import annotations

import psycopg
import pytest

from aurora_console.core.db.migrations import MigrationRunner
from aurora_console.core.db.migrations.checksum import flyway_checksum
from aurora_console.core.db.migrations.config import FlywayConfig
from tests.integration.migrations.test_flyway_takeover import FLYWAY_DDL, FLYWAY_INSERT

pytestmark = pytest.mark.integration

VIEW = "CREATE OR REPLACE VIEW ${name} AS SELECT 1 AS one;\n"


def _runner(db, folder):
    return MigrationRunner(db.dsn, folder.path, table="flyway_schema_history",
                           config=FlywayConfig(placeholders={"name": "v_one"}))


@pytest.fixture
def recorded_raw(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);\n")
    folder.write("R__view.sql", VIEW)
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute(FLYWAY_DDL.format(schema="public"))
        conn.execute("CREATE TABLE a (id int); CREATE VIEW v_one AS SELECT 1 AS one")
        conn.execute(FLYWAY_INSERT.format(schema="public"),
                     [1, "1", "a", "SQL", "V1__a.sql", flyway_checksum("CREATE TABLE a (id int);\n"), "fw", 5, True])
        conn.execute(FLYWAY_INSERT.format(schema="public"),
                     [2, None, "view", "SQL", "R__view.sql", flyway_checksum(VIEW), "fw", 5, True])
    return folder


def test_raw_checksum_of_a_repeatable_is_equivalent(db, recorded_raw, sql):
    runner = _runner(db, recorded_raw)
    status = runner.info()
    assert status.pending == []
    runner.validate()
    assert runner.migrate().applied == []
    assert sql("SELECT count(*) FROM flyway_schema_history") == [(2,)]


def test_repair_rewrites_the_equivalent_checksum_to_the_replaced_one(db, recorded_raw, sql):
    runner = _runner(db, recorded_raw)
    result = runner.repair()
    assert result.realigned == ["R__view.sql"]
    replaced = flyway_checksum(VIEW.replace("${name}", "v_one"))
    assert sql("SELECT checksum FROM flyway_schema_history WHERE script = 'R__view.sql'") == [(replaced,)]
    assert runner.info().pending == [] and not runner.repair().changed


def test_a_repeatable_edited_since_still_reruns(db, recorded_raw, sql):
    recorded_raw.write("R__view.sql", VIEW.replace("1 AS one", "2 AS one"))
    runner = _runner(db, recorded_raw)
    assert [m.script for m in runner.info().pending] == ["R__view.sql"]
    assert [s.script for s in runner.migrate().applied] == ["R__view.sql"]
    assert sql("SELECT one FROM v_one") == [(2,)]


def test_repair_preview_names_the_equivalent_checksum(db, recorded_raw):
    from aurora_console.core.db.migrations.repair import repair_preview

    assert repair_preview(_runner(db, recorded_raw).info()).realigned == ["R__view.sql"]
