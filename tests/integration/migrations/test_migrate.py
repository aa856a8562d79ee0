"""migrate/info against a real PostgreSQL: order, history rows, repeatables, custom history table."""

import hashlib

import pytest

from aurora_console.core.db.migrations import DiscoveryError, MigrationRunner
from tests.integration.migrations.conftest import advisory_locks, history, table_exists

pytestmark = pytest.mark.integration


def test_applies_in_numeric_order_and_records_history(db, folder, sql):
    folder.write("V10__ten.sql", "INSERT INTO log VALUES ('10');")
    folder.write("V2__two.sql", "INSERT INTO log VALUES ('2');")
    folder.write("V1_1__one_one.sql", "INSERT INTO log VALUES ('1.1');")
    folder.write("V1__create.sql", "CREATE TABLE log (v text, n serial);\n")
    folder.write("R__view.sql", "CREATE OR REPLACE VIEW log_view AS SELECT v FROM log;")
    runner = MigrationRunner(db.dsn, folder.path)
    events = []
    result = runner.migrate(on_event=events.append)
    assert [s.script for s in result.applied] == [
        "V1__create.sql", "V1_1__one_one.sql", "V2__two.sql", "V10__ten.sql", "R__view.sql"]
    assert [r[0] for r in sql("SELECT v FROM log ORDER BY n")] == ["1.1", "2", "10"]
    assert sql("SELECT count(*) FROM log_view")[0][0] == 3
    rows = sql("SELECT installed_rank, version, description, type, script, checksum, installed_by,"
               " execution_time, success FROM aurora_console_schema_history ORDER BY installed_rank")
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (1, "1", "SQL"), (2, "1.1", "SQL"), (3, "2", "SQL"), (4, "10", "SQL"), (5, None, "SQL_REPEATABLE")]
    first = rows[0]
    assert first[2] == "create" and first[4] == "V1__create.sql"
    assert first[5] == hashlib.sha256(b"CREATE TABLE log (v text, n serial);\n").hexdigest()
    assert first[6] == sql("SELECT current_user")[0][0]
    assert all(r[7] >= 0 and r[8] for r in rows)
    assert {e.kind for e in events} >= {"plan", "start", "done"}
    # Nothing left to do; info says so.
    assert runner.migrate().applied == []
    info = runner.info()
    assert info.ok and not info.pending and {i.state for i in info.infos} == {"applied"}
    assert str(info.current_version) == "10"
    assert advisory_locks(sql) == 0


def test_repeatable_runs_again_only_when_changed(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    r = folder.write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT a FROM t;")
    runner = MigrationRunner(db.dsn, folder.path)
    runner.migrate()
    assert runner.migrate().applied == []
    r.write_text("CREATE OR REPLACE VIEW v AS SELECT a, a * 2 AS b FROM t;")
    assert runner.info().by_state("outdated")[0].script == "R__v.sql"
    assert [s.script for s in runner.migrate().applied] == ["R__v.sql"]
    assert [c[0] for c in sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'v'"
                              " ORDER BY ordinal_position")] == ["a", "b"]
    assert [h[2] for h in history(sql)] == ["V1__t.sql", "R__v.sql", "R__v.sql"]


def test_custom_history_schema_and_table(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    MigrationRunner(db.dsn, folder.path, schema="ops", table="schema_log").migrate()
    assert history(sql, "ops.schema_log") == [(1, "1", "V1__t.sql", "SQL", True)]
    assert not table_exists(sql, "public.aurora_console_schema_history")


def test_dry_run_changes_nothing(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    result = MigrationRunner(db.dsn, folder.path).migrate(dry_run=True)
    assert result.dry_run and [m.script for m in result.plan] == ["V1__t.sql"]
    assert "CREATE TABLE t" in result.plan[0].sql
    assert not table_exists(sql, "t") and not table_exists(sql, "aurora_console_schema_history")


def test_info_does_not_create_the_history_table(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    status = MigrationRunner(db.dsn, folder.path).info()
    assert [i.state for i in status.infos] == ["pending"]
    assert not table_exists(sql, "aurora_console_schema_history")


def test_misnamed_and_comment_only_files_as_flyway(db, folder, sql):
    """A misnamed .sql file is ignored with a warning (strict naming refuses it); an empty or
    comment-only migration is applied (nothing runs) and recorded, as Flyway does."""
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    folder.write("V2_bad.sql", "CREATE TABLE bad (a int);")
    folder.write("V2__empty.sql", "")
    folder.write("V3__comments.sql", "-- kept to align version numbers\n/* nothing */\n")
    with pytest.raises(DiscoveryError) as ei:
        MigrationRunner(db.dsn, folder.path, validate_migration_naming=True).migrate()
    assert {(p.script, p.kind) for p in ei.value.problems} == {("V2_bad.sql", "bad_name")}
    assert not table_exists(sql, "t")
    runner = MigrationRunner(db.dsn, folder.path)
    status = runner.info()
    assert [(w.script, w.kind) for w in status.warnings] == [("V2_bad.sql", "ignored_file")]
    assert [s.script for s in runner.migrate().applied] == ["V1__t.sql", "V2__empty.sql", "V3__comments.sql"]
    assert [h[2] for h in history(sql)] == ["V1__t.sql", "V2__empty.sql", "V3__comments.sql"]
    assert not table_exists(sql, "bad") and runner.validate().ok


@pytest.mark.parametrize("name, content, kind", [
    ("V2__latin1.sql", "SELECT 'caf\u00e9';".encode("latin-1"), "encoding"),
    ("V1.0__dup.sql", "SELECT 1;", "duplicate"),
])
def test_bad_files_block_migrate_and_nothing_is_applied(db, folder, sql, name, content, kind):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    folder.write(name, content)
    runner = MigrationRunner(db.dsn, folder.path)
    with pytest.raises(DiscoveryError) as ei:
        runner.migrate()
    assert kind in {p.kind for p in ei.value.problems}
    assert name in str(ei.value) or "V1__t.sql" in str(ei.value)
    assert not table_exists(sql, "t")
    status = runner.info()  # info still works and shows the problem
    assert not status.ok and kind in {p.kind for p in status.problems}
