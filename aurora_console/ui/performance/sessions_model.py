"""SessionsTableModel: one row per backend of ``pg_stat_activity`` as the Performance screen shows
it (pid, user, database, application, client, state, wait, query elided to one line, query and
transaction age, backend type). Rows flagged "long transaction" / "idle in transaction" beyond the
screen's thresholds get a tinted background and say why in their tooltip; a query the user may not
read shows as ``<insufficient privilege>``.

The flags and texts are computed once per refresh (``set_rows``), not on each paint, and the
model sorts itself (one ``list.sort`` with a key, not a proxy asking ``data()`` for every
comparison), so 500 sessions refreshed every second stay cheap on the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from aurora_console.ui.icons import icon

COLUMNS = ("PID", "User", "Database", "Application", "Client", "State", "Wait", "Query", "Query age",
           "Transaction age", "Backend type")
QUERY_COLUMN = COLUMNS.index("Query")
PID_ROLE = Qt.ItemDataRole.UserRole + 1
QUERY_CHARS = 160
HIDDEN_QUERY = "<insufficient privilege>"

#: the roles data() answers, as the plain ints a view asks with (a paint asks 7 roles per cell:
#: font, alignment and check state are answered None at once, not after a chain of enum compares)
_DISPLAY, _DECORATION, _BACKGROUND, _FOREGROUND, _TOOLTIP = (
    int(role) for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                           Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                           Qt.ItemDataRole.ToolTipRole))
_PID = int(PID_ROLE)
_ANSWERED = frozenset({_DISPLAY, _DECORATION, _BACKGROUND, _FOREGROUND, _TOOLTIP, _PID})

_LONG = QBrush(QColor(255, 220, 160))  # amber: a long transaction
_IDLE = QBrush(QColor(255, 190, 190))  # red: idle in transaction too long
_BLOCKED = QColor("#cf222e")


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    if s < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def wait_text(row) -> str:
    if not row.wait_event_type:
        return ""
    return f"{row.wait_event_type}: {row.wait_event}" if row.wait_event else row.wait_event_type


def one_line(query: str | None, limit: int = QUERY_CHARS) -> str:
    text = " ".join((query or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SessionsTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self._flags: list[frozenset[str]] = []
        self._texts: list[tuple[str, ...]] = []
        self.sort_column, self.sort_order = 8, Qt.SortOrder.DescendingOrder  # the longest-running query first

    def set_rows(self, rows, flags_of) -> None:
        """``rows``: SessionRow list; ``flags_of(row)`` -> set of flags (the controller's thresholds)."""
        items = [(r, frozenset(flags_of(r)), self._display(r)) for r in rows]
        items.sort(key=lambda item: _sort_key(item, self.sort_column),
                   reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self._rows = [i[0] for i in items]
        self._flags = [i[1] for i in items]
        self._texts = [i[2] for i in items]
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102 - Qt API
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        items = list(zip(self._rows, self._flags, self._texts, strict=True))
        items.sort(key=lambda item: _sort_key(item, column), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [i[0] for i in items]
        self._flags = [i[1] for i in items]
        self._texts = [i[2] for i in items]
        self.layoutChanged.emit()

    def row_of(self, pid: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.pid == pid), -1)

    def rows(self) -> list:
        return list(self._rows)

    def row(self, index: int):
        return self._rows[index]

    def flags_of(self, index: int) -> frozenset[str]:
        return self._flags[index]

    @staticmethod
    def _display(r) -> tuple[str, ...]:
        query = HIDDEN_QUERY if r.query_hidden else one_line(r.query)
        return (str(r.pid), r.user or "", r.database or "", r.application or "", r.client or "", r.state or "",
                wait_text(r), query, age_text(r.query_age_s), age_text(r.xact_age_s), r.backend_type or "")

    # -- Qt model ---------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=_DISPLAY):
        if role not in _ANSWERED or not index.isValid():
            return None
        r = index.row()
        if role == _DISPLAY:
            return self._texts[r][index.column()]
        if role == _BACKGROUND:
            flags = self._flags[r]
            return (_IDLE if "idle in transaction" in flags else _LONG) if flags else None
        row = self._rows[r]
        if role == _PID:
            return row.pid
        c = index.column()
        if role == _DECORATION:  # the shape says it too, not the colour alone
            if c != 0:
                return None
            if row.blocked_by:
                return icon("lock", "#cf222e")
            flags = self._flags[r]
            if flags:
                return icon("circle-pause", "#c0392b") if "idle in transaction" in flags else \
                    icon("triangle-alert", "#c98a00")
            return None
        if role == _FOREGROUND:
            return _BLOCKED if c == 0 and row.blocked_by else None
        # the tooltip
        tips = [f"{f} beyond the threshold" for f in sorted(self._flags[r])]
        if row.blocked_by:
            tips.append("waiting for pid " + ", ".join(str(p) for p in row.blocked_by))
        if c == QUERY_COLUMN and not row.query_hidden and row.query:
            tips.append(one_line(row.query, 1000))
        return "\n".join(tips) or None


def _sort_key(item, column: int):
    row, _flags, texts = item
    if column == 0:
        return row.pid
    if column == 8:
        return row.query_age_s if row.query_age_s is not None else -1.0
    if column == 9:
        return row.xact_age_s if row.xact_age_s is not None else -1.0
    return texts[column].lower()
