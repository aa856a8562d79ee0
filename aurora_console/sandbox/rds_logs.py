"""The sandbox's database log files on its AWS endpoint: ``DescribeDBLogFiles`` and
``DownloadDBLogFilePortion`` answered from the real log of the sandbox's PostgreSQL.

moto lists one made-up file per instance and has no download. The sandbox's PostgreSQL writes
its log as RDS does (:func:`rds_log_settings`: the logging collector, hourly files named
``postgresql.log.%Y-%m-%d-%H`` in UTC, ``log_line_prefix = '%t:%r:%u@%d:[%p]:'``,
``log_min_duration_statement`` and, where the server has it, ``auto_explain``).
:class:`InstanceLogs` maps instance identifiers to that folder (every instance of the blog
cluster reaches the same server) and :class:`RdsLogsWsgi` answers the two calls for them; calls
for other instances, and every other request, go on to moto unchanged.

The answers follow the API reference and what real RDS does (see
:mod:`aurora_console.core.aws.db_logs.reader`): names ``error/<file>``, ``LastWritten`` in epoch
milliseconds; a portion holds at most 1 MB and 10,000 lines; ``Marker="0"`` (or a marker) with
``NumberOfLines`` reads forwards, ``NumberOfLines`` alone the last lines, neither the last 10,000
lines; a line that does not fit in the 1 MB is cut there, ``[Your log message was truncated]``
written after it, and the marker moves past the whole line; ``AdditionalDataPending`` is whether
the file holds more after the marker; a file that is not there answers ``DBLogFileNotFoundFault``.
A line still being written (no newline yet) is left for the next call. Markers look like
``1:<byte offset>`` (RDS's are ``<number>:<number>`` too; clients only send them back).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aurora_console.sandbox.wsgi_body import query_params, read_body

log = logging.getLogger(__name__)

#: The server's log folder, relative to its data folder (what ``log_directory`` is set to).
LOG_DIRECTORY = "log"
FILE_PREFIX = "postgresql.log."
#: RDS lists PostgreSQL's files under this folder.
RDS_FOLDER = "error/"
PORTION_LIMIT_BYTES = 1_048_576
MAX_LINES = 10_000
TRUNCATED_NOTE = b" [Your log message was truncated]\n"
#: Slow statements the sandbox logs (``log_min_duration_statement``, milliseconds).
SLOW_STATEMENT_MS = 250
#: Plans ``auto_explain`` logs (``auto_explain.log_min_duration``, milliseconds).
EXPLAIN_MS = 1000
DESCRIBE = "DescribeDBLogFiles"
DOWNLOAD = "DownloadDBLogFilePortion"
XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: the control bytes XML 1.0 has no place for (tab, newline and carriage return it has)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_NEWLINE = re.compile(b"\n")
_MARKER = re.compile(r"(?:0|[0-9]+:(?P<offset>[0-9]{1,15}))")


def auto_explain_available(bin_dir: Path | None) -> bool:
    """Whether the server binaries in ``bin_dir`` come with the ``auto_explain`` module."""
    if bin_dir is None:
        return False
    lib = Path(bin_dir).parent / "lib"
    return any((lib / f"auto_explain{ext}").exists() for ext in (".so", ".dll", ".dylib"))


def rds_log_settings(bin_dir: Path | None = None) -> dict[str, str]:
    """Server settings for a log written as RDS PostgreSQL writes it (its parameter group's
    defaults: AWS docs, "Parameters for logging in RDS for PostgreSQL"), plus slow statements
    and, when ``bin_dir``'s server has the module, ``auto_explain`` plans of slower ones."""
    settings = {
        "logging_collector": "on",
        "log_directory": LOG_DIRECTORY,
        "log_filename": FILE_PREFIX + "%Y-%m-%d-%H",
        "log_rotation_age": "60",
        "log_rotation_size": "0",
        "log_timezone": "UTC",
        "log_line_prefix": "%t:%r:%u@%d:[%p]:",
        "log_min_duration_statement": str(SLOW_STATEMENT_MS),
    }
    if auto_explain_available(bin_dir):
        settings |= {"session_preload_libraries": "auto_explain",
                     "auto_explain.log_min_duration": str(EXPLAIN_MS)}
    return settings


# -- the files ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileInfo:
    name: str  # as RDS names it: error/postgresql.log.2026-12-07-05
    size: int
    last_written_ms: int


@dataclass(frozen=True)
class Portion:
    data: bytes
    marker: str
    pending: bool


class LogFileMissing(Exception):
    pass


