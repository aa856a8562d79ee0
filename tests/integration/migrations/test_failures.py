"""Failures: syntax and runtime errors, lost connections, no-transaction files, two runners at once."""

import threading
import time

import psycopg
import pytest

from aurora_console.core.db.migrations import (
    DiscoveryError,
    LockTimeout,
    MigrationFailed,
    MigrationRunner,
    ValidationFailed,
)
from tests.integration.migrations.conftest import advisory_locks, history, table_exists

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


#: this test's own slow statement: the server is shared by the whole session, and a backend of another
#: test's database (one still ending after its termination) must neither be waited for nor terminated
SLOW = "pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(60)%%'"


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_syntax_error_mid_file_leaves_nothing_and_names_file_and_line(db, folder, sql):
    folder.write("V1__base.sql", "CREATE TABLE base (id int);")
    folder.write("V2__broken.sql",
                 "-- two good statements, then a typo\n"
                 "CREATE TABLE half (id int);\n"
                 "INSERT INTO base VALUES (1);\n"
                 "INSERT INTO base\n"
                 "  VALUES (2) RETURNIN id;\n"
                 "CREATE TABLE never (id int);\n")
    folder.write("V3__later.sql", "CREATE TABLE later (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(MigrationFailed) as ei:
        runner.migrate()
    e = ei.value
    assert e.script == "V2__broken.sql" and e.line == 5 and not e.recorded_failed
    assert "V2__broken.sql, line 5" in str(e) and "syntax error" in str(e)
    assert not table_exists(sql, "half") and not table_exists(sql, "never") and not table_exists(sql, "later")
    assert sql("SELECT count(*) FROM base")[0][0] == 0
    assert history(sql) == [(1, "1", "V1__base.sql", "SQL", True)]
    assert advisory_locks(sql) == 0
    # Fix the file: the next run picks up where it stopped.
    folder.write("V2__broken.sql", "CREATE TABLE half (id int);\n")
    assert [s.script for s in runner.migrate().applied] == ["V2__broken.sql", "V3__later.sql"]


def test_runtime_error_without_position_names_the_statement_line(db, folder, sql):
    folder.write("V1__div.sql", "CREATE TABLE a (id int);\n\nSELECT 1 / 0;\n")
    with pytest.raises(MigrationFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert ei.value.line == 3 and ei.value.sqlstate == "22012"
    assert not table_exists(sql, "a")


def test_statement_that_needs_no_transaction_gets_a_hint(db, folder, sql):
    # Forced into a transaction by its .sql.conf: PostgreSQL refuses, the hint says what to change.
    folder.write("V1__t.sql", "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n")
    folder.write("V1__t.sql.conf", "executeInTransaction=true\n")
    with pytest.raises(MigrationFailed) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert ei.value.line == 2 and "executeInTransaction=false" in ei.value.hint and "no-transaction" in ei.value.hint
    assert not table_exists(sql, "t")


def test_mixed_file_is_refused_before_anything_runs(db, folder, sql):
    """As Flyway without mixed=true: a file mixing CONCURRENTLY with ordinary statements is refused."""
    folder.write("V1__ok.sql", "CREATE TABLE ok (a int);")
    folder.write("V2__t.sql", "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n")
    with pytest.raises(DiscoveryError) as ei:
        MigrationRunner(db.dsn, folder.path).migrate()
    assert [p.kind for p in ei.value.problems] == ["mixed"]
    assert "CREATE INDEX CONCURRENTLY at line 2" in str(ei.value) and "mixed=true" in str(ei.value)
    assert not table_exists(sql, "ok") and not table_exists(sql, "t")


def test_connection_lost_during_a_migration(db, folder, sql):
    folder.write("V1__base.sql", "CREATE TABLE base (id int);")
    folder.write("V2__slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n")
    folder.write("V3__later.sql", "CREATE TABLE later (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    errors = []

    def run():
        try:
            runner.migrate()
        except Exception as e:  # noqa: BLE001 - handed to the test thread
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    wait_for(lambda: sql(f"SELECT count(*) FROM {SLOW}")[0][0],
             what="the slow migration to start")
    sql(f"SELECT pg_terminate_backend(pid) FROM {SLOW}")
    t.join(60)
    assert not t.is_alive()
    (e,) = errors
    assert isinstance(e, MigrationFailed) and e.connection_lost and e.script == "V2__slow.sql"
    assert "connection to the server was lost" in str(e)
    assert not table_exists(sql, "slow") and not table_exists(sql, "later")
    assert history(sql) == [(1, "1", "V1__base.sql", "SQL", True)]
    wait_for(lambda: advisory_locks(sql) == 0, what="the lock to be released")


def test_no_transaction_create_index_concurrently_with_the_lock_held(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);\nINSERT INTO t SELECT generate_series(1, 1000);\n")
    folder.write("V2__index.sql", "-- aurora-console: no-transaction\n"
                                  "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
                                  "CREATE INDEX CONCURRENTLY t_a2_idx ON t ((a * 2));\n")
    # Keep statements from waiting forever if the engine ever regressed into a deadlock.
    runner = MigrationRunner(db.dsn, folder.path)
    result = runner.migrate()
    assert [s.script for s in result.applied] == ["V1__t.sql", "V2__index.sql"]
    assert sql("SELECT bool_and(indisvalid) FROM pg_index WHERE indexrelid::regclass::text IN"
               " ('t_a_idx', 't_a2_idx')")[0][0] is True
    assert advisory_locks(sql) == 0


def test_no_transaction_failure_is_recorded_failed_then_repaired(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    folder.write("V2__idx.sql", "-- aurora-console: no-transaction\n"
                                "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
                                "CREATE INDEX CONCURRENTLY t_b_idx ON t (b);\n")
    folder.write("V3__later.sql", "CREATE TABLE later (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(MigrationFailed) as ei:
        runner.migrate()
    assert ei.value.recorded_failed and ei.value.line == 3 and "repair" in ei.value.hint
    assert history(sql)[-1] == (2, "2", "V2__idx.sql", "SQL", False)
    assert table_exists(sql, "t_a_idx") and not table_exists(sql, "later")  # first statement stayed
    assert advisory_locks(sql) == 0
    with pytest.raises(ValidationFailed, match="recorded as failed"):
        runner.migrate()
    # The DBA cleans up and fixes the file, then repairs.
    sql("DROP INDEX t_a_idx")
    folder.write("V2__idx.sql", "-- aurora-console: no-transaction\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n")
    assert runner.repair().removed_failed == ["V2__idx.sql"]
    assert [s.script for s in runner.migrate().applied] == ["V2__idx.sql", "V3__later.sql"]


def test_second_runner_waits_then_fails_clearly_and_the_lock_is_freed(db, folder, sql):
    folder.write("V1__gate.sql", "CREATE TABLE gate (id int);")
    MigrationRunner(db.dsn, folder.path).migrate()
    folder.write("V2__blocked.sql", "SELECT count(*) FROM gate;\nCREATE TABLE after_gate (id int);\n")
    holder = psycopg.connect(db.dsn)
    holder.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")  # first runner will block on it
    first_result = []
    first = threading.Thread(target=lambda: first_result.append(MigrationRunner(db.dsn, folder.path).migrate()))
    first.start()
    try:
        wait_for(lambda: sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                             " AND wait_event_type = 'Lock'"
                             " AND query LIKE 'SELECT count(*) FROM gate%%'")[0][0],
                 what="the first runner to hold the lock and block")
        second = MigrationRunner(db.dsn, folder.path, lock_timeout=0.5)
        events = []
        with pytest.raises(LockTimeout) as ei:
            second.migrate(on_event=events.append)
        assert any(e.kind == "log" and "waiting for the migrations lock held by pid" in e.message for e in events)
        assert "Another migration runner holds the migrations lock" in str(ei.value)
        assert "aurora-console migrate" in str(ei.value) and "pid" in str(ei.value)
        assert not table_exists(sql, "after_gate")
    finally:
        holder.rollback()
        holder.close()
        first.join(60)
    assert [s.script for s in first_result[0].applied] == ["V2__blocked.sql"]
    assert advisory_locks(sql) == 0


def test_lock_released_after_a_failure(db, folder, sql):
    folder.write("V1__bad.sql", "CREATE TABLE oops (;")
    runner = MigrationRunner(db.dsn, folder.path, lock_timeout=0)
    with pytest.raises(MigrationFailed):
        runner.migrate()
    assert advisory_locks(sql) == 0
    folder.write("V1__bad.sql", "CREATE TABLE oops (id int);")
    assert [s.script for s in runner.migrate().applied] == ["V1__bad.sql"]  # lock_timeout=0: must be free


def test_connection_lost_in_a_no_transaction_migration_is_recorded_failed(db, folder, sql):
    folder.write("V1__slow.sql", "-- aurora-console: no-transaction\n"
                                 "CREATE TABLE kept (id int);\n"
                                 "SELECT pg_sleep(60);\n")
    runner = MigrationRunner(db.dsn, folder.path)
    errors = []
    t = threading.Thread(target=lambda: errors.append(pytest.raises(MigrationFailed, runner.migrate).value))
    t.start()
    wait_for(lambda: sql(f"SELECT count(*) FROM {SLOW}")[0][0],
             what="the slow statement to start")
    sql(f"SELECT pg_terminate_backend(pid) FROM {SLOW}")
    t.join(60)
    (e,) = errors
    # The work connection is gone: the failure is recorded through the lock's connection.
    assert e.connection_lost and e.recorded_failed and e.line == 3
    assert table_exists(sql, "kept")
    assert history(sql) == [(1, "1", "V1__slow.sql", "SQL", False)]
    wait_for(lambda: advisory_locks(sql) == 0, what="the lock to be released")
