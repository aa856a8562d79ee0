"""Custom time range for the metrics dashboard; ranges CloudWatch cannot answer are refused."""

from __future__ import annotations

import time

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.metrics.range import RangeError, validate_range


class CustomRangeDialog(QDialog):
    def __init__(self, start: float, end: float, utc: bool = False, parent: QWidget | None = None,
                 now=time.time) -> None:
        super().__init__(parent)
        self.setWindowTitle("Custom time range")
        self.setObjectName("metricsRangeDialog")
        self._now = now
        zone = QTimeZone.utc() if utc else QTimeZone.systemTimeZone()
        self.start_edit = QDateTimeEdit(objectName="rangeStart")
        self.end_edit = QDateTimeEdit(objectName="rangeEnd")
        for edit, value in ((self.start_edit, start), (self.end_edit, end)):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.setTimeZone(zone)
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(value), zone))
            edit.dateTimeChanged.connect(self._validate)
        self.error = QLabel(objectName="rangeError")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(f"Start ({'UTC' if utc else 'local time'})", self.start_edit)
        form.addRow("End", self.end_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self._validate()

    def range(self) -> tuple[float, float]:
        return float(self.start_edit.dateTime().toSecsSinceEpoch()), float(self.end_edit.dateTime().toSecsSinceEpoch())

    def set_range(self, start: float, end: float) -> None:
        self.start_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(start), self.start_edit.timeZone()))
        self.end_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(end), self.end_edit.timeZone()))

    def _validate(self) -> bool:
        start, end = self.range()
        try:
            validate_range(start, end, self._now())
        except RangeError as exc:
            self.error.setText(exc.user_text())
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.error.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def accept(self) -> None:
        if self._validate():
            super().accept()
