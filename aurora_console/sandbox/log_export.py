"""The sandbox's blog cluster exports its PostgreSQL log to CloudWatch Logs, as an Aurora cluster
with ``postgresql`` in ``EnabledCloudwatchLogsExports`` does: the group
``/aws/rds/cluster/<cluster id>/postgresql``, one stream per instance, one event per log entry
(its first line and the continuation lines after it), the entry's ``%t`` time as the event's
timestamp.

moto stores log events but nothing writes RDS logs into it. :class:`LogExport` reads the real
log files of the sandbox's PostgreSQL (the folder :mod:`aurora_console.sandbox.rds_logs`
serves) from where it stopped and puts the new entries into moto's CloudWatch Logs backend
(in-process, no HTTP); :class:`LogExportWsgi` runs it just before each CloudWatch Logs request
the endpoint receives, so a search sees the lines written up to then. Every instance of the blog
cluster reaches the same server, so each instance's stream holds the same entries (as each
instance lists the same files through ``DescribeDBLogFiles``).

An entry's last line may still be followed by continuation lines: the last entry of the newest
file waits until another entry starts, a newer file appears, or the file has not been written
for :data:`SETTLE_S` seconds.
"""

from __future__ import annotations

import calendar
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID
from aurora_console.sandbox.rds_logs import FILE_PREFIX

log = logging.getLogger(__name__)

#: seconds without a write after which the newest file's last entry is complete
SETTLE_S = 1.0
#: CloudWatch Logs' limits on one PutLogEvents batch (10,000 events, 1 MB)
BATCH_EVENTS = 10_000
BATCH_BYTES = 1_000_000
_ENTRY_START = re.compile(rb"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.[0-9]+)? (?:UTC|GMT):")
LOGS_TARGET = "Logs_20140328."


def group_name(cluster_id: str) -> str:
    return f"/aws/rds/cluster/{cluster_id}/postgresql"


@dataclass
class _Cluster:
    cluster_id: str
    region: str
    instance_ids: tuple[str, ...]
    folder: Path
    offsets: dict[str, int] = field(default_factory=dict)  # file name -> bytes exported
    pending: dict[str, bytes] = field(default_factory=dict)  # file name -> its last entry, not out yet


class LogExport:
    """The clusters whose log folder is exported, and the export itself (thread-safe)."""

    def __init__(self, backend: Callable[[str], Any] | None = None, clock: Callable[[], float] = time.time) -> None:
        #: ``backend(region)``: moto's CloudWatch Logs backend of the sandbox's account there
        self._backend = backend or _moto_backend
        self._clock = clock
        self._lock = threading.Lock()
        self._clusters: dict[tuple[str, str], _Cluster] = {}

    def attach(self, cluster_id: str, region: str, instance_ids: Iterable[str], folder: Path | str) -> None:
        with self._lock:
            self._clusters[(region, cluster_id)] = _Cluster(cluster_id, region, tuple(instance_ids), Path(folder))

    def detach(self) -> None:
        with self._lock:
            self._clusters.clear()

    def sync(self) -> int:
        """Export what was written since the last call; the number of entries put."""
        with self._lock:
            return sum(self._sync(c) for c in self._clusters.values())

    def _sync(self, c: _Cluster) -> int:
        backend = self._backend(c.region)
        group = group_name(c.cluster_id)
        if group not in backend.groups:
            backend.create_log_group(group, {})
        for instance in c.instance_ids:
            if instance not in backend.groups[group].streams:
                backend.create_log_stream(group, instance)
        try:
            files = sorted(p for p in c.folder.iterdir() if p.name.startswith(FILE_PREFIX))
        except FileNotFoundError:
            return 0
        events: list[dict[str, Any]] = []
        for n, path in enumerate(files):
            newest = n == len(files) - 1
            events += self._read(c, path, hold_last=newest)
        if not events:
            return 0
        events.sort(key=lambda e: e["timestamp"])  # stable: same-second entries keep their order
        for batch in _batches(events):
            for instance in c.instance_ids:
                backend.put_log_events(group, instance, batch)
        return len(events)

    def _read(self, c: _Cluster, path: Path, *, hold_last: bool) -> list[dict[str, Any]]:
        name = path.name
        offset = c.offsets.get(name, 0)
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
            quiet = self._clock() - path.stat().st_mtime >= SETTLE_S
        except FileNotFoundError:  # removed by retention: what was pending goes out
            data, quiet = b"", True
        end = data.rfind(b"\n") + 1  # a line still being written waits
        chunk = c.pending.pop(name, b"") + data[:end]
        c.offsets[name] = offset + end
        entries = _entries(chunk)
        if entries and hold_last and not quiet:
            c.pending[name] = entries.pop()
        return [e for e in (_event(raw) for raw in entries) if e is not None]


def _entries(chunk: bytes) -> list[bytes]:
    """The entries of ``chunk`` (whole lines): each from a line with the prefix's time to the
    next one (a leading continuation without its entry is one on its own)."""
    starts = [m.start() for m in re.finditer(rb"(?m)^", chunk) if _ENTRY_START.match(chunk, m.start())]
    if not chunk:
        return []
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(chunk)]
    return [chunk[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _event(raw: bytes) -> dict[str, Any] | None:
    m = _ENTRY_START.match(raw)
    if m is None:
        return None  # continuation lines whose entry was exported before the sandbox restarted
    seconds = calendar.timegm(time.strptime(m.group(1).decode(), "%Y-%m-%d %H:%M:%S"))
    return {"timestamp": seconds * 1000, "message": raw.rstrip(b"\n").decode("utf-8", "replace")}


def _batches(events: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for e in events:
        n = len(e["message"].encode()) + 26  # CloudWatch counts 26 bytes per event
        if batch and (len(batch) >= BATCH_EVENTS or size + n > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(e)
        size += n
    if batch:
        yield batch


def _moto_backend(region: str):
    from moto.logs.models import logs_backends

    return logs_backends[SANDBOX_ACCOUNT_ID][region]


class LogExportWsgi:
    """Before each CloudWatch Logs request (``X-Amz-Target: Logs_20140328.*``), the new log
    entries are exported; every request then goes on to ``app`` unchanged."""

    def __init__(self, app: Callable, export: LogExport) -> None:
        self.app = app
        self.export = export

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(LOGS_TARGET):
            try:
                self.export.sync()
            except Exception:  # noqa: BLE001 - the request is still answered from what is there
                log.exception("exporting the sandbox's PostgreSQL log to CloudWatch Logs failed")
        return self.app(environ, start_response)
