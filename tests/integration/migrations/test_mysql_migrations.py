"""The migrations engine on a real MySQL-compatible server (the rig's MariaDB): the same runner,
Flyway's history table in MySQL types, the GET_LOCK lock, implicit DDL commits recorded as a
failure part-way, validate/info/repair on it, the bundled MySQL blog schema."""

from __future__ import annotations

import threading
import time

import pytest

from aurora_console.core.db.migrations import (
    LockTimeout,
    MigrationFailed,
    MigrationRunner,
    ValidationFailed,
    apply_bundled_blog_schema,
)
from aurora_console.core.db.migrations.checksum import flyway_checksum
from aurora_console.core.db.migrations.mysql.lock import java_string_hash, lock_name
from aurora_console.core.db.migrations.mysql.runner import MySqlMigrationRunner
from aurora_console.core.db.migrations.status import APPLIED, FAILED, PENDING

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def query(db, sql, params=None):
    conn = db.connect()
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        conn.close()


def tables(db) -> set[str]:
    return {r[0] for r in query(db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
                                [db.name])}


def runner(db, folder, **kw) -> MigrationRunner:
    return MigrationRunner(db.connect, folder.path, engine="mysql", **kw)


def test_a_mysql_profile_connection_picks_the_mysql_runner(mysql_server, mysql_db, mysql_profile, folder):
    from aurora_console.core.connections.opener import open_connection

    pc = open_connection(mysql_profile, password=mysql_server.password)
    try:
        r = MigrationRunner(pc.connect, folder.path)
        assert isinstance(r, MySqlMigrationRunner)
        folder.write("V1__one.sql", "CREATE TABLE one (id INT PRIMARY KEY);\n")
        assert [s.script for s in r.migrate().applied] == ["V1__one.sql"]
        assert r.history.schema == mysql_db.name  # the profile's database
    finally:
        pc.close()


