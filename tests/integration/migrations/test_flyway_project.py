"""Flyway projects on the rig's PostgreSQL: transactions as Flyway decides them, .sql.conf, files with
their own BEGIN/COMMIT, placeholders (and the checksums they change), SQL callbacks, configuration.

Flyway sources the behaviour follows (github.com/flyway/flyway): PostgreSQLParser.java
(``detectCanExecuteInTransaction``), ParserSqlScript.java (mixed), SqlScriptMetadata.java
(``.sql.conf``), PlaceholderReplacingReader.java / ParsingContext.java (placeholders),
SqlMigrationResolver.java (repeatables checksummed after replacement), DbMigrate.java (callbacks).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import pytest

from aurora_console.core.db.migrations import DiscoveryError, MigrationFailed, MigrationRunner
from aurora_console.core.db.migrations.callbacks import CallbackFailed
from aurora_console.core.db.migrations.config import FlywayConfig, load_config
from aurora_console.core.db.migrations.errors import BaselineError
from tests.integration.migrations.conftest import history, table_exists

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def test_concurrently_and_vacuum_run_outside_a_transaction(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);\nINSERT INTO t SELECT generate_series(1, 100);")
    folder.write("V2__idx.sql", "-- CONCURRENTLY cannot run in a transaction block\n"
                                "CREATE INDEX CONCURRENTLY t_a ON t (a);")
    folder.write("V3__vacuum.sql", "VACUUM ANALYZE t;")
    folder.write("V4__drop_idx.sql", "DROP INDEX CONCURRENTLY t_a;\n-- comment: 'COMMIT;'\n")
    runner = MigrationRunner(db.dsn, folder.path)
    mig = {m.script: m for m in runner.discover().migrations}
    assert runner.prepare(mig["V2__idx.sql"]).transaction.reason == "CREATE INDEX CONCURRENTLY at line 2"
    assert runner.prepare(mig["V1__t.sql"]).transaction.in_transaction
    result = runner.migrate()
    assert [s.script for s in result.applied] == ["V1__t.sql", "V2__idx.sql", "V3__vacuum.sql", "V4__drop_idx.sql"]
    assert [r[4] for r in history(sql)] == [True] * 4
    assert sql("SELECT to_regclass('t_a')")[0][0] is None  # created, then dropped
    assert sql("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 't'")[0][0]


def test_sql_conf_execute_in_transaction_false(db, folder, sql):
    """Without a transaction, a failure leaves the earlier statements applied and is recorded failed."""
    folder.write("V1__a.sql", "CREATE TABLE a (id int);\nSELEC 1;\n")
    folder.write("V1__a.sql.conf", "# Flyway per-script configuration\nexecuteInTransaction=false\n")
    runner = MigrationRunner(db.dsn, folder.path)
    assert runner.prepare(runner.discover().migrations[0]).transaction.reason == (
        "V1__a.sql.conf: executeInTransaction=false")
    with pytest.raises(MigrationFailed) as ei:
        runner.migrate()
    assert ei.value.recorded_failed and ei.value.line == 2
    assert table_exists(sql, "a") and [r[4] for r in history(sql)] == [False]


def test_file_with_its_own_transactions_runs_as_written(db, folder, sql):
    folder.write("V1__own.sql", "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n"
                                "START TRANSACTION;\nCREATE TABLE b (id int);\nCOMMIT;\n")
    folder.write("V2__fails.sql", "CREATE TABLE c (id int);\nBEGIN;\nCREATE TABLE d (id int);\nSELEC 1;\nCOMMIT;\n")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(MigrationFailed) as ei:
        runner.migrate()
    assert ei.value.script == "V2__fails.sql" and ei.value.line == 4 and ei.value.recorded_failed
    # V1 ran as written; V2's own transaction was rolled back (d gone), c (before it) stays.
    assert table_exists(sql, "a") and table_exists(sql, "b")
    assert table_exists(sql, "c") and not table_exists(sql, "d")
    assert [(r[2], r[4]) for r in history(sql)] == [("V1__own.sql", True), ("V2__fails.sql", False)]
    assert sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0][0] == 0


def test_file_leaving_its_transaction_open_fails_and_is_rolled_back(db, folder, sql):
    folder.write("V1__open.sql", "BEGIN;\nCREATE TABLE a (id int);\n")
    with pytest.raises(MigrationFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert "still open" in ei.value.reason and "COMMIT" in ei.value.hint
    assert not table_exists(sql, "a")


def test_placeholders_are_replaced_and_checksummed_like_flyway(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE ${table_name} (id int, who text DEFAULT '${flyway:user}',"
                              " db text DEFAULT '${flyway:database}', s text DEFAULT '${flyway:defaultSchema}');")
    folder.write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT '${label}'::text AS label;")
    config = FlywayConfig(placeholders={"table_name": "things", "label": "one"})
    runner = MigrationRunner(db.dsn, folder.path, config=config)
    assert len(runner.migrate().applied) == 2
    assert sql("SELECT column_default FROM information_schema.columns WHERE table_name = 'things'"
               " AND column_name IN ('who', 'db', 's') ORDER BY column_name") == [
        (f"'{db.name}'::text",), ("'public'::text",), (f"'{db.conninfo['user']}'::text",)]
    assert sql("SELECT label FROM v") == [("one",)]
    v1_checksum = sql("SELECT checksum FROM aurora_console_schema_history WHERE script = 'V1__t.sql'")[0][0]
    # A new value: the repeatable runs again; the versioned file's checksum is the file's (unchanged).
    runner = MigrationRunner(db.dsn, folder.path, config=FlywayConfig(placeholders={"table_name": "other",
                                                                                    "label": "two"}))
    status = runner.info()
    assert {i.script: i.state for i in status.infos}["R__v.sql"] == "outdated"
    assert [s.script for s in runner.migrate().applied] == ["R__v.sql"]
    assert sql("SELECT label FROM v") == [("two",)] and runner.validate().ok
    assert sql("SELECT checksum FROM aurora_console_schema_history WHERE script = 'V1__t.sql'")[0][0] == v1_checksum


def test_missing_placeholder_blocks_the_run_naming_file_and_line(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__b.sql", "CREATE TABLE b (id int);\nGRANT SELECT ON b TO ${reader};\n")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(DiscoveryError) as ei:
        runner.migrate()
    assert "V2__b.sql: line 2: no value provided for placeholder: ${reader}" in str(ei.value)
    assert not table_exists(sql, "a")  # nothing ran
    off = MigrationRunner(db.dsn, folder.path, config=FlywayConfig(placeholder_replacement=False))
    with pytest.raises(MigrationFailed):  # sent as written: the server refuses '${reader}'
        off.migrate()


def test_callbacks_run_around_migrations_and_are_not_recorded(db, folder, sql, capsys):
    sql("CREATE TABLE cb_log (n serial, event text, at_file text)")
    folder.write("beforeMigrate.sql", "INSERT INTO cb_log (event) VALUES ('beforeMigrate');")
    folder.write("beforeEachMigrate__log.sql", "INSERT INTO cb_log (event, at_file) VALUES ('beforeEach', "
                                               "'${flyway:filename}');")
    folder.write("callbacks/afterEachMigrate.sql", "INSERT INTO cb_log (event) VALUES ('afterEach');")
    folder.write("afterMigrate.sql", "INSERT INTO cb_log (event) VALUES ('afterMigrate');\nVACUUM cb_log;")
    folder.write("afterMigrateError.sql", "INSERT INTO cb_log (event) VALUES ('afterMigrateError');")
    folder.write("beforeInfo.sql", "INSERT INTO cb_log (event) VALUES ('beforeInfo');")
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__idx.sql", "CREATE INDEX CONCURRENTLY a_id ON a (id);")
    runner = MigrationRunner(db.dsn, folder.path)
    assert len(runner.migrate().applied) == 2
    assert sql("SELECT event, at_file FROM cb_log ORDER BY n") == [
        ("beforeMigrate", None), ("beforeEach", "beforeEachMigrate__log.sql"), ("afterEach", None),
        ("beforeEach", "beforeEachMigrate__log.sql"), ("afterEach", None), ("afterMigrate", None)]
    assert [r[2] for r in history(sql)] == ["V1__a.sql", "V2__idx.sql"]
    runner.info()
    assert sql("SELECT count(*) FROM cb_log WHERE event = 'beforeInfo'") == [(1,)]
    from aurora_console.cli_migrate import main

    assert main(["migrate", "info", "--dsn", db.dsn, "--dir", str(folder.path), "--no-config"]) == 0
    assert ("callbacks: afterMigrate.sql, afterMigrateError.sql, beforeEachMigrate__log.sql, beforeInfo.sql, "
            "beforeMigrate.sql, callbacks/afterEachMigrate.sql") in capsys.readouterr().out
    # A failing afterEachMigrate rolls its (transactional) migration back; afterMigrateError runs.
    folder.write("callbacks/afterEachMigrate.sql", "INSERT INTO cb_log (event) VALUES ('afterEach');\nSELEC 1;")
    folder.write("V3__b.sql", "CREATE TABLE b (id int);")
    with pytest.raises(MigrationFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert "callbacks/afterEachMigrate.sql (afterEachMigrate) failed at line 2" in ei.value.reason
    assert not table_exists(sql, "b") and len(history(sql)) == 2
    assert sql("SELECT event FROM cb_log ORDER BY n DESC LIMIT 1") == [("afterMigrateError",)]


def test_configuration_schemas_and_baseline_on_migrate(db, folder, sql):
    sql("CREATE SCHEMA app; CREATE TABLE app.legacy (id int)")  # baselineOnMigrate looks at app
    folder.write("V1__legacy.sql", "CREATE TABLE legacy (id int);")
    folder.write("V2__new.sql", "CREATE TABLE fresh (id int);")
    (folder.path.parent / "flyway.conf").write_text(
        "flyway.schemas=app\nflyway.baselineOnMigrate=true\nflyway.baselineVersion=1\n")
    config = load_config(folder.path, env={})
    runner = MigrationRunner(db.dsn, folder.path, schema=config.history_schema, config=config)
    assert [s.script for s in runner.migrate().applied] == ["V2__new.sql"]
    assert table_exists(sql, "app.fresh")  # the default schema comes first on the search_path
    assert [r[3] for r in history(sql, "app.aurora_console_schema_history")] == ["BASELINE", "SQL"]


def run_cli(args, env):
    code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "migrate", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_cli_reads_a_flyway_project(db, tmp_path, sql):
    project = tmp_path / "project"
    (project / "conf").mkdir(parents=True)
    (project / "sql").mkdir()
    info = db.conninfo
    (project / "conf" / "flyway.conf").write_text(
        f"flyway.url=jdbc:postgresql://{info['host']}:{info['port']}/{db.name}\n"
        f"flyway.user={info['user']}\nflyway.password=${{TEST_DB_PASSWORD}}\n"
        "flyway.locations=filesystem:sql\nflyway.placeholders.owner=from_file\n")
    (project / "sql" / "V1__t.sql").write_text("CREATE TABLE t (owner text DEFAULT '${owner}');")
    (project / "sql" / "V2__idx.sql").write_text("CREATE INDEX CONCURRENTLY t_owner ON t (owner);")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "FLYWAY"))}
    env.update(TEST_DB_PASSWORD=info["password"], FLYWAY_PLACEHOLDERS_OWNER="from_env")
    r = run_cli(["info", "--dir", str(project / "sql")], env)
    assert r.returncode == 0, r.stderr
    assert "without a transaction: V2__idx.sql (CREATE INDEX CONCURRENTLY at line 1)" in r.stdout, r.stdout
    assert "Flyway configuration:" in r.stderr and info["password"] not in r.stdout + r.stderr
    assert "callbacks" not in r.stdout
    r = run_cli(["migrate", "--dir", str(project / "sql"), "--placeholder", "unused=x"], env)
    assert r.returncode == 0, r.stderr
    # Flyway's default table in a Flyway project; the environment's placeholder won over the file's.
    assert [row[2] for row in history(sql, "public.flyway_schema_history")] == ["V1__t.sql", "V2__idx.sql"]
    assert sql("SELECT column_default FROM information_schema.columns WHERE table_name = 't'") == [
        ("'from_env'::text",)]
    bad = project / "bad.conf"
    bad.write_text("flyway.locations=classpath:db/migration\n")
    r = run_cli(["info", "--config", str(bad), "--dsn", db.dsn, "--dir", str(project / "sql")], env)
    assert r.returncode == 2 and "classpath locations" in r.stderr, r.stderr


def test_cli_dry_run_shows_replaced_sql_and_transaction(db, folder):
    from aurora_console.cli_migrate import main

    folder.write("V1__idx.sql", "CREATE TABLE ${t} (a int);")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["migrate", "migrate", "--dsn", db.dsn, "--dir", str(folder.path), "--dry-run",
                     "--placeholder", "t=tab", "--no-config"])
    assert code == 0, err.getvalue()
    assert "-- V1__idx.sql (in a transaction)\nCREATE TABLE tab (a int);" in out.getvalue()


def test_sql_conf_encoding(db, folder, sql):
    folder.write("V1__latin1.sql", "CREATE TABLE café (nom text DEFAULT 'crème');".encode("latin-1"))
    folder.write("V1__latin1.sql.conf", "encoding=ISO-8859-1\n")
    folder.write("V2__bad.sql", "SELECT 1;")
    folder.write("V2__bad.sql.conf", "executeInTransaction=sometimes\n")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(DiscoveryError) as ei:
        runner.migrate()
    assert [(p.script, p.kind) for p in ei.value.problems] == [("V2__bad.sql", "script_config")]
    assert "V2__bad.sql.conf: invalid value for executeInTransaction" in str(ei.value)
    (folder.path / "V2__bad.sql.conf").unlink()
    assert len(runner.migrate().applied) == 2
    assert sql("SELECT column_default FROM information_schema.columns WHERE table_name = 'café'") == [
        ("'crème'::text",)]


def test_error_and_validate_callbacks(db, folder, sql):
    sql("CREATE TABLE cb_log (n serial, event text)")
    folder.write("afterEachMigrateError.sql", "INSERT INTO cb_log (event) VALUES ('afterEachMigrateError');")
    folder.write("beforeValidate.sql", "INSERT INTO cb_log (event) VALUES ('beforeValidate');")
    folder.write("afterValidate.sql", "INSERT INTO cb_log (event) VALUES ('afterValidate');")
    folder.write("V1__bad.sql", "CREATE TABLE a (id int);\nSELEC 1;")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(MigrationFailed):
        runner.migrate()
    assert sql("SELECT event FROM cb_log ORDER BY n") == [("afterEachMigrateError",)]
    folder.write("V1__bad.sql", "CREATE TABLE a (id int);")
    runner.migrate()
    assert runner.validate().ok
    assert sql("SELECT event FROM cb_log ORDER BY n") == [
        ("afterEachMigrateError",), ("beforeValidate",), ("afterValidate",)]


def test_for_project_uses_the_folders_configuration(db, folder, sql):
    (folder.path / "flyway.conf").write_text("flyway.placeholders.t=from_conf\nflyway.outOfOrder=true\n")
    folder.write("V1__t.sql", "CREATE TABLE ${t} (a int);")
    runner = MigrationRunner.for_project(db.dsn, folder.path, env={})
    assert runner.history.table == "flyway_schema_history" and runner.out_of_order
    runner.migrate()
    assert table_exists(sql, "from_conf")
    assert MigrationRunner.for_project(db.dsn, folder.path, env={}, table="other").history.table == "other"


def test_cli_bad_ignore_pattern_is_a_usage_error(db, folder, capsys):
    from aurora_console.cli_migrate import main

    code = main(["migrate", "info", "--dsn", db.dsn, "--dir", str(folder.path), "--no-config",
                 "--ignore-migration-patterns", "*:gone"])
    assert code == 2 and "*:gone" in capsys.readouterr().err


def test_a_broken_callback_is_an_error_not_a_traceback(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("beforeMigrate.sql", "BEGIN;\nCREATE TABLE cb (id int);\nSELEC 1;\nCOMMIT;")
    with pytest.raises(CallbackFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert "beforeMigrate.sql, line 3 (beforeMigrate) failed" in ei.value.message
    assert not table_exists(sql, "cb") and not table_exists(sql, "a")
    folder.write("beforeMigrate.sql", "SELECT 1;")
    folder.write("beforeMigrate.sql.conf", "executeInTransaction=perhaps\n")
    with pytest.raises(CallbackFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert "cannot read it" in ei.value.message and "beforeMigrate.sql.conf" in ei.value.message


def test_new_enum_value_used_in_its_own_transaction_gets_a_hint(db, folder):
    folder.write("V1__mood.sql", "CREATE TYPE mood AS ENUM ('ok');")
    folder.write("V2__sad.sql", "ALTER TYPE mood ADD VALUE 'sad';\nSELECT 'sad'::mood;\n")
    with pytest.raises(MigrationFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert ei.value.sqlstate == "55P04" and "V2__sad.sql.conf with executeInTransaction=false" in ei.value.hint
    folder.write("V2__sad.sql.conf", "executeInTransaction=false\n")
    assert [s.script for s in MigrationRunner(db.dsn, folder.path).migrate().applied] == ["V2__sad.sql"]


def test_flyway_history_is_not_created_over_an_existing_schema(db, folder, sql):
    """Flyway's migrate refuses a non-empty schema that has no history table (it says to baseline
    or set baselineOnMigrate) instead of running V1 over objects that already exist; with Flyway's
    history format the console does the same, and baselineOnMigrate still baselines. Other history
    tables (the console's own) and the history table's own indexes are not objects of the schema."""
    sql("CREATE TABLE legacy (id int)")
    folder.write("V1__legacy.sql", "CREATE TABLE legacy (id int);")
    folder.write("V2__new.sql", "CREATE TABLE fresh (id int);")
    runner = MigrationRunner(db.dsn, folder.path, table="flyway_schema_history")
    with pytest.raises(BaselineError, match=r'non-empty schema\(s\) "public" but no schema history table'):
        runner.migrate()
    assert not table_exists(sql, "flyway_schema_history") and not table_exists(sql, "fresh")

    (folder.path.parent / "flyway.conf").write_text("flyway.baselineOnMigrate=true\nflyway.baselineVersion=1\n")
    config = load_config(folder.path, env={})
    runner = MigrationRunner(db.dsn, folder.path, table="flyway_schema_history", config=config)
    assert [s.script for s in runner.migrate().applied] == ["V2__new.sql"]


def test_a_console_history_beside_is_not_an_object_of_the_schema(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    MigrationRunner(db.dsn, folder.path).migrate()  # the console's own history table
    sql("DROP TABLE a")
    flyway = MigrationRunner(db.dsn, folder.path, table="flyway_schema_history")
    assert [s.script for s in flyway.migrate().applied] == ["V1__a.sql"]
