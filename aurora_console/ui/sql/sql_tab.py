"""One SQL editor tab: a script bound to a connection profile with its own database session.

All database work goes through the task runner on this session's serial queue
(``db:<profile>#<n>``); the UI thread only shows what comes back. The run state (what runs,
what waits, the transaction state) is :class:`~aurora_console.ui.sql.run_controller.SqlRunController`'s,
a Qt-free class this widget renders; files (open, save, autosave, export) are read and written by
core on worker threads.
"""

from __future__ import annotations

import itertools
import time
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.catalog import CatalogCache
from aurora_console.core.db.export import export_query, export_result
from aurora_console.core.db.history import QueryHistory, Snippets
from aurora_console.core.db.query import is_select_like
from aurora_console.core.db.session import SessionSettings, TxState
from aurora_console.core.db.sql_dialects import dialect_for
from aurora_console.core.db.sql_files import read_sql_file, save_sql_file, write_autosave
from aurora_console.ui.connections.on_demand import OnDemandConnection
from aurora_console.ui.sql.completer import SqlCompleter
from aurora_console.ui.sql.editor import SqlEditor
from aurora_console.ui.sql.find_bar import FindBar
from aurora_console.ui.sql.history_panel import HistoryPanel
from aurora_console.ui.sql.plan_view import PlanView
from aurora_console.ui.sql.result_model import ResultTableModel
from aurora_console.ui.sql.result_view import ResultView
from aurora_console.ui.sql.run_controller import SqlRunController
from aurora_console.ui.sql.toolbar import SqlToolbar
from aurora_console.ui.theme import palette_is_dark

MAX_RESULT_TABS = 20
IDLE_CURSOR_S = 120
_numbers = itertools.count(1)
_catalogs = CatalogCache()  # shared by the tabs: one catalog read per database


