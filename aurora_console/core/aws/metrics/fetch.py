"""Run planned ``GetMetricData`` batches: paging, throttling, and errors kept per series.

Series are kept as ``array('d')`` (epoch seconds, values), not lists of floats: the garbage
collector sees an array as one object with no references to walk. A week of minutes is 10,080 points a series, and
with lists every young collection on any thread walked each new series item by item: passes
of 35-50 ms CPU over ~800 such lists, holding the GIL (and the UI thread) while they ran
(``benchmarks/metrics_dashboard.py``, forced 60 s period). Pages are read as they arrive, so
only one answer's lists (botocore's) are alive at a time.

A failing call never fails the dashboard. Throttling is retried with back-off; an access or
credential error marks every series of the call; any other failure (e.g. a statistic the
endpoint cannot serve) splits the call by metric and statistic and retries each part, so only
the plots whose series really fail show the error.
"""

from __future__ import annotations

import html
import logging
import math
import operator
import re
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, islice

from aurora_console.core.aws.metrics.query import Batch, SeriesKey
from aurora_console.core.tasks import Cancelled

log = logging.getLogger(__name__)

THROTTLE_CODES = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
                  "RequestThrottled", "SlowDown"}
AUTH_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "ExpiredToken",
              "ExpiredTokenException", "UnrecognizedClientException", "InvalidClientTokenId",
              "SignatureDoesNotMatch", "AuthFailure"}


@dataclass
class SeriesData:
    """One series as fetched: sorted epoch seconds and values (no gap markers), or an error."""

    key: SeriesKey
    timestamps: array = field(default_factory=lambda: floats())
    values: array = field(default_factory=lambda: floats())
    error: str | None = None
    messages: list[str] = field(default_factory=list)

    def points(self) -> list[tuple[float, float]]:
        return list(zip(self.timestamps, self.values, strict=False))


@dataclass
class FetchResult:
    series: dict[SeriesKey, SeriesData] = field(default_factory=dict)
    calls: int = 0


def floats(items=()) -> array:
    """A series' numbers as stored here: an ``array('d')`` (no item for the garbage collector to walk)."""
    return array("d", items)


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) or ""
    return type(exc).__name__


def short_error(exc: BaseException, limit: int = 200) -> str:
    """A one-line reason: HTML bodies (moto's 500 page) reduced to their text."""
    response = getattr(exc, "response", None)
    message = ""
    if isinstance(response, dict):
        message = str(response.get("Error", {}).get("Message", "") or "")
    text = message or str(exc)
    title = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
    if title:
        text = f"HTTP {title.group(1)}"
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\s+", " ", text).strip()
    code = error_code(exc)
    if code and code not in text and not code.isdigit():
        text = f"{code}: {text}" if text else code
    return text[:limit]


def is_service_answer(exc: BaseException) -> bool:
    """True for an error CloudWatch answered with (a ClientError), False for credentials, network..."""
    return isinstance(getattr(exc, "response", None), dict)


def describe_failure(exc: BaseException, key: SeriesKey | None = None, profile: str | None = None) -> str:
    code = error_code(exc)
    if code in THROTTLE_CODES:
        return "CloudWatch is throttling requests (rate exceeded); refresh less often or try again shortly."
    if code in AUTH_CODES or not is_service_answer(exc):
        # credentials, SSO, access, network: the console's common wording with what to do next
        from aurora_console.core.aws.errors import classify

        text = classify(exc, profile=profile, operation="CloudWatch GetMetricData").user_text()
        if code in AUTH_CODES and "cloudwatch:GetMetricData" not in text:
            text += " (the profile needs cloudwatch:GetMetricData)"
        return text
    what = f"{key.metric} ({key.stat})" if key is not None else "this series"
    return f"CloudWatch could not return {what}: {short_error(exc)}"


def _sorted_unique(ts, vals):
    """Points in ascending time, a repeated time keeping its last value; as given when they are
    already (no copy), else as two :func:`floats` arrays."""
    if all(map(operator.lt, ts, islice(ts, 1, None))):  # ascending already (in C: no Python per point)
        return ts, vals
    merged = dict(zip(ts, vals, strict=False))
    keys = sorted(merged)
    return floats(keys), floats(map(merged.__getitem__, keys))


