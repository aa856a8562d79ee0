"""What the Top SQL table shows (Qt-free): the statements of a window (``TopStatement`` from
``core/performance/top_sql.py``), filtered by words, sorted by any column, the selected statement
kept across refreshes, and whether (and how) it opens in the SQL editor with EXPLAIN.

``TopSqlView`` renders it; ``changed`` announces every change. No I/O here: the screen hands in
the rows it read on a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from aurora_console.core.db.explain import EXPLAINABLE, explain_text, explainable
from aurora_console.ui.observers import Observers


@dataclass(frozen=True)
class Column:
    key: str  # the TopStatement attribute (hit_ratio is its property)
    title: str
    numeric: bool
    tip: str


COLUMNS: tuple[Column, ...] = (
    Column("query", "Statement", False, "The statement as pg_stat_statements normalised it ($n for constants)"),
    Column("calls", "Calls", True, "Executions in the window"),
    Column("total_ms", "Total time", True, "Execution time of all calls in the window"),
    Column("mean_ms", "Mean", True, "Total time / calls"),
    Column("share", "% of time", True, "Its part of the execution time of every statement in the window"),
    Column("rows", "Rows", True, "Rows returned or affected"),
    Column("shared_blks_hit", "Blocks hit", True, "Shared buffer hits"),
    Column("shared_blks_read", "Blocks read", True, "Shared blocks read from disk (or the OS cache)"),
    Column("hit_ratio", "Hit %", True, "Shared buffer hits / (hits + reads)"),
    Column("temp_blks", "Temp blocks", True, "Temporary blocks read and written (sorts and hashes beyond work_mem)"),
    Column("blk_io_ms", "I/O time", True, "Time reading and writing blocks (track_io_timing)"),
    Column("user", "User", False, "The role that ran it"),
    Column("database", "Database", False, "The database it ran in"),
    Column("queryid", "Query id", True, "pg_stat_statements' queryid"),
)
KEYS = tuple(c.key for c in COLUMNS)
#: The same columns on MySQL (events_statements_summary_by_digest, core/performance/mysql_statements.py):
#: same keys and places, MySQL's titles; the ones with no MySQL counter are hidden (MYSQL_HIDDEN).
_MYSQL_TITLES = {
    "query": ("Statement", "The statement as performance_schema's digest normalised it (? for constants)"),
    "rows": ("Rows", "Rows sent or affected"),
    "shared_blks_read": ("Rows examined", "Rows the server read to run it (SUM_ROWS_EXAMINED)"),
    "temp_blks": ("Tmp disk tables", "Internal temporary tables created on disk (SUM_CREATED_TMP_DISK_TABLES)"),
    "queryid": ("Digest id", "The first 15 hex digits of the statement's digest, as a number"),
}
MYSQL_COLUMNS: tuple[Column, ...] = tuple(
    Column(c.key, _MYSQL_TITLES[c.key][0], c.numeric, _MYSQL_TITLES[c.key][1]) if c.key in _MYSQL_TITLES else c
    for c in COLUMNS)
MYSQL_HIDDEN = frozenset({"shared_blks_hit", "hit_ratio", "blk_io_ms", "user"})
#: what EXPLAIN of a MySQL digest says above it
MYSQL_DIGEST_NOTE = ("-- performance_schema wrote ? where the statement had constants: put values in their place "
                     "before running\n")
QUERY_CHARS = 160
NOT_EXPLAINABLE = ("EXPLAIN plans " + ", ".join(sorted(w.upper() for w in EXPLAINABLE))
                   + " statements only")
TEXT_UNKNOWN = "The statement's text is not known (not read yet, or hidden from this role)"


def duration_ms_text(ms: float) -> str:
    """845 ms, 1.23 s, 2 min 05 s, 1 h 02 min; under a millisecond with two decimals."""
    if ms is None or not math.isfinite(ms):
        return ""
    if ms < 1:
        return f"{ms:.2f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"
    s = ms / 1000
    if s < 60:
        return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"
    whole = int(s)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def one_line(text: str | None, limit: int = QUERY_CHARS) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def statement_key(st) -> tuple:
    """One statement of a window: the same queryid may run as several users or in several databases."""
    return (st.userid, st.dbid, st.queryid)


def _value(st, key: str):
    return getattr(st, key)


class TopSqlTable:
    def __init__(self) -> None:
        self.rows: list = []  # every statement of the window, as handed in
        self.visible: list = []  # filtered and sorted
        self.filter_text = ""
        self.sort_key = "total_ms"
        self.descending = True
        self.selected_key: tuple | None = None
        self.note: str | None = None  # what the table says above the rows (a window, a problem)
        self.server_version: int | None = None  # server_version_num, for EXPLAIN (GENERIC_PLAN)
        self.engine = "postgres"  # or "mysql": the columns' titles, which are hidden, the EXPLAIN text
        self.changed = Observers()

    # -- input ---------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable, *, note: str | None = None) -> None:
        self.rows = list(rows)
        self.note = note
        self._update()

    def set_message(self, text: str) -> None:
        """No statements to show, and why (pg_stat_statements missing, no snapshot yet...)."""
        self.set_rows([], note=text)

    def set_filter(self, text: str) -> None:
        self.filter_text = text or ""
        self._update()

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        """Sort by column ``key``; ``descending`` None: the other way when it is the sort column
        already, else largest first for numbers and A-Z for text."""
        if key not in KEYS:
            raise ValueError(f"cannot sort Top SQL by {key!r}; one of {', '.join(KEYS)}")
        if descending is None:
            numeric = next(c.numeric for c in COLUMNS if c.key == key)
            descending = (not self.descending) if key == self.sort_key else numeric
        self.sort_key, self.descending = key, descending
        self._update()

    def select(self, key: tuple | None) -> None:
        """Select the statement ``statement_key(st)`` (None: nothing); kept across refreshes."""
        if key != self.selected_key:
            self.selected_key = key
            self.changed.emit()

    def set_server_version(self, version: int | None) -> None:
        self.server_version = version

    def set_engine(self, engine: str) -> None:
        """"postgres" or "mysql" (the instance's): MySQL's column titles, its hidden columns."""
        if engine != self.engine:
            self.engine = engine
            self.changed.emit()

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns with this engine's titles (same keys and places for every engine)."""
        return MYSQL_COLUMNS if self.engine == "mysql" else COLUMNS

    @property
    def hidden_keys(self) -> frozenset[str]:
        """Columns with no counter on this engine."""
        return MYSQL_HIDDEN if self.engine == "mysql" else frozenset()

    # -- output --------------------------------------------------------------------------------
    @property
    def selected(self):
        """The selected statement when it is still shown, else None."""
        if self.selected_key is None:
            return None
        return next((st for st in self.visible if statement_key(st) == self.selected_key), None)

    def count_text(self) -> str:
        if len(self.visible) == len(self.rows):
            return f"{len(self.rows)} statement{'s' if len(self.rows) != 1 else ''}"
        return f"{len(self.visible)} of {len(self.rows)} statements"

    def cell(self, st, key: str) -> str:
        value = _value(st, key)
        if key == "query":
            return one_line(value) if value is not None else "<text not known>"
        if value is None:
            return ""
        if key in ("total_ms", "mean_ms", "blk_io_ms"):
            return duration_ms_text(value)
        if key in ("share", "hit_ratio"):
            return f"{value * 100:.1f} %"
        if key == "queryid":
            return str(value)
        if isinstance(value, (int, float)):
            return f"{value:,}"
        return str(value)

    def explain_refusal(self, st) -> str | None:
        """Why ``st`` cannot open with EXPLAIN, None when it can."""
        if st is None:
            return "Select a statement"
        if st.query is None:
            return TEXT_UNKNOWN
        if not explainable(st.query):
            return NOT_EXPLAINABLE
        return None

    def explain_text(self, st) -> str:
        """The EXPLAIN statement for ``st`` (see ``core.db.explain.explain_text``)."""
        refusal = self.explain_refusal(st)
        if refusal is not None:
            raise ValueError(refusal)
        text = explain_text(st.query, server_version=self.server_version)
        return MYSQL_DIGEST_NOTE + text if self.engine == "mysql" and "?" in st.query else text

    # -- internals -----------------------------------------------------------------------------
    def _matches(self, st, words: list[str]) -> bool:
        haystack = " ".join(x for x in (st.query, st.user, st.database, str(st.queryid)) if x).lower()
        return all(w in haystack for w in words)

    def _update(self) -> None:
        words = self.filter_text.lower().split()
        rows = [st for st in self.rows if self._matches(st, words)] if words else list(self.rows)
        key, descending = self.sort_key, self.descending

        def order(st):
            value = _value(st, key)
            missing = value is None or (isinstance(value, float) and math.isnan(value))
            if isinstance(value, str):
                value = value.lower()
            return (missing, value if not missing else 0)

        present = [st for st in rows if not order(st)[0]]
        missing = [st for st in rows if order(st)[0]]
        present.sort(key=lambda st: statement_key(st))  # ties in a fixed order, whatever the direction
        present.sort(key=lambda st: order(st)[1], reverse=descending)
        missing.sort(key=statement_key)
        self.visible = present + missing  # unknown values last, either way
        self.changed.emit()
