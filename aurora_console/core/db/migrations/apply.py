"""Apply one migration: statement by statement, in its own transaction unless marked otherwise.

On failure, build the :class:`MigrationFailed` that names the file and line (from the server's
error position when it gives one, else the failing statement's first line). A migration that ran
without a transaction is recorded as failed (its earlier statements stay applied); a
transactional one is rolled back and recorded nowhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

from aurora_console.core.db.sql_split import Statement, error_location

from .errors import MigrationFailed
from .events import MigrationEvent
from .files import MigrationFile
from .history import TYPE_REPEATABLE, TYPE_VERSIONED, HistoryTable
from .lock import MigrationLock


class Applier:
    def __init__(self, history: HistoryTable, installed_by: str | None) -> None:
        self.history = history
        self.installed_by = installed_by

    def _record(self, conn: psycopg.Connection, mig: MigrationFile, rank: int, ms: int, success: bool) -> None:
        self.history.insert(conn, rank=rank, version=mig.version, description=mig.description,
                            type=TYPE_REPEATABLE if mig.repeatable else TYPE_VERSIONED, script=mig.script,
                            checksum=mig.checksum, execution_ms=ms, success=success,
                            installed_by=self.installed_by)

    def apply(self, work: psycopg.Connection, lock: MigrationLock, mig: MigrationFile, rank: int, index: int,
              total: int, task: Any, emit: Callable[[MigrationEvent], None]) -> int:
        """Run ``mig``; returns its execution time in ms; raises :class:`MigrationFailed`."""
        statements = mig.statements
        n = len(statements)
        emit(MigrationEvent("start", mig.script, index, total, 0.0,
                            message=f"applying {mig.script} ({n} statement(s)"
                                    f"{', no transaction' if mig.no_transaction else ''})"))
        if task is not None:
            task.progress(100 * index / max(total, 1), mig.script)
        t0 = time.perf_counter()
        current: Statement | None = None
        ms = 0

        def run_statements() -> None:
            nonlocal current
            cur = work.cursor()
            for i, st in enumerate(statements):
                current = st
                cur.execute(st.text, prepare=False)
                if n > 1:
                    emit(MigrationEvent("progress", mig.script, index, total, (i + 1) / n,
                                        message=f"statement {i + 1}/{n} (line {st.line})"))

        try:
            if mig.no_transaction:
                run_statements()
                ms = elapsed_ms(t0)
                self._record(work, mig, rank, ms, True)
            else:
                with work.transaction():
                    run_statements()
                    ms = elapsed_ms(t0)
                    self._record(work, mig, rank, ms, True)
        except psycopg.Error as e:
            failure = self.failure(work, lock, mig, current, e, rank, elapsed_ms(t0))
            emit(MigrationEvent("failed", mig.script, index, total, message=failure.message))
            raise failure from e
        emit(MigrationEvent("done", mig.script, index, total, 1.0, elapsed_ms=ms,
                            message=f"applied {mig.script} in {ms} ms"))
        return ms

    def failure(self, work: psycopg.Connection, lock: MigrationLock, mig: MigrationFile, st: Statement | None,
                e: psycopg.Error, rank: int, ms: int) -> MigrationFailed:
        lost = work.closed or work.broken
        diag = e.diag
        primary = diag.message_primary or first_line(e)
        reason = f"the connection to the server was lost ({primary})" if lost else primary
        line = col = None
        if st is not None:
            try:
                loc = error_location(mig.sql, st, int(diag.statement_position or 0))
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
        if diag.sqlstate == "25001" and not mig.no_transaction:
            hints.append("This statement cannot run inside a transaction: put "
                         "'-- aurora-console: no-transaction' at the top of the file.")
        recorded = False
        if mig.no_transaction:
            # Statements before the failing one stayed applied: record the migration as failed,
            # on the lock's connection if the work connection is gone.
            for conn in (work, lock.conn):
                if conn.closed or conn.broken:
                    continue
                try:
                    self._record(conn, mig, rank, ms, False)
                    recorded = True
                    break
                except psycopg.Error:
                    continue
            hints.append("It ran without a transaction, so earlier statements stay applied: clean up, "
                         "then run `repair` and migrate again.")
        elif lost:
            hints.append("The server rolled the transaction back; run migrate again once the connection is back.")
        return MigrationFailed(mig.script, reason, line=line, column=col, sqlstate=diag.sqlstate,
                               recorded_failed=recorded, connection_lost=lost, hint=" ".join(hints))


def elapsed_ms(t0: float) -> int:
    return int(round((time.perf_counter() - t0) * 1000))


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
