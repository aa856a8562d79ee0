"""compute_status: the state of each migration from the files and the history rows (no I/O).

What fails validation follows Flyway's MigrationInfoImpl.validate and its documented
ignoreMigrationPatterns (default '*:future'): flyway/flyway flyway-core/src/main/java/org/flywaydb/
core/internal/info/MigrationInfoImpl.java, MigrationInfoServiceImpl.java, documentation/Reference/
Configuration/Flyway Namespace/Flyway Ignore Migration Patterns Setting.md (flyway-13.0.0, commit
c5e20fc77341d4117e7a291214e23f89c1371516).
"""

from datetime import datetime, timezone

import pytest

from aurora_console.core.db.migrations import Version, discover, parse_name
from aurora_console.core.db.migrations.history import AppliedMigration
from aurora_console.core.db.migrations.ignore_patterns import FLYWAY_DEFAULT
from aurora_console.core.db.migrations.status import compute_status

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
MIGRATE = FLYWAY_DEFAULT.with_pending()  # what info and migrate use


def row(rank, script, checksum, version=None, type="SQL", success=True, description=None):
    if description is None:
        try:
            description = parse_name(script.rsplit("/", 1)[-1]).description
        except ValueError:
            description = script
    return AppliedMigration(rank, Version.parse(version) if version else None, description, type, script, checksum,
                            "me", NOW, 5, success)


@pytest.fixture
def folder(tmp_path):
    for name, sql in [("V1__a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 2;"), ("V3__c.sql", "SELECT 3;"),
                      ("R__views.sql", "SELECT 4;")]:
        (tmp_path / name).write_text(sql)
    return discover(tmp_path)


def states(status):
    return {i.script: (i.state, i.checksum_status) for i in status.infos}


def kinds(status):
    return {p.kind for p in status.problems}


def test_fresh_database_everything_pending_in_order(folder):
    s = compute_status(folder, [], ignore=MIGRATE)
    assert [m.script for m in s.pending] == ["V1__a.sql", "V2__b.sql", "V3__c.sql", "R__views.sql"]
    assert s.ok and s.current_version is None


def test_pending_fails_validate_unless_ignored(folder):
    """Flyway: 'Detected resolved migration not applied to database' unless '*:pending' is ignored."""
    s = compute_status(folder, [])
    assert kinds(s) == {"pending"} and len(s.problems) == 4
    assert {p.script for p in compute_status(folder, [], ignore="versioned:pending").problems} == {"R__views.sql"}
    assert compute_status(folder, [], ignore="*:pending").ok


def test_applied_changed_missing_future(folder):
    m = {x.script: x for x in folder.migrations}
    rows = [row(1, "V0_5__old.sql", "e" * 64, "0.5"), row(2, "V1__a.sql", m["V1__a.sql"].checksum, "1"),
            row(3, "V2__b.sql", "0" * 64, "2"), row(4, "V5__gone.sql", "f" * 64, "5")]
    s = compute_status(folder, rows, ignore=MIGRATE)
    st = states(s)
    assert st["V1__a.sql"] == ("applied", "ok")
    assert st["V2__b.sql"] == ("applied", "changed")
    assert st["V0_5__old.sql"] == ("missing", "no file")  # older than the newest file
    assert st["V5__gone.sql"] == ("future", "no file")  # newer than every file: passes by default
    assert st["V3__c.sql"][0] == "ignored"  # older than 5, out of order not allowed
    assert kinds(s) == {"checksum", "missing", "out_of_order"}
    assert "future" in kinds(compute_status(folder, rows, ignore="*:pending"))
    relaxed = compute_status(folder, rows, ignore="*:pending,*:missing,*:ignored,*:future")
    assert kinds(relaxed) == {"checksum"}  # a checksum mismatch is never ignored


def test_description_and_type_mismatches_fail(folder):
    m = {x.script: x for x in folder.migrations}
    rows = [row(1, "V1__a.sql", m["V1__a.sql"].checksum, "1", description="old name"),
            row(2, "V2__b.sql", m["V2__b.sql"].checksum, "2", type="JDBC")]
    s = compute_status(folder, rows, ignore=MIGRATE)
    assert {(p.script, p.kind) for p in s.problems} == {("V1__a.sql", "description"), ("V2__b.sql", "type")}


