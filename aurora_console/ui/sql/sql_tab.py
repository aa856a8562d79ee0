"""One SQL editor tab: a script bound to a connection profile with its own database session.

All database work goes through the task runner on this session's serial queue
(``db:<profile>#<n>``); the UI thread only shows what comes back.
"""

from __future__ import annotations

import itertools
import time
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QSplitter, QTabWidget, QVBoxLayout, QWidget

from aurora_console.core.db.history import QueryHistory, Snippets
from aurora_console.core.db.runs import cancelled_before_running, run_for_editor, split_for_run
from aurora_console.core.db.session import DbSession, SessionSettings, TxState
from aurora_console.ui.sql import tab_io, tab_session
from aurora_console.ui.sql.completer import SqlCompleter
from aurora_console.ui.sql.editor import SqlEditor
from aurora_console.ui.sql.find_bar import FindBar
from aurora_console.ui.sql.history_panel import HistoryPanel
from aurora_console.ui.sql.plan_view import PlanView
from aurora_console.ui.sql.result_model import ResultTableModel
from aurora_console.ui.sql.result_view import ResultView
from aurora_console.ui.sql.tab_actions import build_toolbar
from aurora_console.ui.theme import palette_is_dark

MAX_RESULT_TABS = 20
IDLE_CURSOR_S = 120
_numbers = itertools.count(1)


