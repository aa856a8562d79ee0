"""plan_repair and the 'deleted' state, on in-memory files and history rows (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db.migrations import Version, repair_preview
from aurora_console.core.db.migrations.files import (
    REPEATABLE,
    VERSIONED,
    Discovery,
    MigrationFile,
    checksum_of,
)
from aurora_console.core.db.migrations.history import AppliedMigration
from aurora_console.core.db.migrations.ignore_patterns import FLYWAY_DEFAULT
from aurora_console.core.db.migrations.repair import plan_repair
from aurora_console.core.db.migrations.status import compute_status

pytestmark = pytest.mark.unit
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
MIGRATE = FLYWAY_DEFAULT.with_pending()  # migrate validates with pending migrations ignored, as Flyway


def vfile(n: int, sql: str | None = None) -> MigrationFile:
    sql = sql or f"CREATE TABLE t{n} (id int);"
    return MigrationFile(f"V{n}__t{n}.sql", f"/m/V{n}__t{n}.sql", VERSIONED, Version.parse(str(n)), f"t{n}",
                         sql, checksum_of(sql))


def rfile(name: str, sql: str = "SELECT 1;") -> MigrationFile:
    return MigrationFile(f"R__{name}.sql", f"/m/R__{name}.sql", REPEATABLE, None, name, sql, checksum_of(sql))


def disc(files) -> Discovery:
    return Discovery(Path("/m"), sorted(files, key=MigrationFile.sort_key), [])


class History:
    """The history table as a list, written the way the engine writes it."""

    def __init__(self) -> None:
        self.rows: list[AppliedMigration] = []

    def add(self, f: MigrationFile | AppliedMigration, type_: str, checksum, success=True) -> None:
        rank = max((r.installed_rank for r in self.rows), default=0) + 1
        self.rows.append(AppliedMigration(rank, f.version, f.description, type_, f.script, checksum,
                                          "me", NOW, 0, success))

    def migrate(self, files, out_of_order=False) -> list[str]:
        status = compute_status(disc(files), self.rows, out_of_order=out_of_order, ignore=MIGRATE)
        if status.problems:
            return []
        for m in status.pending:
            self.add(m, "SQL_REPEATABLE" if m.repeatable else "SQL", m.checksum)
        return [m.script for m in status.pending]

    def repair(self, files) -> list[str]:
        plan = plan_repair(disc(files), self.rows)
        assert not plan.remove_failed
        aligned = {row.installed_rank: f for row, f in plan.realign}
        self.rows = [replace(r, checksum=aligned[r.installed_rank].checksum) if r.installed_rank in aligned else r
                     for r in self.rows]
        for row in plan.mark_deleted:
            self.add(row, "DELETE", None)
        gone = {m.installed_rank for _script, markers in plan.restore for m in markers}
        self.rows = [r for r in self.rows if r.installed_rank not in gone]
        return plan.result().marked_deleted


def test_missing_versioned_and_repeatable_are_planned_for_deletion_in_order():
    files = [vfile(1), vfile(2), vfile(3), rfile("views")]
    h = History()
    assert h.migrate(files) == ["V1__t1.sql", "V2__t2.sql", "V3__t3.sql", "R__views.sql"]
    left = [vfile(1), vfile(3)]
    status = compute_status(disc(left), h.rows)
    assert repair_preview(status).marked_deleted == ["V2__t2.sql", "R__views.sql"]
    assert h.repair(left) == ["V2__t2.sql", "R__views.sql"]
    status = compute_status(disc(left), h.rows)
    assert status.ok and {i.script: i.state for i in status.infos}["V2__t2.sql"] == "deleted"
    assert {i.script: i.state for i in status.infos}["R__views.sql"] == "deleted"
    assert plan_repair(disc(left), h.rows).result().changed is False


def test_failed_rows_are_removed_first_and_never_marked_deleted():
    h = History()
    h.migrate([vfile(1)])
    h.add(vfile(2), "SQL", None, success=False)  # failed, and then its file was removed too
    plan = plan_repair(disc([vfile(1)]), h.rows)
    assert plan.result().removed_failed == ["V2__t2.sql"] and plan.mark_deleted == []


def test_a_deleted_version_with_a_changed_file_is_not_realigned():
    h = History()
    h.migrate([vfile(1), vfile(2), vfile(3)])
    h.repair([vfile(1), vfile(3)])
    same = [vfile(1), vfile(2), vfile(3)]
    plan = plan_repair(disc(same), h.rows)
    assert plan.result().restored == ["V2__t2.sql"] and [m.type for _s, ms in plan.restore for m in ms] == ["DELETE"]
    back = [vfile(1), vfile(2, "CREATE TABLE other (id int);"), vfile(3)]
    status = compute_status(disc(back), h.rows, out_of_order=True)
    info = next(i for i in status.infos if i.script == "V2__t2.sql")
    assert (info.state, info.checksum_status) == ("deleted", "changed")
    assert [p.kind for p in status.problems] == ["deleted"] and status.pending == []
    assert plan_repair(disc(back), h.rows).result().changed is False


def test_future_versions_are_left_alone_unless_the_patterns_say_otherwise():
    """Flyway's DbRepair.deleteMissingMigrations marks missing *and* future migrations deleted unless
    ignoreMigrationPatterns ignores them; its default '*:future' keeps future ones (flyway-13.0.0)."""
    h = History()
    h.migrate([vfile(1), vfile(2), vfile(3)])
    left = [vfile(1)]  # 2 and 3 are newer than every file: future
    status = compute_status(disc(left), h.rows)
    assert {i.script: i.state for i in status.infos} == {"V1__t1.sql": "applied", "V2__t2.sql": "future",
                                                         "V3__t3.sql": "future"}
    assert status.ok  # '*:future' is ignored by default
    assert plan_repair(disc(left), h.rows).mark_deleted == []
    assert repair_preview(status).marked_deleted == []
    cleared = plan_repair(disc(left), h.rows, ignore="")
    assert [r.script for r in cleared.mark_deleted] == ["V2__t2.sql", "V3__t3.sql"]
    assert repair_preview(status, ignore="").marked_deleted == ["V2__t2.sql", "V3__t3.sql"]
    assert {p.kind for p in compute_status(disc(left), h.rows, ignore="").problems} == {"future"}


def test_result_lines_name_every_change():
    from aurora_console.core.db.migrations import RepairResult

    assert RepairResult().lines() == ["Nothing to repair."]
    lines = RepairResult(["V9__x.sql"], ["V2__b.sql"], ["V1__a.sql"], ["V4__d.sql"]).lines()
    assert lines == ["removed failed entry: V9__x.sql", "realigned checksum: V2__b.sql",
                     "marked deleted (file gone): V1__a.sql",
                     "restored as applied (file back, unchanged): V4__d.sql"]


# -- property: removals, restores, new versions, repairs and migrations in any order ---------------
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("remove"), st.integers(1, 8)),
        st.tuples(st.just("restore"), st.integers(1, 8)),
        st.tuples(st.just("rewrite"), st.integers(1, 8)),
        st.tuples(st.just("add"), st.just(0)),
        st.tuples(st.just("repair"), st.just(0)),
        st.tuples(st.just("migrate"), st.booleans()),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(start=st.integers(1, 5), ops=OPS)
def test_removals_and_repairs_leave_validate_clean_and_never_reapply_a_version(start, ops):
    present = {n: vfile(n) for n in range(1, start + 1)}
    every = dict(present)  # every file ever written, by version (a restore brings this back)
    h = History()
    h.migrate(list(present.values()))
    applied_once = {str(n) for n in present}
    for op, arg in ops:
        if op == "remove":
            present.pop(arg, None)
        elif op == "restore" and arg in every:
            present[arg] = every[arg]  # the very file that ran
        elif op == "rewrite" and arg in every:
            present[arg] = vfile(arg, f"CREATE TABLE other{arg} (id int);")  # same version, new content
        elif op == "add":
            n = max(every) + 1 if every else 1
            present[n] = every[n] = vfile(n)
        elif op == "repair":
            h.repair(list(present.values()))
            status = compute_status(disc(present.values()), h.rows)
            kinds = {p.kind for p in status.problems}
            assert "missing" not in kinds  # repair cleared every missing file
            assert plan_repair(disc(present.values()), h.rows).result().changed is False  # idempotent
            deleted = {i.version for i in status.infos if i.state == "deleted"}
            back = {str(v) for v in deleted if int(str(v)) in present}
            changed = {str(i.version) for i in status.infos if i.state == "deleted" and i.file is not None}
            # An unchanged file that came back was restored; a changed one is the only problem left.
            assert {str(i.version) for i in status.infos if i.file is not None and i.state == "deleted"
                    and i.checksum_status == "ok"} == set()
            assert back == changed
            assert kinds <= {"deleted", "out_of_order", "pending"}
            assert ("deleted" in kinds) == bool(changed)
        elif op == "migrate":
            status = compute_status(disc(present.values()), h.rows, out_of_order=arg, ignore=MIGRATE)
            again = {str(m.version) for m in status.pending} & applied_once
            assert not again, f"would re-apply {again}"
            ran = h.migrate(list(present.values()), out_of_order=arg)  # nothing when validation fails
            applied_once |= {s.split("__")[0][1:] for s in ran}
    # Whatever happened, every version ran at most once.
    ran = [r.version for r in h.rows if r.type == "SQL"]
    assert len(ran) == len(set(ran))
