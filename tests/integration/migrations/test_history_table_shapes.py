"""A table named like the history table but not shaped like one is an error naming it, never a
traceback (before: `psycopg.errors.UndefinedColumn: column "description" does not exist` from
info/migrate/repair/baseline, on the rig's real PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aurora_console.core.db.migrations import MigrationError, MigrationRunner

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("ddl, missing", [
    # an integer checksum (looks like Flyway's) but most columns missing
    ("CREATE TABLE flyway_schema_history (installed_rank int, version varchar(50), checksum int)",
     "description, type, script, installed_by, installed_on, execution_time, success"),
    # the console's checksum type, no success column
    ("CREATE TABLE flyway_schema_history (installed_rank int, version varchar(50), description text,"
     " type text, script text, checksum varchar(64), installed_by text, installed_on timestamptz,"
     " execution_time int)", "success"),
])
def test_table_missing_history_columns_is_named(db, folder, sql, ddl, missing):
    sql(ddl)
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    runner = MigrationRunner(db.dsn, folder.path, table="flyway_schema_history")
    for op in (runner.info, runner.validate, runner.migrate, runner.repair, lambda: runner.baseline("1")):
        with pytest.raises(MigrationError, match=f"lacks the history columns {missing}"):
            op()
    assert sql("SELECT to_regclass('public.a')") == [(None,)]


def test_cli_on_a_table_missing_history_columns_exits_1_without_traceback(db, folder, sql):
    sql("CREATE TABLE flyway_schema_history (installed_rank int, version varchar(50), checksum int)")
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
    for command in ("info", "validate", "migrate", "repair", "baseline"):
        r = subprocess.run([sys.executable, "-c", code, "migrate", command, "--dsn", db.dsn, "--dir",
                            str(folder.path), "--table", "flyway_schema_history"],
                           capture_output=True, text=True, timeout=60)
        assert "Traceback" not in r.stderr, r.stderr
        assert r.returncode == 1, (command, r.stdout, r.stderr)
        assert "public.flyway_schema_history lacks the history columns" in r.stderr
