"""One editor step on a worker thread: run (or EXPLAIN) a statement, record it in the history,
and report the session's transaction state, so the UI never touches the connection itself."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aurora_console.core.db.explain import Plan, explain
from aurora_console.core.db.history import HistoryEntry, QueryHistory
from aurora_console.core.db.query import FIRST_BATCH, QueryResult, run_statement
from aurora_console.core.db.session import DbSession, TxState
from aurora_console.core.db.sql_errors import CANCELLED, SqlError
from aurora_console.core.db.sql_split import Statement
from aurora_console.core.tasks import Cancelled

MODES = ("run", "explain", "analyze")


@dataclass
class RunOutcome:
    statement: Statement
    result: QueryResult | None
    plan: Plan | None
    error: SqlError | None
    tx_state: TxState
    duration_ms: float


def run_for_editor(
    session: DbSession,
    statement: Statement,
    history: QueryHistory | None = None,
    *,
    mode: str = "run",
    first_batch: int = FIRST_BATCH,
    task=None,
) -> RunOutcome:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    t0 = time.perf_counter()
    result = plan = error = None
    try:
        if mode == "run":
            result = run_statement(session, statement.text, statement=statement, first_batch=first_batch, task=task)
        else:
            plan = explain(session, statement.text, analyze=mode == "analyze", task=task)
    except SqlError as err:
        error = err
    except Cancelled:
        error = SqlError("Cancelled before it started.", kind=CANCELLED, statement=statement.text)
    ms = (time.perf_counter() - t0) * 1000
    if history is not None:
        sql = statement.text if mode == "run" else f"EXPLAIN{' ANALYZE' if mode == 'analyze' else ''} {statement.text}"
        if error is not None:
            outcome = "cancelled" if error.kind == CANCELLED else "error"
            entry = HistoryEntry(sql, outcome, ms, message=error.message)
        else:
            rows = result.rowcount if result is not None and result.rowcount >= 0 else None
            entry = HistoryEntry(sql, "ok", ms, rows=rows, message=result.status if result else "")
        try:
            history.add(entry)
        except OSError:
            pass  # a full disk must not hide the query's result
    return RunOutcome(statement, result, plan, error, session.tx_state, ms)


def session_call(session: DbSession, action: str, *args) -> TxState:
    """commit / rollback / reconnect / set_autocommit / set_statement_timeout, then the state."""
    if action not in ("commit", "rollback", "reconnect", "set_autocommit", "set_statement_timeout", "connect"):
        raise ValueError(f"unknown session action {action!r}")
    getattr(session, action)(*args)
    return session.tx_state
