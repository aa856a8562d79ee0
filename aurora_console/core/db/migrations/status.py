"""Compare the files with the history table: the state of every migration, and what to apply.

Pure functions (no I/O): ``info`` shows the result, ``validate`` fails on its problems, and
``migrate`` applies its ``pending`` list in order.

What is a problem follows Flyway's ``validate`` (see :mod:`.ignore_patterns`): by default a pending
migration, an ignored one (older than the latest applied, without out-of-order), a missing one
(applied, file gone, older than the newest file), a failed one, and a checksum, description or
type mismatch fail; a *future* one (applied, newer than every file) passes. ``info`` and
``migrate`` compute the status with ``*:pending`` added, as Flyway's migrate validates.

External entries (``JDBC``, ``SPRING_JDBC``, Java or script migrations: anything but SQL, baseline,
delete, schema and undo rows) are listed as ``external``: never run, never a problem unless they
failed, and counted as applied for ordering (a file older than them is out of order). This is where
we differ from Flyway on purpose: Flyway resolves the Java classes and would report them missing
when they are not on its classpath; the console never has them.

Migrations marked deleted by ``repair`` (a ``DELETE`` row after the applied one, as in Flyway 7+):

* a versioned migration is shown as ``deleted`` and is not a validation problem while its file
  stays gone; it does not count towards the current version (Flyway's rule);
* if a file with that version comes back, it is still ``deleted`` and never pending, whatever
  ``out_of_order`` says, and validation fails (kind ``deleted``) until the file is removed again,
  its changes move to a new version, or (when it is the very file that ran, same checksum)
  ``repair`` restores it as applied. Flyway would treat such a file as an ordinary resolved
  migration (pending if newer than the current version, so it could run a second time); we
  refuse on purpose: a script that was applied once is never silently run again;
* a repeatable migration is shown as ``deleted`` while its file is gone; if its file comes back it
  is pending again, as in Flyway: repeatables are written to be run again and again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .errors import Problem
from .files import REPEATABLE, UNDO, VERSIONED, Discovery, MigrationFile
from .history import AppliedMigration, abbreviate_description, file_matches_checksum, repeatable_keys
from .ignore_patterns import FLYWAY_DEFAULT, IgnorePatterns
from .version import Version

PENDING = "pending"
APPLIED = "applied"
FAILED = "failed"
OUTDATED = "outdated"  # repeatable whose file changed since it last ran: will run again
IGNORED = "ignored"  # older than the latest applied version, and out-of-order is not allowed
MISSING = "missing"  # applied, but its file is gone (and it is older than the newest file)
FUTURE = "future"  # applied, its file is gone, and it is newer than every file (Flyway's "Future")
BELOW_BASELINE = "below baseline"
BASELINE = "baseline"
DELETED = "deleted"  # applied, then marked deleted by repair because its file was gone
EXTERNAL = "external"  # applied by another tool as a non-SQL migration (JDBC, Java...): never run here
UNDONE = "undone"  # an undo run (Flyway Teams) undid it: its file is pending again
UNDO_SCRIPT = "undo (not run)"  # a U<version>__ file: listed, never run by the console

CHECKSUM_OK = "ok"
CHECKSUM_CHANGED = "changed"
CHECKSUM_NO_FILE = "no file"
CHECKSUM_NA = ""


@dataclass(frozen=True)
class MigrationInfo:
    script: str
    kind: str  # versioned | repeatable | baseline | undo
    version: Version | None
    description: str
    state: str
    checksum_status: str = CHECKSUM_NA
    file: MigrationFile | None = None
    applied: AppliedMigration | None = None

    @property
    def installed_on(self) -> datetime | None:
        return self.applied.installed_on if self.applied else None

    @property
    def execution_ms(self) -> int | None:
        return self.applied.execution_time if self.applied else None

    @property
    def will_run(self) -> bool:
        return self.state in (PENDING, OUTDATED)

    @property
    def type(self) -> str:
        """The history type (``SQL``, ``JDBC``, ``BASELINE``...), or ``SQL`` for a file not applied."""
        return self.applied.type if self.applied is not None else "SQL"


@dataclass
class Status:
    infos: list[MigrationInfo]
    problems: list[Problem] = field(default_factory=list)  # discovery + validation
    pending: list[MigrationFile] = field(default_factory=list)  # in the order migrate applies them
    current_version: Version | None = None
    warnings: list[Problem] = field(default_factory=list)  # files not run (bad names...): nothing stops
    history_label: str = ""  # "Flyway history (flyway_schema_history)" / "Aurora Console history (...)"
    history_format: str = ""  # flyway | console (set by the runner from the table it read)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_state(self, *states: str) -> list[MigrationInfo]:
        return [i for i in self.infos if i.state in states]


def compute_status(
    discovery: Discovery,
    history: list[AppliedMigration],
    *,
    out_of_order: bool = False,
    ignore: IgnorePatterns | str | None = None,
) -> Status:
    """``ignore``: Flyway's ignoreMigrationPatterns (default ``*:future``)."""
    ignore = FLYWAY_DEFAULT if ignore is None else IgnorePatterns.parse(ignore)
    problems: list[Problem] = list(discovery.problems)
    rows_by_version: dict[Version, AppliedMigration] = {}
    external_rows: list[AppliedMigration] = []
    baseline: AppliedMigration | None = None
    latest_repeatable: dict[tuple[str, str], AppliedMigration] = {}
    deleted_versions: dict[Version, AppliedMigration] = {}  # version -> the applied row it cancels
    deleted_repeatables: dict[tuple[str, str], AppliedMigration] = {}
    undo_rows: list[tuple[AppliedMigration, AppliedMigration | None]] = []  # undo row, row it undid
    for row in history:  # in installed_rank order: a DELETE marker cancels the rows before it
        if row.schema_marker:
            continue
        if row.baseline:
            baseline = row
        elif row.delete_marker:
            if row.version is not None:
                cancelled = rows_by_version.pop(row.version, None)
                if cancelled is not None:
                    deleted_versions[row.version] = cancelled
            else:
                key = row.repeatable_key
                cancelled = latest_repeatable.pop(key, None) or latest_repeatable.pop(("script", row.script), None)
                if cancelled is not None:
                    deleted_repeatables[cancelled.repeatable_key] = cancelled
        elif row.undo:
            undo_rows.append((row, rows_by_version.pop(row.version, None) if row.version is not None else None))
        elif row.external:
            external_rows.append(row)
        elif row.repeatable:
            latest_repeatable[row.repeatable_key] = row
        elif row.version is not None:
            rows_by_version[row.version] = row
    live_versions = set(rows_by_version)
    live_repeatables = set(latest_repeatable)
    applied_versions = [v for v, r in rows_by_version.items() if r.success]
    applied_versions += [r.version for r in external_rows if r.success and r.version is not None]
    if baseline is not None and baseline.version is not None:
        applied_versions.append(baseline.version)
    current = max(applied_versions) if applied_versions else None
    versioned_files = discovery.versioned
    last_resolved = max((m.version for m in versioned_files), default=None)
    baseline_version = baseline.version if baseline is not None else None
    external_versions = {r.version: r for r in external_rows if r.version is not None}

    def problem(script: str, message: str, kind: str) -> None:
        problems.append(Problem(script, message, kind))

    versioned: list[tuple[Version, int, MigrationInfo]] = []
    pending_versioned: list[MigrationFile] = []
    for mig in versioned_files:
        row = rows_by_version.pop(mig.version, None)
        if row is not None:
            if not row.success:
                state, cs = FAILED, CHECKSUM_NA
                problem(mig.script, _failed_text(row), "failed")
            else:
                state = APPLIED
                cs = CHECKSUM_OK if file_matches_checksum(mig, row.checksum) else CHECKSUM_CHANGED
                if (cs is CHECKSUM_CHANGED or row.type != "SQL" or mig.description != row.description) and (
                        baseline_version is None or mig.version > baseline_version):
                    _mismatches(mig, row, cs, problem)
        elif mig.version in external_versions:
            row = external_versions[mig.version]
            state, cs = EXTERNAL, CHECKSUM_NA
            problem(mig.script, f"version {mig.version} was applied as a {row.type} migration "
                    f"({row.script}), not as this SQL file (type mismatch)", "type")
        elif mig.version in deleted_versions and mig.version not in live_versions:
            row = deleted_versions[mig.version]
            state = DELETED
            cs = CHECKSUM_OK if file_matches_checksum(mig, row.checksum) else CHECKSUM_CHANGED
            problem(
                mig.script,
                f"version {mig.version} was applied, then marked deleted by repair; its file is back "
                "but it will not run again (remove the file, or move its changes to a new version"
                + ("; it is the file that ran: `repair` restores it as applied)" if cs == CHECKSUM_OK
                   else ")"),
                "deleted",
            )
        elif baseline_version is not None and mig.version <= baseline_version:
            state, cs = BELOW_BASELINE, CHECKSUM_NA
        elif current is not None and mig.version < current and not out_of_order:
            state, cs = IGNORED, CHECKSUM_NA
            if not ignore.ignores(True, IGNORED):
                problem(mig.script, f"pending version {mig.version} is older than the latest applied version "
                        f"{current} (out of order)", "out_of_order")
        else:
            state, cs = PENDING, CHECKSUM_NA
            pending_versioned.append(mig)
            if not ignore.ignores(True, PENDING):
                problem(mig.script, f"version {mig.version} is not applied yet (run migrate)", "pending")
        versioned.append((mig.version, 1, MigrationInfo(mig.script, VERSIONED, mig.version, mig.description, state,
                                                        cs, mig, row)))
    for version, row in rows_by_version.items():
        future = last_resolved is None or version > last_resolved
        if row.success:
            state = FUTURE if future else MISSING
            if not ignore.ignores(True, state):
                problem(row.script, "applied, and newer than every file in the folder (future)" if future
                        else "applied but its file is missing", state)
        else:
            state = FAILED
            if not (future and ignore.ignores(True, FUTURE)):
                problem(row.script, "recorded as failed and its file is missing", "failed")
        versioned.append((version, 1, MigrationInfo(row.script, VERSIONED, version, row.description, state,
                                                    CHECKSUM_NO_FILE, None, row)))
    file_versions = {m.version for m in versioned_files}
    for version, row in deleted_versions.items():
        if version in live_versions or version in file_versions:
            continue  # applied again since (another tool), or its file is back (shown above)
        versioned.append((version, 1, MigrationInfo(row.script, VERSIONED, version, row.description, DELETED,
                                                    CHECKSUM_NA, None, row)))
    for row in external_rows:
        if not row.success:
            problem(row.script, f"the {row.type} migration is recorded as failed", "failed")
        if row.version is not None and row.version in file_versions:
            continue  # shown with its file above
        info = MigrationInfo(row.script, VERSIONED if row.version is not None else REPEATABLE, row.version,
                             row.description, EXTERNAL if row.success else FAILED, CHECKSUM_NA, None, row)
        versioned.append((row.version or Version((0,)), 1 if row.version is not None else 3, info))
    for row, undone in undo_rows:
        if row.version is None:
            continue
        if undone is not None and undone.version not in file_versions:
            versioned.append((row.version, 1, MigrationInfo(undone.script, VERSIONED, row.version, undone.description,
                                                            UNDONE, CHECKSUM_NO_FILE, None, undone)))
        versioned.append((row.version, 2, MigrationInfo(row.script, UNDO, row.version, row.description,
                                                        APPLIED if row.success else FAILED, CHECKSUM_NA, None, row)))
    for mig in discovery.undo:
        versioned.append((mig.version, 2, MigrationInfo(mig.script, UNDO, mig.version, mig.description, UNDO_SCRIPT,
                                                        CHECKSUM_NA, mig, None)))
    if baseline is not None and baseline.version is not None:
        versioned.append((baseline.version, 0, MigrationInfo(baseline.script, "baseline", baseline.version,
                                                             baseline.description, BASELINE, CHECKSUM_NA, None,
                                                             baseline)))
    versioned.sort(key=lambda t: (t[1] == 3, t[0], t[1], t[2].script))

    repeatables: list[MigrationInfo] = []
    pending_repeatable: list[MigrationFile] = []
    matched: set[tuple[str, str]] = set()
    for mig in discovery.repeatable:
        key = next((k for k in repeatable_keys(mig) if k in latest_repeatable), None)
        row = latest_repeatable.get(key) if key is not None else None
        if key is not None:
            matched.add(key)
        if row is None:
            state, cs = PENDING, CHECKSUM_NA
            if not ignore.ignores(False, PENDING):
                problem(mig.script, "repeatable migration not applied yet (run migrate)", "pending")
        elif not row.success:
            state, cs = FAILED, CHECKSUM_NA
            problem(mig.script, "its last run " + _failed_text(row), "failed")
        elif not file_matches_checksum(mig, row.checksum):
            state, cs = OUTDATED, CHECKSUM_CHANGED
            if not ignore.ignores(False, PENDING):
                problem(mig.script, "changed since it last ran; it runs again on migrate (outdated)", "outdated")
        else:
            state, cs = APPLIED, CHECKSUM_OK
        if state in (PENDING, OUTDATED):
            pending_repeatable.append(mig)
        repeatables.append(MigrationInfo(mig.script, REPEATABLE, None, mig.description, state, cs, mig, row))
    for key, row in latest_repeatable.items():
        if key in matched:
            continue
        state = MISSING if row.success else FAILED
        repeatables.append(MigrationInfo(row.script, REPEATABLE, None, row.description, state, CHECKSUM_NO_FILE,
                                         None, row))
        if not row.success:
            problem(row.script, "recorded as failed and its file is missing", "failed")
        elif not ignore.ignores(False, MISSING):
            problem(row.script, "applied repeatable migration whose file is missing", "missing")
    file_keys = {k for m in discovery.repeatable for k in repeatable_keys(m)}
    for key, row in deleted_repeatables.items():
        if key in live_repeatables or key in file_keys:
            continue  # run again since, or its file is back: then it is pending like a new one
        repeatables.append(MigrationInfo(row.script, REPEATABLE, None, row.description, DELETED, CHECKSUM_NA,
                                         None, row))

    pending_versioned.sort(key=MigrationFile.sort_key)
    return Status(
        infos=[t[2] for t in versioned] + repeatables,
        problems=problems,
        pending=pending_versioned + pending_repeatable,
        current_version=current,
        warnings=list(discovery.warnings),
    )


