"""The dashboard layout saved per cluster (which metrics, statistic, range, time zone, refresh).

Stored as plain JSON values in the settings section ``metrics`` under a key naming the profile,
region and cluster; unknown or foreign metric keys are dropped when read, so a layout saved by
a newer version (or for the other engine) never breaks the dashboard.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from aurora_console.core.aws.metrics.catalog import default_metric_keys, metrics_for_engine
from aurora_console.core.aws.metrics.query import DASHBOARD_STATS
from aurora_console.core.aws.metrics.range import PRESETS

SECTION = "metrics"
REFRESH_CHOICES = (0, 30, 60, 300, 900)


@dataclass
class DashboardLayout:
    metrics: list[str] = field(default_factory=list)
    stat: str | None = None  # None: each metric's default statistic
    preset: str = "3h"
    utc: bool = False
    refresh_seconds: int = 0
    stat_overrides: dict[str, str] = field(default_factory=dict)  # metric key -> statistic for one plot

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def layout_key(profile: str | None, region: str, cluster_id: str) -> str:
    return f"{profile or 'default'}/{region}/{cluster_id}"


def read_layout(section: dict[str, Any], key: str, engine: str) -> DashboardLayout:
    allowed = [m.key for m in metrics_for_engine(engine)]
    raw = section.get("layouts", {}).get(key)
    if not isinstance(raw, dict):
        return DashboardLayout(metrics=default_metric_keys(engine))
    metrics = [m for m in raw.get("metrics", []) if isinstance(m, str) and m in allowed]
    stat = raw.get("stat") if raw.get("stat") in DASHBOARD_STATS else None
    preset = raw.get("preset") if raw.get("preset") in PRESETS else "3h"
    refresh = raw.get("refresh_seconds") if raw.get("refresh_seconds") in REFRESH_CHOICES else 0
    overrides_raw = raw.get("stat_overrides")
    overrides = {k: v for k, v in overrides_raw.items() if k in allowed and v in DASHBOARD_STATS} \
        if isinstance(overrides_raw, dict) else {}
    return DashboardLayout(list(dict.fromkeys(metrics)), stat, preset, bool(raw.get("utc", False)), refresh,
                           overrides)


def write_layout(section: dict[str, Any], key: str, layout: DashboardLayout) -> None:
    section.setdefault("layouts", {})[key] = layout.to_json()