class InstanceLogs:
    """Which log folder each instance's log files are read from (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: dict[str, Path] = {}

    def attach(self, instance_ids: Iterable[str], folder: Path | str) -> None:
        with self._lock:
            for instance_id in instance_ids:
                self._folders[instance_id] = Path(folder)

    def detach(self, instance_ids: Iterable[str] | None = None) -> None:
        """Forget ``instance_ids`` (None: every instance)."""
        with self._lock:
            if instance_ids is None:
                self._folders.clear()
            for instance_id in instance_ids or ():
                self._folders.pop(instance_id, None)

    def folder(self, instance_id: str) -> Path | None:
        with self._lock:
            return self._folders.get(instance_id)

    def files(self, instance_id: str) -> list[FileInfo]:
        """The instance's log files, oldest first (empty when its folder is not there yet)."""
        folder = self.folder(instance_id)
        found: list[FileInfo] = []
        if folder is None:
            return found
        try:
            paths = sorted(p for p in folder.iterdir() if p.name.startswith(FILE_PREFIX))
        except OSError:
            return found
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed meanwhile
            found.append(FileInfo(RDS_FOLDER + path.name, stat.st_size, int(stat.st_mtime * 1000)))
        return found

    def path(self, instance_id: str, name: str) -> Path:
        """The file RDS calls ``name`` (only ``error/postgresql.log.*`` of the folder itself)."""
        folder = self.folder(instance_id)
        base = name[len(RDS_FOLDER):] if name.startswith(RDS_FOLDER) else ""
        if folder is None or not base.startswith(FILE_PREFIX) or "/" in base or "\\" in base or base in (".", ".."):
            raise LogFileMissing(name)
        path = folder / base
        if not path.is_file():
            raise LogFileMissing(name)
        return path


def _marker(offset: int) -> str:
    return f"1:{offset}"


def read_forward(path: Path, offset: int, lines: int) -> Portion:
    """Up to ``lines`` whole lines from byte ``offset``, at most 1 MB (a line crossing the limit
    is cut there, noted, and skipped to its end)."""
    with open(path, "rb") as handle:
        size = handle.seek(0, io.SEEK_END)
        if offset >= size:
            return Portion(b"", _marker(min(offset, size)), False)
        handle.seek(offset)
        block = handle.read(PORTION_LIMIT_BYTES + 1)
        # whole lines whose newline is within the limit, at most ``lines`` of them (counted in C:
        # a Python loop over 10,000 lines was half the time of an answer)
        within = min(len(block), PORTION_LIMIT_BYTES)
        count = block.count(b"\n", 0, within)
        if count <= lines:
            taken = block.rfind(b"\n", 0, within) + 1
        else:
            count = lines
            taken = next(itertools.islice(_NEWLINE.finditer(block, 0, within), lines - 1, None)).end()
        if count < lines and len(block) > PORTION_LIMIT_BYTES and (block.find(b"\n", taken) < 0
                                                                  or block.find(b"\n", taken) + 1 > PORTION_LIMIT_BYTES):
            # the next line does not fit: cut it at the limit, then find where it really ends
            room = max(0, PORTION_LIMIT_BYTES - taken - len(TRUNCATED_NOTE))
            data = block[:taken] + block[taken:taken + room] + TRUNCATED_NOTE
            skip = offset + taken
            handle.seek(skip)
            while True:
                chunk = handle.read(65536)
                if not chunk:
                    break
                newline = chunk.find(b"\n")
                if newline >= 0:
                    skip += newline + 1
                    break
                skip += len(chunk)
            return Portion(data, _marker(skip), skip < size)
        end_offset = offset + taken
        return Portion(block[:taken], _marker(end_offset), end_offset < size)


def read_last(path: Path, lines: int) -> Portion:
    """The last ``lines`` whole lines, at most 1 MB (the most recent kept); the marker points
    after the last whole line (a line still being written is read by the next call)."""
    with open(path, "rb") as handle:
        size = handle.seek(0, io.SEEK_END)
        start = size
        buf = b""
        while start > 0 and buf.count(b"\n") <= lines + 1 and len(buf) <= PORTION_LIMIT_BYTES + 65536:
            step = min(start, 65536)
            start -= step
            handle.seek(start)
            buf = handle.read(step) + buf
    last = buf.rfind(b"\n")
    if last < 0:
        return Portion(b"", _marker(start), False)
    end = start + last + 1
    buf = buf[: last + 1]
    data = buf
    cut_at = len(buf) - 1
    for _ in range(lines):
        cut_at = buf.rfind(b"\n", 0, cut_at)
        if cut_at < 0:
            break
    if cut_at >= 0:
        data = buf[cut_at + 1:]
    elif start > 0:  # the block starts inside a line
        data = buf[buf.find(b"\n") + 1:]
    if len(data) > PORTION_LIMIT_BYTES:
        cut = data.find(b"\n", len(data) - PORTION_LIMIT_BYTES - 1)
        data = data[cut + 1:] if 0 <= cut < len(data) - 1 else b""
    return Portion(data, _marker(end), False)


def read_portion(path: Path, marker: str | None, lines: int | None) -> Portion:
    """What ``DownloadDBLogFilePortion`` answers for ``marker``/``lines`` (None: not given)."""
    want = MAX_LINES if lines is None else max(1, min(MAX_LINES, lines))
    if marker is None:
        return read_last(path, want)
    match = _MARKER.fullmatch(marker)
    if match is None:
        raise ValueError(f"invalid marker {marker!r}")
    return read_forward(path, int(match["offset"] or 0), want)


