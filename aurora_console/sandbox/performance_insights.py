"""The sandbox's Performance Insights: the ``pi`` calls the console makes, answered on the local
AWS endpoint from real samples of the sandbox's PostgreSQL.

moto has no ``pi`` service, so :class:`InsightsWsgi` sits in front of moto's WSGI app and takes
the requests whose ``X-Amz-Target`` starts with ``PerformanceInsightsv20180227.`` (botocore sends
``pi`` calls as AWS JSON 1.1 with that target prefix); everything else goes on to moto.
:class:`SandboxInsights` answers them:

* ``GetResourceMetrics`` (``db.load.avg`` / ``db.sampledload.avg``, grouped by ``db.wait_event``,
  ``db.wait_event_type``, ``db.sql_tokenized``, ``db.user``, ``db.application`` or ``db``, with
  ``Filter``, ``Limit``, ``Dimensions``, ``PeriodInSeconds`` 1/60/300/3600/86400 and
  ``PeriodAlignment``) and
* ``DescribeDimensionKeys`` (the same groups, ``Total`` per key, optional ``PartitionBy``),

with the shapes of botocore's ``pi`` service model: a key without ``Dimensions`` for the total,
one key per group member, ``Timestamp``/``Value`` data points (epoch seconds in JSON).

The numbers are computed from an :class:`~aurora_console.core.performance.activity_history.
ActivityHistory` of the sandbox's PostgreSQL: when a database is attached
(:meth:`SandboxInsights.attach_database`, as the sandbox starts) a thread starts sampling
``pg_stat_activity`` once a second (as Performance Insights samples an instance) and keeps doing
so while ``pi`` requests keep coming; after ``idle_stop_s`` (10 minutes) without one it stops, and
the next request starts it again. Periods without samples have no data point, as on an instance
without data.

An identifier is answered only if an instance of the endpoint with that ``DbiResourceId`` has
Performance Insights enabled (looked up in moto's RDS backend); any other gets
``NotAuthorizedException`` as AWS answers for an instance without Performance Insights. moto
gives every instance the same ``DbiResourceId``, and the sandbox's instances all reach the same
PostgreSQL, so every instance with Performance Insights on shows that server's load.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.performance.activity_history import (
    CPU,
    ActiveSession,
    ActivityHistory,
    ActivitySample,
    align_down,
    run_sampler,
)
from aurora_console.core.performance.insights import PERIODS, pick_period, sql_digest_id
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, SANDBOX_REGION
from aurora_console.sandbox.wsgi_body import read_body

log = logging.getLogger(__name__)

TARGET_PREFIX = "PerformanceInsightsv20180227."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
#: What the sampling connection shows as application_name (the console's own: hidden in Sessions).
APPLICATION_NAME = "aurora-console sandbox performance insights"
#: Samples kept: three hours at one a second.
MAX_SAMPLES = 3 * 3600
#: Stop sampling after this long without a ``pi`` request (seconds).
IDLE_STOP_S = 600.0
#: PI returns at most 500 bytes of a dimension value (API reference, GetResourceMetrics).
MAX_VALUE_BYTES = 500

LOAD_METRICS = ("db.load.avg", "db.sampledload.avg")
DEFAULT_LIMIT = 10
#: The most periods one request may span (a bound on the work one request makes).
MAX_PERIODS = 100_000

# One dimension group -> the dimensions of a session in that group.
_GROUPS: dict[str, Callable[[ActiveSession, SandboxInsights], dict[str, str]]] = {
    "db.wait_event": lambda s, _: {"db.wait_event.name": s.wait, "db.wait_event.type": s.wait_event_type or CPU},
    "db.wait_event_type": lambda s, _: {"db.wait_event_type.name": s.wait_event_type or CPU},
    "db.sql_tokenized": lambda s, pi: pi.sql_dimensions(s),
    "db.user": lambda s, _: {"db.user.name": s.user or ""},
    "db.application": lambda s, _: {"db.application.name": s.application or ""},
    "db": lambda s, _: {"db.name": s.database or ""},
}

def tokenize_sql(text: str) -> str:
    """A statement's digest as Performance Insights shows one: string and number literals become
    ``?`` and runs of white space one space (``$1`` parameters stay); psql's lexer
    (``core.db.normalised_sql.digest_sql``), so literals in comments or quoted names stay."""
    from aurora_console.core.db.normalised_sql import digest_sql

    return digest_sql(text)


def _clip(value: str) -> str:
    data = value.encode("utf-8")
    if len(data) <= MAX_VALUE_BYTES:
        return value
    return data[:MAX_VALUE_BYTES].decode("utf-8", "ignore")


class PiError(Exception):
    """An error answered to the client as ``{"__type": code, "message": ...}``."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def moto_instance_has_insights(identifier: str, region: str, account: str = SANDBOX_ACCOUNT_ID) -> bool:
    """True if an RDS instance of this endpoint (moto's backend) with ``DbiResourceId``
    ``identifier`` has Performance Insights enabled."""
    try:
        from moto.rds.models import rds_backends
    except ImportError:  # pragma: no cover - moto is a sandbox dependency
        return False
    try:
        backend = rds_backends[account][region]
    except KeyError:
        return False
    return any(getattr(db, "dbi_resource_id", None) == identifier and getattr(db, "performance_insights_enabled", False)
               for db in list(backend.databases.values()))


