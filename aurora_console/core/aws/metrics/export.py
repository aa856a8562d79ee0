"""CSV export of a loaded dashboard: one row per plot, series and datapoint (gaps left out)."""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timezone
from pathlib import Path

from aurora_console.core.aws.metrics.dashboard import DashboardData
from aurora_console.core.private_files import atomic_write_text

HEADER = ("metric", "statistic", "period_seconds", "unit", "series", "timestamp_utc", "epoch_seconds", "value")


def dashboard_csv(data: DashboardData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for plot in data.plots:
        for series in plot.series:
            for t, v in zip(series.timestamps, series.values, strict=False):
                if math.isnan(v):
                    continue
                stamp = datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                writer.writerow((plot.metric.name, plot.stat, plot.period, plot.metric.unit, series.label,
                                 stamp, int(t), repr(float(v))))
    return out.getvalue()


def write_csv(data: DashboardData, path: Path) -> int:
    """Write the CSV file (atomically, owner-only 0600; the folder is the user's choice and is
    left as it is); returns the number of datapoint rows."""
    text = dashboard_csv(data)
    atomic_write_text(Path(path), text, private_parent=False)
    return text.count("\n") - 1
