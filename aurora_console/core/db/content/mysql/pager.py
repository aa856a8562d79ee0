"""Keyset pagination on MySQL: the PostgreSQL pager's navigation, with MySQL's SQL.

Pages are read with ``WHERE key > last key ORDER BY key LIMIT n+1`` (never OFFSET; a composite key
is compared column by column, which MariaDB and MySQL read as a range of the primary key); a sort
by a column keeps the key as tie-breaker and puts NULLs last ascending, first descending (MySQL
has no ``NULLS LAST``: ``ORDER BY c IS NULL, c``). Parameters are the text values the grid holds;
MySQL compares them with the column's type and collation, the same rules its ``ORDER BY`` uses,
so pages neither skip nor repeat rows. A table without a primary key shows its first page only
(MySQL rows have no ``ctid``). Each row carries its fingerprint (:func:`.queries.row_version`) in
place of PostgreSQL's ``xmin``.
"""

from __future__ import annotations

from aurora_console.core.db.mysql_dialect import qualified as quote

from ..introspect import TableInfo
from ..pager import XMIN, Filter, Pager, Row, Sort
from ..values import parse_cell
from .queries import as_text, row_texts, row_version, rows, select_columns


class MySqlPager(Pager):
    def with_options(self, *, sort: Sort | None = None, filters=None, page_size: int | None = None) -> MySqlPager:
        return MySqlPager(self.info, page_size or self.page_size, self.sort if sort is None else sort,
                          self.filters if filters is None else filters)

    @property
    def keyset(self) -> bool:
        return bool(self.info.primary_key)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.info.primary_key

    def select_list(self) -> str:  # type: ignore[override]
        return ", ".join([f"{row_version(self.info.column_names)} AS {quote(XMIN)}", *select_columns(self.info)])

    def _order(self, ascending: bool) -> str:  # type: ignore[override]
        direction = "ASC" if ascending else "DESC"
        parts = []
        if self.sort.column is not None:
            col = f"t.{quote(self.sort.column)}"
            parts.append(f"{col} IS NULL {'ASC' if ascending else 'DESC'}")
            parts.append(f"{col} {direction}")
        if self.keyset:
            parts += [f"t.{quote(k)} {direction}" for k in self.key_columns]
        return (" ORDER BY " + ", ".join(parts)) if parts else ""

    def _key_compare(self, op: str, row: Row) -> tuple[str, list]:  # type: ignore[override]
        """``(k1, k2) > (v1, v2)`` spelt out (``k1 > v1 OR (k1 = v1 AND k2 > v2)``): MariaDB scans the
        whole index for a row-constructor comparison, but reads a range of it for this form."""
        keys = self.key_columns
        strict, last = op[0], op
        parts, params = [], []
        for i, k in enumerate(keys):
            equal = [f"t.{quote(p)} = %s" for p in keys[:i]]
            compare = f"t.{quote(k)} {last if i == len(keys) - 1 else strict} %s"
            parts.append("(" + " AND ".join([*equal, compare]) + ")" if equal else compare)
            params += [*row.key[:i], row.key[i]]
        return "(" + " OR ".join(parts) + ")", params

    def _keyset(self, row: Row, after_in_ascending: bool, inclusive: bool) -> tuple[str, list]:  # type: ignore[override]
        op = (">" if after_in_ascending else "<") + ("=" if inclusive else "")
        key_cond, key_params = self._key_compare(op, row)
        if self.sort.column is None:
            return key_cond, key_params
        ident = f"t.{quote(self.sort.column)}"
        value = row.values[self.sort.column]
        strict = ">" if after_in_ascending else "<"
        if value is not None:
            tail = f" OR {ident} IS NULL)" if after_in_ascending else ")"
            return f"({ident} {strict} %s OR ({ident} = %s AND {key_cond}){tail}", [value, value, *key_params]
        if after_in_ascending:
            return f"({ident} IS NULL AND {key_cond})", key_params
        return f"({ident} IS NOT NULL OR {key_cond})", key_params

    def where(self, extra=()) -> tuple[str, list]:  # type: ignore[override]
        conds, params = [], []
        for f in self.filters:
            c, p = filter_condition(self.info, f)
            conds.append(c)
            params += p
        for c, p in extra:
            conds.append(c)
            params += p
        return (" WHERE " + " AND ".join(conds), params) if conds else ("", [])

    def page_query(self, after: Row | None, forward: bool, inclusive: bool = False) -> tuple[str, list]:  # type: ignore[override]
        ascending = forward != self.sort.descending
        extra = [self._keyset(after, ascending, inclusive)] if after is not None else []
        where, params = self.where(extra)
        query = (f"SELECT {self.select_list()} FROM {quote(self.info.schema, self.info.name)} AS t{where}"
                 f"{self._order(ascending)} LIMIT {int(self.page_size) + 1}")
        return query, params

    def _fetch(self, conn, after: Row | None, forward: bool, inclusive: bool = False):
        query, params = self.page_query(after, forward, inclusive)
        cur = conn.cursor()
        try:
            cur.execute(query, params)
            names = [d[0] for d in cur.description]
            raw = [(as_text(r[0]), *row_texts(self.info, r[1:])) for r in cur.fetchall()]
        finally:
            cur.close()
        more = len(raw) > self.page_size
        raw = raw[: self.page_size]
        if not forward:
            raw.reverse()
        return self._rows(names, raw), more

    def count(self, conn, exact_limit: int = 100_000) -> tuple[int, bool]:
        where, params = self.where()
        found = rows(conn, f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(self.info.schema, self.info.name)} AS t"
                           f"{where} LIMIT {int(exact_limit) + 1}) s", params)
        n = int(found[0][0])
        return (exact_limit, False) if n > exact_limit else (n, True)


def filter_condition(info: TableInfo, f: Filter) -> tuple[str, list]:
    """A filter's condition (validated by the pager's constructor)."""
    col = info.column(f.column)
    ident = f"t.{quote(col.name)}"
    if f.op == "is null":
        return f"{ident} IS NULL", []
    if f.op == "is not null":
        return f"{ident} IS NOT NULL", []
    if f.op in ("contains", "starts with"):
        needle = (f.value or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{needle}%" if f.op == "contains" else f"{needle}%"
        return f"LOWER(CONCAT({ident})) LIKE LOWER(%s)", [pattern]
    return f"{ident} {f.op} %s", [parse_cell(col, f.value)]
