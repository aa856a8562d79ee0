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