def test_out_of_order_allowed(folder):
    m = {x.script: x for x in folder.migrations}
    rows = [row(1, "V1__a.sql", m["V1__a.sql"].checksum, "1"), row(2, "V3__c.sql", m["V3__c.sql"].checksum, "3")]
    assert kinds(compute_status(folder, rows, ignore=MIGRATE)) == {"out_of_order"}
    assert compute_status(folder, rows, ignore="*:pending,*:ignored").ok
    s = compute_status(folder, rows, out_of_order=True, ignore=MIGRATE)
    assert s.ok and [x.script for x in s.pending] == ["V2__b.sql", "R__views.sql"]


def test_baseline_hides_older_versions(folder):
    s = compute_status(folder, [row(1, "<< Baseline >>", None, "2", type="BASELINE")], ignore=MIGRATE)
    st = states(s)
    assert st["V1__a.sql"][0] == st["V2__b.sql"][0] == "below baseline"
    assert [x.script for x in s.pending] == ["V3__c.sql", "R__views.sql"]
    assert s.ok and str(s.current_version) == "2"


def test_failed_row_is_a_problem(folder):
    s = compute_status(folder, [row(1, "V1__a.sql", "x", "1", success=False)], ignore=MIGRATE)
    assert states(s)["V1__a.sql"][0] == "failed"
    assert [p.kind for p in s.problems] == ["failed"]


def test_repeatable_reruns_when_changed(folder):
    r = next(x for x in folder.migrations if x.repeatable)
    same = compute_status(folder, [row(1, "R__views.sql", r.checksum, type="SQL_REPEATABLE")], ignore=MIGRATE)
    assert states(same)["R__views.sql"] == ("applied", "ok") and r not in same.pending
    changed = compute_status(folder, [row(1, "R__views.sql", "old", type="SQL_REPEATABLE")], ignore=MIGRATE)
    assert states(changed)["R__views.sql"] == ("outdated", "changed") and changed.pending[-1] is r
    assert changed.ok  # a changed repeatable runs again on migrate
    # ... but Flyway's validate reports it ("Detected outdated resolved repeatable migration")
    assert kinds(compute_status(folder, [row(1, "R__views.sql", "old", type="SQL_REPEATABLE")])) >= {"outdated"}


def flyway_rows(folder):
    """Rows as Flyway writes them: integer checksums, repeatables typed SQL with a NULL version."""
    m = {x.script: x for x in folder.migrations}
    return m, [row(1, "V1__a.sql", m["V1__a.sql"].flyway_checksum, "1"),
               row(2, "V2__b.sql", m["V2__b.sql"].flyway_checksum, "2"),
               row(3, "R__views.sql", m["R__views.sql"].flyway_checksum)]


def test_flyway_rows_match_by_crc32_and_repeatables_by_description(folder):
    m, rows = flyway_rows(folder)
    s = compute_status(folder, rows, ignore=MIGRATE)
    assert states(s) == {"V1__a.sql": ("applied", "ok"), "V2__b.sql": ("applied", "ok"),
                         "V3__c.sql": ("pending", ""), "R__views.sql": ("applied", "ok")}
    assert s.ok and [x.script for x in s.pending] == ["V3__c.sql"]
    # Flyway matches a repeatable by description, wherever its file lives now
    moved = [*rows[:2], row(3, "old/place/R__views.sql", m["R__views.sql"].flyway_checksum)]
    assert states(compute_status(folder, moved, ignore=MIGRATE))["R__views.sql"] == ("applied", "ok")
    edited = [*rows[:2], row(3, "R__views.sql", m["R__views.sql"].flyway_checksum + 1)]
    assert states(compute_status(folder, edited, ignore=MIGRATE))["R__views.sql"] == ("outdated", "changed")


def test_external_entries_are_listed_never_run_and_count_for_ordering(folder):
    """JDBC / SPRING_JDBC (Java) rows: external; a file older than one is out of order."""
    m, rows = flyway_rows(folder)
    rows = [rows[0], row(2, "db.migration.V2_5__Java", None, "2.5", type="JDBC", description="Java"),
            row(3, "com.x.V4__Spring", None, "4", type="SPRING_JDBC", description="Spring"),
            row(4, "com.x.R__Java_repeatable", None, type="JDBC", description="Java repeatable")]
    s = compute_status(folder, rows, ignore=MIGRATE)
    st = states(s)
    assert st["db.migration.V2_5__Java"][0] == st["com.x.V4__Spring"][0] == "external"
    assert st["com.x.R__Java_repeatable"][0] == "external"
    assert st["V2__b.sql"][0] == st["V3__c.sql"][0] == "ignored"  # older than the external version 4
    assert str(s.current_version) == "4"
    assert kinds(s) == {"out_of_order"}  # the external rows themselves are no problem
    assert all(m.script.endswith(".sql") for m in compute_status(folder, rows, out_of_order=True).pending)


