"""Compare the files with the history table: the state of every migration, and what to apply.

Pure functions (no I/O): ``info`` shows the result, ``validate`` fails on its problems, and
``migrate`` applies its ``pending`` list in order.

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
from .files import REPEATABLE, VERSIONED, Discovery, MigrationFile
from .history import AppliedMigration
from .version import Version

PENDING = "pending"
APPLIED = "applied"
FAILED = "failed"
OUTDATED = "outdated"  # repeatable whose file changed since it last ran: will run again
IGNORED = "ignored"  # older than the latest applied version, and out-of-order is not allowed
MISSING = "missing"  # applied, but its file is gone
BELOW_BASELINE = "below baseline"
BASELINE = "baseline"
DELETED = "deleted"  # applied, then marked deleted by repair because its file was gone

CHECKSUM_OK = "ok"
CHECKSUM_CHANGED = "changed"
CHECKSUM_NO_FILE = "no file"
CHECKSUM_NA = ""


@dataclass(frozen=True)
class MigrationInfo:
    script: str
    kind: str  # versioned | repeatable | baseline
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


@dataclass
class Status:
    infos: list[MigrationInfo]
    problems: list[Problem] = field(default_factory=list)  # discovery + validation
    pending: list[MigrationFile] = field(default_factory=list)  # in the order migrate applies them
    current_version: Version | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_state(self, *states: str) -> list[MigrationInfo]:
        return [i for i in self.infos if i.state in states]


def compute_status(
    discovery: Discovery, history: list[AppliedMigration], *, out_of_order: bool = False
) -> Status:
    problems: list[Problem] = list(discovery.problems)
    rows_by_version: dict[Version, AppliedMigration] = {}
    baseline: AppliedMigration | None = None
    latest_repeatable: dict[str, AppliedMigration] = {}
    deleted_versions: dict[Version, AppliedMigration] = {}  # version -> the applied row it cancels
    deleted_repeatables: dict[str, AppliedMigration] = {}
    for row in history:  # in installed_rank order: a DELETE marker cancels the rows before it
        if row.baseline:
            baseline = row
        elif row.delete_marker:
            if row.version is not None:
                cancelled = rows_by_version.pop(row.version, None)
                if cancelled is not None:
                    deleted_versions[row.version] = cancelled
            else:
                cancelled = latest_repeatable.pop(row.script, None)
                if cancelled is not None:
                    deleted_repeatables[row.script] = cancelled
        elif row.repeatable:
            latest_repeatable[row.script] = row
        elif row.version is not None:
            rows_by_version[row.version] = row
    live_versions = set(rows_by_version)
    live_repeatables = set(latest_repeatable)
    applied_versions = [v for v, r in rows_by_version.items() if r.success]
    if baseline is not None and baseline.version is not None:
        applied_versions.append(baseline.version)
    current = max(applied_versions) if applied_versions else None

    versioned: list[tuple[Version, int, MigrationInfo]] = []
    pending_versioned: list[MigrationFile] = []
    for mig in discovery.versioned:
        row = rows_by_version.pop(mig.version, None)
        if row is not None:
            if not row.success:
                state, cs = FAILED, CHECKSUM_NA
                problems.append(
                    Problem(
                        mig.script,
                        f"failed at {row.installed_on:%Y-%m-%d %H:%M:%S %Z} and is recorded as failed",
                        "failed",
                    )
                )
            else:
                state = APPLIED
                cs = CHECKSUM_OK if row.checksum == mig.checksum else CHECKSUM_CHANGED
                if cs == CHECKSUM_CHANGED:
                    problems.append(
                        Problem(
                            mig.script,
                            f"checksum changed since it was applied "
                            f"(recorded {(row.checksum or 'none')[:12]}, file "
                            f"{mig.checksum[:12]})",
                            "checksum",
                        )
                    )
        elif mig.version in deleted_versions and mig.version not in live_versions:
            row = deleted_versions[mig.version]
            state = DELETED
            cs = CHECKSUM_OK if row.checksum == mig.checksum else CHECKSUM_CHANGED
            problems.append(
                Problem(
                    mig.script,
                    f"version {mig.version} was applied, then marked deleted by repair; its file is back "
                    "but it will not run again (remove the file, or move its changes to a new version"
                    + ("; it is the file that ran: `repair` restores it as applied)" if cs == CHECKSUM_OK
                       else ")"),
                    "deleted",
                )
            )
        elif baseline is not None and baseline.version is not None and mig.version <= baseline.version:
            state, cs = BELOW_BASELINE, CHECKSUM_NA
        elif current is not None and mig.version < current:
            if out_of_order:
                state = PENDING
                pending_versioned.append(mig)
            else:
                state = IGNORED
                problems.append(
                    Problem(
                        mig.script,
                        f"pending version {mig.version} is older than the latest "
                        f"applied version {current} (out of order)",
                        "out_of_order",
                    )
                )
            cs = CHECKSUM_NA
        else:
            state, cs = PENDING, CHECKSUM_NA
            pending_versioned.append(mig)
        versioned.append(
            (
                mig.version,
                1,
                MigrationInfo(mig.script, VERSIONED, mig.version, mig.description, state, cs, mig, row),
            )
        )
    for version, row in rows_by_version.items():
        state = MISSING if row.success else FAILED
        problems.append(
            Problem(
                row.script,
                "applied but its file is missing"
                if row.success
                else "recorded as failed and its file is missing",
                "missing" if row.success else "failed",
            )
        )
        versioned.append(
            (
                version,
                1,
                MigrationInfo(
                    row.script, VERSIONED, version, row.description, state, CHECKSUM_NO_FILE, None, row
                ),
            )
        )
    file_versions = {m.version for m in discovery.versioned}
    for version, row in deleted_versions.items():
        if version in live_versions or version in file_versions:
            continue  # applied again since (another tool), or its file is back (shown above)
        versioned.append(
            (
                version,
                1,
                MigrationInfo(row.script, VERSIONED, version, row.description, DELETED, CHECKSUM_NA, None, row),
            )
        )
    if baseline is not None and baseline.version is not None:
        versioned.append(
            (
                baseline.version,
                0,
                MigrationInfo(
                    baseline.script,
                    "baseline",
                    baseline.version,
                    baseline.description,
                    BASELINE,
                    CHECKSUM_NA,
                    None,
                    baseline,
                ),
            )
        )
    versioned.sort(key=lambda t: (t[0], t[1], t[2].script))

    repeatables: list[MigrationInfo] = []
    pending_repeatable: list[MigrationFile] = []
    for mig in discovery.repeatable:
        row = latest_repeatable.pop(mig.script, None)
        if row is None:
            state, cs = PENDING, CHECKSUM_NA
        elif not row.success:
            state, cs = FAILED, CHECKSUM_NA
            problems.append(Problem(mig.script, "its last run failed and is recorded as failed", "failed"))
        elif row.checksum != mig.checksum:
            state, cs = OUTDATED, CHECKSUM_CHANGED
        else:
            state, cs = APPLIED, CHECKSUM_OK
        if state in (PENDING, OUTDATED):
            pending_repeatable.append(mig)
        repeatables.append(MigrationInfo(mig.script, REPEATABLE, None, mig.description, state, cs, mig, row))
    for script, row in latest_repeatable.items():
        repeatables.append(
            MigrationInfo(
                script,
                REPEATABLE,
                None,
                row.description,
                MISSING if row.success else FAILED,
                CHECKSUM_NO_FILE,
                None,
                row,
            )
        )
        if not row.success:
            problems.append(Problem(script, "recorded as failed and its file is missing", "failed"))
    file_scripts = {m.script for m in discovery.repeatable}
    for script, row in deleted_repeatables.items():
        if script in live_repeatables or script in file_scripts:
            continue  # run again since, or its file is back: then it is pending like a new one
        repeatables.append(
            MigrationInfo(script, REPEATABLE, None, row.description, DELETED, CHECKSUM_NA, None, row)
        )

    pending_versioned.sort(key=MigrationFile.sort_key)
    return Status(
        infos=[t[2] for t in versioned] + repeatables,
        problems=problems,
        pending=pending_versioned + pending_repeatable,
        current_version=current,
    )
