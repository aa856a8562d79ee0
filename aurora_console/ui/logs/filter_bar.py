"""LogFilterBar: which entries the Logs screen shows and finds: a box per severity (ERROR,
FATAL, PANIC, WARNING, LOG; none ticked: every severity), slow statements only, a time range
(the last 15 minutes to the last day, or all), and the search (a regular expression, Enter or
Next / Previous to move between the entries it finds). Invalid patterns are said, not raised."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from aurora_console.core.aws.db_logs.search import FILTER_SEVERITIES
from aurora_console.core.errors import ValidationError, user_text

#: (label, seconds back from now; None: all time)
RANGES = (("All time", None), ("Last 15 minutes", 900), ("Last hour", 3600), ("Last 6 hours", 6 * 3600),
          ("Last 24 hours", 24 * 3600))


class LogFilterBar(QWidget):
    def __init__(self, controller, parent: QWidget | None = None, *, now=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._now = now or (lambda: datetime.now(timezone.utc))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self.range_combo = QComboBox(objectName="logsRange")
        for label, _seconds in RANGES:
            self.range_combo.addItem(label)
        self.range_combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        layout.addWidget(self.range_combo)
        self.search_edit = QLineEdit(objectName="logsSearch", accessibleName="Search the log (regular expression)", placeholderText="Search (regular expression)")
        self.search_edit.returnPressed.connect(self._search)
        self.previous_button = QPushButton("Previous", objectName="logsPrevious")
        self.previous_button.clicked.connect(lambda _=False: self.step(backwards=True))
        self.next_button = QPushButton("Next", objectName="logsNext")
        self.next_button.clicked.connect(lambda _=False: self.step())
        self.hits_label = QLabel(objectName="logsHits")
        for w in (self.search_edit, self.previous_button, self.next_button, self.hits_label):
            layout.addWidget(w)
        self._searched = None
        #: where the view's current row is (the screen sets it): Next goes on from there
        self.current_row = lambda: None

    def severities(self) -> list[str] | None:
        ticked = [name for name, box in self.severity_boxes.items() if box.isChecked()]
        return ticked or None

    def _filters_changed(self) -> None:
        seconds = RANGES[self.range_combo.currentIndex()][1]
        since = None if seconds is None else self._now() - timedelta(seconds=seconds)
        self.controller.set_filters(severities=self.severities(), since=since, until=None,
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
