"""Draws the per-migration progress bar in the table's Progress column."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from .table_model import PROGRESS_ROLE


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index) -> None:
        fraction = index.data(PROGRESS_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 100
        bar.progress = int(round(float(fraction) * 100))
        bar.text = f"{bar.progress}%"
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
