"""The migrations engine: info, validate, migrate (with dry run), baseline, repair.

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

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from aurora_console.core.db.sql_split import Statement, error_location

from .errors import BaselineError, DiscoveryError, MigrationError, MigrationFailed, ValidationFailed
from .events import MigrationEvent
from .files import Discovery, MigrationFile, discover
from .history import (
    DEFAULT_SCHEMA,
    DEFAULT_TABLE,
    TYPE_BASELINE,
    TYPE_REPEATABLE,
    TYPE_VERSIONED,
    AppliedMigration,
    HistoryTable,
)
from .lock import MigrationLock, lock_key
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


@dataclass
class RepairResult:
    removed_failed: list[str] = field(default_factory=list)
    realigned: list[str] = field(default_factory=list)


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
        """Remove failed entries and realign checksums of applied versioned migrations to the files."""
        discovery = self.discover()
        if discovery.problems:
            raise DiscoveryError(discovery.problems)
        result = RepairResult()
        with self._locked(None, lambda ev: None) as (work, _lock):
            rows = self.history.read(work)
            files = {m.version: m for m in discovery.versioned}
            with work.transaction():
                result.removed_failed = [r.script for r in rows if not r.success]
                self.history.delete_failed(work)
                for r in rows:
                    if not r.success or r.repeatable or r.baseline or r.version is None:
                        continue
                    f = files.get(r.version)
                    if f is not None and (f.checksum != r.checksum or f.description != r.description):
                        self.history.realign(work, r.installed_rank, f.checksum, f.description)
                        result.realigned.append(f.script)
        return result

    # -- internals -------------------------------------------------------------------------
    def _open(self) -> psycopg.Connection:
        try:
            conn = self.connect()
        except psycopg.Error as e:
            raise MigrationError(
                f"Could not connect to the database: {_first_line(e)}",
                hint="Check the connection profile (host, port, tunnel, credentials).",
            ) from e
        conn.autocommit = True
        return conn

    def _locked(self, task: Any, emit: Callable[[MigrationEvent], None]):
        return _LockedSession(self, task, emit)

    def _apply(
        self,
        work: psycopg.Connection,
        lock: MigrationLock,
        mig: MigrationFile,
        rank: int,
        index: int,
        total: int,
        task: Any,
        emit: Callable[[MigrationEvent], None],
    ) -> int:
        statements = mig.statements
        n = len(statements)
        emit(
            MigrationEvent(
                "start",
                mig.script,
                index,
                total,
                0.0,
                message=f"applying {mig.script} ({n} statement(s)"
                f"{', no transaction' if mig.no_transaction else ''})",
            )
        )
        if task is not None:
            task.progress(100 * index / max(total, 1), f"{mig.script}")
        kind = TYPE_REPEATABLE if mig.repeatable else TYPE_VERSIONED
        t0 = time.perf_counter()
        current: Statement | None = None

        def run_statements() -> None:
            nonlocal current
            cur = work.cursor()
            for i, st in enumerate(statements):
                current = st
                cur.execute(st.text, prepare=False)
                if n > 1:
                    emit(
                        MigrationEvent(
                            "progress",
                            mig.script,
                            index,
                            total,
                            (i + 1) / n,
                            message=f"statement {i + 1}/{n} (line {st.line})",
                        )
                    )

        try:
            if mig.no_transaction:
                run_statements()
                ms = _elapsed_ms(t0)
                self.history.insert(
                    work,
                    rank=rank,
                    version=mig.version,
                    description=mig.description,
                    type=kind,
                    script=mig.script,
                    checksum=mig.checksum,
                    execution_ms=ms,
                    success=True,
                    installed_by=self.installed_by,
                )
            else:
                with work.transaction():
                    run_statements()
                    ms = _elapsed_ms(t0)
                    self.history.insert(
                        work,
                        rank=rank,
                        version=mig.version,
                        description=mig.description,
                        type=kind,
                        script=mig.script,
                        checksum=mig.checksum,
                        execution_ms=ms,
                        success=True,
                        installed_by=self.installed_by,
                    )
        except psycopg.Error as e:
            failure = self._failure(work, lock, mig, current, e, rank, _elapsed_ms(t0))
            emit(MigrationEvent("failed", mig.script, index, total, message=failure.message))
            raise failure from e
        emit(
            MigrationEvent(
                "done",
                mig.script,
                index,
                total,
                1.0,
                elapsed_ms=ms,
                message=f"applied {mig.script} in {ms} ms",
            )
        )
        return ms

    def _failure(
        self,
        work: psycopg.Connection,
        lock: MigrationLock,
        mig: MigrationFile,
        st: Statement | None,
        e: psycopg.Error,
        rank: int,
        ms: int,
    ) -> MigrationFailed:
        lost = work.closed or work.broken
        diag = e.diag
        reason = (
            (diag.message_primary or _first_line(e))
            if not lost
            else f"the connection to the server was lost ({diag.message_primary or _first_line(e)})"
        )
        line = col = None
        if st is not None:
            loc = None
            try:
                loc = error_location(mig.sql, st, int(diag.statement_position or 0))
            except ValueError:
                loc = None
            if loc is not None:
                _off, line, col = loc
            else:
                line = st.line
        hints = []
        if diag.message_detail:
            reason += f" ({diag.message_detail})"
        if diag.message_hint:
            hints.append(f"Server hint: {diag.message_hint}")
        if diag.sqlstate == "25001" and not mig.no_transaction:
            hints.append(
                "This statement cannot run inside a transaction: put "
                "'-- aurora-console: no-transaction' at the top of the file."
            )
        recorded = False
        if mig.no_transaction:
            # Statements before the failing one stayed applied: record the migration as failed.
            for conn in (work, lock.conn):
                if conn.closed or conn.broken:
                    continue
                try:
                    self.history.insert(
                        conn,
                        rank=rank,
                        version=mig.version,
                        description=mig.description,
                        type=TYPE_REPEATABLE if mig.repeatable else TYPE_VERSIONED,
                        script=mig.script,
                        checksum=mig.checksum,
                        execution_ms=ms,
                        success=False,
                        installed_by=self.installed_by,
                    )
                    recorded = True
                    break
                except psycopg.Error:
                    continue
            hints.append(
                "It ran without a transaction, so earlier statements stay applied: clean up, "
                "then run `repair` and migrate again."
            )
        elif lost:
            hints.append(
                "The server rolled the transaction back; run migrate again once the connection is back."
            )
        return MigrationFailed(
            mig.script,
            reason,
            line=line,
            column=col,
            sqlstate=diag.sqlstate,
            recorded_failed=recorded,
            connection_lost=lost,
            hint=" ".join(hints),
        )


class _LockedSession:
    """Context manager: lock connection + work connection; always releases the lock and closes both."""

    def __init__(self, runner: MigrationRunner, task: Any, emit: Callable[[MigrationEvent], None]) -> None:
        self.runner, self.task, self.emit = runner, task, emit
        self.lock: MigrationLock | None = None
        self.work: psycopg.Connection | None = None

    def __enter__(self) -> tuple[psycopg.Connection, MigrationLock]:
        r = self.runner
        lock_conn = r._open()
        try:
            self.lock = MigrationLock(lock_conn, lock_key(r.history.qualified_name))
            self.lock.acquire(
                r.lock_timeout,
                cancelled=lambda: bool(self.task is not None and self.task.cancelled),
                on_wait=lambda text: self.emit(MigrationEvent("log", "", 0, 0, message=text)),
            )
            self.work = r._open()
        except BaseException:
            self._close()
            raise
        return self.work, self.lock

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.lock is not None:
            self.lock.release()
        for conn in (self.work, self.lock.conn if self.lock else None):
            if conn is not None:
                try:
                    conn.close()
                except psycopg.Error:
                    pass


def _raise_for(status: Status) -> None:
    discovery_kinds = {"bad_name", "duplicate", "empty", "encoding", "directive", "tx_control", "folder"}
    disc = [p for p in status.problems if p.kind in discovery_kinds]
    if disc:
        raise DiscoveryError(disc)
    if status.problems:
        raise ValidationFailed(status.problems)


def _elapsed_ms(t0: float) -> int:
    return int(round((time.perf_counter() - t0) * 1000))


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
