"""Apply one prepared migration: statement by statement, in its own transaction unless
``transactions`` decided otherwise (see :class:`~.prepared.PreparedMigration`).

The ``beforeEachMigrate``/``afterEachMigrate`` callbacks run inside the migration's transaction
when it has one (on their own otherwise), ``afterEachMigrateError`` after a failure was rolled back.

On failure, build the :class:`MigrationFailed` that names the file and line (from the server's
error position when it gives one, else the failing statement's first line). A migration that ran
without a transaction is recorded as failed (its earlier statements stay applied); a
transactional one is rolled back and recorded nowhere. A file that manages its own transaction
(``BEGIN ... COMMIT``) runs as written; if it fails inside its own transaction, that transaction is
rolled back before the failure is recorded, and a file that leaves a transaction open fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

from aurora_console.core.db.sql_split import Statement, error_location

from .callbacks import CallbackFailed, CallbackRunner
from .errors import MigrationFailed
from .events import MigrationEvent
from .files import MigrationFile
from .history import HistoryTable
from .lock import MigrationLock
from .prepared import PreparedMigration


class OpenTransactionLeft(Exception):
    """The file ended with its own transaction still open."""


class Applier:
    def __init__(self, history: HistoryTable, installed_by: str | None,
                 callbacks: CallbackRunner | None = None) -> None:
        self.history = history
        self.installed_by = installed_by
        self.callbacks = callbacks

    def _record(self, conn: psycopg.Connection, mig: MigrationFile, rank: int, ms: int, success: bool) -> None:
        # type and checksum as the table's format records them (Flyway's CRC32 or the console's sha256)
        self.history.record(conn, mig, rank=rank, execution_ms=ms, success=success, installed_by=self.installed_by)

    def apply(self, work: psycopg.Connection, lock: MigrationLock, prepared: PreparedMigration,
              rank: int, index: int, total: int, task: Any, emit: Callable[[MigrationEvent], None]) -> int:
        """Run the migration; returns its execution time in ms; raises :class:`MigrationFailed`."""
        mig = prepared.migration
        statements = prepared.statements
        tx = prepared.transaction
        n = len(statements)
        emit(MigrationEvent("start", mig.script, index, total, 0.0,
                            message=f"applying {mig.script} ({n} statement(s)"
                                    f"{'' if tx.in_transaction else ', without a transaction: ' + tx.reason})"))
        if task is not None:
            task.progress(100 * index / max(total, 1), mig.script)
        t0 = time.perf_counter()
        current: Statement | None = None
        ms = 0
        cbs = self.callbacks

        def run_statements() -> None:
            nonlocal current
            cur = work.cursor()
            for i, st in enumerate(statements):
                current = st
                cur.execute(st.text, prepare=False)
                if n > 1:
                    emit(MigrationEvent("progress", mig.script, index, total, (i + 1) / n,
                                        message=f"statement {i + 1}/{n} (line {st.line})"))
            current = None
            if tx.own_transaction and work.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raise OpenTransactionLeft()

        try:
            if not tx.in_transaction:
                if cbs is not None:
                    cbs.run("beforeEachMigrate", work)
                run_statements()
                ms = elapsed_ms(t0)
                self._record(work, mig, rank, ms, True)
                if cbs is not None:
                    cbs.run("afterEachMigrate", work)
            else:
                with work.transaction():
                    if cbs is not None:
                        cbs.run("beforeEachMigrate", work, inside_transaction=True)
                    run_statements()
                    ms = elapsed_ms(t0)
                    self._record(work, mig, rank, ms, True)
                    if cbs is not None:
                        cbs.run("afterEachMigrate", work, inside_transaction=True)
        except (psycopg.Error, OpenTransactionLeft, CallbackFailed) as e:
            failure = self.failure(work, lock, prepared, current, e, rank, elapsed_ms(t0))
            self._error_callbacks(work, failure)
            emit(MigrationEvent("failed", mig.script, index, total, message=failure.message))
            raise failure from e
        emit(MigrationEvent("done", mig.script, index, total, 1.0, elapsed_ms=ms,
                            message=f"applied {mig.script} in {ms} ms"))
        return ms

    def _error_callbacks(self, work: psycopg.Connection, failure: MigrationFailed) -> None:
        if self.callbacks is None or not self.callbacks.callbacks.of("afterEachMigrateError"):
            return
        if work.closed or work.broken:
            return
        try:
            self.callbacks.run("afterEachMigrateError", work)
        except (CallbackFailed, psycopg.Error) as e:
            failure.hint = (failure.hint + " " if failure.hint else "") + f"Also: {e}"

    def failure(self, work: psycopg.Connection, lock: MigrationLock, prepared: PreparedMigration, st: Statement | None,
                e: Exception, rank: int, ms: int) -> MigrationFailed:
        mig = prepared.migration
        no_tx = not prepared.transaction.in_transaction
        lost = work.closed or work.broken
        if isinstance(e, CallbackFailed):
            return self._callback_failure(work, lock, prepared, e, rank, ms)
        if isinstance(e, OpenTransactionLeft):
            _rollback_own(work)
            return self._record_failed(work, lock, prepared, rank, ms, MigrationFailed(
                mig.script, "the file ended with its own transaction still open (a BEGIN without COMMIT); "
                "that transaction was rolled back", recorded_failed=False,
                hint="End the file's transaction with COMMIT."))
        assert isinstance(e, psycopg.Error)
        diag = e.diag
        primary = diag.message_primary or first_line(e)
        reason = f"the connection to the server was lost ({primary})" if lost else primary
        line = col = None
        if st is not None:
            try:
                loc = error_location(prepared.sql, st, int(diag.statement_position or 0))
            except ValueError:
                loc = None
            if loc is not None:
                _offset, line, col = loc
            else:
                line = st.line
        if diag.message_detail:
            reason += f" ({diag.message_detail})"
        hints = []
        if diag.message_hint:
            hints.append(f"Server hint: {diag.message_hint}")
        if diag.sqlstate == "25001" and not no_tx:
            hints.append(f"This statement cannot run inside a transaction: add {mig.path.name}.conf with "
                         "executeInTransaction=false (as in Flyway), or put "
                         "'-- aurora-console: no-transaction' at the top of the file.")
        if diag.sqlstate == "55P04" and not no_tx:  # unsafe use of new value of enum type
            hints.append("A value added with ALTER TYPE ... ADD VALUE cannot be used in the transaction that "
                         f"added it: move its use to a later migration, or add {mig.path.name}.conf with "
                         "executeInTransaction=false.")
        recorded = False
        if no_tx:
            if prepared.transaction.own_transaction and not lost:
                _rollback_own(work)
            # Statements before the failing one stayed applied: record the migration as failed,
            # on the lock's connection if the work connection is gone.
            recorded = self._try_record_failed(work, lock, mig, rank, ms)
            hints.append("It ran without a transaction, so earlier statements stay applied: clean up, "
                         "then run `repair` and migrate again.")
        elif lost:
            hints.append("The server rolled the transaction back; run migrate again once the connection is back.")
        return MigrationFailed(mig.script, reason, line=line, column=col, sqlstate=diag.sqlstate,
                               recorded_failed=recorded, connection_lost=lost, hint=" ".join(hints))

    def _try_record_failed(self, work, lock, mig: MigrationFile, rank: int, ms: int) -> bool:
        for conn in (work, lock.conn):
            if conn.closed or conn.broken:
                continue
            try:
                self._record(conn, mig, rank, ms, False)
                return True
            except psycopg.Error:
                continue
        return False

    def _record_failed(self, work, lock, prepared: PreparedMigration, rank: int, ms: int,
                       failure: MigrationFailed) -> MigrationFailed:
        recorded = self._try_record_failed(work, lock, prepared.migration, rank, ms)
        return MigrationFailed(failure.script, failure.reason, recorded_failed=recorded,
                               hint=failure.hint + " Earlier statements stay applied: clean up, then run "
                               "`repair` and migrate again.")

    def _callback_failure(self, work, lock, prepared: PreparedMigration, e: CallbackFailed, rank: int,
                          ms: int) -> MigrationFailed:
        mig = prepared.migration
        reason = f"callback {e.script} ({e.event}) failed" + (f" at line {e.line}" if e.line else "") + \
            f": {e.message.split(' failed: ', 1)[-1]}"
        if prepared.transaction.in_transaction:
            return MigrationFailed(mig.script, reason, sqlstate=e.sqlstate,
                                   hint="The migration's transaction was rolled back with it; fix the callback.")
        if e.event == "afterEachMigrate":
            # The migration itself ran and is recorded; only its after-callback failed.
            return MigrationFailed(mig.script, reason, sqlstate=e.sqlstate, recorded_failed=False,
                                   hint="The migration itself was applied and recorded; fix the callback.")
        return MigrationFailed(mig.script, reason, sqlstate=e.sqlstate,
                               hint="The migration did not run; fix the callback.")


def _rollback_own(work: psycopg.Connection) -> None:
    """End a transaction the file opened itself (its failure or a missing COMMIT)."""
    if work.closed or work.broken:
        return
    if work.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        try:
            work.execute("ROLLBACK")
        except psycopg.Error:
            pass


def elapsed_ms(t0: float) -> int:
    return int(round((time.perf_counter() - t0) * 1000))


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
