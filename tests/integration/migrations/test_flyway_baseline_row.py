"""`baseline` on Flyway's history table writes the row Flyway writes: description and script
``<< Flyway Baseline >>`` (Flyway's default baselineDescription; ``Database.getBaselineStatement`` puts
the description in the script column too, checksum NULL, type BASELINE; flyway/flyway flyway-core/src/
main/java/org/flywaydb/core/internal/database/base/Database.java, flyway-13.0.0). Before: the
console's ``<< Baseline >>``. The console's own table keeps ``<< Baseline >>``; a given description wins."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aurora_console.core.db.migrations import MigrationRunner

pytestmark = pytest.mark.integration


def _baseline_row(sql, table):
    return sql(f"SELECT version, description, type, script, checksum, success FROM public.{table}")


def test_baseline_on_flyways_table_is_flyways_row(db, folder, sql):
    MigrationRunner(db.dsn, folder.path, table="flyway_schema_history").baseline("2")
    assert _baseline_row(sql, "flyway_schema_history") == [
        ("2", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, True)]


def test_cli_baseline_on_flyways_table_is_flyways_row(db, folder, sql):
    code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
    r = subprocess.run([sys.executable, "-c", code, "migrate", "baseline", "--dsn", db.dsn, "--dir",
                        str(folder.path), "--table", "flyway_schema_history", "--baseline-version", "3"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert _baseline_row(sql, "flyway_schema_history") == [
        ("3", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, True)]


def test_console_table_and_explicit_description(db, folder, sql):
    MigrationRunner(db.dsn, folder.path).baseline("1")
    assert _baseline_row(sql, "aurora_console_schema_history")[0][1] == "<< Baseline >>"
    MigrationRunner(db.dsn, folder.path, table="other", history_format="flyway").baseline("1", "adopted")
    assert _baseline_row(sql, "other")[0][1:4] == ("adopted", "BASELINE", "adopted")
