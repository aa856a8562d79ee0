"""The Window view: an explained time window, its sections side by side: the top statements by
delta (with Open in SQL editor with EXPLAIN), the load by wait (average active sessions, share,
source), and what happened then (RDS events, migrations applied, the console's own actions) in
time order. A section that could not be read says why; the others still show.

Plain data in (``set_explanation(WindowExplanation)``, ``set_message``), no I/O; the texts and
rows come from the Qt-free ``WindowSections``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.performance.explain_window import SECTION_LOAD, SECTION_TOP_SQL

from .top_sql_view import TopSqlView
from .window_sections import WindowSections


def _note_label(name: str) -> QLabel:
    label = QLabel(objectName=name, wordWrap=True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("color:#9a6700")
    label.hide()
    return label


def _table(name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def _set_note(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


class WindowView(QWidget):
    #: the EXPLAIN statement for a top statement, for the SQL editor (see TopSqlView)
    explain_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, utc: bool = False) -> None:
        super().__init__(parent)
        self.sections = WindowSections()
        self.sections.utc = utc
        self.title_label = QLabel(objectName="windowTitle", wordWrap=True)
        self.title_label.setStyleSheet("font-weight: bold")

        # top statements by delta
        self.top_sql = TopSqlView(compact=True)
        self.top_sql.explain_requested.connect(self.explain_requested)
        self.top_sql_note = _note_label("windowTopSqlNote")
        top_box = QGroupBox("Top statements", objectName="windowTopSql")
        box = QVBoxLayout(top_box)
        box.addWidget(self.top_sql_note)
        box.addWidget(self.top_sql, 1)

        # load by wait
        self.load_source_label = QLabel(objectName="windowLoadSource", wordWrap=True)
        self.load_total_label = QLabel(objectName="windowLoadTotal")
        self.load_note = _note_label("windowLoadNote")
        self.load_table = _table("windowLoad", ["Wait", "AAS", "%"], 0)
        for col, tip in enumerate(("The wait event (CPU: on a CPU or queued for one)",
                                   "Average active sessions in this wait over the window", "Its part of the load")):
            self.load_table.horizontalHeaderItem(col).setToolTip(tip)
        load_box = QGroupBox("Load by wait", objectName="windowLoadBox")
        box = QVBoxLayout(load_box)
        for w in (self.load_source_label, self.load_total_label, self.load_note):
            box.addWidget(w)
        box.addWidget(self.load_table, 1)

        # what happened then
        self.counts_label = QLabel(objectName="windowCounts")
        self.timeline_note = _note_label("windowTimelineNote")
        self.timeline = _table("windowTimeline", ["Time", "What", "Detail"], 2)
        happened_box = QGroupBox("What happened then", objectName="windowHappened")
        box = QVBoxLayout(happened_box)
        box.addWidget(self.counts_label)
        box.addWidget(self.timeline_note)
        box.addWidget(self.timeline, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="windowSections")
        for w in (top_box, load_box, happened_box):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.title_label)
        outer.addWidget(self.splitter, 1)
        self.render()

    # -- plain data in ---------------------------------------------------------------------------
    def set_explanation(self, explanation) -> None:
        """Show a ``WindowExplanation``."""
        self.sections.set_explanation(explanation)
        self.render()

    def set_message(self, text: str) -> None:
        """Instead of an explanation: it is being gathered, or it failed (the last one stays)."""
        self.sections.set_message(text)
        self.title_label.setText(text)

    def set_utc(self, utc: bool) -> None:
        self.sections.utc = utc
        self.render()

    def set_server_version(self, version: int | None) -> None:
        self.top_sql.set_server_version(version)

    def set_engine(self, engine: str) -> None:
        self.top_sql.set_engine(engine)

    # -- rendering -------------------------------------------------------------------------------
    def render(self) -> None:
        s = self.sections
        self.title_label.setText(s.title())
        x = s.explanation
        self.top_sql.set_statements(list(x.top_sql) if x is not None else [])
        _set_note(self.top_sql_note, s.problem(SECTION_TOP_SQL))

        self.load_source_label.setText(s.load_source())
        self.load_source_label.setVisible(bool(s.load_source()))
        rows = s.load_rows()
        self.load_total_label.setText(f"{s.load_total():.2f} average active sessions in all" if rows else "")
        _set_note(self.load_note, s.problem(SECTION_LOAD))
        self.load_table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            wait = QTableWidgetItem(_swatch(row.color), row.wait)
            sessions = QTableWidgetItem(f"{row.sessions:.2f}")
            share = QTableWidgetItem(f"{row.share * 100:.0f} %")
            for item in (sessions, share):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for col, item in enumerate((wait, sessions, share)):
                self.load_table.setItem(n, col, item)

        self.counts_label.setText(s.counts())
        _set_note(self.timeline_note, s.timeline_note())
        events = s.timeline_rows()
        self.timeline.setRowCount(len(events))
        for n, row in enumerate(events):
            text = QTableWidgetItem(row.text)
            text.setToolTip(row.text)
            for col, item in enumerate((QTableWidgetItem(row.when), QTableWidgetItem(row.kind), text)):
                self.timeline.setItem(n, col, item)

    # -- reading (page objects, tests) -----------------------------------------------------------
    def load_rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.load_table.item(r, c).text() for c in range(3)) for r in range(self.load_table.rowCount())]

    def timeline_rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.timeline.item(r, c).text() for c in range(3)) for r in range(self.timeline.rowCount())]
