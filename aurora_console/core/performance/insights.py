"""Performance Insights (the ``pi`` API): database load by wait and by SQL for one instance.

The calls and shapes follow botocore's service model for ``pi`` (2018-02-27) and the Performance
Insights API reference (https://docs.aws.amazon.com/performance-insights/latest/APIReference/):

* ``GetResourceMetrics`` with ``db.load.avg`` grouped by ``db.wait_event`` and by
  ``db.sql_tokenized``: the response's ``MetricList`` holds one entry per key, the key without
  ``Dimensions`` being the total and each other one a member of a group
  (``{"db.wait_event.name": "CPU", "db.wait_event.type": "CPU"}``,
  ``{"db.sql_tokenized.id": ..., "db.sql_tokenized.db_id": ..., "db.sql_tokenized.statement":
  ...}``), each with ``DataPoints`` of ``Timestamp`` and ``Value`` (the examples in the Aurora
  user guide, "Retrieving metrics with the Performance Insights API", USER_PerfInsights.API).
  ``PeriodInSeconds`` is one of 1, 60, 300, 3600, 86400; we ask ``PeriodAlignment="START_TIME"``
  so a timestamp is the start of its period, as in the sampled series.
* ``DescribeDimensionKeys`` (``GroupBy`` ``db.sql_tokenized``): the top statements with their
  ``Total`` load over the window.

The identifier is the instance's ``DbiResourceId`` (``db-ABCDEFGHIJKLMNOPQRSTU1VW2X``), not its
name. Failures that mean "no Performance Insights for this instance from here" raise
:class:`InsightsUnavailable` with a reason a DBA can act on; the caller falls back to sampling:

* not enabled on the instance: ``NotAuthorizedException`` "The resource db-... for service type
  RDS is not authorized for this account" (what AWS answers then; also reported in
  https://github.com/zalando/rds-health/issues/6), or ``PerformanceInsightsEnabled`` false;
* IAM denies it: ``AccessDeniedException``, or ``NotAuthorizedException`` "... is not authorized
  to perform: pi:..."; the grant is ``pi:GetResourceMetrics`` and ``pi:DescribeDimensionKeys`` on
  ``arn:aws:pi:REGION:ACCOUNT:metrics/rds/DBI_RESOURCE_ID`` (the managed policy
  ``AmazonRDSPerformanceInsightsReadOnly`` has them);
* the endpoint has no ``pi`` service (a custom endpoint URL, moto): HTTP 404/500/501, a non-AWS
  answer, or no connection.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.activity_history import SqlLoad, align_down

#: Valid ``PeriodInSeconds`` values (botocore's service model documentation).
PERIODS = (1, 60, 300, 3600, 86400)
#: The most points :func:`pick_period` aims for in one series.
MAX_POINTS = 1000
#: The metric: average active sessions (scaled when PI samples; see the API reference).
LOAD_METRIC = "db.load.avg"
WAIT_GROUP = "db.wait_event"
SQL_GROUP = "db.sql_tokenized"
#: ``GroupBy.Limit`` bounds (1-25).
MAX_GROUP_LIMIT = 25

# InsightsUnavailable kinds
NOT_ENABLED = "not enabled"
ACCESS_DENIED = "access denied"
NOT_OFFERED = "not offered"
FAILED = "error"

_ACCESS_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
                 "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"}
_GRANT = ("pi:GetResourceMetrics and pi:DescribeDimensionKeys on arn:aws:pi:{region}:{account}:metrics/rds/{ident} "
          "(the managed policy AmazonRDSPerformanceInsightsReadOnly includes them)")


class InsightsUnavailable(ConsoleError):
    """Performance Insights cannot answer for this instance from here; ``reason`` says why in a
    sentence the screen shows next to the sampled chart, ``kind`` is one of
    :data:`NOT_ENABLED`, :data:`ACCESS_DENIED`, :data:`NOT_OFFERED`, :data:`FAILED`."""

    def __init__(self, reason: str, *, kind: str, hint: str = "", detail: str = "") -> None:
        super().__init__(reason, hint=hint, detail=detail)
        self.reason = reason
        self.kind = kind

    @property
    def lasting(self) -> bool:
        """True when asking again soon will give the same answer (not enabled, denied, no
        service); False for a failure that may pass."""
        return self.kind != FAILED


def not_enabled(instance_id: str) -> InsightsUnavailable:
    return InsightsUnavailable(
        f"Performance Insights is not enabled on {instance_id}.", kind=NOT_ENABLED,
        hint="Turn it on in the instance's Monitoring settings (Modify DB instance ▸ Performance Insights); "
             "the first 7 days of history are free.")


def pick_period(start: datetime, end: datetime, *, max_points: int = MAX_POINTS) -> int:
    """The finest valid ``PeriodInSeconds`` that gives at most ``max_points`` points."""
    seconds = max(1.0, (end - start).total_seconds())
    for period in PERIODS:
        if seconds / period <= max_points:
            return period
    return PERIODS[-1]


def sql_digest_id(statement: str) -> str:
    """A stable id for a statement's text (what the sandbox uses as ``db.sql_tokenized.id``)."""
    return hashlib.sha1(statement.encode("utf-8", "replace")).hexdigest().upper()[:28]