def test_schema_marker_undo_and_delete_rows(folder):
    m, rows = flyway_rows(folder)
    rows = [row(0, '"public"', None, type="SCHEMA", description="<< Flyway Schema Creation >>"), *rows,
            row(4, "U2__b.sql", 123, "2", type="UNDO_SQL"),
            row(5, "V1__a.sql", m["V1__a.sql"].flyway_checksum, "1", type="DELETE")]
    s = compute_status(folder, rows, ignore=MIGRATE)
    st = states(s)
    assert '"public"' not in st  # the schema marker is not a migration
    assert st["U2__b.sql"] == ("applied", "")  # the undo run is listed
    assert st["V2__b.sql"][0] == "pending"  # undone by it: pending again, as in Flyway Teams
    assert st["V1__a.sql"][0] == "deleted"
    assert [x.script for x in s.pending] == ["V2__b.sql", "V3__c.sql"]


def test_undo_files_are_listed_not_run(tmp_path):
    (tmp_path / "V1__a.sql").write_text("CREATE TABLE a ();")
    (tmp_path / "U1__a.sql").write_text("DROP TABLE a;")
    d = discover(tmp_path)
    s = compute_status(d, [], ignore=MIGRATE)
    assert [(i.script, i.kind, i.state) for i in s.infos] == [("V1__a.sql", "versioned", "pending"),
                                                              ("U1__a.sql", "undo", "undo (not run)")]
    assert [x.script for x in s.pending] == ["V1__a.sql"]


# -- property: the same history in either format gives the same status ------------------------------
from pathlib import Path  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from aurora_console.core.db.migrations.files import REPEATABLE, VERSIONED, Discovery, MigrationFile  # noqa: E402


def _file(n: int | None, text: str) -> MigrationFile:
    from aurora_console.core.db.migrations.checksum import console_checksum, flyway_checksum

    script = f"V{n}__m{n}.sql" if n is not None else f"R__r{text[-1]}.sql"
    return MigrationFile(script, "/m/" + script, VERSIONED if n is not None else REPEATABLE,
                         Version.parse(str(n)) if n is not None else None, f"m{n}" if n is not None else f"r{text[-1]}",
                         text, console_checksum(text), crc32=flyway_checksum(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.booleans(), st.booleans(), st.booleans()), max_size=8,
                unique_by=lambda t: t[0]),
       st.lists(st.tuples(st.sampled_from("ab"), st.booleans(), st.booleans()), max_size=2,
                unique_by=lambda t: t[0]),
       st.booleans(), st.sampled_from([None, "", "*:pending", "*:*"]))
def test_console_and_flyway_formats_agree(versions, repeatables, out_of_order, ignore):
    """Each version: file present?, applied?, file edited since? Rows written as each format writes them."""
    files, console, flyway = [], [], []
    for n, present, applied_, edited in versions:
        f = _file(n, f"CREATE TABLE t{n} ();")
        if present:
            files.append(_file(n, f.sql + " -- edited") if edited else f)
        if applied_:
            rank = len(console) + 1
            console.append(row(rank, f.script, f.checksum, str(n)))
            flyway.append(row(rank, f.script, f.flyway_checksum, str(n)))
    for name, present, applied_ in repeatables:
        f = _file(None, f"CREATE VIEW v{name} AS SELECT 1; -- {name}")
        if present:
            files.append(f)
        if applied_:
            rank = len(console) + 1
            console.append(row(rank, f.script, f.checksum, type="SQL_REPEATABLE"))
            flyway.append(row(rank, f.script, f.flyway_checksum, type="SQL"))
    d = Discovery(Path("/m"), sorted(files, key=MigrationFile.sort_key), [])
    a = compute_status(d, console, out_of_order=out_of_order, ignore=ignore)
    b = compute_status(d, flyway, out_of_order=out_of_order, ignore=ignore)
    assert states(a) == states(b)
    assert [m.script for m in a.pending] == [m.script for m in b.pending]
    assert sorted((p.script, p.kind) for p in a.problems) == sorted((p.script, p.kind) for p in b.problems)
    assert a.current_version == b.current_version
