"""Foreign-key lookups: the referenced row's label, search by label, only existing keys.

Also "who references this row" before a delete.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from .introspect import ForeignKey, TableInfo, introspect_table

LABEL_CANDIDATES = (
    "title",
    "name",
    "display_name",
    "full_name",
    "username",
    "user_name",
    "login",
    "email",
    "label",
    "slug",
    "handle",
)


def label_column(info: TableInfo) -> str:
    """The column that best names a row: title, name, username, email... else the primary key."""
    names = {c.name.lower(): c.name for c in info.columns if not c.secret}
    for cand in LABEL_CANDIDATES:
        if cand in names:
            return names[cand]
    return info.primary_key[0] if info.primary_key else info.columns[0].name


@dataclass(frozen=True)
class Choice:
    key: str  # the referenced key as text
    label: str

    @property
    def display(self) -> str:
        return self.label if self.label == self.key else f"{self.label} ({self.key})"


class ForeignKeyLookup:
    """Lookups for one single-column foreign key of a table."""

    def __init__(self, fk: ForeignKey, target: TableInfo):
        if len(fk.columns) != 1:
            raise ValueError("lookups handle single-column foreign keys")
        self.fk = fk
        self.target = target
        self.key_column = fk.ref_columns[0]
        self.label_column = label_column(target)

    @classmethod
    def for_column(cls, conn, info: TableInfo, column: str) -> ForeignKeyLookup | None:
        fk = info.foreign_key_for(column)
        if fk is None:
            return None
        return cls(fk, introspect_table(conn, fk.ref_schema, fk.ref_table))

    def _cast(self) -> sql.Composable:
        return self.target.column(self.key_column).cast_target()

    def search(self, conn, text: str = "", limit: int = 50) -> list[Choice]:
        key, label = sql.Identifier(self.key_column), sql.Identifier(self.label_column)
        params: list = []
        where = sql.SQL("")
        if text:
            needle = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where = sql.SQL(" WHERE {}::text ILIKE %s OR {}::text = %s").format(label, key)
            params += [f"%{needle}%", text]
        query = sql.SQL(
            "SELECT {k}::text, {l}::text FROM {t}{w} ORDER BY {l} NULLS LAST, {k} LIMIT {n}"
        ).format(k=key, l=label, t=self.target.ident(), w=where, n=sql.Literal(limit))
        with conn.cursor() as cur:
            cur.execute(query, params)
            return [Choice(k, lab if lab is not None else k) for k, lab in cur.fetchall()]

    def labels(self, conn, keys) -> dict[str, str]:
        """Labels for the given keys (text); keys that do not exist are absent."""
        keys = [k for k in set(keys) if k is not None]
        if not keys:
            return {}
        query = sql.SQL("SELECT {k}::text, {l}::text FROM {t} WHERE {k} = ANY(%s::{c}[])").format(
            k=sql.Identifier(self.key_column),
            l=sql.Identifier(self.label_column),
            t=self.target.ident(),
            c=self._cast(),
        )
        with conn.cursor() as cur:
            cur.execute(query, [keys])
            return {k: (lab if lab is not None else k) for k, lab in cur.fetchall()}

    def exists(self, conn, key: str | None) -> bool:
        if key is None:
            return True
        return key in self.labels(conn, [key])


@dataclass(frozen=True)
class Reference:
    table: str  # schema.table that references the row
    columns: tuple[str, ...]
    count: int


def referencing_rows(conn, info: TableInfo, values: dict, limit: int = 1000) -> list[Reference]:
    """Tables (and row counts, capped at ``limit``) whose foreign keys point at this row."""
    out = []
    for fk in info.referenced_by:
        ref_values = [values.get(c) for c in fk.ref_columns]
        if any(v is None for v in ref_values):
            continue
        conds = []
        for col, ref_col in zip(fk.columns, fk.ref_columns, strict=False):
            cast = info.column(ref_col).cast_target()
            conds.append(sql.SQL("{} = %s::{}").format(sql.Identifier(col), cast))
        query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) s").format(
            sql.Identifier(fk.schema, fk.table), sql.SQL(" AND ").join(conds), sql.Literal(limit)
        )
        with conn.cursor() as cur:
            cur.execute(query, ref_values)
            n = cur.fetchone()[0]
        if n:
            out.append(Reference(f"{fk.schema}.{fk.table}", fk.columns, n))
    return out


def describe_references(refs: list[Reference]) -> str:
    if not refs:
        return ""
    parts = [
        f"{r.count} row{'s' if r.count != 1 else ''} in {r.table} ({', '.join(r.columns)})" for r in refs
    ]
    return "This row is referenced by " + "; ".join(parts) + "."
