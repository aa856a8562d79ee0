"""Running the content editor's SQL on a MySQL connection, and MySQL values as the editor's text.

The PostgreSQL editor has the server turn every value into text (``col::text``); on MySQL the
driver returns Python values, and :func:`as_text` writes them the way MySQL prints them
(``2026-11-27 14:30:00``, ``12.50``, ``\\x...`` for binary), so a value shown, edited and sent back
as a parameter means the same to the server. A zero date (``0000-00-00``) or a string the
driver could not convert comes back as the server's own text and is shown as it is.

:func:`row_version` is the row's fingerprint (the MD5 of every column's value): MySQL has no
``xmin``, so a save compares the fingerprint it loaded with the row's current one, under
``SELECT ... FOR UPDATE``, to detect that someone else changed the row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aurora_console.core.db.mysql_dialect import qualified as quote

BYTES_PREVIEW = 512  # bytes of a binary value shown as hex
#: base types (``introspect.base_type``) read as text: fetched as UTF-8 bytes and decoded here
TEXT_BASES = frozenset({"varchar", "bpchar", "text", "json"})


def rows(conn, statement: str, params: list | tuple | None = None) -> list[tuple]:
    cur = conn.cursor()
    try:
        cur.execute(statement, params)
        return list(cur.fetchall()) if cur.description is not None else []
    finally:
        cur.close()


def run(conn, statement: str, params: list | tuple | None = None) -> int:
    """Execute; returns the affected row count."""
    cur = conn.cursor()
    try:
        return cur.execute(statement, params)
    finally:
        cur.close()


def as_text(value: Any) -> str | None:
    """A value as the editor shows and sends it (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # TIME columns
        total = int(value.total_seconds())
        sign = "-" if total < 0 else ""
        total = abs(total)
        text = f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
        return text + (f".{value.microseconds:06d}" if value.microseconds else "")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return "\\x" + data[:BYTES_PREVIEW].hex() + ("…" if len(data) > BYTES_PREVIEW else "")
    if isinstance(value, set):  # SET columns with some drivers
        return ",".join(sorted(value))
    return str(value)


def text_expr(column: str, alias: str = "t") -> str:
    """A text column as UTF-8 bytes (converted from its own character set), so a value holding bytes
    that are not valid text (legacy data) reaches :func:`decoded` instead of failing the driver."""
    prefix = f"{alias}." if alias else ""
    return f"CAST(CONVERT({prefix}{quote(column)} USING utf8mb4) AS BINARY)"


def decoded(value: Any) -> str | None:
    """A text column's bytes as text; bytes that are not valid UTF-8 become U+FFFD."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return as_text(value)


def select_columns(info, alias: str = "t") -> list[str]:
    """Every column of ``info`` for a SELECT list (text columns through :func:`text_expr`)."""
    prefix = f"{alias}." if alias else ""
    return [f"{text_expr(c.name, alias)} AS {quote(c.name)}" if c.base_type in TEXT_BASES and not c.is_enum
            else f"{prefix}{quote(c.name)}" for c in info.columns]


def row_texts(info, values) -> list[str | None]:
    """A fetched row (as :func:`select_columns` selected it) as the editor's text values."""
    return [decoded(v) if c.base_type in TEXT_BASES and not c.is_enum else as_text(v)
            for c, v in zip(info.columns, values, strict=True)]


def row_version(columns, alias: str = "t") -> str:
    """SQL for the row's fingerprint: MD5 over every column's value (NULL distinct from any value)."""
    prefix = f"{alias}." if alias else ""
    parts = [f"IFNULL(HEX(CONCAT({prefix}{quote(c)})), 'N')" for c in columns]
    return f"MD5(CONCAT_WS(',', {', '.join(parts)}))" if parts else "MD5('')"
