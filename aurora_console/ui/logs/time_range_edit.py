"""TimeRangeEdit: an absolute time range, From and To, each a date-time field in UTC (the Logs
screen shows every time in UTC: the log prefix's ``%t``, the files' last write, CloudWatch
events), to the second, with a calendar. ``changed`` is announced when either field changes;
:meth:`time_range` reads them as aware UTC datetimes and :meth:`problem` says what is wrong with
them (To not after From) without raising."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QLabel, QWidget

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm:ss"


def _qt_time(moment: datetime) -> QDateTime:
    if moment.tzinfo is None:
        raise ValueError("a time range bound must be timezone-aware")
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone.utc())


def _python_time(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), timezone.utc)


class TimeRangeEdit(QWidget):
    """From / To fields in UTC; ``name`` prefixes their object names (``<name>From``, ``<name>To``)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.from_edit = self._field(f"{name}From", "From (UTC)")
        self.to_edit = self._field(f"{name}To", "To (UTC)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("From"))
        layout.addWidget(self.from_edit)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.to_edit)
        layout.addWidget(QLabel("UTC"))
        self._quiet = False

    def _field(self, object_name: str, accessible: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(objectName=object_name, accessibleName=accessible, calendarPopup=True)
        edit.setTimeZone(QTimeZone.utc())
        edit.setDisplayFormat(DISPLAY_FORMAT)
        edit.dateTimeChanged.connect(lambda _value: self._changed())
        return edit

    def _changed(self) -> None:
        if not self._quiet:
            self.changed.emit()

    def set_time_range(self, start: datetime, end: datetime) -> None:
        """Show ``[start, end]`` (aware datetimes, to the second); announces one change."""
        self._quiet = True
        try:
            self.from_edit.setDateTime(_qt_time(start))
            self.to_edit.setDateTime(_qt_time(end))
        finally:
            self._quiet = False
        self.changed.emit()

    def time_range(self) -> tuple[datetime, datetime]:
        """``(from, to)`` as aware UTC datetimes."""
        return _python_time(self.from_edit.dateTime()), _python_time(self.to_edit.dateTime())

    def problem(self) -> str:
        """What is wrong with the range shown (To not after From); empty for a usable one."""
        start, end = self.time_range()
        return "" if start < end else "The range must end after it starts."
