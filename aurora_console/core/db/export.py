"""Write a result to CSV or JSON as it streams, without holding it in memory."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from aurora_console.core.db.column_store import RowStore
from aurora_console.core.db.query import NEXT_BATCH, QueryResult
from aurora_console.core.db.session import DbSession
from aurora_console.core.db.values import _json_default, to_json_value, to_text
from aurora_console.core.private_files import open_private

FORMATS = ("csv", "json")


def write_rows(
    path: str | Path, fmt: str, columns: list[str], batches: Iterable[list[tuple]], *, task=None
) -> int:
    """Write ``batches`` of rows to ``path`` (atomically: a temp file renamed at the end).

    The file is owner-only (0600) from its creation: exported rows are the database's data. The
    folder is the user's choice and is left as it is.

    CSV: a header line, NULL as an empty unquoted field, empty text as ``""``.
    JSON: an array of objects keyed by column name (duplicate names get a ``_2`` suffix).
    Returns the number of rows written.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use csv or json)")
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    count = 0
    try:
        with open_private(tmp, "w", newline="", private_parent=False) as fh:
            if fmt == "csv":
                fh.write(",".join(_csv_field(c) for c in columns) + "\r\n")
                for batch in batches:
                    if task is not None:
                        task.check()
                    fh.writelines(",".join([_csv_field(v) for v in row]) + "\r\n" for row in batch)
                    count += len(batch)
                    if task is not None:
                        task.progress(None, f"{count:,} rows written")
            else:
                keys = _unique(columns)
                fh.write("[")
                for batch in batches:
                    if task is not None:
                        task.check()
                    for row in batch:
                        obj = {k: to_json_value(v) for k, v in zip(keys, row, strict=False)}
                        fh.write(
                            ("\n" if count == 0 else ",\n")
                            + json.dumps(obj, ensure_ascii=False, default=_json_default)
                        )
                        count += 1
                    if task is not None:
                        task.progress(None, f"{count:,} rows written")
                fh.write("\n]\n" if count else "]\n")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count


_NEEDS_QUOTES = re.compile(r'[",\r\n]|^\s|\s$')


def _csv_field(value) -> str:
    """PostgreSQL's CSV convention: NULL is an empty unquoted field, empty text is ``""``."""
    if value is None:
        return ""
    text = to_text(value)
    if text == "" or _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0) + 1
        seen[n] = k
        out.append(n if k == 1 else f"{n}_{k}")
    return out


def export_result(result: QueryResult, path: str | Path, fmt: str, *, task=None) -> int:
    """Export an open result: the rows already fetched, then the rest of its cursor, streamed."""

    def batches():
        rows = result.rows
        if isinstance(rows, RowStore):  # the grid's compact rows, turned into tuples a batch at a time
            yield from rows.batches(NEXT_BATCH)
        else:
            yield rows
        if result.stream is not None:
            yield from result.stream.batches(NEXT_BATCH, task=task)

    return write_rows(path, fmt, [c.name for c in result.columns], batches(), task=task)


def export_query(session: DbSession, sql: str, path: str | Path, fmt: str, *, task=None) -> int:
    """Run ``sql`` (on the session's engine) and stream its whole result into ``path``."""
    from aurora_console.core.db.sql_dialects import dialect_of

    result = dialect_of(session).run_statement(session, sql, first_batch=NEXT_BATCH, task=task)
    return export_result(result, path, fmt, task=task)
