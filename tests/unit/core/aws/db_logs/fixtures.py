"""A boto3-like RDS client whose two log calls read real files, for the reader and follow tests.

The answers come from the sandbox's implementation of the API's semantics
(:mod:`aurora_console.sandbox.rds_logs`, itself tested over HTTP with a real boto3 client in
tests/integration/db_logs/); faults are scripted per call (botocore ``ClientError``s).
"""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import ClientError

from aurora_console.sandbox.rds_logs import InstanceLogs, LogFileMissing, read_portion

INSTANCE = "blog-1"


def client_error(code: str, operation: str, message: str = "boom") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}},
                       operation)


class FileBackedRds:
    def __init__(self, folder: Path, instance: str = INSTANCE) -> None:
        self.logs = InstanceLogs()
        self.logs.attach([instance], folder)
        self.calls: list[tuple[str, dict]] = []
        self.faults: list[BaseException] = []  # raised by the next calls, in order
        self.page_size = 100
        self.on_list = None  # called as a listing is answered (to write between two calls)

    def _fault(self) -> None:
        if self.faults:
            raise self.faults.pop(0)

    def describe_db_log_files(self, **kwargs):
        self.calls.append(("DescribeDBLogFiles", kwargs))
        self._fault()
        if self.on_list is not None:
            self.on_list()
        files = self.logs.files(kwargs["DBInstanceIdentifier"])
        if kwargs.get("FilenameContains"):
            files = [f for f in files if kwargs["FilenameContains"] in f.name]
        start = int(kwargs.get("Marker") or 0)
        page = files[start:start + self.page_size]
        answer = {"DescribeDBLogFiles": [{"LogFileName": f.name, "LastWritten": f.last_written_ms, "Size": f.size}
                                         for f in page]}
        if start + self.page_size < len(files):
            answer["Marker"] = str(start + self.page_size)
        return answer

    def download_db_log_file_portion(self, **kwargs):
        self.calls.append(("DownloadDBLogFilePortion", kwargs))
        self._fault()
        try:
            path = self.logs.path(kwargs["DBInstanceIdentifier"], kwargs["LogFileName"])
        except LogFileMissing:
            raise client_error("DBLogFileNotFoundFault", "DownloadDBLogFilePortion") from None
        portion = read_portion(path, kwargs.get("Marker"), kwargs.get("NumberOfLines"))
        return {"LogFileData": portion.data.decode("utf-8", "replace"), "Marker": portion.marker,
                "AdditionalDataPending": portion.pending}

    def downloads(self) -> list[dict]:
        return [kw for op, kw in self.calls if op == "DownloadDBLogFilePortion"]


def log_line(i: int, *, hour: int = 5, pid: int | None = None, message: str | None = None) -> str:
    return (f"2026-12-07 {hour:02d}:{(i // 60) % 60:02d}:{i % 60:02d} UTC:10.0.0.{i % 250}({40000 + i % 1000}):"
            f"app@blog:[{pid or 1000 + i % 50}]:LOG:  {message or f'statement {i}'}\n")


def write_log(folder: Path, name: str, lines: int, *, hour: int = 5, start: int = 0) -> Path:
    path = folder / name
    with open(path, "a", encoding="utf-8") as out:
        for i in range(start, start + lines):
            out.write(log_line(i, hour=hour))
    return path


class GeneratedRds:
    """A boto3-like RDS client over one log file that is never written anywhere: each
    ``DownloadDBLogFilePortion`` answer is cut from a period of :data:`PERIOD` lines made once,
    so a file of hundreds of MB costs only the portion asked for. Lines have one fixed length
    (the marker is a byte offset, as the sandbox's ``1:<offset>``), the API's limits are kept
    (10,000 lines and 1 MB a call; ``NumberOfLines`` alone: the last lines), and the file can
    grow (:attr:`size`). Every sixth line continues the entry before it (a tab line); every
    tenth is an ERROR; each line says its place in the period (``statement 0001234``).
    ``on_download(calls)`` is called as each call is answered (a test cancels from there)."""

    LINE = 100
    PERIOD = 3_000  # lines: a multiple of every cycle in a line (6, 10, 50, 60, 250, 1000)

    def __init__(self, size: int, name: str = "error/postgresql.log.2026-12-07-05", instance: str = INSTANCE) -> None:
        self.size = size - size % self.LINE
        self.name = name
        self.instance = instance
        self.calls = 0
        self.sent = 0  # bytes of log data answered
        self.on_download = None
        self._period = "".join(self.line(i) for i in range(self.PERIOD)) * 2  # twice: a slice may wrap

    def line(self, i: int) -> str:
        j = i % self.PERIOD
        if j % 6 == 5:
            text = f"\tcontinued {j:07d}"
        else:
            head = (f"2026-12-07 05:{j // 60:02d}:{j % 60:02d} UTC:10.0.0.{j % 250}({40000 + j % 1000}):"
                    f"app@blog:[{1000 + j % 50}]:")
            text = head + (f"ERROR:  failed {j:07d}" if j % 10 == 0 else f"LOG:  statement {j:07d}")
        return text.ljust(self.LINE - 1) + "\n"

    def text(self, first: int, end: int) -> str:
        """Lines ``first`` to ``end`` (excluded) of the file."""
        out = []
        while first < end:
            start = first % self.PERIOD
            count = min(end - first, self.PERIOD - start)
            out.append(self._period[start * self.LINE:(start + count) * self.LINE])
            first += count
        return "".join(out)

    def describe_db_log_files(self, **kwargs):
        return {"DescribeDBLogFiles": [{"LogFileName": self.name, "LastWritten": 1_796_000_000_000,
                                        "Size": self.size}]}

    def download_db_log_file_portion(self, **kwargs):
        if kwargs["LogFileName"] != self.name or kwargs["DBInstanceIdentifier"] != self.instance:
            raise client_error("DBLogFileNotFoundFault", "DownloadDBLogFilePortion")
        self.calls += 1
        total = self.size // self.LINE
        most = min(10_000, 1_048_576 // self.LINE)
        lines = max(1, min(most, int(kwargs.get("NumberOfLines") or most)))
        marker = kwargs.get("Marker")
        if marker is None:
            first, end = max(0, total - lines), total
        else:
            first = min(total, int(marker.split(":")[-1]) // self.LINE)
            end = min(total, first + lines)
        data = self.text(first, end)
        self.sent += len(data)
        if self.on_download is not None:
            self.on_download(self.calls)
        return {"LogFileData": data, "Marker": f"1:{end * self.LINE}", "AdditionalDataPending": end < total}
