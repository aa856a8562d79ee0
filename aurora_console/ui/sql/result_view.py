"""One result tab: the grid, its status line, copy as TSV, cell viewer, fetch all, export."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.values import pretty, rows_as_tsv
from aurora_console.ui.sql.result_model import ResultTableModel
from aurora_console.ui.state_banner import StateBanner
from aurora_console.ui.ui_first import ui_first


class CellViewerDialog(QDialog):
    """The whole value of one cell (json pretty-printed); read-only, copyable."""

    def __init__(self, title: str, value, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cellViewerDialog")
        self.setWindowTitle(title)
        self.resize(640, 420)
        self.text = QPlainTextEdit(pretty(value), readOnly=True, objectName="cellViewerText")
        self.text.setFont(QGuiApplication.font())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)


#: rows beyond the visible ones that fitting the columns to their contents looks at (Qt's default,
#: 1,000, asked the model some 20,000 times: 75 ms when the first rows of a result arrived)
FIT_ROWS = 100


class _RowNumbers(QHeaderView):
    """The row numbers' header: painted with a fetching worker stepping aside, as the grid is."""

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        with ui_first():
            super().paintEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Wide enough for the widest row number (as many digits as the row count, each as wide
        as an 8), measured by the style as Qt measures a section. Qt's own asks the model about
        the first and last hundred sections, some 1,000 calls, each time rows arrive."""
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        opt = QStyleOptionHeader()
        self.initStyleOption(opt)
        opt.section = max(rows - 1, 0)
        opt.text = "8" * len(str(max(rows, 1)))
        bold = QFont(self.font())
        bold.setBold(True)  # as Qt measures a section (a selected row's number is drawn bold)
        opt.fontMetrics = QFontMetrics(bold)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, opt, QSize(), self)


class ResultTable(QTableView):
    """The grid. Its paint calls into the model for every visible cell and role (hundreds of
    calls a screen), and fitting its row numbers' header after rows arrive asks the model for
    the first and last hundred headers (a thousand calls); each call needs the GIL. They run
    with a fetching worker stepping aside (``ui/ui_first.py``), so the calls do not each wait
    up to a switch interval (5 ms) for the worker's turn to end: measured, a paint of 6 ms CPU
    took 20-40 ms while a fetch-all decoded rows."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setVerticalHeader(_RowNumbers(Qt.Orientation.Vertical, self))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        with ui_first():
            super().paintEvent(event)

    def updateGeometries(self) -> None:  # noqa: N802 - Qt's name
        with ui_first():
            super().updateGeometries()


class ResultView(QWidget):
    """``export_requested(view)`` asks the tab to export this result (it owns the session)."""

    export_requested = Signal(object)

    def __init__(self, model: ResultTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlResultView")
        self.model = model
        self.table = ResultTable(objectName="sqlResultTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.verticalHeader().setSectionResizeMode(self.table.verticalHeader().ResizeMode.Fixed)
        self.table.horizontalHeader().setDefaultSectionSize(140)
        self.table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.table.doubleClicked.connect(self.open_cell)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_selection)

        self.status = StateBanner(objectName="sqlResultStatus")
        self.fetch_all_button = QPushButton("Fetch all", objectName="sqlFetchAll")
        self.fetch_all_button.clicked.connect(model.fetch_all)
        self.export_button = QPushButton("Export…", objectName="sqlExport")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self))
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.fetch_all_button)
        bar.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.table, 1)
        lay.addLayout(bar)
        model.state_changed.connect(self._refresh)
        model.rowsInserted.connect(self._refresh_soon)  # a fetch-all inserts many slices a turn
        self._sized = False
        self._refresh_pending = False
        self._refresh()

    def _refresh_soon(self, *_args) -> None:
        """Once on the next event-loop turn, however many insertions come before it."""
        if not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self, self._refresh_later)

    def _refresh_later(self) -> None:
        self._refresh_pending = False
        self._refresh()

    def _refresh(self, *_args) -> None:
        m = self.model
        text = f"{m.result.status} · {m.status_text()} · {m.result.elapsed_s * 1000:.0f} ms"
        if m.error is not None:
            self.status.show_state("error", text)
        elif m.fetching:
            self.status.show_state("loading", text)
        else:
            self.status.info(text)
        self.fetch_all_button.setEnabled(m.stream_open and not m.fetch_everything)
        if not self._sized and m.rowCount() and m.columnCount() <= 50:
            self._sized = True
            self.table.resizeColumnsToContents()
            for c in range(m.columnCount()):
                self.table.setColumnWidth(c, min(self.table.columnWidth(c), 360))

    # -- copy / view ------------------------------------------------------------------------------
    def selected_tsv(self, with_header: bool = False) -> str:
        idx = self.table.selectionModel().selectedIndexes()
        if not idx:
            return ""
        rows = sorted({i.row() for i in idx})
        cols = sorted({i.column() for i in idx})
        data = [tuple(self.model.rows[r][c] for c in cols) for r in rows]
        header = [self.model.columns[c] for c in cols] if with_header else None
        return rows_as_tsv(header, data)

    def copy_selection(self, with_header: bool = False) -> None:
        text = self.selected_tsv(with_header)
        if text:
            QGuiApplication.clipboard().setText(text)

    def open_cell(self, index) -> CellViewerDialog | None:
        if not index.isValid():
            return None
        value = self.model.rows[index.row()][index.column()]
        dlg = CellViewerDialog(f"{self.model.columns[index.column()]} (row {index.row() + 1})", value, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction("Copy", self.copy_selection)
        menu.addAction("Copy with header", lambda: self.copy_selection(True))
        menu.addAction("Copy whole rows", self.copy_rows)
        menu.addAction("View cell…", lambda: self.open_cell(self.table.indexAt(pos)))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def rows_tsv(self) -> str:
        """Whole rows of the selected cells, with the header."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
        return rows_as_tsv(self.model.columns, [self.model.rows[r] for r in rows]) if rows else ""

    def copy_rows(self) -> None:
        text = self.rows_tsv()
        if text:
            QGuiApplication.clipboard().setText(text)
