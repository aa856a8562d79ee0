"""Database load (average active sessions by wait) for one instance, and where it comes from.

The Load tab draws a :class:`LoadSeries`: per step, the average active sessions under each wait,
stacked, with the instance's vCPU count as a line (load above it means sessions queue for CPU
or wait). It comes from one of two sources, and says which and why (:attr:`LoadSeries.reason`):

* ``"performance insights"``: the ``pi`` API (:mod:`.insights`) when the instance has
  Performance Insights enabled and it answers;
* ``"sampled"``: the console's own once-a-second samples of ``pg_stat_activity``
  (:mod:`.activity_history`), taken while the screen is open, when Performance Insights is off,
  denied, not offered by the endpoint, or failing.

:class:`LoadReader` makes that choice per instance and remembers a lasting "no" (not enabled,
access denied, no service) so the screen does not ask again on every refresh.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.performance.activity_history import ActivityHistory, SqlLoad, as_utc
from aurora_console.core.performance.insights import (
    FAILED,
    NOT_OFFERED,
    PERIODS,
    InsightsClient,
    InsightsUnavailable,
    classify_insights_error,
    not_enabled,
    pick_period,
)

SOURCE_PI = "performance insights"
SOURCE_SAMPLED = "sampled"

#: How long a lasting Performance Insights refusal is remembered before asking again (seconds).
RETRY_INSIGHTS_AFTER_S = 300.0
#: A live view refreshing every second asks Performance Insights at most this often (seconds): the
#: last answer is shown again in between (its data trails the instance by seconds anyway, and
#: each read is two API calls).
INSIGHTS_REFRESH_S = 10.0

# vCPUs of the DB instance classes (Aurora user guide, "Hardware specifications for DB instance
# classes for Aurora", Concepts.DBInstanceClass.Summary): within these families a size has the
# EC2 size's vCPUs, large 2, xlarge 4, Nxlarge 4N; the burstable classes have 2 up to large.
_FAMILY_SIZES = {
    "r5": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "r6g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "r6i": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"),
    "r7g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "x2g": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"),
    "t3": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
    "t4g": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
}
_BURSTABLE_2 = {"micro", "small", "medium", "large"}
_CLASS = re.compile(r"db\.([a-z0-9]+)\.([a-z0-9]+)")
SERVERLESS = "db.serverless"


def vcpus_for_class(instance_class: str) -> int | None:
    """The vCPU count of a DB instance class (``db.r6g.large`` -> 2), or None when it has none
    fixed (``db.serverless``) or the class is not in the table."""
    if not isinstance(instance_class, str):
        return None
    m = _CLASS.fullmatch(instance_class.strip().lower())
    if m is None:
        return None
    family, size = m.groups()
    if size not in _FAMILY_SIZES.get(family, ()):
        return None
    if size in _BURSTABLE_2:
        return 2
    if size == "xlarge":
        return 4
    return 4 * int(size.removesuffix("xlarge"))


def vcpus_note(instance_class: str) -> str:
    """Why no vCPU line is drawn ('' when there is one)."""
    if vcpus_for_class(instance_class) is not None:
        return ""
    if isinstance(instance_class, str) and instance_class.strip().lower() == SERVERLESS:
        return ("db.serverless scales its capacity in ACUs, so it has no fixed vCPU count: "
                "no vCPU line is drawn.")
    return f"The vCPU count of {instance_class or 'this instance class'} is not known to the console: no vCPU line is drawn."


@dataclass(frozen=True)
class LoadSeries:
    """Database load of one instance over ``[start, end)``.

    ``times``: the start of each step (UTC); ``by_wait``: per wait ("Lock:transactionid",
    "CPU"...), one value per step: average active sessions, NaN where nothing is known (no
    sample / no data point: a gap); ``by_sql``: the statements with the most load over the window,
    largest first; ``vcpus``: the instance class's vCPUs (None: unknown, ``vcpus_note`` says
    why)."""

    source: str  # SOURCE_PI | SOURCE_SAMPLED
    reason: str
    times: tuple[datetime, ...]
    by_wait: dict[str, list[float]]
    vcpus: int | None
    step_s: int = 1
    start: datetime | None = None
    end: datetime | None = None
    by_sql: tuple[SqlLoad, ...] = ()
    vcpus_note: str = ""
    instance_id: str = ""

    def total(self) -> list[float]:
        """Average active sessions per step, all waits together (NaN where unknown)."""
        out = [math.nan] * len(self.times)
        for values in self.by_wait.values():
            out = [v if math.isnan(o) else o + (0.0 if math.isnan(v) else v) for o, v in zip(out, values, strict=True)]
        return out

    def waits(self) -> list[str]:
        """The waits, largest load over the window first (the stacking order)."""
        averages = load_by_wait(self)
        return sorted(self.by_wait, key=lambda w: (-averages.get(w, 0.0), w))

    @property
    def has_data(self) -> bool:
        return any(not math.isnan(v) for values in self.by_wait.values() for v in values)


def load_by_wait(series: LoadSeries, start: datetime | None = None, end: datetime | None = None) -> dict[str, float]:
    """Average active sessions per wait over the steps of ``series`` that start in
    ``[start, end)`` and hold data (steps without data are left out, not counted as 0),
    largest first. Empty when no step in the window holds data."""
    lo = as_utc(start) if start is not None else None
    hi = as_utc(end) if end is not None else None
    picked = [i for i, t in enumerate(series.times) if (lo is None or t >= lo) and (hi is None or t < hi)]
    known = [i for i in picked if any(not math.isnan(v[i]) for v in series.by_wait.values())]
    if not known:
        return {}
    sums = {w: sum(0.0 if math.isnan(v[i]) else v[i] for i in known) / len(known) for w, v in series.by_wait.items()}
    return dict(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True)
class LoadTarget:
    """What the choice of source needs to know about an instance (from ``DescribeDBInstances``)."""

    instance_id: str
    instance_class: str = ""
    dbi_resource_id: str = ""
    performance_insights_enabled: bool = False
    region: str = ""
    account: str = ""
    #: why the instance could not be described (then Performance Insights is not asked, and the
    #: sampled load says this instead of "not enabled")
    problem: str = ""

    @classmethod
    def from_description(cls, item: dict[str, Any], *, region: str = "") -> LoadTarget:
        arn = str(item.get("DBInstanceArn", ""))
        parts = arn.split(":")
        return cls(instance_id=str(item.get("DBInstanceIdentifier", "")),
                   instance_class=str(item.get("DBInstanceClass", "")),
                   dbi_resource_id=str(item.get("DbiResourceId", "")),
                   performance_insights_enabled=bool(item.get("PerformanceInsightsEnabled", False)),
                   region=region or (parts[3] if len(parts) > 4 else ""),
                   account=parts[4] if len(parts) > 4 else "")


def describe_load_target(rds: Any, instance_id: str) -> LoadTarget:
    """The instance as RDS describes it now (``rds``: a boto3 RDS client of its region)."""
    items = rds.describe_db_instances(DBInstanceIdentifier=instance_id).get("DBInstances", [])
    if not items:
        raise LookupError(f"instance {instance_id} not found")
    return LoadTarget.from_description(items[0], region=getattr(getattr(rds, "meta", None), "region_name", "") or "")


def _fmt_time(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).strftime("%H:%M:%S UTC") if moment else "-"


@dataclass
class LoadReader:
    """Reads the load of one instance from the best source it has (see the module docstring).

    ``pi_client``: a boto3 ``pi`` client of the instance's region, or None (no AWS side: a plain
    PostgreSQL profile); ``history``: the screen's :class:`ActivityHistory`, fed by the sampler.
    :attr:`source` and :attr:`reason` tell what the last :meth:`read` used."""

    target: LoadTarget
    history: ActivityHistory
    pi_client: Any = None
    clock: Callable[[], float] = time.monotonic
    source: str = SOURCE_SAMPLED
    reason: str = ""
    unavailable: InsightsUnavailable | None = None
    _refused_at: float | None = field(default=None, repr=False)
    _last: tuple[float, float, int | None, LoadSeries] | None = field(default=None, repr=False)

    def insights_usable(self) -> InsightsUnavailable | None:
        """Why Performance Insights will not be asked now (None: it will be)."""
        if self.pi_client is None:
            return InsightsUnavailable("No AWS account is attached to this connection, so Performance Insights "
                                       "cannot be asked.", kind=NOT_OFFERED)
        if self.target.problem:
            return InsightsUnavailable(f"Whether {self.target.instance_id} has Performance Insights is not known: "
                                       f"{self.target.problem.rstrip('.')}.", kind=FAILED)
        if not self.target.performance_insights_enabled:
            return not_enabled(self.target.instance_id)
        if not self.target.dbi_resource_id:
            return InsightsUnavailable(f"RDS did not give the resource id (DbiResourceId) of {self.target.instance_id}.",
                                       kind=NOT_OFFERED)
        if self._refused_at is not None and self.unavailable is not None:
            if self.clock() - self._refused_at < RETRY_INSIGHTS_AFTER_S:
                return self.unavailable
            self._refused_at = None
        return None

    def read(self, start: datetime, end: datetime, *, step_s: int | None = None, sql_limit: int = 10) -> LoadSeries:
        """The load over ``[start, end)``: from Performance Insights when usable, else sampled.
        ``step_s``: the step (sampled) / period (PI, rounded up to a valid one); by default one
        that gives at most ~1000 points."""
        start, end = as_utc(start), as_utc(end)
        if end <= start:
            raise ValueError("the window's end must be after its start")
        refusal = self.insights_usable()
        if refusal is None:
            recent = self._recent(start, end, step_s)
            if recent is not None:
                return recent
            try:
                series = self._from_insights(start, end, step_s=step_s, sql_limit=sql_limit)
                self._last = (self.clock(), (end - start).total_seconds(), step_s, series)
                return series
            except InsightsUnavailable as exc:
                refusal = exc
                if exc.lasting:
                    self._refused_at = self.clock()
        self.unavailable = refusal
        return self._sampled(start, end, step_s=step_s, sql_limit=sql_limit, why=refusal)

    def _recent(self, start: datetime, end: datetime, step_s: int | None) -> LoadSeries | None:
        """The last Performance Insights answer if it was for a window of the same length and step
        ending at most :data:`INSIGHTS_REFRESH_S` earlier, asked less than that long ago."""
        if self._last is None:
            return None
        asked_at, length, step, series = self._last
        if (step != step_s or length != (end - start).total_seconds() or series.end is None
                or not 0 <= (end - series.end).total_seconds() < INSIGHTS_REFRESH_S
                or self.clock() - asked_at >= INSIGHTS_REFRESH_S):
            return None
        return series

    def _from_insights(self, start: datetime, end: datetime, *, step_s: int | None, sql_limit: int) -> LoadSeries:
        period = pick_period(start, end)
        if step_s:
            period = next((p for p in PERIODS if p >= step_s), PERIODS[-1])
        t = self.target
        client = InsightsClient(self.pi_client, t.dbi_resource_id, instance_id=t.instance_id, region=t.region,
                                account=t.account)
        try:
            data = client.load_series(start, end, period_s=period, sql_limit=sql_limit)
            top = client.top_sql(start, end, limit=sql_limit)
        except InsightsUnavailable:
            raise
        except (KeyError, TypeError, ValueError) as exc:  # a malformed answer is a reason too
            raise classify_insights_error(exc, instance_id=t.instance_id, identifier=t.dbi_resource_id) from exc
        self.source, self.unavailable = SOURCE_PI, None
        self.reason = f"Performance Insights for {t.instance_id} ({t.dbi_resource_id}), {period} s periods."
        return LoadSeries(source=SOURCE_PI, reason=self.reason, times=data.times, by_wait=data.by_wait,
                          vcpus=vcpus_for_class(t.instance_class), step_s=period, start=start, end=end,
                          by_sql=tuple(top), vcpus_note=vcpus_note(t.instance_class), instance_id=t.instance_id)

    def _sampled(self, start: datetime, end: datetime, *, step_s: int | None, sql_limit: int,
                 why: InsightsUnavailable) -> LoadSeries:
        t = self.target
        step = step_s or max(1, math.ceil((end - start).total_seconds() / 1000))
        times, by_wait = self.history.series(start, end, step)
        first = self.history.first_time
        since = (f"sampled from pg_stat_activity every second while this screen is open (since {_fmt_time(first)})"
                 if first else "sampled from pg_stat_activity every second while this screen is open (no sample yet)")
        self.source = SOURCE_SAMPLED
        self.reason = f"{why.reason} Load is {since}."
        return LoadSeries(source=SOURCE_SAMPLED, reason=self.reason, times=tuple(times), by_wait=by_wait,
                          vcpus=vcpus_for_class(t.instance_class), step_s=step, start=start, end=end,
                          by_sql=tuple(self.history.load_by_sql(start, end, limit=sql_limit)),
                          vcpus_note=vcpus_note(t.instance_class), instance_id=t.instance_id)
