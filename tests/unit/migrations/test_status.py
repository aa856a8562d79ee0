"""compute_status: the state of each migration from the files and the history rows (no I/O)."""

from datetime import datetime, timezone

import pytest

from aurora_console.core.db.migrations import Version, discover
from aurora_console.core.db.migrations.history import AppliedMigration
from aurora_console.core.db.migrations.status import compute_status

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def row(rank, script, checksum, version=None, type="SQL", success=True):
    return AppliedMigration(rank, Version.parse(version) if version else None, script, type, script, checksum,
                            "me", NOW, 5, success)


@pytest.fixture
def folder(tmp_path):
    for name, sql in [("V1__a.sql", "SELECT 1;"), ("V2__b.sql", "SELECT 2;"), ("V3__c.sql", "SELECT 3;"),
                      ("R__views.sql", "SELECT 4;")]:
        (tmp_path / name).write_text(sql)
    return discover(tmp_path)


def states(status):
    return {i.script: (i.state, i.checksum_status) for i in status.infos}


def test_fresh_database_everything_pending_in_order(folder):
    s = compute_status(folder, [])
    assert [m.script for m in s.pending] == ["V1__a.sql", "V2__b.sql", "V3__c.sql", "R__views.sql"]
    assert s.ok and s.current_version is None


def test_applied_changed_missing(folder):
    m = {x.script: x for x in folder.migrations}
    rows = [row(1, "V1__a.sql", m["V1__a.sql"].checksum, "1"), row(2, "V2__b.sql", "0" * 64, "2"),
            row(3, "V5__gone.sql", "f" * 64, "5")]
    s = compute_status(folder, rows)
    st = states(s)
    assert st["V1__a.sql"] == ("applied", "ok")
    assert st["V2__b.sql"] == ("applied", "changed")
    assert st["V5__gone.sql"] == ("missing", "no file")
    assert st["V3__c.sql"][0] == "ignored"  # older than 5, out of order not allowed
    assert {p.kind for p in s.problems} == {"checksum", "missing", "out_of_order"}


def test_out_of_order_allowed(folder):
    m = {x.script: x for x in folder.migrations}
    rows = [row(1, "V1__a.sql", m["V1__a.sql"].checksum, "1"), row(2, "V3__c.sql", m["V3__c.sql"].checksum, "3")]
    assert {p.kind for p in compute_status(folder, rows).problems} == {"out_of_order"}
    s = compute_status(folder, rows, out_of_order=True)
    assert s.ok and [x.script for x in s.pending] == ["V2__b.sql", "R__views.sql"]


def test_baseline_hides_older_versions(folder):
    s = compute_status(folder, [row(1, "<< Baseline >>", None, "2", type="BASELINE")])
    st = states(s)
    assert st["V1__a.sql"][0] == st["V2__b.sql"][0] == "below baseline"
    assert [x.script for x in s.pending] == ["V3__c.sql", "R__views.sql"]
    assert s.ok and str(s.current_version) == "2"


def test_failed_row_is_a_problem(folder):
    s = compute_status(folder, [row(1, "V1__a.sql", "x", "1", success=False)])
    assert states(s)["V1__a.sql"][0] == "failed"
    assert [p.kind for p in s.problems] == ["failed"]


def test_repeatable_reruns_when_changed(folder):
    r = next(x for x in folder.migrations if x.repeatable)
    same = compute_status(folder, [row(1, "R__views.sql", r.checksum, type="SQL_REPEATABLE")])
    assert states(same)["R__views.sql"] == ("applied", "ok") and r not in same.pending
    changed = compute_status(folder, [row(1, "R__views.sql", "old", type="SQL_REPEATABLE")])
    assert states(changed)["R__views.sql"] == ("outdated", "changed") and changed.pending[-1] is r
    assert changed.ok  # a changed repeatable is not a validation problem: it runs again
