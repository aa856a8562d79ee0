"""Reading one log file with ``DownloadDBLogFilePortion``, portion by portion (streamed).

What the API does (botocore's RDS service model and the AWS API reference, "DownloadDBLogFilePortion"):

* one call returns at most 1 MB; ``NumberOfLines`` asks for a block of lines;
* ``Marker="0"`` with ``NumberOfLines`` returns the first lines of the file; the response's
  ``Marker`` continues after them, until ``AdditionalDataPending`` is false;
* ``NumberOfLines`` without ``Marker`` returns the *last* lines of the file (its marker continues
  after the end: what follow mode polls from);
* there is no call for "the lines before this marker": reading backwards goes as far as one
  call of the last lines reaches (:meth:`LogFileReader.tail`, up to :data:`MAX_LINES` lines or
  1 MB); further back, :meth:`LogFileReader.backwards` collects each portion's marker on a
  forward pass that keeps no data, then fetches the portions again from the last to the first.

What real services do beyond the documentation, and what we do about it:

* a portion that reaches 1 MB before ``NumberOfLines`` cuts its last line and marks it with
  ``[Your log message was truncated]``; the rest of that line is lost (aws/aws-sdk-js#1463,
  fpietka/rds-pgbadger#10): the same marker is asked again for exactly the whole lines before
  the cut one, so the next portion starts with that line. A single line over 1 MB stays cut
  (``LogPortion.truncated``) instead of being retried forever, as in fpietka/rds-pgbadger#93.
  The block size adapts to the lines' length so portions stay under the limit;
* without ``Marker="0"`` on the first call the paging stops early (fpietka/rds-pgbadger#10):
  reading from the start always sends ``"0"``;
* ``AdditionalDataPending`` is false at the end of a file that is still being written; the
  marker still moves on (honeycombio/rdslogs#25), so follow mode keeps it;
* ``Throttling`` ("Rate exceeded", fpietka/rds-pgbadger#91) is retried with back-off;
* a file removed by log retention while read answers ``DBLogFileNotFoundFault``:
  :class:`LogFileGone`.

The marker is opaque ("17:13387550" on RDS); it is only ever sent back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aurora_console.core.aws.db_logs.files import aws_failure
from aurora_console.core.aws.errors import THROTTLED
from aurora_console.core.errors import ConsoleError
from aurora_console.core.tasks import Cancelled, TaskContext, null_context

#: What RDS writes where it cut a line at the 1 MB limit of a portion.
TRUNCATED_NOTE = "[Your log message was truncated]"
#: The most lines one call returns.
MAX_LINES = 10_000
#: One call returns at most this much.
PORTION_LIMIT_BYTES = 1_048_576
#: Portions aim at this size (the block of lines adapts to the lines' length).
TARGET_BYTES = 768 * 1024
#: Lines asked for before the lines' length is known.
FIRST_LINES = 2_000
#: Throttled calls are tried this many times in all.
ATTEMPTS = 6


class LogFileGone(ConsoleError):
    """The log file is no longer on the instance (log retention removed it, or it rotated away)."""

    def __init__(self, instance_id: str, file_name: str) -> None:
        super().__init__(f"{file_name} is no longer on {instance_id}: RDS removed it (log retention) while it was read.",
                         hint="Pick a newer file from the list of log files.")
        self.instance_id = instance_id
        self.file_name = file_name


@dataclass(frozen=True)
class LogPortion:
    """One answer of ``DownloadDBLogFilePortion``.

    ``marker``: what was asked for (``"0"`` the start, None the file's last lines);
    ``next_marker``: where the next portion starts; ``pending``: ``AdditionalDataPending``;
    ``truncated``: a line longer than a portion was cut by RDS (its rest is lost)."""

    file_name: str
    data: str
    marker: str | None
    next_marker: str
    pending: bool
    truncated: bool = False

    @cached_property
    def line_count(self) -> int:
        """Lines of ``data`` (counted once: a portion is up to 1 MB)."""
        if not self.data:
            return 0
        return self.data.count("\n") + (0 if self.data.endswith("\n") else 1)


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def _lines_before_cut(data: str) -> int:
    """How many whole lines come before the line RDS cut."""
    end = data.rstrip("\r\n")
    return end[: end.rfind(TRUNCATED_NOTE)].count("\n")


def _was_cut(data: str) -> bool:
    """Whether RDS cut a line of this portion: its note ends one of the portion's last lines
    (a message that merely quotes the note does not end with it)."""
    if TRUNCATED_NOTE not in data[-4096:]:
        return False
    return any(line.rstrip("\r").endswith(TRUNCATED_NOTE) for line in data[-4096:].split("\n"))


class LogFileReader:
    """Reads ``file_name`` of ``instance_id`` through ``client`` (a boto3 RDS client).

    Holds no log data: each portion is handed out as it arrives (at most 1 MB at a time); what
    it keeps is the marker of each portion read forwards (:attr:`markers`), for scroll-back."""

    def __init__(self, client: Any, instance_id: str, file_name: str, *, lines: int = FIRST_LINES,
                 retry_delay: float = 1.0) -> None:
        self.client = client
        self.instance_id = instance_id
        self.file_name = file_name
        self.lines = max(1, min(MAX_LINES, lines))
        self.retry_delay = retry_delay
        #: start markers of the portions read forwards, in file order ("0" first)
        self.markers: list[str] = []
        self.calls = 0

    # -- one call ------------------------------------------------------------------------------
    def _download(self, marker: str | None, lines: int | None, task: TaskContext) -> dict:
        kwargs: dict[str, Any] = {"DBInstanceIdentifier": self.instance_id, "LogFileName": self.file_name}
        if marker is not None:
            kwargs["Marker"] = marker
        if lines is not None:
            kwargs["NumberOfLines"] = lines
        delay = self.retry_delay
        for attempt in range(ATTEMPTS):
            task.pause()  # gives way while the UI thread paints (a call is some ms of Python), and a cancel
            try:
                self.calls += 1
                return self.client.download_db_log_file_portion(**kwargs)
            except Cancelled:
                raise
            except Exception as exc:
                code = _error_code(exc)
                if code in THROTTLED and attempt + 1 < ATTEMPTS:
                    task.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                if code in ("DBLogFileNotFoundFault", "DBLogFileNotFound"):
                    raise LogFileGone(self.instance_id, self.file_name) from exc
                raise aws_failure(exc, "DownloadDBLogFilePortion") from exc
        raise AssertionError("unreachable")

    def fetch(self, marker: str | None, lines: int | None = None, task: TaskContext | None = None) -> LogPortion:
        """One portion from ``marker`` (None: the file's last ``lines``), re-asked with fewer
        lines while RDS cuts a line at its 1 MB limit."""
        task = task or null_context()
        want = lines or self.lines
        while True:
            answer = self._download(marker, want, task)
            data = answer.get("LogFileData") or ""
            cut = _was_cut(data)
            whole = _lines_before_cut(data) if cut else 0
            if cut and 0 < whole < want:
                want = whole  # exactly the lines before the cut one: the next portion starts with it
                continue
            portion = LogPortion(self.file_name, data, marker, str(answer.get("Marker") or marker or "0"),
                                 bool(answer.get("AdditionalDataPending")), cut)
            self._adapt(portion, want)
            return portion

    def _adapt(self, portion: LogPortion, asked: int) -> None:
        count = portion.line_count
        if count < max(1, asked // 2) and not portion.truncated:
            return  # a short portion (end of file) says nothing about the block size
        per_line = max(1, len(portion.data.encode("utf-8", "replace")) // max(1, count))
        self.lines = max(1, min(MAX_LINES, TARGET_BYTES // per_line))

    # -- reading -------------------------------------------------------------------------------
    def tail(self, lines: int = 1_000, task: TaskContext | None = None) -> LogPortion:
        """The last ``lines`` lines (up to :data:`MAX_LINES` or 1 MB): the first screen, quickly.
        Its ``next_marker`` continues after the end of the file (what follow mode reads from)."""
        return self.fetch(None, max(1, min(MAX_LINES, lines)), task)

    def forwards(self, marker: str = "0", task: TaskContext | None = None) -> Iterator[LogPortion]:
        """Portions from ``marker`` (``"0"``: the start) until no more data is pending."""
        task = task or null_context()
        while True:
            task.check()
            portion = self.fetch(marker, None, task)
            if marker not in self.markers[-1:]:
                self.markers.append(marker)
            yield portion
            if not portion.pending or portion.next_marker == marker:
                return
            marker = portion.next_marker

    def backwards(self, task: TaskContext | None = None) -> Iterator[LogPortion]:
        """Portions from the end of the file to its start, for scroll-back past :meth:`tail`.

        A forward pass collects each portion's start marker (the data is dropped at once), then
        the portions are fetched again from the last to the first with the block size of the
        pass, so each holds the same lines."""
        task = task or null_context()
        index: list[tuple[str, int]] = []
        for portion in self.forwards("0", task):
            index.append((portion.marker or "0", max(1, portion.line_count)))
        for marker, count in reversed(index):
            task.check()
            yield self.fetch(marker, count, task)