class SqlTab(QWidget):
    title_changed = Signal(str)
    run_finished = Signal()  # a run (all its statements) ended, well or not

    def __init__(self, services, profile: str, source, *, read_only: bool = False, text: str = "",
                 path: str | None = None, tab_id: str | None = None, on_close=None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlTab")
        self.services = services
        self.runner = services.runner
        self.profile = profile
        self.tab_id = tab_id or uuid.uuid4().hex[:12]
        self.queue = f"db:{profile}#{next(_numbers)}"
        self.session = DbSession(source, SessionSettings(read_only=read_only), name=profile)
        self.history = QueryHistory(profile)
        self.snippets = Snippets()
        self.path: str | None = path
        self.tx_state = TxState.DISCONNECTED
        self.connected_once = False  # a new tab connects on its first statement: not "disconnected" before
        self.handle = None
        self.busy = False
        self.outcomes: list = []  # outcomes of the last run, in order
        self.outcome_views: list = []  # the ResultView / PlanView of each outcome (or None)
        self.last_error = None
        self._pending: list = []
        self._stopped = False
        self._base = 0
        self._mode = "run"
        self._on_close = on_close
        self.closed = False  # set by shutdown(): late task callbacks are then ignored
        self._completion_loaded = False
        self.setProperty("sqlProfile", profile)

        self.editor = SqlEditor(self, dark=palette_is_dark())
        self.setFocusProxy(self.editor)  # focusing the tab (opening, switching to it) puts the caret in the editor
        self.completer = SqlCompleter(self.editor)
        self.editor.completer = self.completer
        self.find_bar = FindBar(self.editor, self)
        self.results = QTabWidget(objectName="sqlResults")
        self.results.setDocumentMode(True)
        self.messages = QPlainTextEdit(readOnly=True, objectName="sqlMessages")
        self.messages.setMaximumBlockCount(5000)
        self.results.addTab(self.messages, "Messages")
        self.history_panel = HistoryPanel(self.history, self.snippets, self.runner, self)
        self.history_panel.insert_requested.connect(self.editor.insertPlainText)
        self.history_panel.hide()
        self.toolbar = build_toolbar(self)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(0)
        tl.addWidget(self.editor, 1)
        tl.addWidget(self.find_bar)
        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(top)
        vsplit.addWidget(self.results)
        vsplit.setSizes([420, 300])
        hsplit = QSplitter(Qt.Orientation.Horizontal)
        hsplit.addWidget(vsplit)
        hsplit.addWidget(self.history_panel)
        hsplit.setSizes([900, 300])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(hsplit, 1)

        # In autocommit mode an unfinished result keeps a transaction open (and its table locks):
        # after a while without fetching, the cursor is closed (export re-runs the query).
        self._idle_timer = QTimer(self, singleShot=True, interval=IDLE_CURSOR_S * 1000)
        self._idle_timer.timeout.connect(self.release_idle_cursors)
        self._autosave_timer = QTimer(self, singleShot=True, interval=1500)
        self._autosave_timer.timeout.connect(self.autosave)
        self.editor.textChanged.connect(self._autosave_timer.start)
        self.editor.document().modificationChanged.connect(lambda _m: self._update_title())
        if text:
            self.editor.load_text(text)
            if path is None:
                self.editor.document().setModified(False)
        self._update_state()

    # -- titles and state --------------------------------------------------------------------------
    @property
    def autosave_path(self) -> Path:
        return self.services.paths.autosave_dir / f"sql-{self.tab_id}.sql"

    def title(self) -> str:
        name = Path(self.path).name if self.path else self.profile
        mark = "*" if self.editor.document().isModified() else ""
        state = {TxState.IN_TRANSACTION: " [in transaction]", TxState.FAILED: " [failed transaction]",
                 TxState.DISCONNECTED: " [disconnected]" if self.connected_once else ""}.get(self.tx_state, "")
        return f"SQL {name}{mark} · {self.profile}{state}" if self.path else f"SQL · {self.profile}{mark}{state}"

    def _update_title(self) -> None:
        self.title_changed.emit(self.title())

    def _update_state(self) -> None:
        if self.closed:
            return
        manual = not self.session.settings.autocommit
        in_tx = self.tx_state in (TxState.IN_TRANSACTION, TxState.FAILED)
        self.connected_once = self.connected_once or self.tx_state != TxState.DISCONNECTED
        not_connected = "not connected" if self.connected_once else "connects on first run"
        self.tx_label.setText({TxState.IDLE: "idle", TxState.IN_TRANSACTION: "in transaction",
                               TxState.FAILED: "failed transaction", TxState.DISCONNECTED: not_connected,
                               TxState.ACTIVE: "busy"}[self.tx_state])
        self.tx_label.setProperty("state", self.tx_state.name.lower())
        color = {TxState.IN_TRANSACTION: "#c08000", TxState.FAILED: "#d03030"}.get(self.tx_state, "")
        self.tx_label.setStyleSheet(f"color: {color}; font-weight: bold;" if color else "")
        self.commit_action.setEnabled((manual or in_tx) and not self.busy and in_tx)
        self.rollback_action.setEnabled(in_tx and not self.busy)
        self.run_action.setEnabled(not self.busy)
        self.run_statement_action.setEnabled(not self.busy)
        self.explain_action.setEnabled(not self.busy)
        self.analyze_action.setEnabled(not self.busy)
        self.stop_action.setEnabled(self.busy)
        self.autocommit_action.setEnabled(not self.busy and not in_tx)
        self._update_title()

    def message(self, text: str) -> None:
        if self.closed:
            return
        self.messages.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {text}")

    # -- running ------------------------------------------------------------------------------------
    def run_all(self) -> None:
        self._run(self.editor.toPlainText(), 0, "run")

    def run_current(self, mode: str = "run") -> None:
        cur = self.editor.textCursor()
        if cur.hasSelection():
            self._run(cur.selection().toPlainText(), cur.selectionStart(), mode)
            return
        st = self.editor.statement_under_cursor()
        if st is None:
            self.message("Nothing to run: the editor is empty.")
            return
        self._run(st.text, st.start, mode)

    def _run(self, text: str, base: int, mode: str) -> None:
        if self.busy or self.editor.loading:
            return
        self._clear_results()
        self.outcomes = []
        self.outcome_views = []
        self.last_error = None
        self._base, self._mode, self._stopped = base, mode, False
        self.busy = True
        self._update_state()
        self.handle = self.runner.submit(lambda ctx: split_for_run(text, task=ctx), name="Split SQL",
                                         queue=self.queue, on_done=lambda sts: self._start(sts, text),
                                         on_error=self._failed, on_cancelled=lambda: self._split_cancelled(text))

    def _split_cancelled(self, text: str) -> None:
        """Esc while the SQL was being split: the run ends as cancelled, nothing ran."""
        if self.closed:
            return
        out = cancelled_before_running(text, self.tx_state)
        self.outcomes.append(out)
        self.outcome_views.append(None)
        self.last_error = out.error
        self.message(out.error.user_text())
        self._finish()

    def _start(self, statements, text: str = "") -> None:
        if self.closed:
            return
        if self._stopped:  # cancelled after the split ended, before its statements were started
            self._split_cancelled(text)
            return
        if not statements:
            self.message("Nothing to run.")
        self._pending = list(statements) if self._mode == "run" else list(statements[:1])
        self._next()

    def _next(self) -> None:
        if self.closed:
            return
        if self._stopped or not self._pending:
            self._finish()
            return
        st = self._pending.pop(0)
        session, history, mode = self.session, self.history, self._mode
        first = " ".join(st.text.split())[:60]
        self.handle = self.runner.submit(
            lambda ctx: run_for_editor(session, st, history, mode=mode, task=ctx),
            name=f"SQL ({self.profile}): {first}", queue=self.queue,
            on_done=self._done, on_error=self._failed, on_cancelled=self._cancelled)

    def _done(self, out) -> None:
        if self.closed:
            return
        self.outcomes.append(out)
        self.outcome_views.append(None)
        self.tx_state = out.tx_state
        if out.error is not None:
            self._show_error(out)
        else:
            if not self._completion_loaded:  # connected: offer its schemas, tables and columns
                self._completion_loaded = True
                self.load_completion()
            r = out.result
            if r is not None:
                for n in r.notices:
                    self.message(n.text())
                self.message(f"{r.status or 'OK'} · {out.duration_ms:.0f} ms")
                if r.has_result_set and self.results.count() <= MAX_RESULT_TABS:
                    self.outcome_views[-1] = self._add_result(r)
            if out.plan is not None:
                view = self.outcome_views[-1] = PlanView(out.plan)
                self.results.addTab(view, "Plan")
                self.results.setCurrentWidget(view)
                self.message(f"EXPLAIN · {out.duration_ms:.0f} ms")
        self._update_state()
        self._next()

    def _show_error(self, out) -> None:
        err = self.last_error = out.error
        skipped = len(self._pending)
        self._pending.clear()
        line = self.editor.document().findBlock(self._base + out.statement.start).blockNumber() + 1
        self.message(f"{err.user_text()} (statement at line {line})")
        if skipped:
            self.message(f"Stopped at this error: the {skipped} statement(s) after it were not run.")
        if err.connection_lost:
            self.message("The connection was lost: press Reconnect (the editor text and history are kept).")
            self.reconnect_action.setEnabled(True)
        if err.position:
            self.editor.show_error_at(self._base + out.statement.start + err.position - 1)
        self.results.setCurrentWidget(self.messages)

    def _add_result(self, r) -> ResultView:
        model = ResultTableModel(r, self.runner, self.queue)
        model.state_changed.connect(self._idle_timer.start)
        self._idle_timer.start()
        view = ResultView(model)
        view.export_requested.connect(self.ask_export)
        index = self.results.addTab(view, f"Result {self.results.count()}")
        self.results.setCurrentIndex(index)
        return view

    def _failed(self, exc: BaseException) -> None:
        if self.closed:
            return
        self.message(f"ERROR: {exc}")
        self.last_error = exc
        self._finish()

    def _cancelled(self) -> None:
        if self.closed:
            return
        self.message("Cancelled.")
        self._finish()

    def _finish(self) -> None:
        if self.closed:
            return
        self.busy = False
        self._pending.clear()
        self._update_state()
        self.run_finished.emit()

    def release_idle_cursors(self) -> None:
        """Close result cursors that hold an implicit transaction (autocommit mode) while idle."""
        if self.closed or self.busy:
            return
        models = [v.model for v in self.result_views()
                  if v.model.stream_open and not v.model.fetching and v.model.result.stream.owns_transaction]
        if not models:
            return
        streams = [m.result.stream for m in models]

        def close(ctx) -> None:
            for s in streams:
                s.close("closed after being idle, to release its transaction")

        def done(_r) -> None:
            for m in models:
                m.state_changed.emit()
            self.message(f"Closed {len(streams)} idle result cursor(s) to release their transaction.")

        self.runner.submit(close, name="Release idle cursors", queue=self.queue, on_done=done)

    def cancel(self) -> None:
        """Stop the run: the running statement gets the protocol cancel request, the rest is dropped."""
        self._stopped = True
        self._pending.clear()
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()
        for view in self.result_views():
            view.model.stop()

    def _clear_results(self) -> None:
        while self.results.count() > 1:
            w = self.results.widget(1)
            self.results.removeTab(1)
            w.deleteLater()

    def result_views(self) -> list[ResultView]:
        return [w for i in range(self.results.count()) if isinstance(w := self.results.widget(i), ResultView)]

    def plan_views(self) -> list[PlanView]:
        return [w for i in range(self.results.count()) if isinstance(w := self.results.widget(i), PlanView)]

    # -- session actions (tab_session.py) -----------------------------------------------------------------
    def session_action(self, action: str, *args, done=None, error=None):
        return tab_session.session_action(self, action, *args, done=done, error=error)

    def _sync_autocommit(self) -> None:
        tab_session.sync_autocommit(self)

    def set_autocommit(self, on: bool) -> None:
        self.session_action("set_autocommit", bool(on))

    def set_timeout(self, seconds: int) -> None:
        tab_session.set_timeout(self, seconds)

    def load_completion(self, refresh: bool = False) -> None:
        tab_session.load_completion(self, refresh)

    # -- export and files (tab_io.py) -------------------------------------------------------------------
    def ask_export(self, view: ResultView) -> None:
        tab_io.ask_export(self, view)

    def export(self, view: ResultView, path: str, fmt: str, on_done=None):
        return tab_io.export(self, view, path, fmt, on_done)

    def autosave(self) -> None:
        tab_io.autosave(self)

    def open_file(self, path: str) -> None:
        tab_io.open_file(self, path)

    def save_file(self, path: str | None = None, on_done=None) -> bool:
        return tab_io.save_file(self, path, on_done)

    # -- closing ----------------------------------------------------------------------------------------------
    def ask(self, title: str, text: str, buttons) -> QMessageBox.StandardButton:
        """A modal question (tests replace this method)."""
        return QMessageBox.question(self, title, text, buttons)

    def can_close(self) -> bool:
        B = QMessageBox.StandardButton
        if self.tx_state in (TxState.IN_TRANSACTION, TxState.FAILED):
            if self.ask("Open transaction", f"The session on {self.profile} has an open transaction. "
                        "Roll it back and close the tab?", B.Yes | B.No) != B.Yes:
                return False
        if self.editor.document().isModified() and self.path:
            answer = self.ask("Unsaved changes", f"Save the changes to {Path(self.path).name}?",
                              B.Save | B.Discard | B.Cancel)
            if answer == B.Cancel:
                return False
            if answer == B.Save:
                from aurora_console.core.db.sql_files import save_sql_file

                save_sql_file(self.path, self.editor.toPlainText())  # atomic; as cheap as before
        self.shutdown(discard_autosave=True)
        return True

    def shutdown(self, discard_autosave: bool = False) -> None:
        """Cancel what runs and close the session (and the tunnel it opened) on its queue."""
        if self.closed:
            return
        self.cancel()
        self.closed = True
        session, on_close, autosave = self.session, self._on_close, self.autosave_path

        def close(ctx) -> None:
            session.close()
            if on_close is not None:
                on_close()
            if discard_autosave and autosave.exists():
                autosave.unlink()

        if discard_autosave:
            self._autosave_timer.stop()
        else:
            self.autosave()
        self.runner.submit(close, name=f"Close SQL session ({self.profile})", queue=self.queue)
