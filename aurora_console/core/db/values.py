"""How result values are shown, copied and exported.

NULL stays distinct from the empty string (``display`` returns None for it); json/jsonb is
compact in a cell and pretty in the cell viewer; bytea is ``\\x`` + hex; numeric is exact
(``Decimal`` printed as the server sent it); timestamps with time zone keep their offset.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

NULL_TEXT = "NULL"
CELL_LIMIT = 2000  # characters shown in a grid cell; the cell viewer shows everything


def _json_default(o):
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, (dt.date, dt.time, dt.datetime)):
        return o.isoformat()
    if isinstance(o, (bytes, memoryview)):
        return "\\x" + bytes(o).hex()
    if isinstance(o, uuid.UUID):
        return str(o)
    return str(o)


def to_text(value) -> str:
    """Full text of a non-NULL value (the form used for copy, CSV and the cell viewer)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def display(value, limit: int = CELL_LIMIT) -> str | None:
    """Text for a grid cell, one line and cut at ``limit``; None means SQL NULL."""
    if value is None:
        return None
    text = to_text(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    if "\n" in text:
        text = text.replace("\r\n", "⏎").replace("\n", "⏎")
    return text


def pretty(value) -> str:
    """Text for the cell viewer: json indented, everything else in full."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
    return to_text(value)


def to_json_value(value):
    """A JSON-serialisable value for export (numbers stay exact as strings when Decimal)."""
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    return to_text(value)


def rows_as_tsv(columns: list[str] | None, rows: list[tuple]) -> str:
    """Rows as tab-separated text for the clipboard; NULL becomes an empty field."""

    def field(v) -> str:
        if v is None:
            return ""
        t = to_text(v)
        return t.replace("\t", " ").replace("\r\n", " ").replace("\n", " ")

    lines = []
    if columns:
        lines.append("\t".join(columns))
    lines.extend("\t".join(field(v) for v in row) for row in rows)
    return "\n".join(lines)
