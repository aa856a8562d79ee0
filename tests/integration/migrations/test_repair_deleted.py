"""repair marks applied migrations whose file is gone as deleted (Flyway 7+), on a real PostgreSQL."""

import pytest

from aurora_console.core.db.migrations import MigrationRunner, ValidationFailed
from tests.integration.migrations.conftest import table_exists

pytestmark = pytest.mark.integration

V2 = "CREATE TABLE b (id int);"


def kinds(exc_info):
    return {p.kind for p in exc_info.value.problems}


def states(runner):
    return {i.script: i.state for i in runner.info().infos}


def rows(sql):
    return sql(
        "SELECT installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
        " success, installed_on IS NOT NULL FROM public.aurora_console_schema_history ORDER BY installed_rank"
    )


@pytest.fixture
def three(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__b.sql", V2)
    folder.write("V3__c.sql", "CREATE TABLE c (id int);")
    runner = MigrationRunner(db.dsn, folder.path, installed_by="squasher")
    assert len(runner.migrate().applied) == 3
    return runner


def test_repair_marks_a_missing_file_deleted_and_migrate_goes_on(three, folder, sql):
    (folder.path / "V2__b.sql").unlink()
    with pytest.raises(ValidationFailed) as ei:
        three.validate()
    assert kinds(ei) == {"missing"} and "V2__b.sql" in str(ei.value) and "repair" in ei.value.hint
    before = rows(sql)

    result = three.repair()
    assert result.marked_deleted == ["V2__b.sql"]
    assert result.removed_failed == [] and result.realigned == []
    assert "marked deleted (file gone): V2__b.sql" in result.lines()

    after = rows(sql)
    assert after[:3] == before  # the applied rows stay: the table is a log
    rank, version, desc, type_, script, checksum, by, ms, success, has_time = after[3]
    assert (rank, version, desc, type_, script) == (4, "2", "b", "DELETE", "V2__b.sql")
    assert (checksum, by, ms, success, has_time) == (None, "squasher", 0, True, True)

    status = three.validate()  # no longer fails
    assert status.ok and states(three)["V2__b.sql"] == "deleted"
    info = next(i for i in status.infos if i.script == "V2__b.sql")
    assert info.applied is not None and info.applied.type == "SQL"  # the original run is still shown
    assert str(status.current_version) == "3"
    assert three.migrate().applied == []  # nothing to apply, V2 is not run again

    folder.write("V4__d.sql", "CREATE TABLE d (id int);")
    assert [s.script for s in three.migrate().applied] == ["V4__d.sql"]
    assert three.repair().changed is False  # a second repair is a no-op
    assert len(rows(sql)) == 5


def test_a_deleted_versions_file_coming_back_never_runs_again(three, db, folder, sql):
    (folder.path / "V2__b.sql").unlink()
    assert three.repair().marked_deleted == ["V2__b.sql"]
    sql("DROP TABLE b")  # as if the squashed scripts had dropped it; a re-run would recreate it
    folder.write("V2__b.sql", "CREATE TABLE b (id bigint);")  # a file with that version comes back

    status = three.info()
    info = next(i for i in status.infos if i.script == "V2__b.sql")
    assert (info.state, info.checksum_status) == ("deleted", "changed") and not info.will_run
    assert all(m.script != "V2__b.sql" for m in status.pending)
    with pytest.raises(ValidationFailed) as ei:
        three.validate()
    assert kinds(ei) == {"deleted"} and "will not run again" in str(ei.value)
    assert "remove the file" in ei.value.hint
    with pytest.raises(ValidationFailed):
        three.migrate()
    # Out-of-order does not make it pending either, and repair leaves a changed file deleted.
    relaxed = MigrationRunner(db.dsn, folder.path, out_of_order=True)
    with pytest.raises(ValidationFailed):
        relaxed.migrate()
    assert relaxed.repair().changed is False
    assert not table_exists(sql, "b")
    # Removing the file again clears the problem.
    (folder.path / "V2__b.sql").unlink()
    assert three.validate().ok and three.migrate().applied == []
    assert not table_exists(sql, "b")


def test_the_very_file_that_ran_coming_back_is_restored_by_repair_without_running(three, folder, sql):
    (folder.path / "V2__b.sql").unlink()
    assert three.repair().marked_deleted == ["V2__b.sql"]
    sql("DROP TABLE b")  # proves nothing runs: a re-run would recreate it
    folder.write("V2__b.sql", V2)  # the same file (an old checkout had repaired by mistake)
    info = next(i for i in three.info().infos if i.script == "V2__b.sql")
    assert (info.state, info.checksum_status) == ("deleted", "ok")
    with pytest.raises(ValidationFailed) as ei:
        three.migrate()
    assert kinds(ei) == {"deleted"} and "`repair` restores it" in str(ei.value)
    result = three.repair()
    assert result.restored == ["V2__b.sql"] and result.marked_deleted == []
    assert "restored as applied (file back, unchanged): V2__b.sql" in result.lines()
    assert [r[3] for r in rows(sql)] == ["SQL", "SQL", "SQL"]  # the DELETE row is gone
    assert states(three)["V2__b.sql"] == "applied" and three.validate().ok
    assert three.migrate().applied == [] and not table_exists(sql, "b")
    assert three.repair().changed is False


def test_deleting_the_latest_version_and_out_of_order_still_work(three, db, folder, sql):
    (folder.path / "V3__c.sql").unlink()
    # Newer than every file: 'future', which Flyway's default ignoreMigrationPatterns ('*:future')
    # lets pass and repair leaves alone; cleared, repair marks it deleted as a missing one.
    assert states(three)["V3__c.sql"] == "future" and three.validate().ok
    assert three.repair().marked_deleted == []
    three = MigrationRunner(db.dsn, folder.path, ignore_migration_patterns="")
    assert three.repair().marked_deleted == ["V3__c.sql"]
    status = three.validate()
    assert str(status.current_version) == "2"  # a deleted version is not current (as in Flyway)
    folder.write("V3__c.sql", "CREATE TABLE c2 (id int);")  # a new script reusing the version
    with pytest.raises(ValidationFailed) as ei:
        three.migrate()
    assert kinds(ei) == {"deleted"} and not table_exists(sql, "c2")
    (folder.path / "V3__c.sql").unlink()
    folder.write("V1_5__late.sql", "CREATE TABLE late (id int);")
    with pytest.raises(ValidationFailed) as ei:
        three.migrate()
    assert kinds(ei) == {"out_of_order"}
    relaxed = MigrationRunner(db.dsn, folder.path, out_of_order=True)
    assert [s.script for s in relaxed.migrate().applied] == ["V1_5__late.sql"]


def test_repeatable_whose_file_is_gone_is_marked_and_runs_again_if_it_returns(three, folder, sql):
    folder.write("R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS x;")
    assert [s.script for s in three.migrate().applied] == ["R__views.sql"]
    (folder.path / "R__views.sql").unlink()
    assert states(three)["R__views.sql"] == "missing"
    result = three.repair()
    assert result.marked_deleted == ["R__views.sql"]
    assert rows(sql)[-1][1:5] == (None, "views", "DELETE", "R__views.sql")
    assert states(three)["R__views.sql"] == "deleted" and three.validate().ok
    assert three.repair().changed is False
    # A repeatable is written to run again: when its file returns it is pending, as in Flyway.
    sql("DROP VIEW v")
    folder.write("R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 2 AS x;")
    assert [m.script for m in three.info().pending] == ["R__views.sql"]
    assert [s.script for s in three.migrate().applied] == ["R__views.sql"]
    assert sql("SELECT x FROM v") == [(2,)]
    assert states(three)["R__views.sql"] == "applied"


def test_repair_does_everything_in_one_pass_and_below_baseline_is_untouched(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__b.sql", V2)
    folder.write("V3__c.sql", "CREATE TABLE c (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    runner.baseline("1")
    runner.migrate()
    (folder.path / "V1__a.sql").unlink()  # below the baseline: never applied, nothing to mark
    (folder.path / "V2__b.sql").unlink()
    folder.write("V3__c.sql", "CREATE TABLE c (id bigint);")
    result = runner.repair()
    assert result.marked_deleted == ["V2__b.sql"] and result.realigned == ["V3__c.sql"]
    assert runner.validate().ok
    assert [r[3] for r in rows(sql)] == ["BASELINE", "SQL", "SQL", "DELETE"]


def test_repair_on_a_database_without_history_does_nothing(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    assert MigrationRunner(db.dsn, folder.path).repair().changed is False
    assert not table_exists(sql, "public.aurora_console_schema_history")