class SandboxInsights:
    """Answers ``pi`` requests from samples of an attached PostgreSQL (see the module docstring).

    ``history``: where samples go (a fresh bounded one by default; tests may feed their own);
    ``authorized(identifier, region) -> bool``: which identifiers are answered (default: an
    instance of the moto backend with Performance Insights enabled)."""

    def __init__(self, *, history: ActivityHistory | None = None, idle_stop_s: float = IDLE_STOP_S,
                 interval_s: float = 1.0,
                 authorized: Callable[[str, str], bool] = moto_instance_has_insights) -> None:
        self.history = history if history is not None else ActivityHistory(max_samples=MAX_SAMPLES)
        self.idle_stop_s = idle_stop_s
        self.interval_s = interval_s
        self.authorized = authorized
        self._connect: Callable[[], Any] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._last_request = 0.0
        self._texts: dict[int, str] = {}

    # -- the database ---------------------------------------------------------------------------
    def attach_database(self, connect: Callable[[], Any], *, sample_now: bool = True) -> None:
        """Sample the PostgreSQL ``connect()`` reaches (a psycopg 3 connection; made with
        ``autocommit=True`` here): from now on (``sample_now``, so the first look at the Load tab
        already has some history) or from the next ``pi`` request on."""
        self.detach_database()
        with self._lock:
            self._connect = connect
            self._stop = threading.Event()
        if sample_now:
            self._touch()

    def detach_database(self) -> None:
        """Stop sampling and forget the database (samples taken so far are kept)."""
        with self._lock:
            self._connect = None
            self._stop.set()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    stop = detach_database

    @property
    def sampling(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _touch(self) -> None:
        """A request came: keep sampling (start if it was not)."""
        with self._lock:
            self._last_request = time.monotonic()
            if self._connect is None or (self._thread is not None and self._thread.is_alive()):
                return
            stop = self._stop
            self._thread = threading.Thread(target=self._sample_loop, args=(self._connect, stop),
                                            name="sandbox-pi-sampler", daemon=True)
            self._thread.start()

    def _idle(self) -> bool:
        return time.monotonic() - self._last_request > self.idle_stop_s

    def _sample_loop(self, connect: Callable[[], Any], stop: threading.Event) -> None:
        while not stop.is_set() and not self._idle():
            try:
                with connect() as conn:
                    conn.autocommit = True
                    run_sampler(conn, _TextsAfterSamples(self), interval_s=self.interval_s,
                                should_stop=lambda: stop.is_set() or self._idle())
            except Exception as exc:  # noqa: BLE001 - the database went away: try again shortly
                log.info("sandbox Performance Insights: sampling paused (%s)", type(exc).__name__)
                stop.wait(2.0)
        with self._lock:
            if self._thread is threading.current_thread():
                self._thread = None

    def read_statement_texts(self, conn: Any, queryids: Iterable[int]) -> None:
        """The normalized texts of ``pg_stat_statements`` for ``queryids`` (what Performance
        Insights shows as the digest) when the extension is in the sampled database; the
        tokenizer stands in for the others."""
        wanted = [q for q in set(queryids) if q not in self._texts]
        if not wanted:
            return
        try:
            with conn.transaction():
                rows = conn.execute("SELECT queryid, query FROM pg_stat_statements WHERE queryid = ANY(%s)",
                                    (wanted,)).fetchall()
        except Exception:  # noqa: BLE001 - no extension in this database: tokenize instead
            self._texts.update(dict.fromkeys(wanted, ""))
            return
        found = {int(q): t for q, t in rows if q is not None and t}
        self._texts.update({q: found.get(q, "") for q in wanted})

    def sql_dimensions(self, s: ActiveSession) -> dict[str, str]:
        statement = self._texts.get(s.queryid) if s.queryid is not None else None  # "" = not found
        statement = _clip(statement or tokenize_sql(s.query))
        db_id = str(s.queryid) if s.queryid is not None else f"pi-{zlib.crc32(statement.encode())}"
        return {"db.sql_tokenized.id": sql_digest_id(statement), "db.sql_tokenized.db_id": db_id,
                "db.sql_tokenized.statement": statement}

    # -- requests -------------------------------------------------------------------------------
    def handle(self, target: str, body: dict[str, Any], *, region: str = SANDBOX_REGION) -> tuple[int, dict[str, Any]]:
        """Answer one request: (HTTP status, JSON body)."""
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else target
        try:
            handler = {"GetResourceMetrics": self.get_resource_metrics,
                       "DescribeDimensionKeys": self.describe_dimension_keys}.get(operation)
            if handler is None:
                raise PiError("InvalidArgumentException",
                              f"The sandbox's Performance Insights does not implement {operation}.")
            if not isinstance(body, dict):
                raise PiError("InvalidArgumentException", "The request body must be a JSON object.")
            self._check_resource(body, region)
            self._touch()
            return 200, handler(body)
        except PiError as exc:
            return exc.status, {"__type": exc.code, "message": exc.message}

    def _check_resource(self, body: dict[str, Any], region: str) -> None:
        if body.get("ServiceType") != "RDS":
            raise PiError("InvalidArgumentException", "ServiceType must be RDS.")
        ident = body.get("Identifier")
        if not isinstance(ident, str) or not re.fullmatch(r"[a-zA-Z0-9-]+", ident):
            raise PiError("InvalidArgumentException", "Identifier must match ^[a-zA-Z0-9-]+$.")
        if not self.authorized(ident, region):
            raise PiError("NotAuthorizedException",
                          f"The resource {ident} for service type RDS is not authorized for this account")

    def _window(self, body: dict[str, Any], period: int | None) -> tuple[datetime, datetime, int]:
        try:
            start = datetime.fromtimestamp(_number(body["StartTime"]), timezone.utc)
            end = datetime.fromtimestamp(_number(body["EndTime"]), timezone.utc)
            if period is None:
                period = pick_period(start, end, max_points=200)
            elif isinstance(period, bool) or period not in PERIODS:
                raise PiError("InvalidArgumentException",
                              f"PeriodInSeconds must be one of {', '.join(map(str, PERIODS))}.")
            first, last = align_down(start, period), _align_up(end, period)
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
            raise PiError("InvalidArgumentException", "StartTime and EndTime are required timestamps.") from exc
        if end <= start:
            raise PiError("InvalidArgumentException", "EndTime must be later than StartTime.")
        if (last - first).total_seconds() / period > MAX_PERIODS:
            raise PiError("InvalidArgumentException",
                          f"The window holds more than {MAX_PERIODS} periods; choose a longer PeriodInSeconds.")
        return first, last, period

    def _group(self, spec: Any, where: str) -> tuple[str, list[str] | None, int]:
        group = spec.get("Group") if isinstance(spec, dict) else None
        if not isinstance(group, str) or group not in _GROUPS:  # a list or dict Group is not hashable
            raise PiError("InvalidArgumentException",
                          f"{where}.Group must be one of {', '.join(sorted(_GROUPS))} in the sandbox.")
        dims = spec.get("Dimensions")
        if dims is not None and (not isinstance(dims, list) or not all(isinstance(d, str) for d in dims)):
            raise PiError("InvalidArgumentException", f"{where}.Dimensions must be a list of dimension names.")
        limit = spec.get("Limit", DEFAULT_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 25:
            raise PiError("InvalidArgumentException", f"{where}.Limit must be 1 to 25.")
        return spec["Group"], (list(dims) if dims else None), limit

    @staticmethod
    def _filter(value: Any, where: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise PiError("InvalidArgumentException", f"{where} must map dimension names to values.")
        return value

    def _matches(self, s: ActiveSession, flt: dict[str, str]) -> bool:
        if not flt:
            return True
        have: dict[str, str] = {}
        for group in {k.rsplit(".", 1)[0] for k in flt}:
            if group not in _GROUPS:
                raise PiError("InvalidArgumentException", f"Filter on {group} is not supported by the sandbox.")
            have.update(_GROUPS[group](s, self))
        return all(have.get(k) == v for k, v in flt.items())

    def _samples(self, start: datetime, end: datetime) -> list[ActivitySample]:
        return self.history.samples(start, end)

    def get_resource_metrics(self, body: dict[str, Any]) -> dict[str, Any]:
        queries = body.get("MetricQueries")
        if not isinstance(queries, list) or not 1 <= len(queries) <= 15:
            raise PiError("InvalidArgumentException", "MetricQueries must hold 1 to 15 queries.")
        period = body.get("PeriodInSeconds")
        start, end, period = self._window(body, period)
        alignment = body.get("PeriodAlignment", "END_TIME")
        if alignment not in ("END_TIME", "START_TIME"):
            raise PiError("InvalidArgumentException", "PeriodAlignment must be END_TIME or START_TIME.")
        samples = self._samples(start, end)
        n_periods = int((end - start).total_seconds() // period)
        buckets: list[list[ActivitySample]] = [[] for _ in range(n_periods)]
        base = start.timestamp()
        for sample in samples:
            buckets[min(n_periods - 1, int((sample.taken_at.timestamp() - base) // period))].append(sample)
        shift = period if alignment == "END_TIME" else 0
        stamps = [base + i * period + shift for i in range(n_periods)]

        metric_list = []
        for n, query in enumerate(queries):
            if not isinstance(query, dict) or query.get("Metric") not in LOAD_METRICS:
                raise PiError("InvalidArgumentException",
                              f"MetricQueries[{n}].Metric must be one of {', '.join(LOAD_METRICS)} in the sandbox.")
            flt = self._filter(query.get("Filter"), f"MetricQueries[{n}].Filter")
            metric = query["Metric"]
            per_bucket = [[s for sample in bucket for s in sample.sessions if self._matches(s, flt)] for bucket in buckets]
            metric_list.append({"Key": {"Metric": metric}, "DataPoints": [
                {"Timestamp": stamps[i], "Value": len(sessions) / len(buckets[i])}
                for i, sessions in enumerate(per_bucket) if buckets[i]]})
            if query.get("GroupBy") is None:
                continue
            group, wanted, limit = self._group(query["GroupBy"], f"MetricQueries[{n}].GroupBy")
            counts: dict[tuple, list[int]] = {}
            totals: dict[tuple, float] = {}
            for i, sessions in enumerate(per_bucket):
                for s in sessions:
                    key = tuple(sorted(_GROUPS[group](s, self).items()))
                    counts.setdefault(key, [0] * n_periods)[i] += 1
                    totals[key] = totals.get(key, 0.0) + 1.0 / len(buckets[i])
            for key in sorted(totals, key=lambda k: (-totals[k], k))[:limit]:
                dims = {k: v for k, v in key if wanted is None or k in wanted}
                metric_list.append({"Key": {"Metric": metric, "Dimensions": dims}, "DataPoints": [
                    {"Timestamp": stamps[i], "Value": counts[key][i] / len(buckets[i])}
                    for i in range(n_periods) if buckets[i]]})
        return {"AlignedStartTime": start.timestamp(), "AlignedEndTime": end.timestamp(),
                "Identifier": body["Identifier"], "MetricList": metric_list}

    def describe_dimension_keys(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("Metric") not in LOAD_METRICS:
            raise PiError("InvalidArgumentException", f"Metric must be one of {', '.join(LOAD_METRICS)} in the sandbox.")
        start, end, _period = self._window(body, body.get("PeriodInSeconds"))
        group, wanted, limit = self._group(body.get("GroupBy"), "GroupBy")
        partition = None
        if body.get("PartitionBy") is not None:
            partition = self._group(body["PartitionBy"], "PartitionBy")
        flt = self._filter(body.get("Filter"), "Filter")
        samples = self._samples(start, end)
        n = len(samples)
        totals: dict[tuple, int] = {}
        parts: dict[tuple, dict[tuple, int]] = {}
        for sample in samples:
            for s in sample.sessions:
                if not self._matches(s, flt):
                    continue
                key = tuple(sorted(_GROUPS[group](s, self).items()))
                totals[key] = totals.get(key, 0) + 1
                if partition is not None:
                    pkey = tuple(sorted(_GROUPS[partition[0]](s, self).items()))
                    parts.setdefault(key, {})[pkey] = parts.setdefault(key, {}).get(pkey, 0) + 1
        top = sorted(totals, key=lambda k: (-totals[k], k))[:limit]
        answer: dict[str, Any] = {"AlignedStartTime": start.timestamp(), "AlignedEndTime": end.timestamp(), "Keys": []}
        partition_keys: list[tuple] = []
        if partition is not None:
            ptotals: dict[tuple, int] = {}
            for key in top:
                for pkey, c in parts.get(key, {}).items():
                    ptotals[pkey] = ptotals.get(pkey, 0) + c
            partition_keys = sorted(ptotals, key=lambda k: (-ptotals[k], k))[:partition[2]]
            answer["PartitionKeys"] = [{"Dimensions": _pick(k, partition[1])} for k in partition_keys]
        for key in top:
            item: dict[str, Any] = {"Dimensions": _pick(key, wanted), "Total": totals[key] / n}
            if partition is not None:
                item["Partitions"] = [parts.get(key, {}).get(pk, 0) / n for pk in partition_keys]
            answer["Keys"].append(item)
        return answer


class _TextsAfterSamples:
    """What the sampling loop feeds: the history, then the texts of statements seen first."""

    def __init__(self, insights: SandboxInsights) -> None:
        self.insights = insights

    def sample(self, conn: Any) -> ActivitySample:
        sample = self.insights.history.sample(conn)
        self.insights.read_statement_texts(conn, (x.queryid for x in sample.sessions if x.queryid is not None))
        return sample


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("a timestamp is a number of seconds")
    return float(value)


def _pick(key: Iterable[tuple[str, str]], wanted: list[str] | None) -> dict[str, str]:
    return {k: v for k, v in key if wanted is None or k in wanted}


def _align_up(moment: datetime, step_s: int) -> datetime:
    down = align_down(moment, step_s)
    return down if down == moment else down + timedelta(seconds=step_s)


def _region_of(environ: dict[str, Any]) -> str:
    """The region of a SigV4-signed request (``Credential=KEY/DATE/REGION/pi/aws4_request``)."""
    m = re.search(r"Credential=[^/]+/[0-9]+/([a-z0-9-]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else SANDBOX_REGION


class InsightsWsgi:
    """WSGI layer in front of moto's app: ``pi`` requests to :class:`SandboxInsights`, the rest
    to moto unchanged."""

    def __init__(self, app: Callable, insights: SandboxInsights) -> None:
        self.app = app
        self.insights = insights

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        try:
            body = json.loads(read_body(environ) or b"{}")
            status, answer = self.insights.handle(target, body, region=_region_of(environ))
        except (ValueError, UnicodeDecodeError):
            status, answer = 400, {"__type": "InvalidArgumentException", "message": "The request body is not JSON."}
        except Exception as exc:  # noqa: BLE001 - answered as AWS answers an internal failure
            log.exception("sandbox Performance Insights failed")
            status, answer = 500, {"__type": "InternalServiceError", "message": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(answer, allow_nan=False).encode()
        reason = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}.get(status, "Error")
        start_response(f"{status} {reason}", [("Content-Type", JSON_CONTENT_TYPE),
                                              ("Content-Length", str(len(data))),
                                              ("x-amzn-RequestId", f"sandbox-pi-{time.monotonic_ns()}")])
        return [data]


__all__ = ["APPLICATION_NAME", "TARGET_PREFIX", "InsightsWsgi", "PiError", "SandboxInsights",
           "moto_instance_has_insights", "tokenize_sql"]
