"""CloudWatchSearchView: one search over every instance of the cluster, in CloudWatch Logs
(``FilterLogEvents`` on ``/aws/rds/cluster/<id>/postgresql``), over the last hours or between a
From and a To time (UTC, as the results show). Offered when the cluster exports its PostgreSQL
log (``EnabledCloudwatchLogsExports``); otherwise it says how to turn the export on. The filter
is CloudWatch's own pattern syntax (a word, a quoted phrase), not a regular expression."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.ui.logs.time_range_edit import TimeRangeEdit

COLUMNS = ("Instance", "Time (UTC)", "Severity", "Message")
SHOWN_ROWS = 5_000
#: The range kinds: the last N hours ending now, or From / To.
LAST_HOURS, BETWEEN = "last", "between"


class CloudWatchSearchView(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.pattern_edit = QLineEdit(objectName="logsCloudWatchPattern",
                                      placeholderText='CloudWatch filter pattern, e.g. ERROR or "deadlock detected"')
        self.pattern_edit.returnPressed.connect(self.search)
        self.range_kind = QComboBox(objectName="logsCloudWatchRangeKind", accessibleName="Time range")
        self.range_kind.addItem("Last", LAST_HOURS)
        self.range_kind.addItem("Between", BETWEEN)
        self.range_kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        self.hours = QSpinBox(objectName="logsCloudWatchHours", minimum=1, maximum=24 * 30, suffix=" h")
        self.hours.setValue(24)
        self.range_edit = TimeRangeEdit("logsCloudWatch", self)
        self.range_edit.setVisible(False)
        self._range_set = False
        self._problem = ""  # what is wrong with the range of the search last asked for
        self.search_button = QPushButton("Search all instances", objectName="logsCloudWatchSearch")
        self.search_button.clicked.connect(lambda _=False: self.search())
        self.message = QLabel(objectName="logsCloudWatchMessage", wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="logsCloudWatchResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        for w in (self.range_kind, self.hours, self.range_edit, self.pattern_edit, self.search_button):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._events = None

    def between(self) -> bool:
        return self.range_kind.currentData() == BETWEEN

    def _kind_chosen(self) -> None:
        between = self.between()
        self.hours.setVisible(not between)
        self.range_edit.setVisible(between)
        if between and not self._range_set:  # starts as the last hours asked, to narrow from
            self._range_set = True
            end = datetime.now(timezone.utc).replace(microsecond=0)
            self.range_edit.set_time_range(end - timedelta(hours=self.hours.value()), end)

    def set_range(self, start: datetime, end: datetime) -> None:
        """Search between ``start`` and ``end`` (aware datetimes) from now on."""
        self._range_set = True
        self.range_kind.setCurrentIndex(self.range_kind.findData(BETWEEN))
        self.range_edit.set_time_range(start, end)

    def time_range(self) -> tuple[datetime, datetime]:
        """The range the next search covers: From / To, or the last hours ending now."""
        if self.between():
            return self.range_edit.time_range()
        end = datetime.now(timezone.utc)
        return end - timedelta(hours=self.hours.value()), end

    def search(self) -> None:
        self._problem = self.range_edit.problem() if self.between() else ""
        if self._problem:
            self.render()
            return
        start, end = self.time_range()
        self.controller.search_cloudwatch(self.pattern_edit.text().strip(), start, end)

    def render(self) -> None:
        c = self.controller
        available = bool(c.cloudwatch_available)
        self.search_button.setEnabled(available and not c.searching_cloudwatch)
        if c.cloudwatch_available is None:
            self.message.setText("Looking at the cluster's log exports…")
        elif not available:
            self.message.setText(f"{c.target} does not export its PostgreSQL log to CloudWatch Logs: turn on the "
                                 "postgresql log export for the cluster to search all its instances at once.")
        elif self._problem:
            self.message.setText(self._problem)
        elif c.errors.get("cloudwatch") is not None:
            self.message.setText(c.error_text("cloudwatch"))
        elif c.searching_cloudwatch:
            self.message.setText("Searching CloudWatch Logs…")
        else:
            n = len(c.cloudwatch_events)
            self.message.setText(f"{n:,} events" if self._events is not None or n else "")
        if c.cloudwatch_events is not self._events:
            self._events = c.cloudwatch_events
            events = c.cloudwatch_events[:SHOWN_ROWS]
            self.table.setRowCount(len(events))
            for r, ev in enumerate(events):
                entry = ev.entries[0] if ev.entries else None
                cells = (ev.stream, ev.time.strftime("%Y-%m-%d %H:%M:%S"), entry.severity if entry else "",
                         (entry.message if entry else ev.message).split("\n", 1)[0])
                for col, text in enumerate(cells):
                    self.table.setItem(r, col, QTableWidgetItem(text))
