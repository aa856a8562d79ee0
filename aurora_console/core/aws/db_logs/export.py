"""Export of database log entries as text (the log's own lines) or CSV (one row per entry).

Entries are written as they come (an iterator from the reader and the filters), so an export of
a large file never holds it whole; the file is written owner-only (0600) under a temporary name
and renamed into place when complete.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import timezone
from pathlib import Path
from typing import IO

from aurora_console.core.aws.db_logs.entries import LogEntry
from aurora_console.core.private_files import open_private
from aurora_console.core.tasks import TaskContext, null_context

CSV_HEADER = ("time_utc", "client", "user", "database", "pid", "severity", "message", "details", "duration_ms")
FORMATS = ("text", "csv")


def csv_row(entry: LogEntry) -> tuple[str, ...]:
    stamp = entry.time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if entry.time else ""
    slow = entry.slow
    details = "\n".join(f"{label}: {text}" for label, text in entry.details)
    return (stamp, entry.client, entry.user, entry.database, "" if entry.pid is None else str(entry.pid),
            entry.severity, entry.message, details, "" if slow is None else repr(slow.duration_ms))


def write_entries_to(entries: Iterable[LogEntry], out: IO[str], fmt: str = "text",
                     task: TaskContext | None = None) -> int:
    """Write ``entries`` to an open text stream; the number written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (text or csv)")
    task = task or null_context()
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_HEADER)
    for entry in entries:
        if count % 1000 == 0:
            task.check()
        if writer is not None:
            writer.writerow(csv_row(entry))
        else:
            out.write(entry.text())
            out.write("\n")
        count += 1
    return count


def export_entries(entries: Iterable[LogEntry], path: Path | str, fmt: str = "text",
                   task: TaskContext | None = None) -> int:
    """Write ``entries`` to ``path`` (created 0600; the folder is the user's and left as it is);
    replaced only when complete (a cancelled export leaves no half file). The number written."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        with open_private(part, "w", newline="", private_parent=False) as out:
            count = write_entries_to(entries, out, fmt, task)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count