class SqlTab(QWidget):
    title_changed = Signal(str)
    run_finished = Signal()  # a run (all its statements) ended, well or not

    def __init__(self, services, profile: str, source, *, read_only: bool = False, text: str = "",
                 path: str | None = None, tab_id: str | None = None, on_close=None, engine: str = "postgres",
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlTab")
        self.services = services
        self.runner = services.runner
        self.profile = profile
        self.tab_id = tab_id or uuid.uuid4().hex[:12]
        self.queue = f"db:{profile}#{next(_numbers)}"
        # the profile's engine picks the session, splitter, highlighting, EXPLAIN and catalog (sql_dialects)
        self.dialect = dialect_for(engine)
        self.session = self.dialect.new_session(source, SessionSettings(read_only=read_only), name=profile)
        self.history = QueryHistory.for_profile(profile, services.paths, services.profiles)
        self.snippets = Snippets.for_paths(services.paths)
        self.path: str | None = path
        #: the line ending Save writes (the opened file's; None: whatever the file at ``path``
        #: has then, as for a tab restored with a path; a new text: "\n")
        self.newline: str | None = None if path else "\n"
        self.run_state = SqlRunController(self.runner, self.session, self.history, queue=self.queue,
                                          profile=profile, owner=self,
                                          connector=source if isinstance(source, OnDemandConnection) else None)
        self._views: dict[int, QWidget] = {}  # id(outcome) -> its ResultView / PlanView
        self._on_close = on_close
        self.closed = False  # set by shutdown(); the runner drops late callbacks of this tab's tasks
        self._completion_loaded = False
        self._reading_statements = False  # a folded file's statements are being read (run_current)
        self.setProperty("sqlProfile", profile)

        self.editor = SqlEditor(self, dark=palette_is_dark(), engine=self.dialect.engine)
        self.setFocusProxy(self.editor)  # focusing the tab (opening, switching to it) puts the caret in the editor
        self.completer = SqlCompleter(self.editor)
        if self.dialect.mysql:  # MySQL's keywords until the catalog's words come
            from aurora_console.core.db.mysql_catalog import keywords

            self.completer.set_words(keywords())
        self.editor.completer = self.completer
        self.find_bar = FindBar(self.editor, self)
        self.results = QTabWidget(objectName="sqlResults")
        self.results.setDocumentMode(True)
        self.messages = QPlainTextEdit(readOnly=True, objectName="sqlMessages", accessibleName="Messages")
        self.messages.setMaximumBlockCount(5000)
        self.results.addTab(self.messages, "Messages")
        self.history_panel = HistoryPanel(self.history, self.snippets, self.runner, self)
        self.history_panel.insert_requested.connect(self._insert_from_history)
        self.history_panel.hide()
        self.toolbar = SqlToolbar(self)
        if self.dialect.mysql:  # what Explain and Analyze run on a MySQL server (mysql_explain)
            self.toolbar.explain_action.setToolTip("EXPLAIN FORMAT=TREE (MySQL 8) / FORMAT=JSON (MariaDB, MySQL 5.7)")
            self.toolbar.analyze_action.setToolTip(
                "EXPLAIN ANALYZE (MySQL 8.0.18+) / ANALYZE FORMAT=JSON (MariaDB): runs the statement")

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(0)
        self.fold_notice = self._make_fold_notice()
        tl.addWidget(self.fold_notice)
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
        self.run_state.changed.connect(self._render)
        self.run_state.message.connect(self.message)
        self.run_state.outcome.connect(self._show_outcome)
        self.run_state.finished.connect(self.run_finished.emit)
        self.run_state.session_changed.connect(self.toolbar.show_autocommit)
        self._render()

    def _make_fold_notice(self) -> QWidget:
        """The notice above a text whose very long lines are shown folded (editor.fold_notice)."""
        box = QWidget(objectName="sqlFoldNotice")
        lay = QHBoxLayout(box)
        lay.setContentsMargins(6, 3, 6, 3)
        self.fold_label = QLabel(wordWrap=True)
        self.fold_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unfold_button = QPushButton("Edit as it is", objectName="sqlUnfold")
        self.unfold_button.setToolTip("Show the long lines in one piece, editable: the window pauses "
                                      "while Qt lays them out (about a second per 3 MB of line)")
        self.unfold_button.clicked.connect(self.editor.unfold)
        lay.addWidget(self.fold_label, 1)
        lay.addWidget(self.unfold_button)
        box.hide()
        self.editor.folded_changed.connect(self._show_fold_notice)
        return box

    def _show_fold_notice(self) -> None:
        notice = self.editor.fold_notice()
        self.fold_label.setText(notice)
        self.fold_notice.setVisible(bool(notice))

    # -- the run state, as the widget shows it ------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.run_state.busy

    @property
    def reading_statements(self) -> bool:
        """A folded file's statements are being read on a worker (the first Ctrl+Enter in it);
        the statement under the cursor runs once they are."""
        return self._reading_statements

    @property
    def handle(self):
        """The task of the current run's step (split or statement)."""
        return self.run_state.handle

    @property
    def tx_state(self) -> TxState:
        return self.run_state.tx_state

    @property
    def outcomes(self) -> list:
        """Outcomes of the last run, in order."""
        return self.run_state.outcomes

    @property
    def outcome_views(self) -> list:
        """The ResultView / PlanView of each outcome of the last run (or None)."""
        return [self._views.get(id(o)) for o in self.run_state.outcomes]

    @property
    def last_error(self):
        return self.run_state.last_error

    # the toolbar's actions, as the tests and page objects reach them
    run_action = property(lambda self: self.toolbar.run_action)
    run_statement_action = property(lambda self: self.toolbar.run_statement_action)
    stop_action = property(lambda self: self.toolbar.stop_action)
    explain_action = property(lambda self: self.toolbar.explain_action)
    analyze_action = property(lambda self: self.toolbar.analyze_action)
    autocommit_action = property(lambda self: self.toolbar.autocommit_action)
    commit_action = property(lambda self: self.toolbar.commit_action)
    rollback_action = property(lambda self: self.toolbar.rollback_action)
    reconnect_action = property(lambda self: self.toolbar.reconnect_action)
    history_action = property(lambda self: self.toolbar.history_action)
    tx_label = property(lambda self: self.toolbar.tx_label)
    timeout_spin = property(lambda self: self.toolbar.timeout_spin)

    # -- titles and state --------------------------------------------------------------------------
    @property
    def autosave_path(self) -> Path:
        return self.services.paths.autosave_dir / f"sql-{self.tab_id}.sql"

    def title(self) -> str:
        name = Path(self.path).name if self.path else self.profile
        mark = "*" if self.editor.document().isModified() else ""
        state = self.run_state.title_suffix
        return f"SQL {name}{mark} · {self.profile}{state}" if self.path else f"SQL · {self.profile}{mark}{state}"

    def _update_title(self) -> None:
        self.title_changed.emit(self.title())

    def _render(self) -> None:
        self.toolbar.render(self.run_state)
        self._update_title()

    def _insert_from_history(self, text: str) -> None:
        if self.editor.loading:  # a big file still goes in: inserting now would land between its slices
            self.message("The file is still loading: insert the statement when it has loaded.")
            return
        if self.editor.folded is not None:
            self.message("This file is shown folded and read-only: the statement was not inserted.")
            return
        if not self.editor.isReadOnly():
            self.editor.insertPlainText(text)

    def message(self, text: str) -> None:
        self.messages.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {text}")

    # -- running ------------------------------------------------------------------------------------
    def run_all(self) -> None:
        self._run(self.editor.sql_text(), 0, "run")

    def run_current(self, mode: str = "run") -> None:
        selected = self.editor.selected_sql()
        if selected is not None:
            self._run(selected[0], selected[1], mode)
            return
        if not self.editor.statements_ready:
            self._read_folded_statements(mode)
            return
        st = self.editor.statement_under_cursor()
        if st is None:
            self.message("Nothing to run: the editor is empty.")
            return
        self._run(st.text, st.start, mode)

    def _read_folded_statements(self, mode: str) -> None:
        """A folded file (very long lines): its statements are read once, on a worker, when the
        statement under the cursor is first run (splitting megabytes takes 0.3 s; at open it
        would compete with the window's own work), then that statement runs."""
        if self._reading_statements or self.busy:
            return
        self._reading_statements = True
        editor, text, dialect = self.editor, self.editor.folded.text, self.dialect

        def done(statements) -> None:
            self._reading_statements = False
            if editor.set_folded_statements(text, statements):  # (not if another text came meanwhile)
                self.run_current(mode)

        def failed(exc) -> None:
            self._reading_statements = False
            self.message(f"Could not read the statements of the file: {exc}")

        self.message("Reading the statements of the file…")
        self.runner.submit(lambda ctx: dialect.split(text), name="Read the statements", on_done=done,
                           on_error=failed, on_cancelled=lambda: setattr(self, "_reading_statements", False),
                           owner=self)

    def _run(self, text: str, base: int, mode: str) -> None:
        if self.busy or self.editor.loading:
            return
        self._clear_results()
        self._views.clear()
        delimiter = self.editor.delimiter_at(base) if self.dialect.mysql else ";"
        self.run_state.run(text, base, mode, delimiter=delimiter)

    def _show_outcome(self, out, skipped: int) -> None:
        """One statement's outcome: its error, notices, status, result grid or plan."""
        if out.error is not None:
            self._show_error(out, skipped)
            return
        if not self._completion_loaded:  # connected: offer its schemas, tables and columns
            self._completion_loaded = True
            self.load_completion()
        r = out.result
        if r is not None:
            for n in r.notices:
                self.message(n.text())
            self.message(f"{r.status or 'OK'} · {out.duration_ms:.0f} ms")
            if r.has_result_set and self.results.count() <= MAX_RESULT_TABS:
                self._views[id(out)] = self._add_result(r)
        if out.plan is not None:
            view = self._views[id(out)] = PlanView(out.plan)
            self.results.addTab(view, "Plan")
            self.results.setCurrentWidget(view)
            self.message(f"EXPLAIN · {out.duration_ms:.0f} ms")

    def show_plan(self, plan, title: str = "Plan") -> PlanView:
        """A plan read elsewhere (``auto_explain`` in the log) in the plan view, in front."""
        view = PlanView(plan)
        self.results.addTab(view, title)
        self.results.setCurrentWidget(view)
        return view

    def _show_error(self, out, skipped: int) -> None:
        err, base = out.error, self.run_state.base
        line = self.editor.line_at(base + out.statement.start)
        self.message(f"{err.user_text()} (statement at line {line})")
        if skipped:
            self.message(f"Stopped at this error: the {skipped} statement(s) after it were not run.")
        if err.connection_lost:
            self.message("The connection was lost: press Reconnect (the editor text and history are kept).")
            self.reconnect_action.setEnabled(True)
        if err.position:
            self.editor.show_error_at(base + out.statement.start + err.position - 1)
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

        self.runner.submit(close, name="Release idle cursors", queue=self.queue, on_done=done, owner=self)

    def cancel(self) -> None:
        """Stop the run: the running statement gets the protocol cancel request, the rest is dropped."""
        self.run_state.stop()
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

    # -- session actions and completion words --------------------------------------------------------
    def session_action(self, action: str, *args, done=None, error=None):
        """commit / rollback / reconnect / set_autocommit / set_statement_timeout (see the controller)."""
        return self.run_state.session_action(action, *args, done=done, error=error)

    def set_autocommit(self, on: bool) -> None:
        self.run_state.set_autocommit(on)

    def set_timeout(self, seconds: int) -> None:
        self.run_state.set_timeout(seconds)

    def load_completion(self, refresh: bool = False) -> None:
        session = self.session
        self.runner.submit(lambda ctx: _catalogs.get(session, refresh=refresh, task=ctx).words(),
                           name="Load completion words", queue=self.queue, on_done=self.completer.set_words,
                           on_error=lambda exc: self.message(f"Completion: could not read the catalog ({exc})"),
                           owner=self)

    # -- export and files (the writing is core's: owner-only files, passwords masked in the autosave) --
    def ask_export(self, view: ResultView) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export result", "result.csv", "CSV (*.csv);;JSON (*.json)")
        if path:
            self.export(view, path, "json" if path.lower().endswith(".json") else "csv")

    def export(self, view: ResultView, path: str, fmt: str, on_done=None):
        model = view.model
        result, rows = model.result, model.rows.snapshot()  # shares the stored chunks: no copy
        session = self.session
        stream = result.stream
        rerun = stream is not None and stream.closed and not stream.exhausted and is_select_like(result.sql)

        def work(ctx):
            if rerun:  # the cursor is gone: run the query again, straight into the file
                return export_query(session, result.sql, path, fmt, task=ctx)
            snapshot = type(result)(result.sql, result.columns, rows, result.status, result.rowcount,
                                    result.elapsed_s, stream=stream if stream is not None and not stream.closed else None)
            return export_result(snapshot, path, fmt, task=ctx)

        def done(n) -> None:
            self.message(f"Exported {n:,} rows to {path}")
            if on_done is not None:
                on_done(n)

        return self.runner.submit(work, name=f"Export to {Path(path).name}", queue=self.queue, on_done=done,
                                  on_error=lambda e: self.message(f"Export failed: {e}"), owner=self)

    def autosave(self) -> None:
        text, path = self.editor.full_text(), self.autosave_path  # also while a big file loads
        self.runner.submit(lambda ctx: write_autosave(path, text), name="Autosave SQL", queue=f"autosave:{self.tab_id}")

    def open_file(self, path: str) -> None:
        def loaded(file) -> None:  # SqlFileText: the text with "\n", the file's line ending
            self.path, self.newline = path, file.newline
            self.editor.load_text(file.text)
            self.editor.document().setModified(False)
            self._update_title()

        self.runner.submit(lambda ctx: read_sql_file(path), name=f"Open {Path(path).name}", on_done=loaded,
                           owner=self)

    def save_file(self, path: str | None = None, on_done=None) -> bool:
        path = path or self.path
        if not path:
            return False
        text = self.editor.full_text()  # all of it, also while it still loads
        newline = self.newline  # kept by Save as too: the document's line ending

        def done(_r) -> None:
            self.path = path
            self.editor.document().setModified(False)
            self._update_title()
            if on_done is not None:
                on_done(path)

        self.runner.submit(lambda ctx: save_sql_file(path, text, newline), name=f"Save {Path(path).name}", on_done=done,
                           owner=self)
        return True

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

                save_sql_file(self.path, self.editor.full_text(), self.newline)  # atomic; as cheap as before
        self.shutdown(discard_autosave=True)
        return True

    def shutdown(self, discard_autosave: bool = False) -> None:
        """Cancel what runs and close the session (and the tunnel it opened) on its queue."""
        if self.closed:
            return
        self.cancel()
        self.closed = True
        # from here on the runner drops this tab's late callbacks; an export or a save goes on
        self.runner.release(self, cancel=False)
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
        self.editor.cancel_load()  # a big file still arriving in slices: no more slices
        self.runner.submit(close, name=f"Close SQL session ({self.profile})", queue=self.queue)
