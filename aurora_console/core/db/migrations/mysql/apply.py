"""Apply one prepared migration on MySQL, where DDL commits implicitly.

A migration that runs in a transaction (the default, as Flyway runs MySQL migrations) runs with
``autocommit`` off: its DML is rolled back if it fails, but every DDL statement commits the work
before it and itself (:mod:`.statements`). So a failure part-way can leave earlier statements
applied. Then, as Flyway does on a database without transactional DDL (``DbMigrate``: "Please
restore backups and roll back database and code!" and a history row with ``success`` false), the
migration is recorded as **failed**, with the statement it reached and how many statements stay
applied (:func:`.history.failure_text`); ``info`` and ``validate`` show it, and migrate refuses
to go on until the user has cleaned up and run ``repair``. A failed migration is never recorded
as applied. When nothing stayed applied (the first statement failed, or only DML had run), the
rollback undid everything and nothing is recorded, as on PostgreSQL; Flyway records a failed row
even then.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from aurora_console.core.db.sql_split import Statement

from ..apply import OpenTransactionLeft, elapsed_ms
from ..callbacks import CallbackFailed, CallbackRunner
from ..errors import MigrationFailed
from ..events import MigrationEvent
from ..prepared import PreparedMigration
from .connection import DriverError, connection_lost, error_code, error_text, execute, one
from .history import MySqlHistoryTable, failure_text
from .statements import kept_statements

_AT_LINE = re.compile(r".* at line ([0-9]+)\Z", re.S)


class MySqlApplier:
    def __init__(self, history: MySqlHistoryTable, installed_by: str | None,
                 callbacks: CallbackRunner | None = None) -> None:
        self.history = history
        self.installed_by = installed_by
        self.callbacks = callbacks

    def apply(self, work: Any, lock: Any, prepared: PreparedMigration, rank: int, index: int, total: int,
              task: Any, emit: Callable[[MigrationEvent], None]) -> int:
        """Run the migration; returns its execution time in ms; raises :class:`MigrationFailed`."""
        mig = prepared.migration
        statements = prepared.statements
        tx = prepared.transaction
        n = len(statements)
        how = (f", {tx.implicit_commit} commits implicitly" if tx.implicit_commit else "") if tx.in_transaction \
            else f", without a transaction: {tx.reason}"
        emit(MigrationEvent("start", mig.script, index, total, 0.0,
                            message=f"applying {mig.script} ({n} statement(s){how})"))
        if task is not None:
            task.progress(100 * index / max(total, 1), mig.script)
        t0 = time.perf_counter()
        reached = 0
        cbs = self.callbacks
        in_tx = tx.in_transaction
        try:
            if in_tx:
                execute(work, "SET autocommit = 0")  # a new transaction starts after each implicit commit
            if cbs is not None:
                cbs.run("beforeEachMigrate", work, inside_transaction=in_tx)
            for i, st in enumerate(statements):
                reached = i
                execute(work, st.text)
                if n > 1:
                    emit(MigrationEvent("progress", mig.script, index, total, (i + 1) / n,
                                        message=f"statement {i + 1}/{n} (line {st.line})"))
            reached = n
            if tx.own_transaction and _in_transaction(work):
                raise OpenTransactionLeft()
            ms = elapsed_ms(t0)
            self.history.record(work, mig, rank=rank, execution_ms=ms, success=True, installed_by=self.installed_by)
            if cbs is not None:
                cbs.run("afterEachMigrate", work, inside_transaction=in_tx)
            if in_tx:
                execute(work, "COMMIT")
        except (DriverError, OpenTransactionLeft, CallbackFailed) as e:
            failure = self.failure(work, lock, prepared, reached, e, rank, elapsed_ms(t0))
            emit(MigrationEvent("failed", mig.script, index, total, message=failure.message))
            raise failure from e
        finally:
            if in_tx and not connection_lost(work):
                try:
                    execute(work, "SET autocommit = 1")
                except DriverError:
                    pass
        emit(MigrationEvent("done", mig.script, index, total, 1.0, elapsed_ms=ms,
                            message=f"applied {mig.script} in {ms} ms"))
        return ms

    def failure(self, work: Any, lock: Any, prepared: PreparedMigration, reached: int, e: BaseException,
                rank: int, ms: int) -> MigrationFailed:
        mig = prepared.migration
        statements = prepared.statements
        tx = prepared.transaction
        lost = connection_lost(work, e if isinstance(e, DriverError) else None)
        if not lost:
            try:
                execute(work, "ROLLBACK")
                execute(work, "SET autocommit = 1")
            except DriverError:
                lost = True
        st: Statement | None = statements[reached] if reached < len(statements) else None
        callback = e if isinstance(e, CallbackFailed) else None
        if callback is not None and callback.event == "beforeEachMigrate":
            kept = 0  # the migration did not start; the callback's own DDL is the callback's
        elif isinstance(e, OpenTransactionLeft) or tx.own_transaction:
            kept = reached  # the file's own transaction was rolled back; what it committed stays
        else:
            kept = kept_statements(statements, reached, in_transaction=tx.in_transaction,
                                   failing_commits=False if st is None else None)
        line = st.line if st is not None else None
        if st is not None and isinstance(e, DriverError):
            m = _AT_LINE.fullmatch(error_text(e))
            if m:  # MySQL counts lines within the statement it ran
                line = st.line + int(m.group(1)) - 1
        if isinstance(e, OpenTransactionLeft):
            reason = ("the file ended with its own transaction still open (a START TRANSACTION without COMMIT); "
                      "that transaction was rolled back")
        elif callback is not None:
            reason = f"callback {callback.script} ({callback.event}) failed: " \
                     f"{callback.message.split(' failed: ', 1)[-1]}"
        else:
            reason = error_text(e)
            if lost:
                reason = f"the connection to the server was lost ({reason})"
        code = error_code(e) if isinstance(e, DriverError) else getattr(e, "sqlstate", None)
        where = f"statement {reached + 1} of {len(statements)}" if st is not None else \
            f"after its last statement ({len(statements)})"
        if kept == 0:
            outcome = ("nothing it ran stayed applied: its transaction was rolled back and nothing was recorded; "
                       "later migrations were not applied")
            return MigrationFailed(mig.script, f"{reason} (at {where})", line=line, sqlstate=_code(code),
                                   connection_lost=lost, outcome=outcome,
                                   hint="Fix the file and run migrate again." if not lost else
                                   "Run migrate again once the connection is back.")
        text = failure_text(min(reached + 1, len(statements)), len(statements), line, kept)
        recorded = self._try_record_failed(work, lock, prepared, rank, ms, text)
        applied = "statement 1" if kept == 1 else f"statements 1-{kept}"
        lines = _lines(statements[:kept])
        verb = "stays" if kept == 1 else "stay"
        outcome = (f"MySQL commits DDL implicitly, so {applied} ({lines}) {verb} applied and could not be rolled back; "
                   + ("it is recorded as failed" if recorded else "it could NOT be recorded as failed (the "
                      "connection is gone): check the history table before migrating again")
                   + "; later migrations were not applied")
        return MigrationFailed(
            mig.script, f"{reason} (at {where})", line=line, sqlstate=_code(code), recorded_failed=recorded,
            connection_lost=lost, outcome=outcome,
            hint=f"Check what {applied} of {mig.script} did ({lines}): undo it by hand, or finish the migration's "
                 "work by hand; fix the file; then run `repair` (it removes the failed entry) and migrate again.")

    def _try_record_failed(self, work: Any, lock: Any, prepared: PreparedMigration, rank: int, ms: int,
                           failure: str) -> bool:
        for conn in (work, getattr(lock, "conn", None)):
            if conn is None or connection_lost(conn):
                continue
            try:
                self.history.record(conn, prepared.migration, rank=rank, execution_ms=ms, success=False,
                                    installed_by=self.installed_by, failure=failure)
                return True
            except DriverError:
                continue
        return False


def _in_transaction(conn: Any) -> bool:
    try:
        row = one(conn, "SELECT @@in_transaction")
    except DriverError:
        return False
    return bool(row and row[0])


def _lines(statements: list[Statement]) -> str:
    if not statements:
        return "none"
    first, last = statements[0].line, statements[-1].end_line
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _code(code: Any) -> str | None:
    return None if code is None else str(code)
