"""What a MySQL table looks like, read from ``information_schema``, as the PostgreSQL editor's
:class:`~..introspect.TableInfo` (so changes, values and the grid work unchanged).

MySQL types are described with the PostgreSQL base types the value checks know
(``..values.parse_cell``): ``int``/``bigint`` -> ``int4``/``int8`` (unsigned widened), ``decimal`` ->
``numeric`` with its precision and scale, ``varchar``/``char`` with their length, the ``text``
family -> ``text``, ``datetime``/``timestamp`` -> ``timestamp``, ``enum`` -> its labels, binary
and BLOB columns -> ``bytea`` (shown as hex, read-only). ``type_name`` keeps MySQL's own
``COLUMN_TYPE`` for display. ``AUTO_INCREMENT`` counts as an identity filled by the server;
``ON UPDATE CURRENT_TIMESTAMP`` and ``SET NEW.col = ...`` in a BEFORE trigger make a column
"set by the server" (read-only by default, as trigger-set columns on PostgreSQL).
"""

from __future__ import annotations

import re
from typing import Any

from ..introspect import (
    SECRET_PATTERN,
    Column,
    ForeignKey,
    TableInfo,
    TableNotFound,
    TableRef,
    trigger_assigned_columns,
)
from .queries import rows

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
_ENUM_LABEL = re.compile(r"'((?:[^'\\]|''|\\.)*)'")
_INT_BASES = {"tinyint": "int2", "smallint": "int2", "mediumint": "int4", "int": "int4", "integer": "int4",
              "bigint": "int8", "year": "int4"}
_UNSIGNED_BASES = {"tinyint": "int2", "smallint": "int4", "mediumint": "int4", "int": "int8", "integer": "int8",
                   "bigint": "numeric"}
_TEXT = {"tinytext", "text", "mediumtext", "longtext", "json", "set", "bit"}
_BINARY = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
           "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection"}
_TEMPORAL = {"datetime": "timestamp", "timestamp": "timestamp", "date": "date", "time": "time"}
_KINDS = {"BASE TABLE": "r", "SYSTEM VERSIONED": "r"}


def base_type(data_type: str, column_type: str) -> str:
    """The PostgreSQL base type name the value checks use for a MySQL column."""
    dt = data_type.lower()
    if dt in _INT_BASES:
        return _UNSIGNED_BASES[dt] if "unsigned" in column_type.lower() and dt in _UNSIGNED_BASES else _INT_BASES[dt]
    if dt in ("decimal", "numeric"):
        return "numeric"
    if dt in ("float",):
        return "float4"
    if dt in ("double", "real", "double precision"):
        return "float8"
    if dt == "varchar":
        return "varchar"
    if dt == "char":
        return "bpchar"
    if dt in _TEXT or dt == "enum":
        return "text" if dt != "json" else "json"
    if dt in _BINARY:
        return "bytea"
    return _TEMPORAL.get(dt, "text")


def enum_labels(column_type: str) -> tuple[str, ...]:
    """``enum('a','it''s')`` -> ('a', "it's")."""
    if not column_type.lower().startswith("enum("):
        return ()
    return tuple(m.group(1).replace("''", "'").replace("\\'", "'") for m in _ENUM_LABEL.finditer(column_type))


def _default(value: Any, nullable: bool) -> str | None:
    """MariaDB reports "NULL" (text) for a nullable column without a default; MySQL reports NULL."""
    if value is None or (nullable and value == "NULL"):
        return None
    return str(value)


