"""Rotating log file in the platform log folder, with every line passed through redaction.

The log folder is 0700 and every log file (the current one and each rotated one) 0600 from its
creation: :class:`PrivateRotatingFileHandler` opens its files through ``core.private_files``.

The GUI opens the file after the window's first paint: :func:`hold_early_records` keeps what is
logged before that (warnings also go to stderr at once, as Python's last-resort handler does) and
:func:`setup_logging` writes it to the file first, so nothing logged during start-up is lost.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import deque
from pathlib import Path

from aurora_console.core.private_files import open_private, private_dir
from aurora_console.core.redaction import redact

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats normally (exception text included), then masks secrets in the whole result."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFilter(logging.Filter):
    """Masks secrets in the record itself, for handlers whose formatter we do not own."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file that rotates once it would pass ``maxBytes``: ``name`` becomes ``name.1``,
    ``name.1`` becomes ``name.2`` ... up to ``backupCount`` files (none rotate without either).
    Every file is created owner-only (rotation renames, so a rotated file keeps its 0600; the new
    current file is created 0600 again). Built on ``logging.FileHandler``, so the console does not
    load ``logging.handlers`` (and socket, pickle) for it."""

    def __init__(self, filename, maxBytes: int = 0, backupCount: int = 0, encoding: str | None = None) -> None:  # noqa: N803 - RotatingFileHandler's names
        self.max_bytes = maxBytes
        self.backups = backupCount
        super().__init__(filename, mode="a", encoding=encoding)

    def _open(self):
        return open_private(self.baseFilename, "a", encoding=self.encoding, private_parent=False)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._would_pass_limit(record):
                self._rotate()
        except Exception:  # noqa: BLE001 - reported like any handler error, the record is still written
            self.handleError(record)
        super().emit(record)

    def _would_pass_limit(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or self.backups <= 0:
            return False
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False  # a device or pipe: never renamed
        if self.stream is None:
            self.stream = self._open()
        line = self.format(record) + self.terminator
        self.stream.seek(0, os.SEEK_END)
        return self.stream.tell() + len(line) >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            older, newer = f"{base}.{i}", f"{base}.{i + 1}"
            if os.path.exists(older):
                if os.path.exists(newer):
                    os.remove(newer)
                os.rename(older, newer)
        if os.path.exists(f"{base}.1"):
            os.remove(f"{base}.1")
        if os.path.exists(base):
            os.rename(base, f"{base}.1")
        self.stream = self._open()


#: records logged before the file is open: at most this many are kept (the oldest are dropped,
#: and the file says how many)
EARLY_LIMIT = 5000


class EarlyRecords(logging.Handler):
    """Keeps the records logged before the log file opens; WARNING and above also go to stderr
    at once (what Python's last-resort handler did with them before)."""

    def __init__(self, limit: int = EARLY_LIMIT) -> None:
        super().__init__(logging.NOTSET)
        self.limit = limit
        self.records: deque[logging.LogRecord] = deque(maxlen=limit)
        self.dropped = 0
        #: the file handler once it is open: a record that reaches this holder after it was taken
        #: off the root logger (a thread that had already picked its handlers) goes there
        self.forward_to: logging.Handler | None = None
        self._stderr = logging.StreamHandler(sys.stderr)
        self._stderr.setLevel(logging.WARNING)
        self._stderr.addFilter(RedactingFilter())

    def emit(self, record: logging.LogRecord) -> None:
        if self.forward_to is not None:
            if record.levelno >= self.forward_to.level:
                self.forward_to.handle(record)
            return
        # as it reads now (arguments can change before the file opens), the traceback as text
        try:
            record.msg, record.args = record.getMessage(), None
        except Exception:  # noqa: BLE001 - a bad format string: the file handler reports it as usual
            pass
        if record.exc_info is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if len(self.records) == self.limit:
            self.dropped += 1  # the oldest makes room
        self.records.append(record)
        if record.levelno >= logging.WARNING:
            self._stderr.handle(record)


_early: list[EarlyRecords] = []


def hold_early_records(*, level: int = logging.INFO, limit: int = EARLY_LIMIT) -> EarlyRecords:
    """Keep what is logged from now until :func:`setup_logging` opens the file (idempotent)."""
    if _early:
        return _early[0]
    holder = EarlyRecords(limit)
    root = logging.getLogger()
    root.addHandler(holder)
    _early.append(holder)
    _set_levels(root, level)
    return holder


def _set_levels(root: logging.Logger, level: int) -> None:
    root.setLevel(min(root.level or level, level) if root.level else level)
    # botocore logs request bodies at DEBUG; keep third-party chatter at WARNING.
    # websockets logs each handshake (an endpoint's presigned URL) at DEBUG.
    for noisy in ("botocore", "boto3", "urllib3", "paramiko", "asyncssh", "werkzeug", "moto", "PIL", "websockets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


_installed: list[logging.Handler] = []


def setup_logging(log_file: Path, *, level: int = logging.INFO, max_bytes: int = 2_000_000, backups: int = 5) -> Path:
    """Install the rotating file handler on the root logger (idempotent); the records held since
    :func:`hold_early_records` are written to it first."""
    private_dir(log_file.parent)
    root = logging.getLogger()
    for h in _installed:
        root.removeHandler(h)
        h.close()
    _installed.clear()
    handler = PrivateRotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    _installed.append(handler)
    _set_levels(root, level)
    _replay_early(root, handler)
    return log_file


def _replay_early(root: logging.Logger, handler: logging.Handler) -> None:
    if not _early:
        return
    holder = _early.pop()
    # under the holder's lock (the one its emit runs under): a thread logging meanwhile waits, and
    # then goes to the file after the held records, in order; none is lost or written twice
    holder.acquire()
    try:
        holder.forward_to = handler
        root.removeHandler(holder)
        if holder.dropped:
            handler.handle(logging.makeLogRecord({"name": __name__, "levelno": logging.WARNING,
                                                  "levelname": "WARNING",
                                                  "msg": "%d earlier start-up log records were dropped",
                                                  "args": (holder.dropped,)}))
        for record in holder.records:
            if record.levelno >= handler.level:
                handler.handle(record)
        holder.records.clear()
    finally:
        holder.release()


def teardown_logging() -> None:
    root = logging.getLogger()
    for holder in _early:
        root.removeHandler(holder)
    _early.clear()
    for h in _installed:
        root.removeHandler(h)
        h.close()
    _installed.clear()
