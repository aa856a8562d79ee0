"""Foreign-key lookups on MySQL: the referenced row's label, search by label, "who references
this row" before a delete (the PostgreSQL module's behaviour, MySQL's SQL)."""

from __future__ import annotations

from aurora_console.core.db.mysql_dialect import qualified as quote

from ..introspect import TableInfo
from ..lookup import Choice, ForeignKeyLookup, Reference
from .introspect import introspect_table
from .queries import as_text, rows


class MySqlForeignKeyLookup(ForeignKeyLookup):
    @classmethod
    def for_column(cls, conn, info: TableInfo, column: str) -> MySqlForeignKeyLookup | None:
        fk = info.foreign_key_for(column)
        if fk is None:
            return None
        return cls(fk, introspect_table(conn, fk.ref_schema, fk.ref_table))

    def _names(self) -> tuple[str, str, str]:
        return quote(self.key_column), quote(self.label_column), quote(self.target.schema, self.target.name)

    def search(self, conn, text: str = "", limit: int = 50) -> list[Choice]:
        key, label, table = self._names()
        where, params = "", []
        if text:
            needle = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where = f" WHERE LOWER(CONCAT({label})) LIKE LOWER(%s) OR CONCAT({key}) = %s"
            params = [f"%{needle}%", text]
        found = rows(conn, f"SELECT {key}, {label} FROM {table}{where} ORDER BY {label} IS NULL, {label}, {key}"
                           f" LIMIT {int(limit)}", params)
        out = []
        for k, lab in found:
            k = as_text(k)
            out.append(Choice(k, as_text(lab) if lab is not None else k))
        return out

    def labels(self, conn, keys) -> dict[str, str]:
        keys = [k for k in set(keys) if k is not None]
        if not keys:
            return {}
        key, label, table = self._names()
        marks = ", ".join(["%s"] * len(keys))
        out = {}
        for k, lab in rows(conn, f"SELECT {key}, {label} FROM {table} WHERE {key} IN ({marks})", keys):
            k = as_text(k)
            out[k] = as_text(lab) if lab is not None else k
        return out


def referencing_rows(conn, info: TableInfo, values: dict, limit: int = 1000) -> list[Reference]:
    """Tables (and row counts, capped at ``limit``) whose foreign keys point at this row."""
    out = []
    for fk in info.referenced_by:
        ref_values = [values.get(c) for c in fk.ref_columns]
        if any(v is None for v in ref_values):
            continue
        cond = " AND ".join(f"{quote(c)} = %s" for c in fk.columns)
        n = int(rows(conn, f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(fk.schema, fk.table)} WHERE {cond}"
                           f" LIMIT {int(limit)}) s", ref_values)[0][0])
        if n:
            out.append(Reference(f"{fk.schema}.{fk.table}", fk.columns, n))
    return out
