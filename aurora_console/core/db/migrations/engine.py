"""The migrations engine: info, validate, migrate (with dry run), baseline, repair.

``repair`` follows Flyway 7+: it removes failed rows, marks applied migrations whose file is gone
as deleted (a ``DELETE`` history row; see ``repair`` and ``status``), and realigns checksums.

Guarantees (see the module docs of ``lock`` and ``history``):

* one runner at a time per history table, through an advisory lock held on its own connection;
* each migration in its own transaction; a file with ``-- aurora-console: no-transaction`` runs
  statement by statement in autocommit mode (``CREATE INDEX CONCURRENTLY``);
* a failure rolls back, records nothing (or, without a transaction, records the migration as
  failed), names the file and line, stops the run and releases the lock.

The engine takes a connection factory, so it works the same over an SSH tunnel (the tunnel only
changes host and port) as directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from .apply import Applier
from .errors import BaselineError, DiscoveryError, ValidationFailed
from .events import MigrationEvent
from .files import Discovery, MigrationFile, discover
from .history import (
    DEFAULT_SCHEMA,
    DEFAULT_TABLE,
    TYPE_BASELINE,
    TYPE_DELETE,
    AppliedMigration,
    HistoryTable,
)
from .repair import RepairResult, plan_repair
from .session import LockedSession, open_connection
from .status import Status, compute_status
from .version import Version

ConnectFn = Callable[[], psycopg.Connection]
APPLICATION_NAME = "aurora-console migrate"


def connection_factory(
    conninfo: str | Mapping[str, Any], *, application_name: str = APPLICATION_NAME, connect_timeout: int = 10
) -> ConnectFn:
    """A factory of autocommit connections from a conninfo string or a dict of parameters."""
    params = dict(conninfo) if isinstance(conninfo, Mapping) else {}
    dsn = "" if isinstance(conninfo, Mapping) else conninfo
    params.setdefault("application_name", application_name)
    params.setdefault("connect_timeout", connect_timeout)

    def connect() -> psycopg.Connection:
        return psycopg.connect(dsn, autocommit=True, **params)

    return connect


@dataclass
class AppliedStep:
    script: str
    execution_ms: int


@dataclass
class MigrateResult:
    applied: list[AppliedStep] = field(default_factory=list)
    stopped: bool = False  # the user asked to stop after the current migration
    remaining: list[str] = field(default_factory=list)  # pending scripts not applied
    dry_run: bool = False
    plan: list[MigrationFile] = field(default_factory=list)  # dry run: what would run, in order


class MigrationRunner:
    def __init__(
        self,
        connect: ConnectFn | str | Mapping[str, Any],
        folder: Path | str,
        *,
        schema: str = DEFAULT_SCHEMA,
        table: str = DEFAULT_TABLE,
        out_of_order: bool = False,
        lock_timeout: float = 30.0,
        installed_by: str | None = None,
    ) -> None:
        self.connect: ConnectFn = connect if callable(connect) else connection_factory(connect)
        self.folder = Path(folder)
        self.history = HistoryTable(schema, table)
        self.out_of_order = out_of_order
        if lock_timeout < 0:
            raise ValueError("the lock timeout must be zero or more seconds")
        self.lock_timeout = lock_timeout
        self.installed_by = installed_by

    # -- read-only -------------------------------------------------------------------------
    def discover(self) -> Discovery:
        return discover(self.folder)

    def info(self) -> Status:
        """State of every migration; never writes (the history table is not created)."""
        discovery = self.discover()
        with self._open() as conn:
            rows = self.history.read(conn)
        return compute_status(discovery, rows, out_of_order=self.out_of_order)

    def validate(self) -> Status:
        """Raise :class:`DiscoveryError` or :class:`ValidationFailed`; return the status when fine."""
        status = self.info()
        _raise_for(status)
        return status

    # -- writes, under the lock ------------------------------------------------------------
    def migrate(
        self,
        *,
        task: Any = None,
        on_event: Callable[[MigrationEvent], None] | None = None,
        dry_run: bool = False,
    ) -> MigrateResult:
        emit = on_event or (lambda ev: None)
        discovery = self.discover()
        if discovery.problems:
            raise DiscoveryError(discovery.problems)
        if dry_run:
            status = self.validate()
            return MigrateResult(
                dry_run=True, plan=list(status.pending), remaining=[m.script for m in status.pending]
            )
        with self._locked(task, emit) as (work, lock):
            self.history.create(work)
            rows = self.history.read(work)
            status = compute_status(discovery, rows, out_of_order=self.out_of_order)
            _raise_for(status)
            rank = max((r.installed_rank for r in rows), default=0) + 1
            result = MigrateResult(remaining=[m.script for m in status.pending])
            total = len(status.pending)
            emit(MigrationEvent("plan", "", 0, total, message=f"{total} migration(s) to apply"))
            for index, mig in enumerate(status.pending):
                if task is not None and task.cancelled:
                    result.stopped = True
                    emit(
                        MigrationEvent(
                            "stopped",
                            "",
                            index,
                            total,
                            message=f"stopped by the user; {total - index} migration(s) not applied",
                        )
                    )
                    break
                lock.check_alive()
                ms = self._apply(work, lock, mig, rank, index, total, task, emit)
                rank += 1
                result.applied.append(AppliedStep(mig.script, ms))
                result.remaining.remove(mig.script)
            if task is not None:
                task.progress(100, f"{len(result.applied)} migration(s) applied")
            return result

    def baseline(self, version: str | Version, description: str = "<< Baseline >>") -> AppliedMigration:
        """Adopt an existing database at ``version``: migrations up to it are never applied."""
        v = version if isinstance(version, Version) else Version.parse(str(version))
        with self._locked(None, lambda ev: None) as (work, _lock):
            self.history.create(work)
            rows = self.history.read(work)
            if any(r.baseline for r in rows):
                raise BaselineError("The database already has a baseline; nothing changed.")
            applied = [r for r in rows if r.success]
            if applied:
                raise BaselineError(
                    f"The history table {self.history.qualified_name} already records {len(applied)} "
                    "migration(s); a baseline is only for a database that has none."
                )
            rank = max((r.installed_rank for r in rows), default=0) + 1
            self.history.insert(
                work,
                rank=rank,
                version=v,
                description=description,
                type=TYPE_BASELINE,
                script="<< Baseline >>",
                checksum=None,
                execution_ms=0,
                success=True,
                installed_by=self.installed_by,
            )
            return next(r for r in self.history.read(work) if r.installed_rank == rank)

    def repair(self) -> RepairResult:
        """Remove failed entries, mark applied migrations whose file is gone as deleted, and realign
        checksums and descriptions of applied versioned migrations to their files.

        All in one transaction under the migrations lock; nothing else in the database changes.
        A migration marked deleted gets a ``DELETE`` row (installed_by, now, execution time 0,
        success, same version/description/script, checksum NULL) and is never applied again, even
        if its file comes back: that is then a validation problem, not a pending migration
        (Flyway would run such a file again when its version is newer than the current one; we
        do not), unless it is the very file that ran (same checksum): then ``repair`` removes
        the ``DELETE`` rows and it is applied again in ``info`` (``restored``). Repeatables whose file is gone are marked too; if their file returns they run
        again, as repeatables do. Running ``repair`` twice changes nothing the second time.
        """
        discovery = self.discover()
        if discovery.problems:
            raise DiscoveryError(discovery.problems)
        with self._locked(None, lambda ev: None) as (work, _lock), work.transaction():
            if not self.history.exists(work):
                return RepairResult()
            rows = self.history.read(work)
            plan = plan_repair(discovery, rows)
            if plan.remove_failed:
                self.history.delete_failed(work)
            for row, f in plan.realign:
                self.history.realign(work, row.installed_rank, f.checksum, f.description)
            for _script, markers in plan.restore:
                self.history.delete_rows(work, [m.installed_rank for m in markers])
            rank = max((r.installed_rank for r in rows), default=0) + 1
            for row in plan.mark_deleted:
                self.history.insert(
                    work,
                    rank=rank,
                    version=row.version,
                    description=row.description,
                    type=TYPE_DELETE,
                    script=row.script,
                    checksum=None,
                    execution_ms=0,
                    success=True,
                    installed_by=self.installed_by,
                )
                rank += 1
        return plan.result()

    # -- internals -------------------------------------------------------------------------
    def _open(self) -> psycopg.Connection:
        return open_connection(self.connect)

    def _locked(self, task: Any, emit: Callable[[MigrationEvent], None]) -> LockedSession:
        return LockedSession(self.connect, self.history.qualified_name, self.lock_timeout, task, emit)

    def _apply(self, work, lock, mig, rank, index, total, task, emit) -> int:
        return Applier(self.history, self.installed_by).apply(work, lock, mig, rank, index, total, task, emit)


def _raise_for(status: Status) -> None:
    discovery_kinds = {"bad_name", "duplicate", "empty", "encoding", "directive", "tx_control", "folder"}
    disc = [p for p in status.problems if p.kind in discovery_kinds]
    if disc:
        raise DiscoveryError(disc)
    if status.problems:
        raise ValidationFailed(status.problems)
