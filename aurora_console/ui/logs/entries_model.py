"""LogEntriesModel: the entries the Logs screen shows (the controller's ``shown``), one row each.

Columns: time, client, user, database, pid, severity, message (its first line; the whole entry
is in the detail pane). Rows arriving at the end (follow mode, the first screen) or at the start
(scroll-back) are inserted, not reset, so the view keeps its place and the UI thread only pays
for the rows that changed.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

COLUMNS = ("Time", "Client", "User", "Database", "PID", "Severity", "Message")
SEVERITY_COLOURS = {"PANIC": "#b00020", "FATAL": "#b00020", "ERROR": "#c62828", "WARNING": "#a66300"}
SLOW_COLOUR = "#1565c0"
MESSAGE_CHARS = 500

_Index = QModelIndex | QPersistentModelIndex


class LogEntriesModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._first = None
        self._last = None
        self._version = 0
        self._dropped = 0
        self._joins = 0

    @property
    def entries(self) -> list:
        return self._rows

    def entry(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def show(self, shown: list, version: int = 0, dropped: int = 0, joins: int = 0) -> int:
        """Show ``shown`` (the controller's list); ``version``: the controller's count of changes
        other than rows added at an end or dropped from the start (a new filter, a scroll-back's
        cut), which reset the model; ``dropped``: its count of rows dropped from the start (follow
        mode's bound), removed as rows, not a reset (a reset over tens of thousands of rows was
        the longest UI stall while a busy log streamed in); ``joins``: its count of last rows
        replaced by the entry grown with lines the next portion brought (a changed row).
        The number of rows added at the top (so the view keeps its place after a scroll-back)."""
        old = len(self._rows)
        gone, self._dropped = dropped - self._dropped, dropped
        joined, self._joins = joins != self._joins, joins
        changed = None
        if joined and version == self._version and old:
            at = old - 1 - gone  # where the last row is in ``shown`` now
            if 0 <= at < len(shown) and shown[at] is not self._last:
                self._rows[old - 1] = self._last = shown[at]
                changed = at
                if old == 1:
                    self._first = shown[at]
        if version != self._version:
            self._version = version
            old = 0
        elif 0 < gone < old and len(shown) >= old - gone and shown[0] is self._rows[gone] \
                and shown[old - gone - 1] is self._last:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
            del self._rows[:gone]
            self._first = self._rows[0]
            self.endRemoveRows()
            old -= gone
        elif gone:
            old = 0
        new = len(shown)
        first, last = (shown[0], shown[-1]) if shown else (None, None)
        if changed is not None and old:
            self.dataChanged.emit(self.index(changed, 0), self.index(changed, len(COLUMNS) - 1))
        if old and new > old and self._first is not None and shown[0] is self._first \
                and shown[old - 1] is self._last:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self._adopt(shown, first, last)
            self.endInsertRows()
            return 0
        if old and new > old and shown[-1] is self._last and shown[new - old] is self._first:
            added = new - old
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._adopt(shown, first, last)
            self.endInsertRows()
            return added
        if old and new == old and first is self._first and last is self._last:
            return 0
        self.beginResetModel()
        self._adopt(shown, first, last)
        self.endResetModel()
        return 0

    def _adopt(self, shown: list, first, last) -> None:
        self._rows = list(shown)  # a copy: the controller changes its list before the view hears of it
        self._first, self._last = first, last

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def cell(self, row: int, col: int) -> tuple[str, QBrush | None]:
        """The text a cell shows and its colour (None: the palette's), for ``data`` and for the
        table's delegate (``entries_delegate.py``), which paints plain cells with one call here."""
        e = self._rows[row]
        if col == 0:
            text = e.time_text
        elif col == 1:
            text = e.client
        elif col == 2:
            text = e.user
        elif col == 3:
            text = e.database
        elif col == 4:
            text = "" if e.pid is None else str(e.pid)
        elif col == 5:
            text = e.severity
        else:
            text = e.message.split("\n", 1)[0][:MESSAGE_CHARS]
            if "\n" in e.message or e.details:
                text += " …"
        brush = _BRUSHES.get(e.severity)
        if brush is None and col == 6 and e.message.startswith("duration: "):
            brush = _BRUSHES[SLOW_COLOUR]
        return text, brush

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        # called once per visible cell and role when the stock delegate paints (the table's own
        # paints plain cells through ``cell``): the roles are compared as plain ints and the
        # brushes made once
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._rows):
            return None
        if role == _DISPLAY:
            return self.cell(row, index.column())[0]
        if role == _FOREGROUND:
            return self.cell(row, index.column())[1]
        if index.column() == 6:  # the tooltip
            return self._rows[row].text()[:4000]
        return None

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ROLES = frozenset((_DISPLAY, _FOREGROUND, int(Qt.ItemDataRole.ToolTipRole.value)))
_BRUSHES = {key: QBrush(QColor(colour)) for key, colour in (*SEVERITY_COLOURS.items(), (SLOW_COLOUR, SLOW_COLOUR))}
