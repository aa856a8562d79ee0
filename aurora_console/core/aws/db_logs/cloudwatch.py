"""Searching a cluster's PostgreSQL log in CloudWatch Logs (``FilterLogEvents``).

A cluster that exports its log (``EnabledCloudwatchLogsExports`` holds ``postgresql``) writes
every instance's log to the group ``/aws/rds/cluster/<cluster id>/postgresql``, one stream per
instance: one search covers all instances over a time range, with CloudWatch's own filter
pattern syntax (a plain word or a quoted phrase matches messages holding it).

``FilterLogEvents`` pages may be partly full or empty while a ``nextToken`` still comes back
(botocore's service model); paging ends only without a token.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.aws.db_logs.entries import EntryParser, LogEntry
from aurora_console.core.aws.db_logs.files import aws_failure
from aurora_console.core.aws.db_logs.time_range import check_time_range
from aurora_console.core.aws.errors import THROTTLED, AwsError
from aurora_console.core.errors import ConsoleError
from aurora_console.core.tasks import Cancelled, TaskContext, null_context

#: CloudWatch Logs' limit on logStreamNames in one call.
MAX_STREAMS = 100
#: A page throttled this many times in a row ends the search (as ``reader.ATTEMPTS``).
ATTEMPTS = 6


def log_group_name(cluster_id: str) -> str:
    return f"/aws/rds/cluster/{cluster_id}/postgresql"


def exports_postgresql_log(cluster: dict[str, Any]) -> bool:
    """Whether a ``DescribeDBClusters`` cluster exports its PostgreSQL log to CloudWatch Logs."""
    return "postgresql" in (cluster.get("EnabledCloudwatchLogsExports") or [])


class SearchThrottled(AwsError):
    """CloudWatch Logs kept answering ``ThrottlingException`` to one page of a search."""

    def __init__(self, cluster_id: str, tries: int, code: str, detail: str = "") -> None:
        super().__init__(f"The search of {cluster_id}'s log was throttled: CloudWatch Logs refused "
                         f"FilterLogEvents {tries} times in a row ({code}).", kind="throttled", code=code,
                         hint="Wait a minute and search again, or narrow the time range or the instances.",
                         detail=detail)
        self.cluster_id = cluster_id
        self.tries = tries


class LogExportMissing(ConsoleError):
    def __init__(self, cluster_id: str) -> None:
        super().__init__(f"{cluster_id} does not export its PostgreSQL log to CloudWatch Logs "
                         f"(no log group {log_group_name(cluster_id)}).",
                         hint="Turn on log export for the cluster (postgresql in EnabledCloudwatchLogsExports), "
                              "or read each instance's log files.")
        self.cluster_id = cluster_id


@dataclass(frozen=True)
class ClusterLogEvent:
    """One CloudWatch event: its stream (the instance), time, raw message and parsed entries."""

    stream: str
    time: datetime
    message: str
    entries: tuple[LogEntry, ...]


def _millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("time range bounds must be timezone-aware")
    return int(moment.timestamp() * 1000)


def _parse(message: str) -> tuple[LogEntry, ...]:
    parser = EntryParser()
    return tuple(parser.feed(message) + parser.finish())


def search_cluster_log(client: Any, cluster_id: str, *, start: datetime, end: datetime,
                       filter_pattern: str = "", streams: Sequence[str] | None = None,
                       limit: int | None = None, task: TaskContext | None = None,
                       retry_delay: float = 1.0) -> Iterator[ClusterLogEvent]:
    """Events of the cluster's log group in ``[start, end]`` (aware datetimes) matching
    ``filter_pattern``, oldest first, at most ``limit``; ``streams``: only these instances'
    streams. ``client``: a boto3 ``logs`` client. A throttled page is tried again after a
    doubling delay, :data:`ATTEMPTS` tries in all, then :class:`SearchThrottled` ends the search.
    Raises :class:`LogExportMissing` when the group does not exist, ``AwsError`` (naming
    ``logs:FilterLogEvents`` when denied). A range that ends before it starts (or a bound without
    a time zone) raises :class:`TimeRangeError` at the call, before any AWS call."""
    check_time_range(start, end)
    return _search(client, cluster_id, start, end, filter_pattern, streams, limit, task or null_context(),
                   retry_delay)


def _search(client: Any, cluster_id: str, start: datetime, end: datetime, filter_pattern: str,
            streams: Sequence[str] | None, limit: int | None, task: TaskContext,
            retry_delay: float) -> Iterator[ClusterLogEvent]:
    kwargs: dict[str, Any] = {"logGroupName": log_group_name(cluster_id), "startTime": _millis(start),
                              "endTime": _millis(end)}
    if filter_pattern:
        kwargs["filterPattern"] = filter_pattern
    if streams:
        kwargs["logStreamNames"] = list(streams)[:MAX_STREAMS]
    given = 0
    delay = retry_delay
    throttled = 0
    while True:
        task.check()
        try:
            page = client.filter_log_events(**kwargs)
        except Cancelled:
            raise
        except Exception as exc:
            code = str((getattr(exc, "response", None) or {}).get("Error", {}).get("Code", ""))
            if code in THROTTLED:
                throttled += 1
                if throttled >= ATTEMPTS:
                    raise SearchThrottled(cluster_id, throttled, code, detail=str(exc)) from exc
                task.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if code == "ResourceNotFoundException":
                raise LogExportMissing(cluster_id) from exc
            raise aws_failure(exc, "FilterLogEvents") from exc
        delay = retry_delay
        throttled = 0
        for event in page.get("events", []):
            message = str(event.get("message", ""))
            yield ClusterLogEvent(str(event.get("logStreamName", "")),
                                  datetime.fromtimestamp(int(event.get("timestamp", 0)) / 1000, timezone.utc),
                                  message, _parse(message))
            given += 1
            if limit is not None and given >= limit:
                return
        token = page.get("nextToken")
        if not token or token == kwargs.get("nextToken"):
            return
        kwargs["nextToken"] = token