def introspect_table(conn, schema: str, table: str) -> TableInfo:
    """Describe `schema`.`table` (raises ``TableNotFound``)."""
    found = rows(conn, "SELECT TABLE_TYPE, TABLE_ROWS FROM information_schema.TABLES"
                       " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s", [schema, table])
    if not found:
        raise TableNotFound(f"table {schema}.{table} does not exist (or is not visible to this user)")
    table_type, estimate = found[0]
    trigger_cols: set[str] = set()
    triggers = []
    for name, statement in rows(conn, "SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS"
                                      " WHERE EVENT_OBJECT_SCHEMA = %s AND EVENT_OBJECT_TABLE = %s"
                                      " AND ACTION_TIMING = 'BEFORE' AND EVENT_MANIPULATION IN ('INSERT', 'UPDATE')"
                                      " ORDER BY TRIGGER_NAME", [schema, table]):
        triggers.append(name)
        trigger_cols |= trigger_assigned_columns(statement)
    columns = []
    for (name, data_type, column_type, nullable, default, extra, max_len, precision, scale,
         generation) in rows(conn, "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT,"
                                   " EXTRA, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,"
                                   " GENERATION_EXPRESSION FROM information_schema.COLUMNS"
                                   " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
                                   [schema, table]):
        base = base_type(str(data_type), str(column_type))
        extra = str(extra or "").lower()
        labels = enum_labels(str(column_type))
        columns.append(Column(
            name=name, type_name=str(column_type), type_schema=schema, type_ident=str(data_type), base_type=base,
            max_length=int(max_len) if max_len is not None and base in ("varchar", "bpchar") else None,
            numeric_precision=int(precision) if precision is not None and base == "numeric" else None,
            numeric_scale=int(scale) if scale is not None and base == "numeric" else None,
            nullable=bool(nullable), default=_default(default, bool(nullable)),
            identity="d" if "auto_increment" in extra else "", generated=bool(generation),
            enum_labels=labels, secret=bool(SECRET_PATTERN.search(name)),
            set_by_trigger=name.lower() in trigger_cols or "on update" in extra,
        ))
    pk = tuple(r[0] for r in rows(conn, "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                                        " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND CONSTRAINT_NAME = 'PRIMARY'"
                                        " ORDER BY ORDINAL_POSITION", [schema, table]))
    fks = _foreign_keys(conn, "TABLE_SCHEMA = %s AND TABLE_NAME = %s", [schema, table])
    refs = _foreign_keys(conn, "REFERENCED_TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME = %s", [schema, table])
    kind = _KINDS.get(str(table_type).upper(), "v")
    return TableInfo(schema, table, kind, tuple(columns), pk, tuple(fks), tuple(refs), tuple(triggers),
                     int(estimate) if estimate is not None else -1)


def _foreign_keys(conn, where: str, params: list) -> list[ForeignKey]:
    grouped: dict[tuple, dict] = {}
    for (name, schema, table, column, ref_schema, ref_table, ref_column) in rows(
            conn, "SELECT CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,"
                  " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                  f" WHERE REFERENCED_TABLE_NAME IS NOT NULL AND {where}"
                  " ORDER BY CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION", params):
        entry = grouped.setdefault((schema, table, name), {"ref": (ref_schema, ref_table), "cols": [], "refs": []})
        entry["cols"].append(column)
        entry["refs"].append(ref_column)
    return [ForeignKey(name, schema, table, tuple(e["cols"]), e["ref"][0], e["ref"][1], tuple(e["refs"]))
            for (schema, table, name), e in grouped.items()]


def list_tables(conn) -> list[TableRef]:
    """Every user table and view the connection can see, in every database but the system ones."""
    marks = ", ".join(["%s"] * len(SYSTEM_SCHEMAS))
    found = rows(conn, "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_TYPE, EXISTS (SELECT 1 FROM"
                       " information_schema.TABLE_CONSTRAINTS k WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA"
                       " AND k.TABLE_NAME = t.TABLE_NAME AND k.CONSTRAINT_TYPE = 'PRIMARY KEY')"
                       f" FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA NOT IN ({marks})"
                       " ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME", list(SYSTEM_SCHEMAS))
    return [TableRef(s, n, _KINDS.get(str(k).upper(), "v"), bool(pk)) for s, n, k, pk in found]
