"""The SQL editor's run state, Qt-free: what runs, what waits, how the last run ended, and the
session's transaction state. ``SqlTab`` renders it (toolbar, transaction label, title, results);
this class imports no PySide6, so its state transitions are tested without a QApplication
(``tests/unit/ui/sql/test_run_controller.py``).

A run: ``run(text, base, mode)`` splits the SQL on the session's serial queue, then runs the
statements one task at a time. ``phase`` goes ``idle`` -> ``running`` -> ``done`` | ``failed`` |
``cancelled`` (and ``running`` again on the next run). An error stops the run (the statements
after it are skipped); ``stop()`` cancels the running statement and drops the rest.

Observers (see :class:`~aurora_console.ui.observers.Observers`):
``changed()`` the state changed (re-render); ``message(text)`` a line for the Messages pane;
``outcome(out, skipped)`` one statement's :class:`~aurora_console.core.db.runs.RunOutcome`
(``skipped``: statements dropped because it failed); ``finished()`` the run ended;
``session_changed(autocommit)`` a session action ended (the mode the session is really in).

Tasks are submitted with ``owner`` (the widget): once it is closed the runner drops their
callbacks, so nothing here checks for a closed screen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aurora_console.core.db.runs import cancelled_before_running, run_for_editor, session_call, split_for_run
from aurora_console.core.db.session import TxState
from aurora_console.core.db.sql_errors import CANCELLED
from aurora_console.core.errors import error_message, user_text
from aurora_console.ui.observers import Observers

PHASES = ("idle", "running", "done", "failed", "cancelled")
TX_TEXT = {TxState.IDLE: "idle", TxState.IN_TRANSACTION: "in transaction", TxState.FAILED: "failed transaction",
           TxState.ACTIVE: "busy"}


class SqlRunController:
    def __init__(self, runner, session, history, *, queue: str, profile: str, owner: object | None = None,
                 connector=None) -> None:
        self.runner = runner  # anything with TaskRunner.submit's signature
        self.session = session
        # a profile opened on first use (ui.connections.on_demand.OnDemandConnection: ``ready``,
        # ``read_only``, ``ensure(then, failed, cancelled)``), or None when the session's source is ready
        self.connector = connector
        self.history = history
        self.queue = queue
        self.profile = profile
        self.owner = owner
        self.phase = "idle"
        self.mode = "run"
        self.base = 0  # where the run's text starts in the editor (error positions are relative to it)
        self.delimiter = ";"  # MySQL: the statement delimiter where the run's text starts
        self.stopped = False
        self.pending: list = []  # statements of the run not started yet
        self.outcomes: list = []  # outcomes of the last run, in order
        self.last_error: BaseException | None = None
        self.tx_state = TxState.DISCONNECTED
        self.connected_once = False  # a new tab connects on its first statement: not "disconnected" before
        self.handle = None  # the task of the run's current step
        self.changed = Observers()
        self.message = Observers()
        self.outcome = Observers()
        self.finished = Observers()
        self.session_changed = Observers()

    # -- derived state (what the widget shows) ------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.phase == "running"

    @property
    def autocommit(self) -> bool:
        return self.session.settings.autocommit

    @property
    def in_transaction(self) -> bool:
        return self.tx_state in (TxState.IN_TRANSACTION, TxState.FAILED)

    @property
    def can_run(self) -> bool:
        return not self.busy

    @property
    def can_stop(self) -> bool:
        return self.busy

    @property
    def can_commit(self) -> bool:
        return self.in_transaction and not self.busy

    @property
    def can_rollback(self) -> bool:
        return self.in_transaction and not self.busy

    @property
    def can_switch_autocommit(self) -> bool:
        return not self.busy and not self.in_transaction

    @property
    def tx_text(self) -> str:
        if self.tx_state == TxState.DISCONNECTED:
            return "not connected" if self.connected_once else "connects on first run"
        return TX_TEXT[self.tx_state]

    @property
    def title_suffix(self) -> str:
        return {TxState.IN_TRANSACTION: " [in transaction]", TxState.FAILED: " [failed transaction]",
                TxState.DISCONNECTED: " [disconnected]" if self.connected_once else ""}.get(self.tx_state, "")

    def _set_tx(self, state: TxState) -> None:
        self.tx_state = state
        self.connected_once = self.connected_once or state != TxState.DISCONNECTED

    def _submit(self, fn, **kw: Any):
        return self.runner.submit(fn, queue=self.queue, owner=self.owner, **kw)

    # -- a run --------------------------------------------------------------------------------------
    def run(self, text: str, base: int = 0, mode: str = "run", delimiter: str = ";") -> bool:
        """Start a run of ``text`` (all its statements, or the first one for explain/analyze).
        ``delimiter``: on MySQL, the one in effect where ``text`` starts (``DELIMITER`` lines above
        it). False when a run is already going."""
        if self.busy:
            return False
        self.outcomes = []
        self.last_error = None
        self.pending = []
        self.base, self.mode, self.stopped = base, mode, False
        self.phase = "running"
        self.changed.emit()
        session = self.session
        self.delimiter = delimiter
        self.handle = self._submit(
            lambda ctx: _split(session, text, ctx, delimiter),
            name="Split SQL", on_done=lambda sts: self._start(sts, text, exact=_split_is_exact(session, text)),
            on_error=self._failed, on_cancelled=lambda: self._split_cancelled(text))
        return True

    def stop(self) -> None:
        """Esc: the running statement gets the protocol cancel request, the rest is dropped."""
        self.stopped = True
        self.pending.clear()
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()

    def _split_cancelled(self, text: str) -> None:
        """Stopped while the SQL was being split: the run ends as cancelled, nothing ran."""
        out = cancelled_before_running(text, self.tx_state)
        self.outcomes.append(out)
        self.last_error = out.error
        self.message.emit(out.error.user_text())
        self._finish("cancelled")

    def _start(self, statements, text: str, exact: bool = True) -> None:
        if self.stopped:  # stopped after the split ended, before its statements were started
            self._split_cancelled(text)
            return
        if not self._when_open(lambda: self._start(statements, text, exact), self._failed, self._cancelled):
            return  # the profile opens first (asking what it needs); the run goes on from there
        if not exact:  # split before the session knew the server's standard_conforming_strings
            session = self.session
            delimiter = self.delimiter
            self.handle = self._submit(lambda ctx: _connect_and_split(session, text, statements, ctx, delimiter),
                                       name="Split SQL", on_done=lambda sts: self._start(sts, text),
                                       on_error=self._failed, on_cancelled=lambda: self._split_cancelled(text))
            return
        if not statements:
            self.message.emit("Nothing to run.")
        self.pending = list(statements) if self.mode == "run" else list(statements[:1])
        self._next()

    def _next(self) -> None:
        if self.stopped or not self.pending:
            self._finish("cancelled" if self.stopped else "done")
            return
        st = self.pending.pop(0)
        session, history, mode = self.session, self.history, self.mode
        first = " ".join(st.text.split())[:60]
        self.handle = self._submit(
            lambda ctx: run_for_editor(session, st, history, mode=mode, task=ctx),
            name=f"SQL ({self.profile}): {first}", on_done=self._done, on_error=self._failed,
            on_cancelled=self._cancelled)

    def _done(self, out) -> None:
        self.outcomes.append(out)
        self._set_tx(out.tx_state)
        skipped = 0
        if out.error is not None:
            self.last_error = out.error
            skipped = len(self.pending)
            self.pending.clear()  # an error stops the run
        self.outcome.emit(out, skipped)
        self.changed.emit()
        if out.error is not None:
            self._finish("cancelled" if out.error.kind == CANCELLED or self.stopped else "failed")
        else:
            self._next()

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(f"ERROR: {error_message(exc)}")  # an expired SSO login keeps its `aws sso login`
        self.last_error = exc
        self._finish("failed")

    def _cancelled(self) -> None:
        self.message.emit("Cancelled.")
        self._finish("cancelled")

    def _finish(self, phase: str) -> None:
        self.phase = phase
        self.pending.clear()
        self.changed.emit()
        self.finished.emit()

    # -- session actions ----------------------------------------------------------------------------
    def session_action(self, action: str, *args, done=None, error=None):
        """commit / rollback / reconnect / set_autocommit / set_statement_timeout on the session's
        queue; ``done(state)`` after it, ``error(exc)`` when it fails (the state shown is the one the
        session is really in: a failed reconnect leaves it disconnected). Returns the task handle."""
        session = self.session
        what = action.replace("_", " ")

        def finished(state) -> None:
            self.session_changed.emit(self.autocommit)
            self._set_tx(state)
            self.message.emit(f"{what}: done ({state.value})")
            self.changed.emit()
            if done is not None:
                done(state)

        def failed(exc) -> None:
            self.session_changed.emit(self.autocommit)
            self._set_tx(session.tx_state)
            text = user_text(exc)
            self.message.emit(f"{what} failed: {text}")
            self.changed.emit()
            if error is not None:
                error(exc)

        if action in ("commit", "rollback", "reconnect", "connect") and not self._when_open(
                lambda: self.session_action(action, *args, done=done, error=error), failed):
            return self.handle
        return self._submit(lambda ctx: session_call(session, action, *args), name=f"SQL {action}",
                            on_done=finished, on_error=failed)

    def _when_open(self, then, failed, cancelled=None) -> bool:
        """True when the session's source can connect now; otherwise the profile is opened first
        (on this queue, asking what it needs through the window's one prompt path) and ``then()``
        follows; ``failed(exc)`` when it cannot be opened or a question was cancelled."""
        connector = self.connector
        if connector is None or connector.ready:
            return True

        def opened() -> None:
            if connector.read_only:  # the profile is read-only: so is every transaction of the session
                self.session.settings = replace(self.session.settings, read_only=True)
            then()

        self.handle = connector.ensure(opened, failed, cancelled)
        return False

    def set_autocommit(self, on: bool):
        return self.session_action("set_autocommit", bool(on))

    def set_timeout(self, seconds: int):
        """statement_timeout for the session, in seconds (0: none); nothing when unchanged."""
        ms = int(seconds) * 1000
        if ms == self.session.settings.statement_timeout_ms:
            return None
        return self.session_action("set_statement_timeout", ms)


def _split(session, text: str, ctx, delimiter: str = ";") -> list:
    """``text``'s statements as the session's engine splits them, with what the session knows of
    the server's string rules (PostgreSQL's standard_conforming_strings, MySQL's
    NO_BACKSLASH_ESCAPES; the defaults until connected)."""
    if getattr(session, "engine", "postgres") == "mysql":
        return split_for_run(text, task=ctx, engine="mysql", backslash_escapes=session.backslash_escapes,
                             delimiter=delimiter)
    return split_for_run(text, task=ctx, standard_conforming_strings=session.standard_conforming_strings)


def _split_is_exact(session, text: str) -> bool:
    """Whether a split done before the session knew its server is certain: the server's
    ``standard_conforming_strings`` (MySQL: NO_BACKSLASH_ESCAPES) is known only once connected,
    and matters only for a backslash (``'a\\'b'`` is one string with it off)."""
    return session.connected or "\\" not in text


def _connect_and_split(session, text: str, statements: list, ctx, delimiter: str = ";") -> list:
    """Connect (as the run would), then split again if the server's string rules differ from the
    defaults. A failed connection keeps the first split: the run reports the error as it always did."""
    try:
        session.connect()
    except Exception:  # noqa: BLE001 - reported by the run's own connection attempt
        return statements
    if getattr(session, "engine", "postgres") == "mysql":
        return statements if session.backslash_escapes else _split(session, text, ctx, delimiter)
    if session.standard_conforming_strings:
        return statements
    return split_for_run(text, task=ctx, standard_conforming_strings=False)
