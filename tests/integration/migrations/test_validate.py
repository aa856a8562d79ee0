"""validate, baseline and repair against a real PostgreSQL."""

import pytest

from aurora_console.core.db.migrations import BaselineError, MigrationRunner, ValidationFailed
from aurora_console.core.resources import blog_migrations_dir
from tests.integration.migrations.conftest import history, table_exists

pytestmark = pytest.mark.integration


def kinds(exc_info):
    return {p.kind for p in exc_info.value.problems}


@pytest.fixture
def applied(db, folder):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__b.sql", "CREATE TABLE b (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    runner.migrate()
    return runner


def test_validate_passes_on_a_clean_database(applied):
    assert applied.validate().ok


def test_changed_checksum_fails_validate_and_migrate(applied, folder, sql):
    folder.write("V2__b.sql", "CREATE TABLE b (id bigint);")
    folder.write("V3__c.sql", "CREATE TABLE c (id int);")
    with pytest.raises(ValidationFailed) as ei:
        applied.validate()
    # V3 is pending: Flyway's validate reports that too ("not applied to database")
    assert kinds(ei) == {"checksum", "pending"} and "V2__b.sql" in str(ei.value) and "repair" in ei.value.hint
    with pytest.raises(ValidationFailed):
        applied.migrate()
    assert not table_exists(sql, "c")
    # After review, repair realigns the checksum and migrate goes on.
    assert applied.repair().realigned == ["V2__b.sql"]
    assert applied.info().ok
    assert [s.script for s in applied.migrate().applied] == ["V3__c.sql"]
    assert applied.validate().ok


def test_missing_file_fails_validate(applied, folder):
    (folder.path / "V1__a.sql").unlink()
    with pytest.raises(ValidationFailed) as ei:
        applied.validate()
    assert kinds(ei) == {"missing"} and "V1__a.sql" in str(ei.value)


def test_out_of_order_pending_fails_unless_allowed(applied, db, folder, sql):
    folder.write("V1_5__late.sql", "CREATE TABLE late (id int);")
    with pytest.raises(ValidationFailed) as ei:
        applied.validate()
    assert kinds(ei) == {"out_of_order"} and "V1_5__late.sql" in str(ei.value)
    with pytest.raises(ValidationFailed):
        applied.migrate()
    assert not table_exists(sql, "late")
    relaxed = MigrationRunner(db.dsn, folder.path, out_of_order=True)
    with pytest.raises(ValidationFailed) as ei:  # now it is pending: validate says so, migrate runs it
        relaxed.validate()
    assert kinds(ei) == {"pending"}
    assert MigrationRunner(db.dsn, folder.path, out_of_order=True, ignore_migration_patterns="*:pending").validate().ok
    assert [s.script for s in relaxed.migrate().applied] == ["V1_5__late.sql"]
    assert relaxed.validate().ok


def test_baseline_adopts_a_blog_database_created_by_hand(db, sql, tmp_path):
    # A blog database made from its original create script, before the runner existed.
    sql((blog_migrations_dir() / "V1__create_blog_schema.sql").read_text())
    runner = MigrationRunner(db.dsn, blog_migrations_dir())
    row = runner.baseline("1")
    assert str(row.version) == "1" and row.baseline
    states = {i.script: i.state for i in runner.info().infos}
    assert states["V1__create_blog_schema.sql"] == "below baseline"
    assert [s.script for s in runner.migrate().applied] == ["V2__constraints_and_indexes.sql",
                                                            "V3__sample_content.sql"]
    assert [h[3] for h in history(sql)] == ["BASELINE", "SQL", "SQL"]
    with pytest.raises(BaselineError):
        runner.baseline("1")


def test_baseline_refused_when_migrations_are_recorded(applied):
    with pytest.raises(BaselineError, match="already records 2 migration"):
        applied.baseline("5")


def test_repair_with_nothing_to_do(applied):
    r = applied.repair()
    assert r.removed_failed == [] and r.realigned == []
