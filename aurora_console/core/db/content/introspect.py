"""What a table looks like: columns, types, keys, foreign keys, trigger-set and secret columns.

Everything comes from the system catalogs in a handful of queries; the result is a plain
frozen dataclass the rest of the content editor (and the UI) works from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from psycopg import sql

SECRET_PATTERN = re.compile(
    r"(pass(word|wd|phrase)?($|_)|secret|token|api_?key|private_?key|credential)", re.I
)
# ``NEW.col :=`` or ``NEW.col =`` (also ``NEW."col"``) inside a trigger function's body.
_TRIGGER_ASSIGN = re.compile(r"\bNEW\s*\.\s*(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*:?=(?!=)", re.I)


class TableNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Column:
    name: str
    type_name: str  # format_type(): "character varying(80)", "integer[]", "mood"
    type_schema: str  # schema of the pg_type row (cast target)
    type_ident: str  # pg_type.typname (for arrays: "_int4")
    base_type: str  # element type name for arrays, else typname ("int4", "varchar", "mood")
    is_array: bool = False
    max_length: int | None = None  # varchar(n) / char(n)
    numeric_precision: int | None = None
    numeric_scale: int | None = None
    nullable: bool = True
    default: str | None = None
    identity: str = ""  # "a" (ALWAYS), "d" (BY DEFAULT) or ""
    generated: bool = False
    enum_labels: tuple[str, ...] = ()
    set_by_trigger: bool = False
    secret: bool = False

    @property
    def serial(self) -> bool:
        return bool(self.default and self.default.startswith("nextval("))

    @property
    def server_filled(self) -> bool:
        """The server supplies a value on INSERT when the column is omitted."""
        return bool(self.identity or self.generated or self.default is not None or self.set_by_trigger)

    @property
    def is_enum(self) -> bool:
        return bool(self.enum_labels)

    def cast_target(self) -> sql.Composable:
        """The type to cast a text parameter to, as a composable (no typmod, so no string-built SQL)."""
        return sql.Identifier(self.type_schema, self.type_ident)


@dataclass(frozen=True)
class ForeignKey:
    name: str
    schema: str  # the referencing table
    table: str
    columns: tuple[str, ...]
    ref_schema: str  # the referenced table
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableInfo:
    schema: str
    name: str
    kind: str  # "r" table, "p" partitioned table, "v" view, "m" materialized view, "f" foreign
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()  # this table -> others
    referenced_by: tuple[ForeignKey, ...] = ()  # others -> this table
    triggers: tuple[str, ...] = ()
    estimated_rows: int = -1
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.qualified} has no column {name!r}") from None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def read_only_reason(self) -> str:
        """Why rows of this table cannot be edited ('' when they can)."""
        if self.kind not in ("r", "p"):
            return f"{self.qualified} is not a plain table, so it is shown read-only."
        if not self.primary_key:
            return (
                f"{self.qualified} has no primary key, so a row cannot be identified safely; "
                "it is shown read-only. Add a primary key to edit it here."
            )
        return ""

    def foreign_key_for(self, column: str) -> ForeignKey | None:
        """The single-column foreign key on ``column`` (lookups handle those), if any."""
        for fk in self.foreign_keys:
            if fk.columns == (column,):
                return fk
        return None

    def column_read_only_reason(self, name: str, *, allow_trigger_columns: bool = False) -> str:
        col = self.column(name)
        if self.read_only_reason:
            return self.read_only_reason
        if col.generated:
            return f"{name} is a generated column."
        if col.identity == "a":
            return f"{name} is an identity column (GENERATED ALWAYS)."
        if col.set_by_trigger and not allow_trigger_columns:
            return f"{name} is set by a trigger on {self.name}; it is read-only by default."
        if col.base_type == "bytea":
            return f"{name} is binary (bytea); it is shown as hex and is read-only."
        return ""


_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), tn.nspname, t.typname,
       CASE WHEN t.typcategory = 'A' THEN et.typname ELSE t.typname END,
       t.typcategory = 'A', a.atttypmod, NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated <> '',
       COALESCE((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e
                 WHERE e.enumtypid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END),
                '{}'::name[])::text[]
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

_CONSTRAINTS = """
SELECT c.conname, c.contype, cn.nspname, cl.relname,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       fn.nspname, fl.relname,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
LEFT JOIN pg_class fl ON fl.oid = c.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fl.relnamespace
WHERE (c.conrelid = %(oid)s AND c.contype IN ('p', 'f')) OR (c.confrelid = %(oid)s AND c.contype = 'f')
ORDER BY c.conname
"""

_TRIGGERS = """
SELECT tg.tgname, p.prosrc
FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
WHERE tg.tgrelid = %(oid)s AND NOT tg.tgisinternal AND (tg.tgtype & 2) <> 0  -- BEFORE, row level
      AND (tg.tgtype & 1) <> 0 AND (tg.tgtype & (4 | 16)) <> 0                -- ROW, INSERT or UPDATE
