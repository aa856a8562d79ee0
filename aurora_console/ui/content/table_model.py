"""The grid's item model: the loaded page plus pending inserts, with pending changes highlighted.

Cell edits are validated by core (pure parsing, no I/O) right here on the UI thread; the model
never talks to the database. Loaded rows come first, then pending inserts (marked ``+``).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from aurora_console.core.db.content.changes import DELETE, INSERT, UPDATE, ChangeSet, ReadOnly
from aurora_console.core.db.content.introspect import TableInfo
from aurora_console.core.db.content.pager import Page, Row
from aurora_console.core.db.content.values import InvalidValue, display_text

EDITED = QColor("#fff3c4")
INSERTED = QColor("#dff5df")
DELETED = QColor("#f3d6d6")
ERROR = QColor("#f5a3a3")
NULL_FG = QColor("#8a8a8a")
TINT_FG = QColor("#1d1d1d")  # text on the pale change tints, readable under the dark theme's light text colour
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # row key (tuple) or ("+", change id) for inserts
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the text value (None for NULL), unmasked
_ROOT = QModelIndex()
_ROLES = {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, RAW_ROLE, KEY_ROLE, Qt.ItemDataRole.BackgroundRole,
          Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole}
_BRUSHES = {c.name(): QBrush(c) for c in (EDITED, INSERTED, DELETED, ERROR, NULL_FG, TINT_FG)}
_FONTS: dict[tuple[bool, bool], QFont] = {}


def _font(italic: bool, struck: bool) -> QFont:
    key = (italic, struck)
    if key not in _FONTS:
        font = QFont()
        font.setItalic(italic)
        font.setStrikeOut(struck)
        _FONTS[key] = font
    return _FONTS[key]


class ContentTableModel(QAbstractTableModel):
    pending_changed = Signal(int)  # number of pending changes
    edit_rejected = Signal(str)  # plain message (bad value, read-only column)
    _sync = Signal()  # change set mutated (possibly on a worker thread: delivery is then queued)

    def __init__(self, info: TableInfo, changes: ChangeSet, parent=None):
        super().__init__(parent)
        self.info = info
        self.changes = changes
        self.page = Page()
        self.revealed: set[str] = set()
        self.labels: dict[str, dict[str, str]] = {}  # fk column -> key -> label
        self._inserts: list[int] = []
        self.locked = False  # True while a save runs on a worker (the change set must not move)
        self.key_check = None  # (column, value) -> message when value is surely not an existing key
        self._sync.connect(self._changes_updated)
        changes.listeners.append(self._listener)

    def _listener(self, _changes) -> None:
        self._sync.emit()

    # structure ---------------------------------------------------------------------------------
    def set_page(self, page: Page, labels: dict | None = None) -> None:
        self.beginResetModel()
        self.page = page
        if labels is not None:
            self.labels = labels
        self._inserts = [c.id for c in self.changes.inserts()]
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.page.rows) + len(self._inserts)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.info.columns)

    def row_at(self, r: int) -> Row | None:
        return self.page.rows[r] if 0 <= r < len(self.page.rows) else None

    def insert_id_at(self, r: int) -> int | None:
        i = r - len(self.page.rows)
        return self._inserts[i] if 0 <= i < len(self._inserts) else None

    def row_of_key(self, key: tuple) -> int:
        for i, row in enumerate(self.page.rows):
            if row.key == key:
                return i
        return -1

    def column_index(self, name: str) -> int:
        return self.info.column_names.index(name)

    # data ---------------------------------------------------------------------------------------
    def _value(self, r: int, column: str):
        row = self.row_at(r)
        if row is not None:
            return self.changes.cell_value(row, column), self.changes.for_key(row.key)
        try:
            change = self.changes.get(self.insert_id_at(r))
        except KeyError:  # just saved on a worker; the reset that drops this row is queued
            return _DEFAULT, None
        return change.values.get(column, _DEFAULT), change

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.FontRole and orientation == Qt.Orientation.Horizontal:
            font = QFont()
            font.setBold(self.info.columns[section].name in self.info.primary_key)
            font.setItalic(bool(self.info.column_read_only_reason(
                self.info.columns[section].name, allow_trigger_columns=self.changes.allow_trigger_columns)))
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            col = self.info.columns[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                reason = self.info.column_read_only_reason(col.name, allow_trigger_columns=self.changes.allow_trigger_columns)
                extra = f"\n{reason}" if reason else ""
                key = " (primary key)" if col.name in self.info.primary_key else ""
                return f"{col.name}: {col.type_name}{'' if col.nullable else ' NOT NULL'}{key}{extra}"
            return col.name
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(section)
            if row is None:
                return "+"
            change = self.changes.for_key(row.key)
            return {UPDATE: "✎", DELETE: "✖"}.get(change.kind, "") if change else ""
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role not in _ROLES:
            return None  # decoration, alignment, size hints...: nothing to compute
        r, col = index.row(), self.info.columns[index.column()]
        value, change = self._value(r, col.name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if value is _DEFAULT:
                return "(default)" if role == Qt.ItemDataRole.DisplayRole else ""
            if role == Qt.ItemDataRole.EditRole:
                return "" if value is None else value
            text = display_text(col, value, revealed=col.name in self.revealed)
            label = self.labels.get(col.name, {}).get(value) if value is not None else None
            if label is not None and label != value:
                text = f"{value} — {label}"
            return text.replace("\n", " ⏎ ")[:300]
        if role == RAW_ROLE:
            return None if value is _DEFAULT else value
        if role == KEY_ROLE:
            row = self.row_at(r)
            return row.key if row is not None else ("+", change.id if change is not None else None)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(change, col.name)
        if role == Qt.ItemDataRole.ForegroundRole:
            if value is None or value is _DEFAULT:
                return _BRUSHES[NULL_FG.name()]
            return _BRUSHES[TINT_FG.name()] if self._background(change, col.name) is not None else None
        if role == Qt.ItemDataRole.FontRole:
            italic = value is None or value is _DEFAULT
            struck = change is not None and change.kind == DELETE
            if not italic and not struck:
                return None
            return _font(italic, struck)
        if role == Qt.ItemDataRole.ToolTipRole:
            if change is not None and change.error and (change.error_column in (None, col.name)):
                return change.error
            if change is not None and change.kind == UPDATE and col.name in change.values:
                return f"was: {display_text(col, change.original.get(col.name), revealed=col.name in self.revealed)}"
            return None
        return None

    def _background(self, change, column: str):
        if change is None:
            return None
        if change.error and change.error_column in (None, column):
            return _BRUSHES[ERROR.name()]
        if change.kind == DELETE:
            return _BRUSHES[DELETED.name()]
        if change.kind == INSERT:
            return _BRUSHES[INSERTED.name()]
        if column in change.values:
            return _BRUSHES[EDITED.name()]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid() or self.changes.read_only_reason:
            return base
        col = self.info.columns[index.column()]
        if self.info.column_read_only_reason(col.name, allow_trigger_columns=self.changes.allow_trigger_columns):
            return base
        row = self.row_at(index.row())
        if row is not None:
            change = self.changes.for_key(row.key)
            if change is not None and change.kind == DELETE:
                return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        """``value`` is the typed text; ``None`` sets SQL NULL (the empty string stays '')."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.set_cell(index.row(), self.info.columns[index.column()].name, value)

    def set_cell(self, r: int, column: str, value) -> bool:
        if self.locked:
            self.edit_rejected.emit("Wait for the current operation (saving or loading) to finish.")
            return False
        problem = self.key_check(column, value) if self.key_check is not None else ""
        if problem:
            self.edit_rejected.emit(problem)
            return False
        try:
            row = self.row_at(r)
            if row is not None:
                self.changes.edit(row, column, value)
            else:
                self.changes.edit_insert(self.insert_id_at(r), column, value)
        except (InvalidValue, ReadOnly) as exc:
            self.edit_rejected.emit(str(exc))
            return False
        return True

    def _changes_updated(self) -> None:
        changes = self.changes
        inserts = [c.id for c in changes.inserts()]
        if inserts != self._inserts:
            self.set_page(self.page)
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)
        self.pending_changed.emit(len(changes))

    def detach(self) -> None:
        if self._listener in self.changes.listeners:
            self.changes.listeners.remove(self._listener)


class _Default:
    def __repr__(self):
        return "(default)"


_DEFAULT = _Default()
