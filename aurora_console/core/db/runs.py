"""One editor step on a worker thread: split a run's SQL into statements, run (or EXPLAIN) a
statement, record it in the history, and report the session's transaction state, so the UI never
touches the connection itself."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import partial

from aurora_console.core.db.explain import Plan
from aurora_console.core.db.history import HistoryEntry, QueryHistory
from aurora_console.core.db.query import FIRST_BATCH, QueryResult
from aurora_console.core.db.session import DbSession, TxState
from aurora_console.core.db.sql_dialects import dialect_for, dialect_of
from aurora_console.core.db.sql_errors import CANCELLED, SqlError
from aurora_console.core.db.sql_split import Statement, split_sql
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


SPLIT_CANCELLED = "Cancelled while the SQL was being split into statements; nothing ran."


def split_for_run(text: str, task=None, *, standard_conforming_strings: bool = True, engine: str = "postgres",
                  backslash_escapes: bool = True, delimiter: str = ";") -> list[Statement]:
    """The statements of ``text`` as the ``engine``'s client splits them (psql's rules, or the
    mysql client's with ``DELIMITER``: ``delimiter`` is the one in effect where ``text`` starts,
    e.g. for a statement picked inside a ``DELIMITER //`` block); raises :class:`Cancelled` as
    soon as ``task`` is cancelled.

    Splitting a large script takes seconds (about 3 s for 9 MB) and the splitter has no cancel
    points, so it runs on a helper thread while the task waits for it or for the cancel, whichever
    comes first; a cancelled split's statements are dropped when they come."""
    if dialect_for(engine).mysql:
        from aurora_console.core.db.mysql_split import split_mysql

        splitter = partial(split_mysql, backslash_escapes=backslash_escapes, delimiter=delimiter)
    else:
        splitter = partial(split_sql, standard_conforming_strings=standard_conforming_strings)
    if task is None:
        return splitter(text)
    task.check()
    box: dict = {}
    finished = threading.Event()

    def split() -> None:
        try:
            box["statements"] = splitter(text)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting task
            box["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=split, name="sql-split", daemon=True).start()
    unregister = task.token.on_cancel(finished.set)
    try:
        finished.wait()
    finally:
        unregister()
    task.check()
    if "error" in box:
        raise box["error"]
    return box["statements"]


def cancelled_before_running(text: str, tx_state: TxState) -> RunOutcome:
    """The outcome of a run cancelled before its first statement (while its SQL was split)."""
    whole = Statement(text=text, start=0, end=len(text), line=1, end_line=text.count("\n") + 1,
                      terminated=False, stop=len(text))
    error = SqlError(SPLIT_CANCELLED, kind=CANCELLED, statement=text)
    return RunOutcome(whole, None, None, error, tx_state, 0.0)


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
        dialect = dialect_of(session)
        if mode == "run":
            result = dialect.run_statement(session, statement.text, statement=statement, first_batch=first_batch,
                                           task=task)
        else:
            plan = dialect.explain(session, statement.text, analyze=mode == "analyze", task=task)
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