ORDER BY tg.tgname
"""


def trigger_assigned_columns(source: str) -> set[str]:
    """Column names a PL/pgSQL trigger body assigns through ``NEW.col := ...``."""
    out = set()
    for m in _TRIGGER_ASSIGN.finditer(source or ""):
        name = m.group(1)
        out.add(name[1:-1].replace('""', '"') if name.startswith('"') else name.lower())
    return out


def _typmod_details(base: str, typmod: int) -> tuple[int | None, int | None, int | None]:
    if typmod < 0:
        return None, None, None
    if base in ("varchar", "bpchar"):
        return typmod - 4, None, None
    if base == "numeric":
        mod = typmod - 4
        return None, (mod >> 16) & 0xFFFF, mod & 0xFFFF
    return None, None, None


def introspect_table(conn, schema: str, table: str) -> TableInfo:
    """Describe ``schema.table`` (raises ``TableNotFound``)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.oid, c.relkind, GREATEST(c.reltuples, -1)::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
            (schema, table),
        )
        row = cur.fetchone()
        if row is None:
            raise TableNotFound(f"table {schema}.{table} does not exist (or is not visible to this user)")
        oid, kind, estimate = row
        args = {"oid": oid}
        cur.execute(_TRIGGERS, args)
        triggers, trigger_cols = [], set()
        for name, src in cur.fetchall():
            triggers.append(name)
            trigger_cols |= trigger_assigned_columns(src)
        cur.execute(_COLUMNS, args)
        columns = []
        for (
            name,
            type_name,
            tschema,
            tname,
            base,
            is_array,
            typmod,
            nullable,
            default,
            ident,
            gen,
            labels,
        ) in cur.fetchall():
            max_len, prec, scale = _typmod_details(base, typmod)
            columns.append(
                Column(
                    name=name,
                    type_name=type_name,
                    type_schema=tschema,
                    type_ident=tname,
                    base_type=base,
                    is_array=is_array,
                    max_length=max_len,
                    numeric_precision=prec,
                    numeric_scale=scale,
                    nullable=nullable,
                    default=default,
                    identity=ident,
                    generated=gen,
                    enum_labels=tuple(labels or ()),
                    set_by_trigger=name in trigger_cols,
                    secret=bool(SECRET_PATTERN.search(name)),
                )
            )
        cur.execute(_CONSTRAINTS, args)
        pk: tuple[str, ...] = ()
        fks, refs = [], []
        for conname, contype, cschema, ctable, cols, fschema, ftable, fcols in cur.fetchall():
            if contype == "p" and (cschema, ctable) == (schema, table):
                pk = tuple(cols)
                continue
            fk = ForeignKey(conname, cschema, ctable, tuple(cols), fschema, ftable, tuple(fcols))
            if (cschema, ctable) == (schema, table):
                fks.append(fk)
            if (fschema, ftable) == (schema, table):
                refs.append(fk)
    return TableInfo(
        schema, table, kind, tuple(columns), pk, tuple(fks), tuple(refs), tuple(triggers), int(estimate)
    )


_LIST = """
SELECT n.nspname, c.relname, c.relkind,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%'
  AND n.nspname NOT LIKE 'pg\\_temp%%'
ORDER BY n.nspname, c.relname
"""


@dataclass(frozen=True)
class TableRef:
    schema: str
    name: str
    kind: str
    has_primary_key: bool

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def list_tables(conn) -> list[TableRef]:
    """Every user table/view the connection can see (for the "open any table" picker)."""
    with conn.cursor() as cur:
        cur.execute(_LIST)
        return [TableRef(*r) for r in cur.fetchall()]
