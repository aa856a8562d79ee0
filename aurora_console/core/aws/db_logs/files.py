"""An instance's database log files (``DescribeDBLogFiles``), newest first.

RDS names PostgreSQL's files ``error/postgresql.log.2026-12-07-05`` (Aurora:
``...-0500`` with minutes); ``LastWritten`` is epoch milliseconds, ``Size`` bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.aws.errors import AwsError, classify
from aurora_console.core.tasks import Cancelled, TaskContext, null_context

#: The IAM permission each call needs (named when it is denied).
PERMISSIONS = {
    "DescribeDBLogFiles": "rds:DescribeDBLogFiles",
    "DownloadDBLogFilePortion": "rds:DownloadDBLogFilePortion",
    "FilterLogEvents": "logs:FilterLogEvents",
}


@dataclass(frozen=True)
class LogFile:
    name: str
    size: int
    last_written: datetime

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> LogFile:
        millis = int(item.get("LastWritten") or 0)
        return cls(str(item["LogFileName"]), int(item.get("Size") or 0),
                   datetime.fromtimestamp(millis / 1000, timezone.utc))


def aws_failure(exc: BaseException, operation: str, *, profile: str | None = None) -> AwsError:
    """``classify`` of a failed logs call; an access denial names the permission to ask for."""
    error = classify(exc, profile=profile, operation=operation)
    permission = PERMISSIONS.get(operation)
    if error.kind == "access-denied" and permission:
        error = AwsError(f"{operation}: access denied (needs {permission}).", kind="access-denied",
                         code=error.code, hint=f"Ask for the IAM permission {permission}, or use another profile.",
                         detail=error.detail)
    return error


def newest_first(files: list[LogFile]) -> list[LogFile]:
    """Newest first: by last write, then by name (hourly names sort by time)."""
    return sorted(files, key=lambda f: (f.last_written, f.name), reverse=True)


def list_log_files(client: Any, instance_id: str, *, name_contains: str | None = None,
                   task: TaskContext | None = None) -> list[LogFile]:
    """Every log file of ``instance_id`` (all pages), newest first. Raises :class:`AwsError`."""
    task = task or null_context()
    files: list[LogFile] = []
    kwargs: dict[str, Any] = {"DBInstanceIdentifier": instance_id}
    if name_contains:
        kwargs["FilenameContains"] = name_contains
    try:
        while True:
            task.check()
            page = client.describe_db_log_files(**kwargs)
            files.extend(LogFile.from_api(item) for item in page.get("DescribeDBLogFiles", []))
            marker = page.get("Marker")
            if not marker or marker == kwargs.get("Marker"):
                break
            kwargs["Marker"] = marker
    except Cancelled:
        raise
    except Exception as exc:
        raise aws_failure(exc, "DescribeDBLogFiles") from exc
    return newest_first(files)