# -- the endpoint ------------------------------------------------------------------------------
def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value)).replace("\r", "&#13;")


def _xml_log_data(data: bytes) -> str:
    """A portion's bytes as XML text (what ``_xml_text`` makes of them decoded), with the scan for
    characters XML cannot hold done on the bytes (in C, a sixth of the time) and the replacing
    only when there are some."""
    text = data.decode("utf-8", "replace")
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or "\ufffe" in text or "\uffff" in text:
        text = _NOT_XML.sub("\ufffd", text)
    return escape(text).replace("\r", "&#13;")


def _response(action: str, body: str) -> str:
    return (f'<{action}Response xmlns="{XMLNS}"><{action}Result>{body}</{action}Result>'
            f"<ResponseMetadata><RequestId>sandbox-logs-{time.monotonic_ns()}</RequestId></ResponseMetadata>"
            f"</{action}Response>")


def _error(code: str, message: str) -> str:
    return (f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f"<Message>{_xml_text(message)}</Message></Error>"
            f"<RequestId>sandbox-logs-{time.monotonic_ns()}</RequestId></ErrorResponse>")


def _int(params: dict[str, str], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not re.fullmatch(r"-?[0-9]{1,18}", value):
        raise ValueError(f"{name} must be a number")
    return int(value)


def describe_log_files(logs: InstanceLogs, params: dict[str, str]) -> tuple[int, str]:
    instance_id = params.get("DBInstanceIdentifier", "")
    files = logs.files(instance_id)
    contains = params.get("FilenameContains")
    written = _int(params, "FileLastWritten")
    larger = _int(params, "FileSize")
    files = [f for f in files if (not contains or contains in f.name)
             and (written is None or f.last_written_ms >= written) and (larger is None or f.size > larger)]
    page = max(1, min(100, _int(params, "MaxRecords") or 100))
    start = _int(params, "Marker") or 0
    shown = files[start:start + page]
    items = "".join(f"<DescribeDBLogFilesDetails><LogFileName>{_xml_text(f.name)}</LogFileName>"
                    f"<LastWritten>{f.last_written_ms}</LastWritten><Size>{f.size}</Size></DescribeDBLogFilesDetails>"
                    for f in shown)
    more = f"<Marker>{start + page}</Marker>" if start + page < len(files) else ""
    return 200, _response(DESCRIBE, f"<DescribeDBLogFiles>{items}</DescribeDBLogFiles>{more}")


def download_log_portion(logs: InstanceLogs, params: dict[str, str]) -> tuple[int, str]:
    instance_id = params.get("DBInstanceIdentifier", "")
    name = params.get("LogFileName", "")
    try:
        path = logs.path(instance_id, name)
        portion = read_portion(path, params.get("Marker"), _int(params, "NumberOfLines"))
    except LogFileMissing:
        return 404, _error("DBLogFileNotFoundFault", f"DBLog File: {name}, is not found on the DB instance")
    except FileNotFoundError:  # removed between the check and the read
        return 404, _error("DBLogFileNotFoundFault", f"DBLog File: {name}, is not found on the DB instance")
    pending = "true" if portion.pending else "false"
    return 200, _response(DOWNLOAD, f"<LogFileData>{_xml_log_data(portion.data)}</LogFileData>"
                                    f"<Marker>{_xml_text(portion.marker)}</Marker>"
                                    f"<AdditionalDataPending>{pending}</AdditionalDataPending>")


_HANDLERS: dict[str, Callable[[InstanceLogs, dict[str, str]], tuple[int, str]]] = {
    DESCRIBE: describe_log_files,
    DOWNLOAD: download_log_portion,
}


class RdsLogsWsgi:
    """WSGI layer in front of moto's app: the two log calls for attached instances answered here,
    everything else passed on unchanged (the request body is handed on as it came)."""

    def __init__(self, app: Callable, logs: InstanceLogs) -> None:
        self.app = app
        self.logs = logs

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or "/rds/aws4_request" not in environ.get("HTTP_AUTHORIZATION", ""):
            return self.app(environ, start_response)
        params = query_params(read_body(environ))
        if params is None:
            return self.app(environ, start_response)
        handler = _HANDLERS.get(params.get("Action", ""))
        if handler is None or self.logs.folder(params.get("DBInstanceIdentifier", "")) is None:
            return self.app(environ, start_response)
        try:
            status, body = handler(self.logs, params)
        except ValueError as exc:
            status, body = 400, _error("InvalidParameterValue", str(exc))
        except Exception as exc:  # noqa: BLE001 - answered as AWS answers an internal failure
            log.exception("sandbox log files: %s failed", params.get("Action"))
            status, body = 500, _error("InternalFailure", f"{type(exc).__name__}: {exc}")
        data = body.encode("utf-8")
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}.get(status, "Error")
        start_response(f"{status} {reason}", [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))])
        return [data]


__all__ = ["InstanceLogs", "RdsLogsWsgi", "rds_log_settings", "read_portion"]
