"""Rotating log file in the platform log folder, with every line passed through redaction.

The log folder is 0700 and every log file (the current one and each rotated one) 0600 from its
creation: :class:`PrivateRotatingFileHandler` opens its files through ``core.private_files``.
"""

from __future__ import annotations

import logging
import logging.handlers
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


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating handler whose files are created owner-only (rotation renames them, so a
    rotated file keeps its 0600; the new current file is created 0600 again)."""

    def _open(self):
        return open_private(self.baseFilename, "a" if "a" in self.mode else "w", encoding=self.encoding,
                            private_parent=False)


_installed: list[logging.Handler] = []


def setup_logging(log_file: Path, *, level: int = logging.INFO, max_bytes: int = 2_000_000, backups: int = 5) -> Path:
    """Install the rotating file handler on the root logger (idempotent)."""
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
    root.setLevel(min(root.level or level, level) if root.level else level)
    # botocore logs request bodies at DEBUG; keep third-party chatter at WARNING.
    # websockets logs each handshake (an endpoint's presigned URL) at DEBUG.
    for noisy in ("botocore", "boto3", "urllib3", "paramiko", "asyncssh", "werkzeug", "moto", "PIL", "websockets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_file


def teardown_logging() -> None:
    root = logging.getLogger()
    for h in _installed:
        root.removeHandler(h)
        h.close()
    _installed.clear()
