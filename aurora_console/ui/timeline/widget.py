"""The Change timeline tab: one cluster's changes in time order, filtered by source, kind and text.

Renders :class:`~.controller.TimelineController`; reading runs on the task runner, filtering is
in memory. Selecting a row shows its detail (request parameters, before/after, categories).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.timeline.entries import SOURCES
from aurora_console.ui.clear_button import add_clear_button
from aurora_console.ui.state_banner import StateBanner

from .controller import PERIODS, TimelineController
from .table_model import TimelineTableModel

ALL_KINDS = "All kinds"


class TimelineToolbar(QWidget):
    """Period, sources, kind, search and refresh."""

    def __init__(self, controller: TimelineController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.period = QComboBox(objectName="timelinePeriod")
        for days in PERIODS:
            self.period.addItem(f"Last {days} day{'s' if days > 1 else ''}", days)
        self.period.setCurrentIndex(max(0, self.period.findData(controller.days)))
        self.period.activated.connect(lambda _i: controller.load(self.period.currentData()))
        bar.addWidget(self.period)
        self.source_boxes: dict[str, QCheckBox] = {}
        for source, label in SOURCES.items():
            box = QCheckBox(label, objectName=f"timelineSource_{source}")
            box.setChecked(source in controller.sources)
            box.toggled.connect(lambda on, s=source: controller.set_source_shown(s, on))
            self.source_boxes[source] = box
            bar.addWidget(box)
        self.kind = QToolButton(objectName="timelineKinds", text=ALL_KINDS)
        self.kind.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.kind_menu = QMenu(self.kind)
        self.kind.setMenu(self.kind_menu)
        self.kind_menu.aboutToShow.connect(self._fill_kinds)
        bar.addWidget(self.kind)
        self.search = QLineEdit(objectName="timelineSearch", accessibleName="Filter the timeline", placeholderText="Filter: who, what, resource…")
        add_clear_button(self.search)  # not Qt's: that one reads the desktop's icon theme
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(lambda: controller.set_text(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        bar.addWidget(self.search, 1)
        self.refresh = QPushButton("Refresh", objectName="timelineRefresh")
        self.refresh.clicked.connect(lambda: controller.load())
        bar.addWidget(self.refresh)
        self.cancel = QPushButton("Cancel", objectName="timelineCancel")
        self.cancel.clicked.connect(controller.cancel)
        bar.addWidget(self.cancel)

    def _fill_kinds(self) -> None:
        self.kind_menu.clear()
        every = self.kind_menu.addAction(ALL_KINDS)
        every.triggered.connect(lambda: self.controller.set_kinds(None))
        self.kind_menu.addSeparator()
        chosen = self.controller.kinds
        for kind in self.controller.kinds_available():
            action = self.kind_menu.addAction(kind)
            action.setCheckable(True)
            action.setChecked(chosen is None or kind in chosen)
            action.toggled.connect(lambda on, k=kind: self._kind_toggled(k, on))

    def _kind_toggled(self, kind: str, on: bool) -> None:
        current = set(self.controller.kinds) if self.controller.kinds is not None else set(
            self.controller.kinds_available())
        self.controller.set_kinds(current | {kind} if on else current - {kind})

    def render(self) -> None:
        c = self.controller
        for source, box in self.source_boxes.items():
            box.blockSignals(True)
            box.setChecked(source in c.sources)
            box.blockSignals(False)
            count = c.counts().get(source, 0) if c.timeline is not None else None
            box.setText(SOURCES[source] if count is None else f"{SOURCES[source]} ({count})")
        self.kind.setText(ALL_KINDS if c.kinds is None else f"Kinds: {', '.join(sorted(c.kinds)) or 'none'}")
        self.cancel.setEnabled(c.loading)


class TimelineTab(QWidget):
    def __init__(self, controller: TimelineController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineTab")
        self.controller = controller
        controller.owner = self  # its readings end with the tab
        self.toolbar = TimelineToolbar(controller, self)
        self.status = StateBanner(objectName="timelineStatus")
        self.problems = QLabel(objectName="timelineProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setStyleSheet("color: #b35c00;")
        self.model = TimelineTableModel(self)
        self.table = QTableView(objectName="timelineTable", accessibleName="Timeline entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # 5,000 rows: no sizing pass
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((150, 120, 110, 260, 480, 200)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_detail(current.row()))
        self.detail = QPlainTextEdit(objectName="timelineDetail", accessibleName="Selected entry's details", readOnly=True)
        self.detail.setPlaceholderText("Select an entry to see its request parameters and what it changed.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(self.toolbar)
        box.addWidget(self.status)
        box.addWidget(self.problems)
        box.addWidget(split, 1)
        controller.changed.connect(self.render)
        self.render()

    def render(self) -> None:
        c = self.controller
        self.toolbar.render()
        text = c.status()
        if c.loading:
            self.status.loading(text)
        elif c.error:
            self.status.error(text, "Check the profile's permissions named above, then Refresh.", retry=c.load)
        elif c.timeline is not None and not c.timeline.entries:
            self.status.empty(text + " · nothing happened to this cluster in the window: widen it (the day picker)")
        else:
            self.status.info(text)
        problems = c.problems()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if self.model.set_rows(c.rows):
            self._lay_out_table()

    def _lay_out_table(self) -> None:
        """The table's headers and scroll bars laid out for its new rows now, before the paint
        the change asks for. Left to Qt, the view lays its items out after that paint and the
        scroll area shows or hides a scroll bar in a queued call after that: a reading arriving
        in an empty table painted it once, then showed the vertical scroll bar, narrowing the
        viewport, and painted it all again (a second 5-10 ms of the UI thread's turn)."""
        self.table.doItemsLayout()
        # the scroll area's queued show-or-hide of its scroll bars (its slot, queued to itself)
        QCoreApplication.sendPostedEvents(self.table, QEvent.Type.MetaCall)

    def _show_detail(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            self.detail.setPlainText("")
            return
        lines = [f"{entry.time:%Y-%m-%d %H:%M:%S} UTC · {entry.source_label} · {entry.kind}",
                 f"Who: {entry.who or '-'}", f"From: {entry.where or '-'}", f"What: {entry.what}"]
        if entry.resource:
            lines.append(f"Resource: {entry.resource}")
        if entry.changes:
            lines.append("Changes:")
            lines += [f"  {c.text()}" for c in entry.changes]
        detail = {k: v for k, v in entry.detail.items() if v not in (None, "", [], {})}
        if detail:
            lines.append("")
            lines.append(json.dumps(detail, indent=2, default=str, sort_keys=True))
        self.detail.setPlainText("\n".join(lines))

    def refresh(self) -> None:
        """View ▸ Refresh."""
        self.controller.load()

    def shutdown(self) -> None:
        self.controller.cancel()
