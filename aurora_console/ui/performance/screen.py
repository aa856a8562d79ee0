"""PerformanceScreen: "why is it slow right now?" for one instance of a cluster.

Tabs: Sessions (``pg_stat_activity``, detail pane with the whole query, cancel / terminate),
Blocking (who blocks whom, root blockers first, their locks), Top SQL (statements of a window
from the snapshots, opened in the SQL editor with EXPLAIN), Load (average active sessions by wait,
Performance Insights or sampled, the source said), Replication (lag per reader, server and
CloudWatch) and Window (an explained window's sections side by side). The state and every database call are the Qt-free
:class:`~aurora_console.ui.performance.controller.PerformanceController`'s (and its
:class:`~aurora_console.ui.performance.recorder.PerformanceRecorder`'s); this widget renders them
and drives ``tick`` with a 1 s timer. The window bar (which window Top SQL and Load show) stands
above the tabs while one of those is in front. A lost connection shows as a red line above the tabs
(the views keep the last data and say so) until a refresh succeeds again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from aurora_console.core.errors import user_text
from aurora_console.ui import full_collections
from aurora_console.ui.state_banner import StateBanner

from .blocking_view import BlockingView
from .controller import PerformanceController, SignalRequest
from .load_chart import LoadChart
from .replication_view import ReplicationView
from .sessions_view import SessionsView
from .signal_dialog import SignalConfirmDialog
from .toolbar import PerformanceToolbar
from .top_sql_view import TopSqlView
from .window_bar import WindowBar
from .window_view import WindowView

TICK_MS = 1000
LOAD_EVERY_TICKS = 5  # the Load tab in front reads the load again every 5 s
NO_WINDOW = ("No window explained yet: on a metrics chart, drag across a time range, right-click it and choose "
             "Explain this window.")


class PerformanceScreen(QWidget):
    def __init__(self, runner, controller: PerformanceController, *, title: str = "",
                 open_sql: Callable[[str], object] | None = None, background=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("performanceScreen")
        self.runner = runner
        self.controller = c = controller
        c.owner = self
        self.title = title or c.title
        #: asks the typed confirmation; returns what the user typed (None: cancelled). Page objects replace it.
        self.confirm_signal: Callable[[SignalRequest], str | None] = lambda req: SignalConfirmDialog.ask(req, self)
        #: says why a cancel / terminate was refused before any dialog. Page objects replace it.
        self.show_refusal: Callable[[str], None] = lambda text: QMessageBox.warning(self, "Performance", text)

        self.toolbar = PerformanceToolbar(c, self)
        self.status_label = StateBanner(objectName="performanceStatus")
        self.notice_label = QLabel(objectName="performanceNotice", wordWrap=True)
        self.sessions_view = SessionsView(c, self)
        self.sessions_view.cancel_button.clicked.connect(lambda _=False: self.ask_signal("cancel"))
        self.sessions_view.terminate_button.clicked.connect(lambda _=False: self.ask_signal("terminate"))
        self.blocking_view = BlockingView(self)
        self.replication_view = ReplicationView(self)
        self.recorder = rec = c.recorder
        #: opens a statement in the SQL editor (``window.open_sql`` on this profile); None: not offered
        self.open_sql = open_sql
        self.window_bar = (WindowBar(rec, self.read_window, self, background=background, profile=self.title)
                           if rec is not None else None)
        self.background = background
        if background is not None:
            background.changed.connect(self._render_window_tabs)
        self.top_sql_view = TopSqlView(self)
        self.top_sql_view.explain_requested.connect(self._explain_in_editor)
        self.load_chart = LoadChart(self)
        self.window_view = WindowView(self)
        self.window_view.explain_requested.connect(self._explain_in_editor)
        self.window_view.set_message(NO_WINDOW)
        self.tabs = QTabWidget(objectName="performanceTabs")
        self.tabs.addTab(self.sessions_view, "Sessions")
        self.tabs.addTab(self.blocking_view, "Blocking")
        if rec is not None:
            self.tabs.addTab(self.top_sql_view, "Top SQL")
            self.tabs.addTab(self.load_chart, "Load")
        self.tabs.addTab(self.replication_view, "Replication")
        if rec is not None:
            self.tabs.addTab(self.window_view, "Window")
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.notice_label)
        if self.window_bar is not None:
            layout.addWidget(self.window_bar)
        layout.addWidget(self.tabs, 1)

        c.changed.connect(self.render)
        if rec is not None:
            rec.changed.connect(self._recorder_changed)
        self._snapshots_seen = 0
        c.instances_loaded.connect(lambda _found: self.render())
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._ticks = 0
        self.timer.start()
        self.render()
        # its charts' and drivers' modules, imported for this first screen, live as long as the app
        full_collections.freeze_first_opening("performance")

    # -- what the window calls ----------------------------------------------------------------------
    def refresh(self) -> None:
        """View ▸ Refresh (Ctrl+R)."""
        self.controller.refresh()

    def _tick(self) -> None:
        self.controller.tick()
        self._ticks += 1
        if self._ticks % LOAD_EVERY_TICKS == 0 and self._window_tab() == "Load" and self.controller.live:
            self.recorder.read_load()

    def can_close(self) -> bool:
        if self._closed:
            return True
        self._closed = True
        self.timer.stop()
        self.load_chart.shutdown()
        if self.background is not None:
            self.background.changed.disconnect(self._render_window_tabs)
        self.controller.close()
        self.runner.release(self)
        return True

    def tab_index(self, name: str) -> int:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == name:
                return i
        return -1

    def show_tab(self, name: str) -> QWidget | None:
        i = self.tab_index(name)
        if i >= 0:
            self.tabs.setCurrentIndex(i)
            return self.tabs.widget(i)
        return None

    # -- windows: Top SQL, load, an explained window ------------------------------------------------------
    def _window_tab(self) -> str | None:
        name = self.tabs.tabText(self.tabs.currentIndex())
        return name if name in ("Top SQL", "Load", "Window") else None

    def _tab_changed(self) -> None:
        self.render()
        self.read_window()

    def read_window(self) -> None:
        """Read what the tab in front shows for the current window."""
        rec, tab = self.recorder, self._window_tab()
        if rec is None or tab is None:
            return
        if tab == "Top SQL":
            rec.read_top_sql()
        elif tab == "Load":
            rec.read_load()

    def explain(self, start: float, end: float) -> None:
        """Explain the window ``start``-``end`` (epoch seconds): the Window tab, and Top SQL and
        Load on the same window."""
        rec = self.recorder
        rec.explain(start, end)
        rec.set_window(start, end)
        if self.window_bar is not None:
            self.window_bar.show_explained(start, end)
        self.show_tab("Window") or self.show_tab("Top SQL")
        self.render()

    def _recorder_changed(self) -> None:
        rec = self.recorder
        if rec.snapshots != self._snapshots_seen:  # a new snapshot: Top SQL has new deltas
            self._snapshots_seen = rec.snapshots
            if self._window_tab() == "Top SQL":
                rec.read_top_sql()
        self._render_window_tabs()

    def _render_window_tabs(self) -> None:
        rec = self.recorder
        if rec is None:
            return
        self.window_bar.render()
        if rec.statements_problem:
            self.top_sql_view.set_message(rec.statements_problem)
        elif rec.top is not self._shown_top:
            self._shown_top = rec.top
            note = None
            if not rec.top:
                note = ("No statement ran in this window according to the snapshots taken so far: one is taken each "
                        "minute while this screen is open (Snapshot now takes one at once); deltas need two.")
            self.top_sql_view.set_statements(rec.top, note=note)
        if self.controller.engine != self.top_sql_view.state.engine:  # MySQL's Top SQL columns
            self.top_sql_view.set_engine(self.controller.engine)
            self.window_view.set_engine(self.controller.engine)
        if rec.server_version != self._shown_version:
            self._shown_version = rec.server_version
            self.top_sql_view.set_server_version(rec.server_version)
            self.window_view.set_server_version(rec.server_version)
        if rec.load_problem:
            self.load_chart.set_message(rec.load_problem)
        elif rec.load_series is not self._shown_load and rec.load_series is not None:
            self._shown_load = rec.load_series
            self.load_chart.set_series(rec.load_series)
        if rec.explain_problem and rec.explain_problem != self._shown_explain:
            self._shown_explain = rec.explain_problem
            self.window_view.set_message(f"The window could not be explained: {rec.explain_problem}")
        elif rec.explained is not None and rec.explained is not self._shown_explain:
            self._shown_explain = rec.explained
            self.window_view.set_explanation(rec.explained)
        elif rec.explained is None and rec.explain_handle is not None and not rec.explain_handle.done:
            self.window_view.set_message("Explaining the window…")

    _closed = False
    _shown_top = None
    _shown_version = None
    _shown_load = None
    _shown_explain = None

    def _explain_in_editor(self, text: str) -> None:
        if self.open_sql is not None:
            self.open_sql(text)

    # -- cancel / terminate -----------------------------------------------------------------------------
    def ask_signal(self, action: str, pid: int | None = None) -> bool:
        """Ask the typed confirmation for ``action`` on ``pid`` (default: the selected session)
        and send it; False when refused, cancelled or mistyped."""
        c = self.controller
        pid = c.selected_pid if pid is None else pid
        if pid is None:
            return False
        try:
            request = c.request_signal(pid, action)
        except Exception as exc:  # noqa: BLE001 - ConsoleError / ValueError: said, nothing sent
            c.notice = user_text(exc)
            self.render()
            self.show_refusal(user_text(exc))
            return False
        return c.signal(request, self.confirm_signal(request))

    # -- render ----------------------------------------------------------------------------------------
    def render(self) -> None:
        c = self.controller
        self.toolbar.render()
        lost = c.lost is not None
        if lost:
            self.status_label.error(c.status_text, "The views are paused; they resume when the connection is back.")
        elif c.reading is None and c.refreshing:
            self.status_label.loading(c.status_text or "Reading the sessions…")
        else:
            self.status_label.info(c.status_text)
        notice = c.notice
        if c.last_error is not None:
            notice = (notice + "\n" if notice else "") + "Error: " + user_text(c.last_error)
        self.notice_label.setText(notice)
        self.notice_label.setVisible(bool(notice))
        # only the tab in front is drawn (500 sessions and a deep blocking tree each second add up);
        # another tab is drawn when it comes to the front
        front = self.tabs.currentWidget()
        reading = c.reading
        if front is self.sessions_view:
            self.sessions_view.render()
        elif front is self.blocking_view:
            self.blocking_view.show_tree(reading.blocking if reading is not None else ())
        elif front is self.replication_view:
            readers = [i.instance_id for i in c.instances if i.role == "reader"]
            self.replication_view.show_lag(reading.replicas if reading is not None else (), c.cloudwatch_lag, readers,
                                           note=reading.replication_note if reading is not None else "")
        self._render_window_tabs()
        if self.window_bar is not None:
            self.window_bar.setVisible(self._window_tab() in ("Top SQL", "Load"))