class StatFailures:
    """Statistics an endpoint failed to serve for several metrics (e.g. moto and ``p99``).

    After ``threshold`` failing calls for one statistic, further series with it are marked failed
    without a call (each failing call costs botocore's retries) until ``ttl`` seconds pass.
    """

    def __init__(self, threshold: int = 2, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.ttl = ttl
        self._clock = clock
        self._seen: dict[str, tuple[int, str, float]] = {}

    def record(self, stat: str, message: str) -> None:
        count, _msg, when = self._seen.get(stat, (0, "", 0.0))
        if self._clock() - when > self.ttl:
            count = 0
        self._seen[stat] = (count + 1, message, self._clock())

    def known(self, stat: str) -> str | None:
        count, message, when = self._seen.get(stat, (0, "", 0.0))
        if count >= self.threshold and self._clock() - when <= self.ttl:
            return message
        return None


class MetricFetcher:
    """Executes batches against a boto3 CloudWatch client (or anything with ``get_metric_data``)."""

    def __init__(self, client, *, throttle_retries: int = 3, backoff: float = 1.0,
                 sleep: Callable[[float], None] | None = None, task=None,
                 stat_failures: StatFailures | None = None, profile: str | None = None) -> None:
        self.client = client
        self.profile = profile
        self.stat_failures = stat_failures if stat_failures is not None else StatFailures()
        self.throttle_retries = throttle_retries
        self.backoff = backoff
        self.task = task
        self._sleep = sleep or (task.sleep if task is not None else time.sleep)
        self.calls = 0

    def fetch(self, batches: Sequence[Batch]) -> FetchResult:
        result = FetchResult()
        batches = [b for b in (self._skip_known(b, result) for b in batches) if b.keys]
        for n, batch in enumerate(batches):
            if self.task is not None:
                self.task.check()
                self.task.progress(100 * n / max(1, len(batches)), f"Metrics: call {n + 1} of {len(batches)}")
            self._run(batch, result, allow_split=True)
        result.calls = self.calls
        return result

    def _skip_known(self, batch: Batch, result: FetchResult) -> Batch:
        keep = []
        for key in batch.keys:
            known = self.stat_failures.known(key.stat)
            if known is None:
                keep.append(key)
            else:
                result.series[key] = SeriesData(key, error=f"{known} (statistic {key.stat} is failing here; "
                                                            "not asked again for a few minutes)")
        return Batch(batch.start, batch.end, keep)

    def _run(self, batch: Batch, result: FetchResult, allow_split: bool) -> None:
        if not allow_split and self.stat_failures.known(batch.keys[0].stat) is not None:
            self._skip_known(batch, result)
            return
        acc: dict[SeriesKey, SeriesData] = {k: SeriesData(k) for k in batch.keys}
        pages = self._pages(batch)
        while True:
            try:
                page = next(pages, None)
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes a per-series message
                self._failed(batch, exc, result, allow_split)
                return
            if page is None:
                break
            # read now and let go: the answer's lists die young, before a collection walks them
            self._take(batch, page, acc)
            del page
        for key, data in acc.items():
            data.timestamps, data.values = _sorted_unique(data.timestamps, data.values)
            result.series[key] = data

    def _failed(self, batch: Batch, exc: Exception, result: FetchResult, allow_split: bool) -> None:
        code = error_code(exc)
        groups = _split_groups(batch)
        # throttling, access, credentials and network failures concern the whole call
        whole_call = code in THROTTLE_CODES | AUTH_CODES or not is_service_answer(exc)
        if not whole_call and len(groups) == 1:
            # one metric with one statistic failed: count it against the statistic
            stat = batch.keys[0].stat
            self.stat_failures.record(stat, f"CloudWatch could not return {stat}: {short_error(exc)}")
        if allow_split and not whole_call and len(groups) > 1:
            log.info("metrics call failed (%s); retrying per metric and statistic", code)
            for part in groups:
                self._run(part, result, allow_split=False)
            return
        log.warning("metrics call failed for %d series: %s", len(batch.keys), short_error(exc))
        for key in batch.keys:
            result.series[key] = SeriesData(key, error=describe_failure(exc, key, self.profile))

    def _call(self, request: dict) -> dict:
        attempt = 0
        while True:
            self.calls += 1
            try:
                return self.client.get_metric_data(**request)
            except Exception as exc:
                if error_code(exc) not in THROTTLE_CODES or attempt >= self.throttle_retries:
                    raise
                delay = self.backoff * (2 ** attempt)
                attempt += 1
                log.info("CloudWatch throttled; retry %d in %.1f s", attempt, delay)
                self._sleep(delay)

    def _pages(self, batch: Batch) -> Iterator[dict]:
        """The call's answers, one page at a time (NextToken)."""
        request = batch.request()
        while True:
            if self.task is not None:
                self.task.check()
            page = self._call(request)
            token = page.get("NextToken")
            yield page
            del page  # the reader's was the last reference: gone before the next call
            if not token:
                return
            request = dict(request, NextToken=token)

    def _take(self, batch: Batch, page: dict, acc: dict[SeriesKey, SeriesData]) -> None:
        """One page's series appended to what the call returned so far."""
        pause = getattr(self.task, "pause", None)
        for item in page.get("MetricDataResults", []):
            if pause is not None:
                pause()  # a series of a week's minutes is ~10,000 points of Python: one at a time
            key = batch.key_for_id(item["Id"])
            data = acc[key]
            data.timestamps.extend(_epochs(item.get("Timestamps", [])))
            data.values.extend(map(float, item.get("Values", [])))
            status = item.get("StatusCode", "Complete")
            texts = [m.get("Value") or m.get("Code", "") for m in item.get("Messages", []) or []]
            if status in ("InternalError", "Forbidden"):
                data.error = f"CloudWatch reported {status} for this series" + (
                    f": {'; '.join(texts)}" if texts else "")
            elif texts:
                data.messages.extend(texts)


def _split_groups(batch: Batch) -> list[Batch]:
    groups: dict[tuple[str, str], list[SeriesKey]] = {}
    for key in batch.keys:
        groups.setdefault((key.metric, key.stat), []).append(key)
    return [Batch(batch.start, batch.end, keys) for keys in groups.values()]


def _epoch(t) -> float:
    return float(t.timestamp()) if hasattr(t, "timestamp") else float(t)


def _epochs(stamps) -> list[float]:
    """Epoch seconds of one result's timestamps: datetimes as botocore parses them (read without
    a test per point: a week of minutes is 10,080 of them a series), else each as :func:`_epoch`
    reads it (numbers, or a mix)."""
    try:
        return [float(t.timestamp()) for t in stamps]
    except AttributeError:
        return [_epoch(t) for t in stamps]


def _copy(items: Sequence[float], n: int) -> array:
    """The first ``n`` items as a new :func:`floats` array (an array's slice already is one)."""
    part = items[:n]
    return part if isinstance(part, array) and part.typecode == "d" else floats(part)


def with_gaps(timestamps: Sequence[float], values: Sequence[float], period: int) -> tuple[array, array]:
    """Insert a NaN one period after any point whose successor is more than a period away
    (as two :func:`floats` arrays).

    Plotted with ``connect='finite'`` the line then breaks where CloudWatch had no datapoint.
    The points are copied in runs between the gaps (a loop appending each point to two lists was
    ~12% of the CPU of loading a week of 8x16 series at a 60 s period).
    """
    n = min(len(timestamps), len(values))
    ts, vals = _copy(timestamps, n), _copy(values, n)
    # where a point's successor is more than a period away: b - a > period, compared in C
    breaks = list(compress(count(1), map(float(period).__lt__, map(operator.sub, islice(ts, 1, None), ts))))
    if not breaks:
        return ts, vals
    out_t, out_v = floats(), floats()
    done = 0
    for i in breaks:
        out_t += ts[done:i]
        out_t.append(ts[i - 1] + period)
        out_v += vals[done:i]
        out_v.append(math.nan)
        done = i
    out_t += ts[done:]
    out_v += vals[done:]
    return out_t, out_v
