"""EntriesDelegate: paints the Logs table's plain cells with one call into the model each.

While a busy log is followed, the table is repainted whole a few times a second (new rows
scroll every visible row) and that paint is most of the UI thread's work in one event-loop turn.
The stock delegate asks the model for seven roles per cell (``data`` through PySide, a Python
call each) and lays each text out with ``QTextLayout`` to elide it: about 5.5-6 ms of CPU for a
1400x800 screen (``benchmarks/logs_screen.py``; on a busy machine the UI thread gets a fraction
of a CPU, so each millisecond of it is several of wall time). Here a plain cell (not selected,
not current, not under the mouse) is one ``LogEntriesModel.cell`` call and one ``drawText`` of
the text on the baseline the stock layout uses, elided to the column only when it is wider (the
short columns' widths remembered per text): 4.1-4.6 ms for the same screen against 5.6-7.1 ms,
measured side by side, with the same pixels (``tests/gui/logs/test_entries_delegate.py``). The
selected row, the current cell, a disabled table and a text with a tab are painted by the stock
delegate as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from .entries_model import COLUMNS, LogEntriesModel

#: the message column: its texts are each entry's own (not worth remembering their widths)
MESSAGE_COLUMN = COLUMNS.index("Message")
#: states the stock delegate paints (highlight, focus frame, hover); plain cells are enabled only
_STOCK_STATES = (QStyle.StateFlag.State_Selected.value | QStyle.StateFlag.State_HasFocus.value
                 | QStyle.StateFlag.State_MouseOver.value)
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_TEXT = QPalette.ColorRole.Text
_NORMAL, _INACTIVE = QPalette.ColorGroup.Normal, QPalette.ColorGroup.Inactive


#: texts whose width a delegate remembers at most (the columns other than the message repeat:
#: times of a second, clients, users, databases, pids, severities)
WIDTHS_KEPT = 20_000


def shown_text(text: str, width: int, metrics: QFontMetrics, mode: Qt.TextElideMode,
               widths: dict[str, int] | None = None) -> str:
    """``text`` as a cell ``width`` pixels wide shows it: whole when it fits, else elided as the
    stock delegate does. ``widths``: texts' widths measured before in this font (filled here);
    without it, a text is measured only when it may not fit (each character the widest)."""
    if widths is None:
        if len(text) * metrics.maxWidth() <= width:
            return text
        return metrics.elidedText(text, mode, width)
    wide = widths.get(text)
    if wide is None:
        if len(widths) >= WIDTHS_KEPT:
            widths.clear()
        wide = widths[text] = metrics.horizontalAdvance(text)
    return text if wide <= width else metrics.elidedText(text, mode, width)


class EntriesDelegate(QStyledItemDelegate):
    """The table's delegate. The table calls :meth:`prepare` at the start of each paint: what
    every cell of that paint shares (font, elide mode, text colours) is read once there."""

    def __init__(self, model: LogEntriesModel, view: QTableView) -> None:
        super().__init__(view)
        self._model = model
        self._view = view
        #: cells painted here (tests count them; the stock delegate paints the rest)
        self.painted = 0
        self._font: QFont | None = None
        self._metrics: QFontMetrics | None = None
        self._line = self._ascent = 0
        self._widths: dict[str, int] = {}
        self._margin = 0
        self._elide = Qt.TextElideMode.ElideRight
        self._colours = (None, None)  # the palette's text colour: inactive, active window
        self._own = False  # cells are painted here in this paint (left to right, prepared)

    def prepare(self) -> None:
        """Read what the cells of the coming paint share (the view's font, palette, elide mode)."""
        view = self._view
        self._own = not view.isRightToLeft()
        font = view.font()
        if font != self._font:  # widths measured in another font go
            self._font, self._metrics, self._widths = font, QFontMetrics(font), {}
            self._line, self._ascent = self._metrics.height(), self._metrics.ascent()
        #: the stock delegate's text margin (``QCommonStyle``: the focus frame's margin + 1)
        self._margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        self._elide = view.textElideMode()
        palette = view.palette()
        self._colours = (palette.color(_INACTIVE, _TEXT), palette.color(_NORMAL, _TEXT))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        state = option.state.value
        if not self._own or state & _STOCK_STATES or not state & _ENABLED:
            super().paint(painter, option, index)
            return
        col = index.column()
        text, brush = self._model.cell(index.row(), col)
        if "\t" in text:  # the stock layout's tab stops
            super().paint(painter, option, index)
            return
        self.painted += 1
        if not text:
            return
        rect = option.rect
        text = shown_text(text, rect.width() - 2 * self._margin, self._metrics, self._elide,
                          None if col == MESSAGE_COLUMN else self._widths)
        painter.setPen(brush.color() if brush is not None else self._colours[1 if state & _ACTIVE else 0])
        # on the baseline where the stock delegate's layout puts it (its line centred in the cell)
        painter.drawText(rect.x() + self._margin, rect.y() + (rect.height() - self._line) // 2 + self._ascent, text)
