"""Keyset pagination on the primary key (never OFFSET), sorting by a column, per-column filters.

Rows come back as text (``col::text``) so every type displays and round-trips the same way;
comparisons cast the text parameters back to the column's type on the server, so ordering and
filtering stay typed. Sorting by a column uses the primary key as the tie-breaker; NULLs sort
last ascending (first descending), and the keyset conditions handle them explicitly.

A table without a primary key is paged on ``ctid`` (read-only: a ctid is no stable identity).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from psycopg import sql

from aurora_console.core.validation import not_a_validator

from .introspect import TableInfo
from .values import InvalidValue, parse_cell

XMIN = "__xmin"
PHYSICAL = ("r", "p", "m")  # relations with xmin and ctid
BYTEA_PREVIEW = 1026  # "\\x" + 512 bytes of hex
CTID = "__ctid"
OPERATORS = ("=", "<>", "<", "<=", ">", ">=", "contains", "starts with", "is null", "is not null")
_COMPARE = {"=", "<>", "<", "<=", ">", ">="}


@dataclass(frozen=True)
class Filter:
    column: str
    op: str = "="
    value: str | None = None


@dataclass(frozen=True)
class Sort:
    column: str | None = None
    descending: bool = False


@dataclass
class Row:
    key: tuple  # primary-key values as text (ctid for tables without a key)
    xmin: str
    values: dict  # column -> text or None

    def get(self, column: str):
        return self.values[column]


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    has_previous: bool = False
    has_next: bool = False

    def __len__(self):
        return len(self.rows)


class Pager:
    def __init__(self, info: TableInfo, page_size: int = 100, sort: Sort = Sort(), filters=()):
        if page_size < 1:
            raise ValueError("page size must be at least 1")
        self.info = info
        self.page_size = page_size
        self.sort = sort
        self.filters = tuple(filters)
        if sort.column is not None:
            info.column(sort.column)  # KeyError for an unknown column
        for f in self.filters:
            validate_filter(info, f)

    def with_options(self, *, sort: Sort | None = None, filters=None, page_size: int | None = None) -> Pager:
        return Pager(
            self.info,
            page_size or self.page_size,
            self.sort if sort is None else sort,
            self.filters if filters is None else filters,
        )

    @property
    def keyset(self) -> bool:
        """False for a view or foreign table without a key: only a first page can be shown."""
        return bool(self.info.primary_key) or self.info.kind in PHYSICAL

    @property
    def limit_reason(self) -> str:
        if self.keyset:
            return ""
        return (f"{self.info.qualified} has no key to page on: only the first {self.page_size} rows are "
                "shown; use filters or a sort to see others.")

    # navigation ---------------------------------------------------------------------------
    def first(self, conn) -> Page:
        rows, more = self._fetch(conn, after=None, forward=True)
        return Page(rows, False, more)

    def last(self, conn) -> Page:
        if not self.keyset:
            return self.first(conn)
        rows, more = self._fetch(conn, after=None, forward=False)
        return Page(rows, more, False)

    def next(self, conn, page: Page) -> Page:
        if not self.keyset:
            return replace(page, has_next=False)
        if not page.rows:
            return self.first(conn)
        rows, more = self._fetch(conn, after=page.rows[-1], forward=True)
        if not rows:
            return replace(page, has_next=False)
        return Page(rows, True, more)

    def previous(self, conn, page: Page) -> Page:
        if not self.keyset:
            return self.first(conn)
        if not page.rows:
            return self.last(conn)
        rows, more = self._fetch(conn, after=page.rows[0], forward=False)
        if not rows:
            return replace(page, has_previous=False)
        return Page(rows, more, True)

    def refresh(self, conn, page: Page) -> Page:
        """Reload the page starting at its first row (inclusive); the first page if it is gone."""
        if not page.rows or not self.keyset:
            return self.first(conn)
        rows, more = self._fetch(conn, after=page.rows[0], forward=True, inclusive=True)
        return Page(rows, page.has_previous, more) if rows else self.first(conn)

    # SQL ----------------------------------------------------------------------------------
    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.info.primary_key or (CTID,)

    def _key_expr(self, name: str) -> sql.Composable:
        return sql.SQL("t.ctid") if name == CTID else sql.SQL("t.{}").format(sql.Identifier(name))

    def _key_cast(self, name: str) -> sql.Composable:
        if name == CTID:
            return sql.SQL("%s::pg_catalog.tid")
        return sql.SQL("%s::{}").format(self.info.column(name).cast_target())

    def select_list(self) -> sql.Composable:
        physical = self.info.kind in PHYSICAL
        items = [sql.SQL("t.xmin::text AS {}" if physical else "NULL::text AS {}").format(sql.Identifier(XMIN))]
        if not self.info.primary_key and physical:
            items.append(sql.SQL("t.ctid::text AS {}").format(sql.Identifier(CTID)))
        for c in self.info.columns:
            ident = sql.Identifier(c.name)
            if c.base_type == "bytea" and not c.is_array:  # read-only hex: a preview is enough
                items.append(sql.SQL("left(t.{0}::text, {1}) AS {0}").format(ident, sql.Literal(BYTEA_PREVIEW)))
            else:
                items.append(sql.SQL("t.{0}::text AS {0}").format(ident))
        return sql.SQL(", ").join(items)

    def _order(self, ascending: bool) -> sql.Composable:
        direction = sql.SQL("ASC" if ascending else "DESC")
        parts = []
        if self.sort.column is not None:
            nulls = sql.SQL("NULLS LAST" if ascending else "NULLS FIRST")
            parts.append(sql.SQL("t.{} {} {}").format(sql.Identifier(self.sort.column), direction, nulls))
        if self.keyset:
            parts += [sql.SQL("{} {}").format(self._key_expr(k), direction) for k in self.key_columns]
        if not parts:
            return sql.SQL("")
        return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(parts)

    def _key_compare(self, op: str, row: Row) -> tuple[sql.Composable, list]:
        keys = self.key_columns
        lhs = sql.SQL(", ").join(self._key_expr(k) for k in keys)
        rhs = sql.SQL(", ").join(self._key_cast(k) for k in keys)
        return sql.SQL("({}) {} ({})").format(lhs, sql.SQL(op), rhs), list(row.key)

    def _keyset(self, row: Row, after_in_ascending: bool, inclusive: bool) -> tuple[sql.Composable, list]:
        """Rows strictly after (or before) ``row`` in ascending order (NULLs last)."""
        op = (">" if after_in_ascending else "<") + ("=" if inclusive else "")
        key_cond, key_params = self._key_compare(op, row)
        if self.sort.column is None:
            return key_cond, key_params
        col = self.info.column(self.sort.column)
        ident = sql.SQL("t.{}").format(sql.Identifier(col.name))
        cast = sql.SQL("%s::{}").format(col.cast_target())
        value = row.values[col.name]
        strict = sql.SQL(">" if after_in_ascending else "<")
        if value is not None:
            cond = sql.SQL("({c} {s} {v} OR ({c} = {v} AND {k})").format(
                c=ident, s=strict, v=cast, k=key_cond
            )
            params = [value, value, *key_params]
            tail = " OR {c} IS NULL)" if after_in_ascending else ")"
            return cond + sql.SQL(tail).format(c=ident), params
        if after_in_ascending:
            return sql.SQL("({} IS NULL AND {})").format(ident, key_cond), key_params
        return sql.SQL("({} IS NOT NULL OR {})").format(ident, key_cond), key_params

    def where(self, extra: list[tuple[sql.Composable, list]] = ()) -> tuple[sql.Composable, list]:
        conds, params = [], []
        for f in self.filters:
            c, p = filter_condition(self.info, f)
            conds.append(c)
            params += p
        for c, p in extra:
            conds.append(c)
            params += p
        if not conds:
            return sql.SQL(""), []
        return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conds), params

    def page_query(
        self, after: Row | None, forward: bool, inclusive: bool = False
    ) -> tuple[sql.Composed, list]:
        ascending = forward != self.sort.descending
        extra = []
        if after is not None:
            extra.append(self._keyset(after, ascending, inclusive))
        where, params = self.where(extra)
        query = sql.SQL("SELECT {} FROM {} AS t{}{} LIMIT {}").format(
            self.select_list(),
            self.info.ident(),
            where,
            self._order(ascending),
            sql.Literal(self.page_size + 1),
        )
        return query, params

    def _fetch(self, conn, after: Row | None, forward: bool, inclusive: bool = False):
        query, params = self.page_query(after, forward, inclusive)
        with conn.cursor() as cur:
            cur.execute(query, params)
            names = [d.name for d in cur.description]
            raw = cur.fetchall()
        more = len(raw) > self.page_size
        raw = raw[: self.page_size]
        if not forward:
            raw.reverse()
        return self._rows(names, raw), more

    def _row(self, names: list[str], values: tuple) -> Row:
        data = dict(zip(names, values, strict=False))
        xmin = data.pop(XMIN)
        ctid = data.pop(CTID, None)
        key = tuple(data[k] for k in self.info.primary_key) if self.info.primary_key else (ctid,)
        return Row(key, xmin, data)

    def _rows(self, names: list[str], raw: list) -> list[Row]:
        rows = [self._row(names, r) for r in raw]
        if not self.keyset:  # no identity at all: number the rows so the grid can tell them apart
            for i, row in enumerate(rows):
                row.key = (f"#{i + 1}",)
        return rows

    def count(self, conn, exact_limit: int = 100_000) -> tuple[int, bool]:
        """Rows matching the filters: ``(n, exact)``; counting stops at ``exact_limit``."""
        where, params = self.where()
        query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} AS t{} LIMIT {}) s").format(
            self.info.ident(), where, sql.Literal(exact_limit + 1)
        )
        with conn.cursor() as cur:
            cur.execute(query, params)
            n = cur.fetchone()[0]
        return (exact_limit, False) if n > exact_limit else (n, True)


@not_a_validator("checks a Filter the grid built against the table's columns; parse_cell checks the text")
def validate_filter(info: TableInfo, f: Filter) -> None:
    info.column(f.column)
    if f.op not in OPERATORS:
        raise InvalidValue(f"unknown filter operator {f.op!r}")
    if f.op in _COMPARE:
        if f.value is None:
            raise InvalidValue(f"{f.column}: a value is needed for {f.op} (use 'is null' for NULL)")
        parse_cell(info.column(f.column), f.value)


def filter_condition(info: TableInfo, f: Filter) -> tuple[sql.Composable, list]:
    col = info.column(f.column)
    ident = sql.SQL("t.{}").format(sql.Identifier(col.name))
    if f.op == "is null":
        return sql.SQL("{} IS NULL").format(ident), []
    if f.op == "is not null":
        return sql.SQL("{} IS NOT NULL").format(ident), []
    if f.op in ("contains", "starts with"):
        needle = (f.value or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{needle}%" if f.op == "contains" else f"{needle}%"
        return sql.SQL("{}::text ILIKE %s").format(ident), [pattern]
    value = parse_cell(col, f.value)
    return sql.SQL("{} {} %s::{}").format(ident, sql.SQL(f.op), col.cast_target()), [value]
