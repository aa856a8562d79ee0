"""LogFilterBar: which entries the Logs screen shows and finds: a box per severity (ERROR,
FATAL, PANIC, WARNING, LOG; none ticked: every severity), slow statements only, a time range
(the last 15 minutes to the last day, all, or a custom From / To range in UTC, as the screen
shows every time: yesterday's 03:10-03:20 in a file read), and the search (a regular expression,
Enter or Next / Previous to move between the entries it finds). Invalid patterns and a range that
ends before it starts are said, not raised."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.db_logs.search import FILTER_SEVERITIES
from aurora_console.core.errors import ValidationError, user_text
from aurora_console.ui.logs.time_range_edit import TimeRangeEdit

#: The range choice whose From / To fields the user sets.
CUSTOM = "custom"
#: (label, seconds back from now; None: all time; CUSTOM: the From / To fields)
RANGES = (("All time", None), ("Last 15 minutes", 900), ("Last hour", 3600), ("Last 6 hours", 6 * 3600),
          ("Last 24 hours", 24 * 3600), ("Custom range…", CUSTOM))


def _first_time(entries, step: int) -> datetime | None:
    """The time of the first entry with one, from the start (``step`` 1) or the end (-1)."""
    indexes = range(len(entries)) if step > 0 else range(len(entries) - 1, -1, -1)
    for i in indexes:
        if entries[i].time is not None:
            return entries[i].time
    return None


class LogFilterBar(QWidget):
    def __init__(self, controller, parent: QWidget | None = None, *, now=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._now = now or (lambda: datetime.now(timezone.utc))
        rows = QVBoxLayout(self)  # what to show on one row, the time range and the search on the next
        rows.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        rows.addLayout(layout)
        self.severity_boxes: dict[str, QCheckBox] = {}
        layout.addWidget(QLabel("Severity:"))
        for name in FILTER_SEVERITIES:
            box = QCheckBox(name, objectName=f"logsSeverity{name.title()}")
            box.toggled.connect(lambda _on: self._filters_changed())
            self.severity_boxes[name] = box
            layout.addWidget(box)
        self.slow_box = QCheckBox("Slow statements", objectName="logsSlowOnly")
        self.slow_box.setToolTip("Only statements over log_min_duration_statement and auto_explain plans")
        self.slow_box.toggled.connect(lambda _on: self._filters_changed())
        layout.addWidget(self.slow_box)
        layout.addStretch(1)
        layout = QHBoxLayout()
        rows.addLayout(layout)
        self.range_combo = QComboBox(objectName="logsRange")
        for label, _seconds in RANGES:
            self.range_combo.addItem(label)
        self.range_combo.currentIndexChanged.connect(lambda _i: self._range_chosen())
        layout.addWidget(self.range_combo)
        self.range_edit = TimeRangeEdit("logsRange", self)
        self.range_edit.setVisible(False)
        self.range_edit.changed.connect(self._filters_changed)
        layout.addWidget(self.range_edit)
        self.range_problem = QLabel(objectName="logsRangeProblem")
        self.range_problem.setVisible(False)
        layout.addWidget(self.range_problem)
        self._range_set = False
        self.search_edit = QLineEdit(objectName="logsSearch", accessibleName="Search the log (regular expression)", placeholderText="Search (regular expression)")
        self.search_edit.returnPressed.connect(self._search)
        self.previous_button = QPushButton("Previous", objectName="logsPrevious")
        self.previous_button.clicked.connect(lambda _=False: self.step(backwards=True))
        self.next_button = QPushButton("Next", objectName="logsNext")
        self.next_button.clicked.connect(lambda _=False: self.step())
        self.hits_label = QLabel(objectName="logsHits")
        self.search_edit.setMinimumWidth(self.search_edit.fontMetrics().horizontalAdvance("x" * 28))
        layout.addWidget(self.search_edit, 1)  # the search takes the room the range leaves
        for w in (self.previous_button, self.next_button, self.hits_label):
            layout.addWidget(w)
        self._searched = None
        #: where the view's current row is (the screen sets it): Next goes on from there
        self.current_row = lambda: None

    def severities(self) -> list[str] | None:
        ticked = [name for name, box in self.severity_boxes.items() if box.isChecked()]
        return ticked or None

    def custom(self) -> bool:
        return RANGES[self.range_combo.currentIndex()][1] == CUSTOM

    def _range_chosen(self) -> None:
        custom = self.custom()
        self.range_edit.setVisible(custom)
        if custom and not self._range_set:
            self._range_set = True
            self.range_edit.set_time_range(*self._default_range())  # announces the change
            return
        self._filters_changed()

    def _default_range(self) -> tuple[datetime, datetime]:
        """What a custom range starts as: the span of the entries read (to narrow from), else
        the last hour."""
        entries = self.controller.entries
        first, last = _first_time(entries, 1), _first_time(entries, -1)
        if first is not None and last is not None:
            return first.replace(microsecond=0), last.replace(microsecond=0) + timedelta(seconds=1)
        now = self._now().replace(microsecond=0)
        return now - timedelta(hours=1), now

    def set_custom_range(self, start: datetime, end: datetime) -> None:
        """Choose the custom range and show ``[start, end)`` (aware datetimes) in its fields."""
        self._range_set = True
        index = next(i for i, (_label, seconds) in enumerate(RANGES) if seconds == CUSTOM)
        if self.range_combo.currentIndex() != index:
            self.range_combo.setCurrentIndex(index)
        self.range_edit.set_time_range(start, end)

    def _filters_changed(self) -> None:
        seconds = RANGES[self.range_combo.currentIndex()][1]
        problem = ""
        if seconds == CUSTOM:
            problem = self.range_edit.problem()
            since, until = self.range_edit.time_range()
        else:
            since, until = (None if seconds is None else self._now() - timedelta(seconds=seconds)), None
        self.range_problem.setText(problem)
        self.range_problem.setVisible(bool(problem))
        if problem:  # the range applied stays until the fields make a usable one
            self.controller.set_filters(severities=self.severities(), slow_only=self.slow_box.isChecked())
            return
        self.controller.set_filters(severities=self.severities(), since=since, until=until,
                                    slow_only=self.slow_box.isChecked())

    def _search(self) -> None:
        text = self.search_edit.text()
        if text != self._searched:
            self.apply_search(text)
        else:
            self.step()

    def apply_search(self, text: str) -> None:
        try:
            self.controller.set_search(text or None)
        except ValidationError as exc:
            self.hits_label.setText(user_text(exc).split("\n")[0])
            self._searched = None
            return
        self._searched = text

    def step(self, backwards: bool = False) -> None:
        if self._searched != self.search_edit.text():
            self.apply_search(self.search_edit.text())
            return
        self.controller.next_hit(backwards=backwards, from_row=self.current_row())

    def render(self) -> None:
        c = self.controller
        if c.pattern is None:
            if self._searched is not None:
                self.hits_label.setText("")
        elif not c.hits:
            self.hits_label.setText("Not found")
        else:
            at = "" if c.current_hit is None else f"{c.current_hit + 1} of "
            self.hits_label.setText(f"{at}{len(c.hits):,} found")
        self.previous_button.setEnabled(bool(c.hits))
        self.next_button.setEnabled(bool(c.hits))