def _mismatches(mig: MigrationFile, row: AppliedMigration, cs: str, problem) -> None:
    """Flyway's checks of an applied versioned migration against its file: type, checksum, description."""
    if row.type != "SQL":
        problem(mig.script, f"recorded as type {row.type}, the file is an SQL migration (type mismatch)", "type")
    if cs == CHECKSUM_CHANGED:
        recorded = "none" if row.checksum is None else str(row.checksum)[:12]
        current = str(mig.flyway_checksum if isinstance(row.checksum, int) else mig.checksum[:12])
        problem(mig.script, f"checksum changed since it was applied (recorded {recorded}, file {current})",
                "checksum")
    if abbreviate_description(mig.description) != row.description:
        problem(mig.script, f"description changed since it was applied (recorded {row.description!r}, "
                f"file {mig.description!r})", "description")


def _failed_text(row: AppliedMigration) -> str:
    """Why a failed row blocks migrate, and (MySQL: DDL commits implicitly) which statements of it
    stayed applied, so the user knows what to check before ``repair`` removes the entry."""
    when = f"failed at {row.installed_on:%Y-%m-%d %H:%M:%S}"
    if not row.failure:
        return f"{when} and is recorded as failed (remove what it left behind, then run repair)"
    return (f"{when} and is recorded as {row.failure} (DDL commits implicitly and could not be rolled back). "
            "Check what those statements did and undo them (or finish the migration) by hand, fix the file, "
            "then run repair")
