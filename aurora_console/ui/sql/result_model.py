"""A result set as a Qt table model that fetches more rows on scroll, off the UI thread."""

from __future__ import annotations

import gc
import queue
import time
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont

from aurora_console.core.db.column_store import ColumnChunk, RowStore, column_kinds
from aurora_console.core.db.values import NULL_TEXT, display
from aurora_console.ui import full_collections, switch_interval
from aurora_console.ui.ui_first import ui_first

FETCH_BATCH = 5000
#: rows per FETCH once "fetch all" was asked for (decoded in slices). Measured, 1M rows, same
#: runs, load 6-8: int4/text/numeric 1.12x raw at 50,000 vs 1.27x at 20,000, 1.36x vs 1.58x at
#: 100,000 (fewer round trips; memory 64 MB vs 54 MB and 82 MB); int8..uuid 0.69-0.73x at each.
#: The most: a FETCH asks for fewer when they would not fit in the server's work_mem
#: (core/db/fetch_size.py; the bench's rows go some 33,000 a FETCH at the default 4 MB)
ALL_BATCH = 50000
MAX_ROWS = 200_000  # rows kept for the grid by default; export streams everything
#: UI-thread time one turn of the event loop may spend appending handed-over rows; what is left
#: is appended on the next turns (sized by time: a turn's rows depend on the machine and the view)
APPEND_TURN_S = 0.008
APPEND_SLICE = 5000  # rows per insertion when a batch is split across turns
#: the next turn's appends come from a timer this many ms later: a chain of zero-delay calls ran
#: two turns and their repaints back to back before the event loop served timers and input
APPEND_NEXT_MS = 1
#: while a fetch-all streams in, handed-over rows are appended at most once in this many ms: each
#: append makes the grid lay out again and repaint its whole viewport (QTableView reacts to a
#: row count change so), some 5-7 ms of UI thread a time with the worker stepping aside. One
#: append per batch (every 30-50 ms) made 20+ repaints of 1M rows; the status line still counts
#: the rows several times a second
APPEND_EVERY_MS = 150

_Index = QModelIndex | QPersistentModelIndex

#: the roles ``data`` answers, as plain ints (an enum member's lookup per call adds up over a paint)
_DISPLAY, _USER, _FONT, _FOREGROUND, _ALIGNMENT, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole))
_ANSWERED = frozenset({_DISPLAY, _USER, _FONT, _FOREGROUND, _ALIGNMENT, _TOOLTIP})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


#: column types whose Python values the garbage collector does not track
_UNTRACKED_VALUES = frozenset({
    "int2", "int4", "int8", "oid", "float4", "float8", "numeric", "money", "bool", "text", "varchar", "bpchar",
    "name", "char", "bytea", "date", "time", "timetz", "timestamp", "timestamptz", "interval",
    # MySQL's (core.db.mysql_query's names)
    "tinyint", "smallint", "mediumint", "int", "bigint", "tinyint unsigned", "smallint unsigned",
    "mediumint unsigned", "int unsigned", "bigint unsigned", "decimal", "decimal unsigned", "float", "double",
    "year", "datetime", "tinytext", "mediumtext", "longtext", "varbinary", "binary", "blob", "tinyblob",
    "mediumblob", "longblob", "enum", "set", "json", "bit",
})
#: column types shown right-aligned, as numbers
_NUMERIC_TYPES = frozenset({
    "int2", "int4", "int8", "numeric", "float4", "float8", "oid", "money",
    "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double", "year",
    "tinyint unsigned", "smallint unsigned", "mediumint unsigned", "int unsigned", "bigint unsigned",
    "decimal unsigned", "float unsigned", "double unsigned",
})


def _keep_out_of_full_passes() -> None:
    """End of a fetch-all: the rows live as long as their result, so after a young collection
    they are frozen out of later full passes (they are tuples of values without cycles: still
    freed by reference counting when the result goes). Cyclic garbage that reached the old
    generation while the fetch ran is frozen with them and stays allocated: bounded by what
    the process made during the fetch, never a pass over the whole heap."""
    gc.collect(1)
    gc.freeze()


