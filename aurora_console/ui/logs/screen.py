"""LogsScreen: the database log of a cluster's instances.

Left, the chosen instance's log files (name, size, last written; newest first): a double-click
(or Enter) opens one at its last lines. Right, the entries in columns (time, client, user,
database, pid, severity, message) above the selected entry whole; the filter bar above them;
scrolling to the top (or Load earlier) loads the lines before. Follow shows new lines as they
are written (the view stays at the bottom while it is there). A second tab searches every
instance at once in CloudWatch Logs. A red line says what failed, per part (an access denial
names the IAM permission); the other parts keep working. The state is the Qt-free
:class:`~aurora_console.ui.logs.controller.LogsController`'s; this widget renders it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.plan_text import logged_plan
from aurora_console.ui.after_repaint import after_repaint
from aurora_console.ui.state_banner import StateBanner
from aurora_console.ui.ui_first import ui_first

from .cloudwatch_view import CloudWatchSearchView
from .controller import LogsController, sql_for, statement_of
from .entries_delegate import EntriesDelegate
from .entries_model import LogEntriesModel
from .filter_bar import LogFilterBar
from .toolbar import LogsToolbar

#: While following, new lines are rendered at most this often (a busy log brings a portion every
#: 70-100 ms; each render repaints the table, some 1,700 calls into the model). Any other change
#: (a click, a filter, an error) renders at once.
FOLLOW_RENDER_MS = 250
#: After a render, entries follow mode dropped are let go in turns of at most this long (seconds)
#: with the event loop running between (``LogsController.release_dropped``).
RELEASE_BUDGET = 0.002
#: The first of those turns comes this long after the table has painted the render's rows
#: (milliseconds; the timer starts once that paint has been delivered, ``ui/after_repaint.py``),
#: so that it is not in the paint's turn (a 0 ms timer fired right after that paint and added its
#: slice to the longest UI stall; a timer started at the render fell due in the paint's turn
#: whenever that turn came this late, as on a loaded machine); the next ones 1 ms apart, so
#: input and timers are served between them.
RELEASE_AFTER_MS = 30
#: Workers step aside (``ui/ui_first.py``) from this long before a deferred render until the
#: table has painted it (milliseconds): on a busy machine the render's turn (render, then the
#: paint in the next turn) waited for the GIL whenever a parsing worker held it between the two
#: or was descheduled holding it, and competed with it for the console's share of the CPU.
PARK_AHEAD_MS = 15
#: ... and at most this long (milliseconds; a paint that late, on a loaded machine, runs with
#: them stepping aside anyway): the follow's parse waits no more than this a render.
PARK_MAX_MS = 100

ERROR_PARTS = (("instances", "Instances"), ("files", "Log files"), ("read", "Reading"), ("earlier", "Earlier lines"),
               ("follow", "Follow"), ("export", "Export"))


class _Park:
    """Workers stepping aside for a screen across event-loop turns (:func:`ui_first` entered
    and not yet left). A plain object, so that the screen's ``destroyed`` ends it without
    calling into the dying widget: a park that outlived its screen kept the process at the short
    switch interval and made every worker's ``step_aside`` wait."""

    __slots__ = ("mark",)

    def __init__(self) -> None:
        self.mark = None

    @property
    def active(self) -> bool:
        return self.mark is not None

    def begin(self) -> None:
        if self.mark is None:
            self.mark = ui_first()
            self.mark.__enter__()

    def end(self) -> None:
        mark, self.mark = self.mark, None
        if mark is not None:
            mark.__exit__(None, None, None)


