"""Which wire format (text or binary) a result's rows are fetched in, chosen from its column types.

psycopg loads some types faster from PostgreSQL's binary format than from text (integers,
float8, timestamps, dates, uuids, bytea: fixed-width values copied or unpacked instead of
parsed) and numeric slower (its binary form is base-10000 digits rebuilt into a ``Decimal``).
Measured (300,000 rows fetched with ``fetchall``, 2 loaded cores): int4, float8, timestamptz in
0.74x the text time in binary; int4, text, numeric in 1.1-1.3x. benchmarks/sql_fetch.py reports
both kinds of result.

libpq asks for one result format for all the columns of a statement (``PQexecParams``'s
``resultFormat``; the protocol's per-column format codes are not exposed), so each column
votes: binary only when every column is one whose binary form gives exactly the same Python
value as its text form (checked by tests/integration/sql/test_wire_format.py) and at least one
is faster in binary. Everything else (numeric, float4, intervals, json, arrays, enums, extension
types, ...) keeps the text format, where the console's loaders are the ones it always used.

Not the same value in binary, so never binary: float4 (text "1.1" loads as the double 1.1,
binary as the float32 value 1.100000023841858).
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg.postgres import types as _pg_types


def _oids(*names: str) -> frozenset[int]:
    return frozenset(_pg_types[n].oid for n in names)


#: faster in binary, same value (fixed-width values unpacked instead of parsed)
BINARY_FASTER = _oids("int2", "int4", "int8", "oid", "float8", "bool", "timestamp", "timestamptz", "date",
                      "uuid", "bytea")
#: about as fast either way, same value (the bytes of the text in the client encoding)
BINARY_SAME = _oids("text", "varchar", "bpchar", "name")


def prefers_binary(type_oids: Iterable[int]) -> bool:
    """True when a result with these column types is fetched faster in binary with the same
    values: every column is safe in binary and at least one is faster."""
    oids = list(type_oids)
    if not oids or any(o not in BINARY_FASTER and o not in BINARY_SAME for o in oids):
        return False
    return any(o in BINARY_FASTER for o in oids)
