"""CloudWatch alarms on the metrics a dashboard shows, as threshold lines.

For a few distinct series the alarms come from ``describe_alarms_for_metric`` (one call per
metric and dimension set); for larger dashboards one paginated ``describe_alarms`` is cheaper,
filtered locally the same way. Either way the dimensions are matched here too (some endpoints,
moto among them, ignore them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from aurora_console.core.aws.metrics.fetch import short_error
from aurora_console.core.aws.metrics.query import SeriesKey

log = logging.getLogger(__name__)

PER_METRIC_CALL_LIMIT = 20

_OPERATORS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}


@dataclass(frozen=True)
class Threshold:
    alarm_name: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    value: float
    operator: str  # ">", ">=", "<", "<="
    state: str  # OK | ALARM | INSUFFICIENT_DATA
    stat: str = ""

    @property
    def label(self) -> str:
        return f"{self.alarm_name} ({self.operator} {self.value:g}, {self.state})"


def _dims(alarm: dict) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions") or []))


def _threshold(alarm: dict) -> Threshold | None:
    if "Threshold" not in alarm or alarm.get("ComparisonOperator") not in _OPERATORS:
        return None  # anomaly-detection bands and metric-math alarms have no fixed line
    return Threshold(
        alarm_name=alarm.get("AlarmName", "?"),
        metric=alarm.get("MetricName", ""),
        dimensions=_dims(alarm),
        value=float(alarm["Threshold"]),
        operator=_OPERATORS[alarm["ComparisonOperator"]],
        state=alarm.get("StateValue", ""),
        stat=alarm.get("Statistic") or alarm.get("ExtendedStatistic") or "",
    )


def _match(alarms: Iterable[dict], wanted: dict[tuple[str, str, tuple], list[SeriesKey]]
           ) -> dict[SeriesKey, list[Threshold]]:
    out: dict[SeriesKey, list[Threshold]] = {}
    for alarm in alarms:
        th = _threshold(alarm)
        if th is None:
            continue
        for key in wanted.get((alarm.get("Namespace", ""), th.metric, th.dimensions), []):
            out.setdefault(key, []).append(th)
    return out


def thresholds_for(client, keys: Iterable[SeriesKey]) -> tuple[dict[SeriesKey, list[Threshold]], str | None]:
    """Threshold lines per series key, and an error message if alarms could not be read.

    Alarms are decoration: a failure is reported, never raised.
    """
    wanted: dict[tuple[str, str, tuple], list[SeriesKey]] = {}
    for key in keys:
        wanted.setdefault((key.namespace, key.metric, tuple(sorted(key.dimensions))), []).append(key)
    try:
        if len(wanted) <= PER_METRIC_CALL_LIMIT:
            alarms: list[dict] = []
            for namespace, metric, dims in wanted:
                response = client.describe_alarms_for_metric(
                    Namespace=namespace, MetricName=metric,
                    Dimensions=[{"Name": n, "Value": v} for n, v in dims])
                alarms.extend(response.get("MetricAlarms", []))
        else:
            alarms = []
            kwargs: dict = {"AlarmTypes": ["MetricAlarm"]}
            while True:
                response = client.describe_alarms(**kwargs)
                alarms.extend(response.get("MetricAlarms", []))
                token = response.get("NextToken")
                if not token:
                    break
                kwargs["NextToken"] = token
    except Exception as exc:  # noqa: BLE001
        log.warning("could not read CloudWatch alarms: %s", short_error(exc))
        return {}, f"Alarms could not be read: {short_error(exc)}"
    seen: set[str] = set()
    unique = []
    for alarm in alarms:
        name = alarm.get("AlarmName", "")
        if name not in seen:
            seen.add(name)
            unique.append(alarm)
    return _match(unique, wanted), None
