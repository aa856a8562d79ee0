"""Follow mode (``tail -f``) of an instance's database log: a cancellable loop that polls.

It starts with the last lines of the newest file, then asks every ``interval`` seconds for what
came after the marker. When a poll brings nothing it lists the files; a newer one means the log
rotated (every hour on RDS): the current file is read to its end once more (lines written
between the last poll and the rotation), then each newer file is read from its start, oldest
first. ``AdditionalDataPending`` is false at the end of a growing file, so the marker is kept
either way. Cancelling the task ends the loop at once (:class:`~aurora_console.core.tasks.Cancelled`
from ``task.sleep``/``task.check``).

Use from a task::

    for portion in follow_log(client, "blog-1", task=ctx):
        ctx.progress(None, portion.file_name)   # or hand the portion to the screen
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aurora_console.core.aws.db_logs.files import LogFile, list_log_files
from aurora_console.core.aws.db_logs.reader import LogFileGone, LogFileReader, LogPortion
from aurora_console.core.tasks import TaskContext

#: Seconds between polls (each poll is a call that uses resources on the instance).
DEFAULT_INTERVAL = 5.0


_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[0-9]{2,4})?")


def _series(name: str) -> str:
    """The name without its date and hour: files of one series rotate into each other
    (``error/postgresql.log.*``; a ``.csv`` log, with ``csvlog`` on, is a series of its own)."""
    return _STAMP.sub("*", name)


def _newer_files(files: list[LogFile], current: str) -> list[LogFile]:
    """Files of ``current``'s series written after it (by name: RDS names them by their hour),
    oldest first."""
    series = _series(current)
    return sorted((f for f in files if f.name > current and _series(f.name) == series), key=lambda f: f.name)


def _newest(files: list[LogFile]) -> LogFile:
    """The file to follow: the newest, preferring the text log to a ``.csv`` one."""
    text = [f for f in files if not f.name.endswith(".csv")]
    return (text or files)[0]


def follow_log(client: Any, instance_id: str, *, task: TaskContext, file_name: str | None = None,
               lines: int = 1_000, interval: float = DEFAULT_INTERVAL,
               retry_delay: float = 1.0, marker: str | None = None) -> Iterator[LogPortion]:
    """Portions as they are written: first the last ``lines`` of ``file_name`` (default: the
    newest file), then every new portion, across rotations. Runs until the task is cancelled.
    ``marker`` (with ``file_name``): continue after it instead (a screen that already shows the
    file's last lines follows on from where they ended, no line twice).

    Waits (polling) while the instance has no log file yet. Raises :class:`LogFileGone` when the
    file followed disappears with no newer file to continue in, ``AwsError`` on other failures."""
    current = file_name
    while current is None:
        files = list_log_files(client, instance_id, task=task)
        if files:
            current = _newest(files).name
        else:
            task.sleep(interval)
    reader = LogFileReader(client, instance_id, current, retry_delay=retry_delay)
    if marker is None or file_name is None:
        first = reader.tail(lines, task)
        yield first
        marker = first.next_marker
    while True:
        got = False
        gone = False
        try:
            for portion in reader.forwards(marker, task):
                marker = portion.next_marker
                if portion.data:
                    got = True
                    yield portion
        except LogFileGone:
            gone = True
        if not got:
            newer = _newer_files(list_log_files(client, instance_id, task=task), reader.file_name)
            if newer:
                if not gone:  # lines written between the last poll and the rotation
                    for portion in reader.forwards(marker, task):
                        if portion.data:
                            yield portion
                reader = LogFileReader(client, instance_id, newer[0].name, retry_delay=retry_delay)
                marker = "0"
                continue
            if gone:
                raise LogFileGone(instance_id, reader.file_name)
        task.sleep(interval)
