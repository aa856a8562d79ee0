"""What ``repair`` changes in the history table, planned without I/O (Flyway's three repair actions).

``repair`` never touches the schema, only the history table, in one transaction under the
migrations lock:

1. failed rows are deleted (their half-done effects must be cleaned up by hand first; on MySQL a
   failed row says which statements stayed applied, and ``RepairResult.failed_notes`` repeats it
   in the confirmation question and the result lines);
2. every applied migration whose file is gone (state ``missing``: versioned, or the last run of a
   repeatable) gets a ``DELETE`` row appended: version, description and script of the applied row,
   checksum NULL, execution time 0, success true. The applied row itself stays. Afterwards
   ``info`` shows it as ``deleted``, ``validate`` no longer fails on it, and ``migrate`` never
   applies that version again, not even if its file comes back (see ``status``);
3. checksums and descriptions of applied versioned migrations are realigned with their files;
4. (ours, not Flyway's) a deleted versioned migration whose file is back *unchanged* (the same
   checksum as the run recorded) is restored: its ``DELETE`` rows are removed, so it is applied
   again in ``info``, and nothing runs. A file that came back changed stays ``deleted`` (a
   validation problem) until it is removed or its changes move to a new version. This is the way
   back from marking by mistake (an old checkout repaired a database a newer release migrated).

Flyway's documentation says the same ("Mark all missing migrations as deleted"; its state table
lists "Deleted: a migration that has been marked as deleted by repair"). As in Flyway's
``DbRepair.deleteMissingMigrations`` (flyway-13.0.0), ``future`` migrations (applied versions newer
than every file) are marked too unless ``ignoreMigrationPatterns`` ignores them, which its default
``*:future`` does: by default they stay. External entries (JDBC, Java) are never marked.
Realigning also sets the type, as Flyway's ``update`` does; in Flyway's history format the
checksum written is Flyway's CRC32 and a ``DELETE`` row copies the checksum of the row it cancels.

Running ``repair`` again changes nothing: a marked migration is no longer missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .files import REPEATABLE, VERSIONED, Discovery, MigrationFile
from .history import AppliedMigration, abbreviate_description, file_checksum_identical, file_matches_checksum
from .ignore_patterns import FLYWAY_DEFAULT, IgnorePatterns
from .status import (
    APPLIED,
    CHECKSUM_OK,
    DELETED,
    FAILED,
    FUTURE,
    MISSING,
    MigrationInfo,
    Status,
    compute_status,
)


@dataclass
class RepairResult:
    removed_failed: list[str] = field(default_factory=list)
    realigned: list[str] = field(default_factory=list)
    marked_deleted: list[str] = field(default_factory=list)  # scripts that got a DELETE row
    restored: list[str] = field(default_factory=list)  # deleted scripts whose unchanged file came back
    #: removed failed entries that could not be rolled back (MySQL): script -> where it stopped and
    #: which statements stayed applied ("failed at statement 3 of 3, line 7; statements 1-2 stay applied")
    failed_notes: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.removed_failed or self.realigned or self.marked_deleted or self.restored)

    def lines(self) -> list[str]:
        """One line per change, as the CLI prints them and the panel logs them."""
        out = [f"removed failed entry: {s}" + (f" (it {self.failed_notes[s]}: what those statements did is "
                                                f"still in the database unless you undid it)"
                                                if s in self.failed_notes else "")
               for s in self.removed_failed]
        out += [f"realigned checksum: {s}" for s in self.realigned]
        out += [f"marked deleted (file gone): {s}" for s in self.marked_deleted]
        out += [f"restored as applied (file back, unchanged): {s}" for s in self.restored]
        return out or ["Nothing to repair."]


@dataclass
class RepairPlan:
    remove_failed: list[AppliedMigration] = field(default_factory=list)
    realign: list[tuple[AppliedMigration, MigrationFile]] = field(default_factory=list)
    mark_deleted: list[AppliedMigration] = field(default_factory=list)
    restore: list[tuple[str, list[AppliedMigration]]] = field(default_factory=list)  # script, DELETE rows

    def result(self) -> RepairResult:
        return RepairResult(
            removed_failed=[r.script for r in self.remove_failed],
            realigned=[f.script for _r, f in self.realign],
            marked_deleted=[r.script for r in self.mark_deleted],
            restored=[script for script, _markers in self.restore],
            failed_notes={r.script: r.failure for r in self.remove_failed if r.failure},
        )


def plan_repair(discovery: Discovery, history: list[AppliedMigration],
                ignore: IgnorePatterns | str | None = None) -> RepairPlan:
    """The changes ``repair`` makes to ``history`` (rows in installed_rank order), computed on the
    history as it is once the failed rows are gone. ``ignore``: Flyway's ignoreMigrationPatterns
    (default ``*:future``); only missing/future migrations are affected by it."""
    ignore = FLYWAY_DEFAULT if ignore is None else IgnorePatterns.parse(ignore)
    kept = [r for r in history if r.success]
    status = compute_status(discovery, kept, ignore=ignore)
    plan = RepairPlan(remove_failed=[r for r in history if not r.success])
    for info in status.infos:
        row = info.applied
        if row is None:
            continue
        if _to_mark(info, ignore):
            plan.mark_deleted.append(row)
        elif _restorable(info):
            markers = [r for r in kept if r.delete_marker and r.version == info.version]
            plan.restore.append((info.script, markers))
        elif _realign(info) or _realign_equivalent(info):
            plan.realign.append((row, info.file))
    return plan


def _to_mark(info: MigrationInfo, ignore: IgnorePatterns) -> bool:
    return info.state in (MISSING, FUTURE) and not ignore.ignores(info.version is not None, info.state)


def _realign_equivalent(info: MigrationInfo) -> bool:
    """An applied repeatable recorded with its checksum before placeholder replacement: Flyway's
    repair rewrites it to the replaced one (``DbRepair``: ``checksumMatchesWithoutBeingIdentical``)."""
    row, f = info.applied, info.file
    return (info.state == APPLIED and info.kind == REPEATABLE and f is not None and row is not None
            and not file_checksum_identical(f, row.checksum))


def _realign(info: MigrationInfo) -> bool:
    """An applied versioned SQL migration whose checksum, description or type differ from its file."""
    row, f = info.applied, info.file
    return (
        info.state == APPLIED
        and info.kind == VERSIONED
        and f is not None
        and row is not None
        and (not file_matches_checksum(f, row.checksum) or abbreviate_description(f.description) != row.description
             or row.type != "SQL")
    )


def repair_preview(status: Status, ignore: IgnorePatterns | str | None = None) -> RepairResult:
    """What ``repair`` would do, read from an ``info`` result (for a confirmation question)."""
    ignore = FLYWAY_DEFAULT if ignore is None else IgnorePatterns.parse(ignore)
    return RepairResult(
        removed_failed=[i.script for i in status.infos if i.state == FAILED],
        realigned=[i.script for i in status.infos if _realign(i) or _realign_equivalent(i)],
        marked_deleted=[i.script for i in status.infos if _to_mark(i, ignore)],
        restored=[i.script for i in status.infos if _restorable(i)],
        failed_notes={i.script: i.applied.failure for i in status.infos
                      if i.state == FAILED and i.applied is not None and i.applied.failure},
    )


def _restorable(info: MigrationInfo) -> bool:
    """A deleted versioned migration whose file is back with the checksum of the recorded run."""
    return info.state == DELETED and info.kind == VERSIONED and info.file is not None \
        and info.checksum_status == CHECKSUM_OK