class ResultTableModel(QAbstractTableModel):
    """Rows of one result; ``more`` rows come from the result's stream through the task runner.

    ``runner``/``queue``: fetches run as tasks on the session's serial queue. ``max_rows`` bounds
    memory (``fetch_all()`` lifts it). ``state_changed`` fires when rows arrive, the stream ends
    or a fetch fails (``error`` then holds the exception).
    """

    state_changed = Signal()

    def __init__(self, result, runner=None, queue: str | None = None, *, batch: int = FETCH_BATCH,
                 max_rows: int = MAX_ROWS, parent=None) -> None:
        super().__init__(parent)
        self.result = result
        self.columns = [c.name for c in result.columns]
        self._types = [c.type_name for c in result.columns]
        self._kinds = column_kinds(self._types)
        #: the rows, kept by column in compact chunks (column_store.py); cells are read one by one
        self._rows = RowStore(self._kinds, result.rows)
        self._stream = result.stream
        self._runner = runner
        self._queue = queue
        self.batch = batch
        self.max_rows = max_rows
        self.fetching = False  # a fetch task is queued or running
        self._inflight = 0
        self._handles: list = []
        self._handover = None  # batches handed over by the fetch-all task
        #: handed-over rows not yet appended (next turns): (batch, first row not yet appended)
        self._pending: list[tuple[ColumnChunk | list[tuple], int]] = []
        self._drain_scheduled = False
        self._last_drain = 0.0  # perf_counter of the last _drain
        self._drain_due = False  # a throttled drain is scheduled (_drain_soon)
        self.fetch_everything = False
        self.error: BaseException | None = None
        self.handle = None
        self._null_font = QFont()
        self._null_font.setItalic(True)
        self._null_color = QColor(140, 140, 140)
        self._numeric = [t in _NUMERIC_TYPES for t in self._types]

    # -- state ---------------------------------------------------------------------------------
    @property
    def rows(self) -> RowStore:
        """The rows as a read-only sequence of tuples (built when read: use ``value`` for a cell)."""
        return self._rows

    def value(self, row: int, column: int):
        return self._rows.value(row, column)

    @property
    def stream_open(self) -> bool:
        s = self._stream
        return s is not None and not s.closed and not s.exhausted

    @property
    def complete(self) -> bool:
        """All rows of the result are in the model."""
        s = self._stream
        # the worker marks the stream exhausted before its last rows reach the UI thread
        return s is None or (s.exhausted and not self.fetching and not self._pending and len(self._rows) >= s.fetched)

    def status_text(self) -> str:
        n = len(self._rows)
        if self.complete:
            return f"{n:,} rows"
        if self.error is not None:
            return f"{n:,} rows (fetching failed)"
        s = self._stream
        if s is not None and s.closed and not s.exhausted:
            return f"{n:,} rows shown; more not fetched ({s.closed_reason or 'cursor closed'})"
        if n >= self.max_rows and not self.fetch_everything:
            return f"{n:,} rows shown (limit reached; export or fetch all for the rest)"
        return f"{n:,} rows so far" + (" (fetching…)" if self.fetching else "; scroll for more")

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = _DISPLAY):
        # a view asks for some ten roles per cell each paint: the others end here, before the
        # value is looked up (one paint is some 600 calls)
        if role not in _ANSWERED or not index.isValid():
            return None
        value = self._rows.value(index.row(), index.column())
        if role == _DISPLAY:
            text = display(value)
            return NULL_TEXT if text is None else text
        if role == _USER:
            return value
        if value is None:
            if role == _FONT:
                return self._null_font
            if role == _FOREGROUND:
                return self._null_color
        if role == _ALIGNMENT and (
            self._numeric[index.column()] or isinstance(value, (int, float, Decimal))
        ) and not isinstance(value, bool):
            return _RIGHT
        if role == _TOOLTIP:
            text = display(value, limit=500)
            return NULL_TEXT if text is None else text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
                return f"{self.columns[section]} ({self._types[section]})"
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return str(section + 1)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        if parent.isValid() or self.fetching or self._pending or self.error is not None or not self.stream_open:
            return False
        return self.fetch_everything or len(self._rows) < self.max_rows

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent) or self._runner is None:
            return
        size = self.batch if self.fetch_everything else min(self.batch, self.max_rows - len(self._rows))
        self._submit(size)
        self.state_changed.emit()

    def _submit(self, size: int) -> None:
        stream, kinds = self._stream, self._kinds
        self._inflight += 1
        self.fetching = True
        self.handle = self._runner.submit(
            lambda ctx: ColumnChunk.from_rows(stream.fetch(size, task=ctx), kinds),
            name="Fetch rows",
            queue=self._queue,
            on_done=self._arrived,
            on_error=self._failed,
            on_cancelled=self._stopped,
            owner=self,  # a result tab closed meanwhile: its rows are not wanted any more
        )
        self._handles.append(self.handle)

    def fetch_all(self) -> None:
        """Lift the row limit and fetch the rest in one task that hands batches over as it goes
        (the worker never waits for the UI thread between batches)."""
        self.fetch_everything = True
        if self.fetching or not self.stream_open or self._runner is None or self.error is not None:
            return
        handover: queue.SimpleQueue = queue.SimpleQueue()
        self._handover = handover
        stream, kinds = self._stream, self._kinds
        column_batches = getattr(stream, "column_batches", None)  # PostgreSQL's: numeric as text

        def chunks(ctx):
            if column_batches is not None:  # pausing between slices while the UI paints (ctx.pause)
                yield from column_batches(ALL_BATCH, task=ctx)
            else:
                for batch in stream.batches(ALL_BATCH, task=ctx):
                    yield ColumnChunk.from_rows(batch, kinds)

        tracked = self._values_tracked()

        def pump(ctx) -> int:
            # No full collector passes while the rows stream in: each batch makes and drops a
            # tuple per row (young collections free those), which triggered full passes over the
            # whole process (six of 30 ms CPU, 85-130 ms wall on a loaded machine, at 300,000 rows)
            full_collections.hold()
            try:
                n = 0
                for batch in chunks(ctx):
                    handover.put(batch)
                    n += len(batch)
                    ctx.progress(None, f"{n:,} more rows fetched")
                return n
            finally:  # on the worker: released however the task ends, callbacks delivered or not
                # values the collector tracks (uuids, json) are frozen out of later full passes
                full_collections.release(_keep_out_of_full_passes if tracked else None)

        def done(_n) -> None:
            self._drain()
            self._landed()
            self.state_changed.emit()

        self._inflight += 1
        self.fetching = True
        # the worker decodes rows without pause for seconds; meanwhile it gives the GIL back
        # within 1 ms each time the UI thread asks for it, not 5 (``ui/switch_interval.py``),
        # until the task ends, whichever way
        switch_interval.hold()
        self.handle = self._runner.submit(pump, name="Fetch all rows", queue=self._queue,
                                          on_progress=lambda _p, _t: self._drain_soon(), on_done=done,
                                          on_error=lambda e: (self._drain(), self._failed(e)),
                                          on_cancelled=lambda: (self._drain(), self._stopped()), owner=self)
        switch_interval.release_when_ended(self.handle)
        self._handles.append(self.handle)
        self.state_changed.emit()

    def _values_tracked(self) -> bool:
        """Whether this result's values include objects the garbage collector tracks (a uuid,
        json's dicts and lists, arrays, types the console does not know): plain numbers, text,
        bytes and times are kept in arrays or untracked tuples, which full passes hardly see."""
        return any(t not in _UNTRACKED_VALUES for t in self._types)

    def _drain_soon(self) -> None:
        """Rows were handed over: append them now if the last append is APPEND_EVERY_MS old, else
        once it is (one timer however many batches arrive meanwhile)."""
        if self._drain_due:
            return
        wait_ms = APPEND_EVERY_MS - (time.perf_counter() - self._last_drain) * 1000
        if wait_ms <= 0:
            self._drain()
            return
        self._drain_due = True
        QTimer.singleShot(max(1, int(wait_ms)), self, self._drain_when_due)

    def _drain_when_due(self) -> None:
        self._drain_due = False
        self._drain()

    def _drain(self) -> None:
        """Append handed-over rows for at most APPEND_TURN_S, in slices of APPEND_SLICE rows; the
        rest waits for the next event-loop turns (the view paints and input is handled between)."""
        q = self._handover
        while q is not None:
            try:
                self._pending.append((q.get_nowait(), 0))
            except queue.Empty:
                break
        self._last_drain = time.perf_counter()
        deadline = self._last_drain + APPEND_TURN_S
        with ui_first():  # the views' updates call back into the model: the fetching worker waits
            while self._pending:  # at least one slice per turn, however short the budget
                batch, lo = self._pending[0]
                hi = min(len(batch), lo + APPEND_SLICE)
                if hi < len(batch):
                    self._pending[0] = (batch, hi)
                else:
                    self._pending.pop(0)
                self._insert(batch, lo, hi)
                if time.perf_counter() >= deadline:
                    break
        if self._pending and not self._drain_scheduled:
            self._drain_scheduled = True
            QTimer.singleShot(APPEND_NEXT_MS, self, self._drain_later)
        self.state_changed.emit()

    def _drain_later(self) -> None:
        self._drain_scheduled = False
        self._drain()

    def stop(self) -> None:
        self.fetch_everything = False
        for h in self._handles:
            if not h.done:
                h.cancel()

    # -- arrivals (UI thread) --------------------------------------------------------------------
    def append_rows(self, rows: ColumnChunk | list[tuple]) -> None:
        self._insert(rows, 0, len(rows))

    def _insert(self, batch: ColumnChunk | list[tuple], lo: int, hi: int) -> None:
        """Append rows ``lo`` to ``hi`` of ``batch`` (a range of it: no copy)."""
        if hi > lo:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + hi - lo - 1)
            self._rows.extend(batch, lo, hi)
            self.endInsertRows()

    def _landed(self) -> None:
        self._inflight -= 1
        self.fetching = self._inflight > 0
        self._handles = [h for h in self._handles if not h.done]

    def _arrived(self, rows: list[tuple]) -> None:
        self._landed()
        if self._pending:  # after rows still waiting from a stopped fetch-all, in order
            self._pending.append((rows, 0))
            self._drain()
        else:
            self.append_rows(rows)
        if self.fetch_everything and self.stream_open and self.error is None and not self.fetching:
            self.fetch_all()
        self.state_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._landed()
        self.error = exc
        self.state_changed.emit()

    def _stopped(self) -> None:
        self._landed()
        self.state_changed.emit()