def size_text(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


class EntriesTable(QTableView):
    """The entries' table: its paint (a call into Python per visible cell, some 180 for a
    screen, ``entries_delegate.py``) runs with workers stepping aside (``ui/ui_first.py``), so a
    busy log parsed on a worker no longer makes each of those calls wait for the GIL.
    ``painted`` (if set) is called after each paint."""

    painted: Callable[[], None] | None = None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        delegate = self.itemDelegate()
        if isinstance(delegate, EntriesDelegate):
            delegate.prepare()
        with ui_first():
            super().paintEvent(event)
        if self.painted is not None:
            self.painted()


class LogsScreen(QWidget):
    def __init__(self, runner, controller: LogsController, *, open_sql: Callable[[str], object] | None = None,
                 open_plan: Callable[[str, object], object] | None = None,
                 open_top_sql: Callable[[str], object] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logsScreen")
        self.runner = runner
        self.controller = c = controller
        #: opens a statement in the SQL editor (``window.open_sql`` on the cluster's profile); None: not offered
        self.open_sql = open_sql
        #: opens a statement and its ``Plan`` in the SQL editor's plan view (``window.open_plan``); None: EXPLAIN text
        self.open_plan = open_plan
        #: selects a statement's row in Top SQL (``window.open_top_sql``); None: not offered
        self.open_top_sql = open_top_sql
        #: asks where to export: ``(path, "text" | "csv")`` or None. Page objects replace it.
        self.ask_export_path: Callable[[], tuple[str, str] | None] = self._ask_export_path
        self._closed = False

        self.toolbar = LogsToolbar(c, self)
        self.toolbar.export_button.clicked.connect(lambda _=False: self.export())
        self.toolbar.sql_button.clicked.connect(lambda _=False: self.open_selected_in_sql())
        self.toolbar.top_sql_button.clicked.connect(lambda _=False: self.open_selected_in_top_sql())
        self.status_label = StateBanner(objectName="logsStatus")
        self.error_label = QLabel(objectName="logsErrors", wordWrap=True)
        self.error_label.setStyleSheet("color: #c62828")
        self.files_view = QTreeWidget(objectName="logsFiles", accessibleName="Log files")
        self.files_view.setHeaderLabels(["File", "Size", "Last written (UTC)"])
        self.files_view.setRootIsDecorated(False)
        self.files_view.setMinimumWidth(220)  # the splitter never squeezes the file names to a few letters
        self.files_view.itemActivated.connect(lambda item, _col: c.open_file(item.data(0, Qt.ItemDataRole.UserRole)))
        self.filter_bar = LogFilterBar(c, self)
        self.model = LogEntriesModel(self)
        self.table = EntriesTable(objectName="logsEntries", accessibleName="Log entries")
        self.table.setModel(self.model)
        self.table.setItemDelegate(EntriesDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        vh.hide()
        hh = self.table.horizontalHeader()
        hh.setStretchLastSection(True)
        for col, width in enumerate((170, 130, 80, 80, 60, 70)):
            hh.resizeSection(col, width)
        self.table.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._show_detail())
        # the user's scrolling only (wheel, drag, arrows): a reset that puts the view at the top
        # must not start reading the file's earlier portions
        self.table.verticalScrollBar().actionTriggered.connect(lambda _a: QTimer.singleShot(0, self._scrolled))
        self.filter_bar.current_row = lambda: (self.table.currentIndex().row()
                                               if self.table.currentIndex().isValid() else None)
        self.detail = QPlainTextEdit(objectName="logsDetail", accessibleName="Selected entry's whole text", readOnly=True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        right = QSplitter(Qt.Orientation.Vertical)
        entries_box = QWidget()
        box = QVBoxLayout(entries_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.filter_bar)
        box.addWidget(self.table, 1)
        right.addWidget(entries_box)
        right.addWidget(self.detail)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.files_view)
        split.addWidget(right)
        split.setStretchFactor(1, 4)
        split.setSizes([240, 1000])  # the entries get the room; the file list can be dragged wider
        self.cloudwatch_view = CloudWatchSearchView(c, self)
        self.tabs = QTabWidget(objectName="logsTabs")
        self.tabs.addTab(split, "Files")
        self.tabs.addTab(self.cloudwatch_view, "CloudWatch Logs")

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)

        self._files = None
        self._hit_row: int | None = None
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        # precise, as the park's timer: a coarse timer may fire up to 5% early or late, and the
        # deferred render then came at or before the park meant to precede it (and cancelled it:
        # about one deferred render in four had no park)
        self._render_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._render_timer.timeout.connect(self.render)
        self._last_render = 0.0
        self._rendered_portions = 0
        self.clock = time.monotonic
        #: renders done (tests count them)
        self.renders = 0
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.timeout.connect(self._release_dropped)
        self._release_upto = 0
        #: workers stepping aside from before a render until its paint (``PARK_AHEAD_MS``); ended
        #: by the paint, ``PARK_MAX_MS``, closing, or the screen's destruction without a close
        self._parked = _Park()
        self.destroyed.connect(lambda *_a, park=self._parked: park.end())  # the park, not the dying widget
        self._park_timer = QTimer(self)
        self._park_timer.setSingleShot(True)
        self._park_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._park_timer.timeout.connect(self._park)
        self._unpark_timer = QTimer(self)
        self._unpark_timer.setSingleShot(True)
        self._unpark_timer.timeout.connect(self._unpark)
        self._park_rendered = False  # the render the park waited for has run
        self.table.painted = self._painted
        c.changed.connect(self._schedule_render)
        self.render()

    # -- rendering -----------------------------------------------------------------------------
    def _schedule_render(self) -> None:
        """Changes come in bursts (follow mode, portions): render once per event-loop turn, and
        new lines followed in at most every :data:`FOLLOW_RENDER_MS`."""
        if self._closed:
            return
        c = self.controller
        delay = 0
        if c.following and c.follow_portions != self._rendered_portions:
            delay = max(0, round(FOLLOW_RENDER_MS - (self.clock() - self._last_render) * 1000))
        timer = self._render_timer
        if not timer.isActive() or timer.remainingTime() > delay:
            if delay > PARK_AHEAD_MS:  # started first: due before the render however late this thread runs
                self._park_timer.start(delay - PARK_AHEAD_MS)
            timer.start(delay)

    def _park(self) -> None:
        """Workers step aside until the coming render is painted (or :data:`PARK_MAX_MS`)."""
        if not self._closed:
            self._parked.begin()
        self._park_rendered = False
        self._unpark_timer.start(PARK_MAX_MS)

    def _painted(self) -> None:
        if self._parked.active and self._park_rendered:
            self._unpark()

    def _unpark(self) -> None:
        self._unpark_timer.stop()
        self._parked.end()

    def render(self) -> None:
        self._render_timer.stop()
        self._park_timer.stop()  # rendered sooner (a user's change): no park after it
        if self._closed:
            return
        self._last_render = self.clock()
        self._rendered_portions = self.controller.follow_portions
        self.renders += 1
        with ui_first():  # the table's new rows and scrolling call back into the model too
            self._render()
        if self._parked.active:
            # the paint of the render's rows comes first in the next turn and ends the park;
            # without one (nothing visible changed) this does
            self._park_rendered = True
            self._unpark_timer.start(0)
        releasing = self._release_timer.isActive()
        self._release_timer.stop()  # no slice in the paint's turn, nor before it
        if self.controller.drops != self._release_upto:
            # the view let go of the rows dropped so far: the entries go a slice per turn
            self._release_upto = self.controller.drops
            releasing = True
        if releasing:
            after_repaint(self, self._release_dropped, RELEASE_AFTER_MS)

    def _release_dropped(self) -> None:
        if not self._closed and self.controller.release_dropped(RELEASE_BUDGET, self._release_upto):
            self._release_timer.start(1)

    def _render(self) -> None:
        c = self.controller
        self.toolbar.render()
        self.filter_bar.render()
        self.cloudwatch_view.render()
        self._enable_statement_buttons()
        busy = [text for flag, text in ((c.loading_files, "listing files"), (c.reading, "reading"),
                                        (c.loading_earlier, "loading earlier lines"), (c.exporting, "exporting"))
                if flag]
        status = c.status
        if c.file is not None and c.entries:
            status = f"{status} · {len(c.shown):,} of {len(c.entries):,} entries shown"
        text = status + (f" ({', '.join(busy)}…)" if busy else "")
        if busy:
            self.status_label.loading(text)
        elif c.file is not None and not c.entries and not c.errors:
            self.status_label.empty(f"{status} · no entries in this part of the file: Load earlier reads further back")
        else:
            self.status_label.info(text)
        errors = [f"{label}: {c.error_text(part)}" for part, label in ERROR_PARTS if part in c.errors]
        self.error_label.setText("\n".join(errors))
        self.error_label.setVisible(bool(errors))
        if c.files is not self._files:
            self._render_files()
        self._render_entries()

    def _render_files(self) -> None:
        c = self.controller
        self._files = c.files
        self.files_view.clear()
        for f in c.files:
            item = QTreeWidgetItem([f.name, size_text(f.size), f.last_written.strftime("%Y-%m-%d %H:%M:%S")])
            item.setData(0, Qt.ItemDataRole.UserRole, f.name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.files_view.addTopLevelItem(item)
        for col in range(3):
            self.files_view.resizeColumnToContents(col)

    def _render_entries(self) -> None:
        c = self.controller
        bar = self.table.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        before = self.model.rowCount()
        added_on_top = self.model.show(c.shown, c.resets, c.dropped, c.joins)
        if added_on_top:
            # keep the rows the user was reading where they were
            self.table.scrollTo(self.model.index(min(added_on_top, self.model.rowCount() - 1), 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        elif self.model.rowCount() != before and (at_bottom or before == 0):
            self.table.scrollToBottom()
        row = c.current_row
        if row is not None and row != self._hit_row:
            self._hit_row = row
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        elif row is None:
            self._hit_row = None

    def _scrolled(self) -> None:
        c = self.controller
        bar = self.table.verticalScrollBar()
        if self._closed or bar.value() != bar.minimum() or not self.model.rowCount():
            return
        if c.can_load_earlier and not c.following:
            c.load_earlier()

    def _show_detail(self) -> None:
        entry = self.model.entry(self.table.currentIndex().row())
        self.detail.setPlainText("" if entry is None else entry.text())
        self._enable_statement_buttons()

    # -- actions -------------------------------------------------------------------------------
    def _enable_statement_buttons(self) -> None:
        entry = self._selected_entry()
        self.toolbar.sql_button.setEnabled(self.open_sql is not None and entry is not None
                                           and sql_for(entry) is not None)
        self.toolbar.top_sql_button.setEnabled(self.open_top_sql is not None and entry is not None
                                               and statement_of(entry) is not None)

    def _selected_entry(self):
        index = self.table.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def _selected_sql(self) -> str | None:
        entry = self._selected_entry()
        return sql_for(entry) if entry is not None else None

    def open_selected_in_sql(self):
        """The selected slow statement in the SQL editor (EXPLAIN, not run); an ``auto_explain``
        plan that parses is shown in the editor's plan view beside it."""
        entry = self._selected_entry()
        text = sql_for(entry) if entry is not None else None
        if text is None or self.open_sql is None:
            return None
        plan = logged_plan(entry.slow.plan) if self.open_plan is not None else None
        if plan is not None:
            return self.open_plan(text, plan)
        return self.open_sql(text)

    def open_selected_in_top_sql(self):
        """The selected statement's row in Top SQL (the Performance screen), by normalised text."""
        entry = self._selected_entry()
        text = statement_of(entry) if entry is not None else None
        if text is None or self.open_top_sql is None:
            return None
        return self.open_top_sql(text)

    def _ask_export_path(self) -> tuple[str, str] | None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export log entries", "log-entries.txt",
                                                   "Text (*.txt *.log);;CSV (*.csv)")
        if not path:
            return None
        return path, "csv" if path.lower().endswith(".csv") or chosen.startswith("CSV") else "text"

    def export(self) -> None:
        target = self.ask_export_path()
        if target is not None:
            self.controller.export(*target)

    def refresh(self) -> None:
        """View ▸ Refresh (Ctrl+R): the file list again."""
        self.controller.refresh_files()

    def can_close(self) -> bool:
        if self._closed:
            return True
        self._closed = True
        self._park_timer.stop()
        self._unpark()
        exporting = self.controller.exporting
        self.controller.close()
        self.runner.release(self.controller, cancel=not exporting)
        return True