@dataclass(frozen=True)
class InsightsSeries:
    """``GetResourceMetrics``' answer on a regular grid (``times``: period starts, UTC).

    ``by_wait``/``by_sql``: one list per wait / statement, NaN where the total has no data point
    (unknown), 0 where the total has one and the member none. ``sql``: the statements of
    ``by_sql`` by their ``db.sql_tokenized.id``."""

    period_s: int
    times: tuple[datetime, ...]
    total: tuple[float, ...]
    by_wait: dict[str, list[float]]
    by_sql: dict[str, list[float]]
    sql: dict[str, SqlLoad]


def _utc(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromtimestamp(float(value), timezone.utc)


def _wait_key(dims: dict[str, str]) -> str:
    return dims.get("db.wait_event.name") or dims.get("db.wait_event.type") or "unknown"


class InsightsClient:
    """Performance Insights for one instance: ``pi_client`` is a boto3 ``pi`` client of the
    instance's region, ``identifier`` its ``DbiResourceId``; ``instance_id``, ``region`` and
    ``account`` only word the reasons."""

    def __init__(self, pi_client: Any, identifier: str, *, instance_id: str = "", region: str = "",
                 account: str = "") -> None:
        self.client = pi_client
        self.identifier = identifier
        self.instance_id = instance_id or identifier
        self.region = region or getattr(getattr(pi_client, "meta", None), "region_name", "") or "REGION"
        self.account = account or "ACCOUNT"

    # -- calls -------------------------------------------------------------------------------
    def load_series(self, start: datetime, end: datetime, *, period_s: int | None = None,
                    wait_limit: int = MAX_GROUP_LIMIT, sql_limit: int = 10) -> InsightsSeries:
        """``db.load.avg`` by wait event and by tokenized SQL over ``[start, end)``."""
        start, end = _utc(start), _utc(end)
        period = period_s or pick_period(start, end)
        if period not in PERIODS:
            raise ValueError(f"period_s must be one of {PERIODS}")
        first = align_down(start, period)
        params = {
            "ServiceType": "RDS", "Identifier": self.identifier,
            "MetricQueries": [
                {"Metric": LOAD_METRIC, "GroupBy": {"Group": WAIT_GROUP, "Limit": _limit(wait_limit)}},
                {"Metric": LOAD_METRIC, "GroupBy": {"Group": SQL_GROUP, "Limit": _limit(sql_limit)}},
            ],
            "StartTime": first, "EndTime": end, "PeriodInSeconds": period, "PeriodAlignment": "START_TIME",
        }
        entries = self._paged("get_resource_metrics", params, "MetricList")
        n_steps = max(0, math.ceil((end - first).total_seconds() / period))
        times = tuple(first + timedelta(seconds=i * period) for i in range(n_steps))
        base = first.timestamp()

        def grid(points: Iterable[dict]) -> list[float]:
            values = [math.nan] * n_steps
            for p in points:
                i = int(round((_utc(p["Timestamp"]).timestamp() - base) / period))
                if 0 <= i < n_steps:
                    values[i] = float(p["Value"])
            return values

        total: list[float] | None = None
        by_wait: dict[str, list[float]] = {}
        by_sql: dict[str, list[float]] = {}
        sql: dict[str, SqlLoad] = {}
        for entry in entries:
            dims = (entry.get("Key") or {}).get("Dimensions") or {}
            values = grid(entry.get("DataPoints") or [])
            if not dims:
                total = values if total is None else [a if not math.isnan(a) else b for a, b in zip(total, values, strict=True)]
            elif any(k.startswith(WAIT_GROUP + ".") for k in dims):
                by_wait[_wait_key(dims)] = _merge(by_wait.get(_wait_key(dims)), values)
            elif any(k.startswith(SQL_GROUP + ".") for k in dims):
                sql_id = dims.get("db.sql_tokenized.id") or sql_digest_id(dims.get("db.sql_tokenized.statement", ""))
                by_sql[sql_id] = _merge(by_sql.get(sql_id), values)
                sql[sql_id] = SqlLoad(sql_id=sql_id, statement=dims.get("db.sql_tokenized.statement", ""),
                                      aas=0.0, db_id=dims.get("db.sql_tokenized.db_id"))
        if total is None:  # no total key: a step is known where any member has a point
            total = [math.nan] * n_steps
            for values in (*by_wait.values(), *by_sql.values()):
                total = [t if not math.isnan(t) else v for t, v in zip(total, values, strict=True)]
        known = [not math.isnan(t) for t in total]
        for series in (by_wait, by_sql):
            for key, values in series.items():
                series[key] = [(0.0 if math.isnan(v) else v) if k else math.nan for v, k in zip(values, known, strict=True)]
        for sql_id, values in by_sql.items():
            present = [v for v in values if not math.isnan(v)]
            sql[sql_id] = SqlLoad(sql_id=sql_id, statement=sql[sql_id].statement, db_id=sql[sql_id].db_id,
                                  aas=sum(present) / len(present) if present else 0.0)
        return InsightsSeries(period, times, tuple(total), by_wait, by_sql, sql)

    def top_sql(self, start: datetime, end: datetime, *, limit: int = 10) -> list[SqlLoad]:
        """The statements with the most load over ``[start, end)`` (``DescribeDimensionKeys``
        grouped by ``db.sql_tokenized``), largest first."""
        params = {"ServiceType": "RDS", "Identifier": self.identifier, "StartTime": _utc(start),
                  "EndTime": _utc(end), "Metric": LOAD_METRIC,
                  "GroupBy": {"Group": SQL_GROUP, "Limit": _limit(limit)}}
        keys = self._paged("describe_dimension_keys", params, "Keys")
        out = []
        for key in keys:
            dims = key.get("Dimensions") or {}
            statement = dims.get("db.sql_tokenized.statement", "")
            sql_id = dims.get("db.sql_tokenized.id") or sql_digest_id(statement)
            out.append(SqlLoad(sql_id=sql_id, statement=statement, aas=float(key.get("Total") or 0.0),
                               db_id=dims.get("db.sql_tokenized.db_id")))
        out.sort(key=lambda s: -s.aas)
        return out[:limit]

    # -- plumbing ----------------------------------------------------------------------------
    def _paged(self, operation: str, params: dict[str, Any], result_key: str) -> list[dict]:
        items: list[dict] = []
        token = None
        for _ in range(100):  # NextToken loops are bounded: a misbehaving endpoint cannot spin us
            call = dict(params, NextToken=token) if token else params
            try:
                response = getattr(self.client, operation)(**call)
            except Exception as exc:  # noqa: BLE001 - every failure becomes a reason
                raise self.unavailable(exc) from exc
            items.extend(response.get(result_key) or [])
            token = response.get("NextToken")
            if not token:
                break
        return items

    def unavailable(self, exc: BaseException) -> InsightsUnavailable:
        """What ``exc`` from a ``pi`` call means for the DBA."""
        return classify_insights_error(exc, instance_id=self.instance_id, identifier=self.identifier,
                                       region=self.region, account=self.account)


def _limit(value: int) -> int:
    return max(1, min(MAX_GROUP_LIMIT, int(value)))


def _merge(old: list[float] | None, new: list[float]) -> list[float]:
    if old is None:
        return new
    return [b if math.isnan(a) else a for a, b in zip(old, new, strict=True)]


def classify_insights_error(exc: BaseException, *, instance_id: str, identifier: str, region: str = "REGION",
                            account: str = "ACCOUNT") -> InsightsUnavailable:
    """Map a failure of a ``pi`` call to :class:`InsightsUnavailable` (never raises)."""
    if isinstance(exc, InsightsUnavailable):
        return exc
    from aurora_console.core.aws.errors import classify

    grant = _GRANT.format(region=region, account=account, ident=identifier)
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        err = response.get("Error", {}) or {}
        code = str(err.get("Code", "") or "")
        message = str(err.get("Message", "") or "")
        status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode", 0) or 0)
        if code == "NotAuthorizedException" and "not authorized to perform" not in message:
            # AWS's answer for an instance whose Performance Insights is off
            return InsightsUnavailable(
                f"Performance Insights is not enabled on {instance_id} (or not in this account): {message}".rstrip(": "),
                kind=NOT_ENABLED, detail=message,
                hint="Turn it on in the instance's Monitoring settings (Modify DB instance ▸ Performance Insights).")
        if code == "NotAuthorizedException" or code in _ACCESS_CODES:
            return InsightsUnavailable(
                f"Performance Insights refused access for {instance_id}: {message or code}", kind=ACCESS_DENIED,
                hint=f"Ask for {grant}.", detail=message)
        if status in (404, 405, 500, 501) and code in ("", "404", "405", "500", "501", "InternalFailure",
                                                        "NotImplemented", "UnknownOperationException"):
            return InsightsUnavailable(
                "This AWS endpoint does not offer Performance Insights.", kind=NOT_OFFERED,
                detail=f"HTTP {status} {code} {message[:200]}".strip())
    err = classify(exc, operation="Performance Insights")
    if err.kind in ("not-supported", "endpoint"):
        return InsightsUnavailable("This AWS endpoint does not offer Performance Insights (or cannot be reached).",
                                   kind=NOT_OFFERED, detail=err.detail or str(exc))
    if err.kind in ("access-denied", "credentials", "sso-expired", "expired"):
        return InsightsUnavailable(f"Performance Insights refused access for {instance_id}: {err.message}",
                                   kind=ACCESS_DENIED, hint=err.hint or f"Ask for {grant}.", detail=err.detail)
    return InsightsUnavailable(f"Performance Insights did not answer for {instance_id}: {err.message}",
                               kind=FAILED, hint=err.hint, detail=err.detail)