def test_migrate_info_validate_in_flyway_history_with_mysql_types(mysql_db, folder):
    folder.write("V1__create.sql", "# a MySQL comment\nCREATE TABLE `items` (id INT PRIMARY KEY, name VARCHAR(20));\n"
                                   "INSERT INTO items VALUES (1, 'it''s');\n")
    folder.write("V2__proc.sql", "DELIMITER //\nCREATE PROCEDURE add_item(IN n VARCHAR(20))\nBEGIN\n"
                                 "  INSERT INTO items (id, name) SELECT COALESCE(MAX(id), 0) + 1, n FROM items;\n"
                                 "END //\nDELIMITER ;\nCALL add_item('two');\n")
    folder.write("R__view.sql", "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n")
    r = runner(mysql_db, folder, table="flyway_schema_history")
    events = []
    result = r.migrate(on_event=events.append)
    assert [s.script for s in result.applied] == ["V1__create.sql", "V2__proc.sql", "R__view.sql"]
    assert "applying V1__create.sql (2 statement(s), CREATE TABLE at line 2 commits implicitly)" in [
        ev.message for ev in events]
    assert query(mysql_db, "SELECT name FROM items ORDER BY id") == (("it's",), ("two",))
    columns = dict(query(mysql_db, "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                                   " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'flyway_schema_history'", [mysql_db.name]))
    assert columns["checksum"].startswith("int") and columns["success"] == "tinyint(1)"
    assert columns["installed_on"] == "timestamp"
    indexes = {r[0] for r in query(mysql_db, "SELECT INDEX_NAME FROM information_schema.STATISTICS"
                                   " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'flyway_schema_history'", [mysql_db.name])}
    assert indexes == {"PRIMARY", "flyway_schema_history_s_idx"}
    rows = query(mysql_db, "SELECT version, type, checksum, success, installed_by FROM flyway_schema_history"
                           " ORDER BY installed_rank")
    v1 = (folder.path / "V1__create.sql").read_text()
    assert rows[0][:4] == ("1", "SQL", flyway_checksum(v1), 1)
    assert rows[2][0] is None and rows[0][4] == mysql_db.params["user"]
    status = r.info()
    assert [i.state for i in status.infos] == [APPLIED, APPLIED, APPLIED] and status.ok
    assert r.validate().ok
    folder.write("V3__more.sql", "ALTER TABLE items ADD COLUMN price INT;\n")
    assert [i.state for i in r.info().infos][2] == PENDING
    with pytest.raises(ValidationFailed):
        r.validate()


def test_a_failure_part_way_keeps_the_ddl_and_is_recorded_failed_at_its_statement(mysql_db, folder):
    folder.write("V1__base.sql", "CREATE TABLE base (id INT PRIMARY KEY);\n")
    folder.write("V2__part_way.sql", "CREATE TABLE a (id INT);\n"
                                     "CREATE TABLE b (id INT);\n"
                                     "\n"
                                     "INSERT INTO missing_table VALUES (1);\n"
                                     "CREATE TABLE c (id INT);\n")
    r = runner(mysql_db, folder, table="flyway_schema_history")
    with pytest.raises(MigrationFailed) as failed:
        r.migrate()
    e = failed.value
    assert e.recorded_failed and e.line == 4
    assert "statements 1-2 (lines 1-2) stay applied" in e.message and "statement 3 of 4" in e.message
    assert "repair" in e.hint
    assert {"a", "b"} <= tables(mysql_db) and "c" not in tables(mysql_db)
    row = query(mysql_db, "SELECT description, success FROM flyway_schema_history WHERE version = '2'")
    assert row == (("part way (failed at statement 3 of 4, line 4; statements 1-2 stay applied)", 0),)
    status = r.info()
    info = next(i for i in status.infos if i.script == "V2__part_way.sql")
    assert info.state == FAILED and info.description == "part way"
    assert info.applied.failure == "failed at statement 3 of 4, line 4; statements 1-2 stay applied"
    with pytest.raises(ValidationFailed) as invalid:
        r.validate()
    assert "statements 1-2 stay applied" in invalid.value.message and "repair" in invalid.value.message
    with pytest.raises(ValidationFailed):  # never reported as applied: migrate refuses to go on
        r.migrate()
    # the user cleans up, fixes the file, repairs, migrates
    query(mysql_db, "DROP TABLE a, b")
    folder.write("V2__part_way.sql", "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\nCREATE TABLE c (id INT);\n")
    from aurora_console.core.db.migrations import repair_preview

    preview = repair_preview(r.info())
    assert preview.failed_notes == {"V2__part_way.sql": info.applied.failure}
    repaired = r.repair()
    assert repaired.removed_failed == ["V2__part_way.sql"]
    assert "statements 1-2 stay applied" in repaired.lines()[0]
    assert [s.script for s in r.migrate().applied] == ["V2__part_way.sql"]
    assert {"a", "b", "c"} <= tables(mysql_db)
    assert r.validate().ok


def test_a_failure_with_nothing_committed_rolls_back_and_records_nothing(mysql_db, folder):
    folder.write("V1__t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n")
    folder.write("V2__dml.sql", "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n")
    r = runner(mysql_db, folder)
    with pytest.raises(MigrationFailed) as failed:
        r.migrate()
    assert not failed.value.recorded_failed and "rolled back" in failed.value.message
    assert query(mysql_db, "SELECT COUNT(*) FROM t") == ((0,),)
    assert [i.state for i in r.info().infos] == [APPLIED, PENDING]


def test_lock_contention_between_two_runners(mysql_db, folder):
    folder.write("V1__slow.sql", "CREATE TABLE s (id INT);\nDO SLEEP(1.5);\n")
    first = runner(mysql_db, folder)
    second = runner(mysql_db, folder, lock_timeout=0.3)
    events = []
    started = threading.Event()
    errors = []

    def run_first():
        try:
            first.migrate(on_event=lambda ev: started.set() if ev.kind == "start" else None)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    t = threading.Thread(target=run_first)
    t.start()
    assert started.wait(10)
    with pytest.raises(LockTimeout) as timeout:
        second.migrate(on_event=events.append)
    t.join(20)
    assert not errors
    name = lock_name(mysql_db.name, "aurora_console_schema_history")
    assert name in timeout.value.message and "connection" in timeout.value.message
    assert any("waiting for the migrations lock" in ev.message for ev in events)
    # once released, the other runner finds nothing left to do
    assert runner(mysql_db, folder).migrate().applied == []


def test_lock_is_flywayss_named_lock(mysql_db, folder):
    assert java_string_hash("hello") == 99162322  # Java's "hello".hashCode()
    name = lock_name(mysql_db.name, "flyway_schema_history")
    holder = mysql_db.connect()
    try:
        cur = holder.cursor()
        cur.execute("SELECT GET_LOCK(%s, 0)", [name])  # as Flyway would hold it
        assert cur.fetchone()[0] == 1
        folder.write("V1__x.sql", "CREATE TABLE x (id INT);\n")
        with pytest.raises(LockTimeout):
            runner(mysql_db, folder, table="flyway_schema_history", lock_timeout=0.2).migrate()
    finally:
        holder.close()
    assert runner(mysql_db, folder, table="flyway_schema_history").migrate().applied


def test_checksums_are_the_same_on_both_engines(mysql_db, new_database, folder):
    text = "-- comment\nCREATE TABLE cs (id INT);\r\nINSERT INTO cs VALUES (1);\n"
    folder.write("V1__cs.sql", text)
    runner(mysql_db, folder, table="flyway_schema_history").migrate()
    pg = new_database()
    MigrationRunner(pg.dsn, folder.path, table="flyway_schema_history").migrate()
    import psycopg

    with psycopg.connect(pg.dsn) as conn:
        pg_sum = conn.execute("SELECT checksum FROM flyway_schema_history WHERE version = '1'").fetchone()[0]
    my_sum = query(mysql_db, "SELECT checksum FROM flyway_schema_history WHERE version = '1'")[0][0]
    assert pg_sum == my_sum == flyway_checksum(text)


def test_bundled_mysql_blog_schema(mysql_db):
    result = apply_bundled_blog_schema(mysql_db.connect, engine="mysql")
    assert [s.script for s in result.applied] == ["V1__create_blog_schema.sql", "V2__constraints_and_indexes.sql",
                                                  "V3__sample_content.sql"]
    assert {"posts", "comments", "users", "social_accounts"} <= tables(mysql_db)
    assert query(mysql_db, "SELECT COUNT(*) FROM posts")[0][0] > 10
    comments = query(mysql_db, "SELECT COUNT(*) FROM comments")[0][0]
    assert comments >= 2 * query(mysql_db, "SELECT COUNT(*) FROM posts")[0][0]
    assert apply_bundled_blog_schema(mysql_db.connect, engine="mysql").applied == []


def test_placeholders_callbacks_and_baseline_on_mysql(mysql_db, folder):
    from aurora_console.core.db.migrations.config import FlywayConfig

    folder.write("V1__old.sql", "CREATE TABLE old_one (id INT);\n")
    folder.write("V2__owner.sql", "CREATE TABLE owned (who VARCHAR(50) DEFAULT '${owner}', db VARCHAR(64) "
                                  "DEFAULT '${flyway:database}', usr VARCHAR(64) DEFAULT '${flyway:user}');\n")
    folder.write("beforeMigrate.sql", "CREATE TABLE IF NOT EXISTS audit (event VARCHAR(30));\n"
                                      "INSERT INTO audit VALUES ('before');\n")
    folder.write("afterEachMigrate.sql", "INSERT INTO audit VALUES ('after each ${owner}');\n")
    config = FlywayConfig(placeholders={"owner": "app"})
    r = MigrationRunner(mysql_db.connect, folder.path, engine="mysql", config=config)
    row = r.baseline("1")
    assert row.baseline and str(row.version) == "1"
    assert [s.script for s in r.migrate().applied] == ["V2__owner.sql"]
    assert "old_one" not in tables(mysql_db)  # below the baseline: never run
    defaults = dict(query(mysql_db, "SELECT COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS"
                                    " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'owned'", [mysql_db.name]))
    assert {k: v.strip("'") for k, v in defaults.items()} == {"who": "app", "db": mysql_db.name,
                                                              "usr": mysql_db.params["user"]}
    assert query(mysql_db, "SELECT event FROM audit") == (("before",), ("after each app",))


def test_a_flyway_project_schema_is_a_mysql_database(mysql_db, new_mysql_database, folder):
    from aurora_console.core.db.migrations.config import FlywayConfig

    other = f"{mysql_db.name}_app"
    new_mysql_database.made.append(other)  # dropped at teardown
    folder.write("V1__t.sql", "CREATE TABLE t (id INT);\n")
    config = FlywayConfig(schemas=(other,))
    r = MigrationRunner(mysql_db.connect, folder.path, engine="mysql", config=config,
                        **config.runner_settings())
    r.migrate()
    assert query(mysql_db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s ORDER BY 1",
                 [other]) == (("aurora_console_schema_history",), ("t",))
    assert r.info().ok


def test_a_lost_work_connection_is_recorded_failed_through_the_lock_connection(mysql_db, folder):
    folder.write("V1__lost.sql", "CREATE TABLE before_loss (id INT);\nDO SLEEP(20);\nCREATE TABLE after_loss (id INT);\n")
    r = runner(mysql_db, folder, table="flyway_schema_history")
    errors = []

    def run():
        try:
            r.migrate()
        except MigrationFailed as e:
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 15
    victim = None
    while victim is None and time.monotonic() < deadline:
        found = query(mysql_db, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
                                " AND INFO LIKE 'DO SLEEP%%'")  # this test's database: the server is shared
        victim = found[0][0] if found else None
        time.sleep(0.05)
    assert victim is not None
    query(mysql_db, f"KILL CONNECTION {int(victim)}")
    t.join(30)
    [e] = errors
    assert e.connection_lost and e.recorded_failed and "connection to the server was lost" in e.message
    assert "statement 1 (line 1) stays applied" in e.message
    assert "before_loss" in tables(mysql_db) and "after_loss" not in tables(mysql_db)
    [info] = r.info().infos
    assert info.state == FAILED and info.applied.failure.startswith("failed at statement 2 of 3, line 2")


def test_a_database_flyway_migrated_is_taken_over(mysql_db, folder):
    from aurora_console.core.db.migrations.mysql.history import flyway_create_statements
    from aurora_console.core.db.migrations.overview import project_runner, read_overview

    text = "CREATE TABLE flyway_made (id INT);\n"
    folder.write("V1__flyway_made.sql", text)
    folder.write("V2__next.sql", "CREATE TABLE next_one (id INT);\n")
    conn = mysql_db.connect()
    try:
        cur = conn.cursor()
        for statement in flyway_create_statements(mysql_db.name, "flyway_schema_history"):
            cur.execute(statement)
        cur.execute(text)
        cur.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    " installed_by, execution_time, success) VALUES (1, '1', 'flyway made', 'SQL',"
                    " 'V1__flyway_made.sql', %s, 'flyway', 12, 1)", [flyway_checksum(text)])
    finally:
        conn.close()
    def connect():
        return mysql_db.connect()

    connect.engine_name = "mysql"  # a plain factory says which engine it speaks
    r = project_runner(connect, folder.path)
    assert isinstance(r, MySqlMigrationRunner) and r.history.table == "flyway_schema_history"
    overview = read_overview(r)
    assert overview.history_format == "flyway" and overview.schema == mysql_db.name
    assert [i.state for i in overview.status.infos] == [APPLIED, PENDING]
    assert [s.script for s in r.migrate().applied] == ["V2__next.sql"]
    assert query(mysql_db, "SELECT checksum FROM flyway_schema_history WHERE version = '2'")[0][0] == \
        flyway_checksum((folder.path / "V2__next.sql").read_text())


def test_a_mysql_factory_given_to_the_postgresql_runner_is_refused_plainly(mysql_db, folder):
    from aurora_console.core.db.migrations import MigrationError

    folder.write("V1__x.sql", "CREATE TABLE x (id INT);\n")
    with pytest.raises(MigrationError, match="not a PostgreSQL one") as refused:
        MigrationRunner(mysql_db.connect, folder.path).info()
    assert 'engine="mysql"' in refused.value.hint


def test_a_syntax_error_names_the_file_line_mysql_reports_within_the_statement(mysql_db, folder):
    folder.write("V1__syntax.sql", "CREATE TABLE ok_one (id INT);\n\n-- the next statement is wrong on its 3rd line\n"
                                   "CREATE TABLE broken (\n  id INT,\n  name VARCHAR(10) NOT NULL NOT NULL DEFAULTT 'x'\n);\n")
    with pytest.raises(MigrationFailed) as failed:
        runner(mysql_db, folder).migrate()
    assert failed.value.line == 6  # MySQL said "at line 3" of the statement that starts at line 4
    assert failed.value.sqlstate == "1064" and "statement 2 of 2" in failed.value.message
