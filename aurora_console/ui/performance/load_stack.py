"""What the Load chart draws (Qt-free): a ``LoadSeries`` (``core/performance/load.py``) as
stacked layers of average active sessions by wait, their colours, the vCPU line, the source and
why, and the values under the pointer.

Layers are stacked largest load first (at the bottom); beyond ``max_layers`` waits the smallest
ones are summed as "Other". A step where nothing is known (NaN for every wait: no sample, no data
point) is a gap in every layer; a wait missing from a step that has data counts 0 there.
Colours follow the wait's type, as Performance Insights does (CPU green, IO blue, Lock red...);
several events of one type get lighter shades of its colour.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from aurora_console.core.performance.load import SOURCE_PI, SOURCE_SAMPLED

OTHER = "Other"
MAX_LAYERS = 8
#: at most this many steps are drawn; longer series are merged into wider steps (painting 3,600
#: filled steps per layer stalled the UI thread for a few hundred ms)
MAX_POINTS = 600

#: base colour of each wait type (PostgreSQL's wait_event_type, and CPU for "no wait")
TYPE_COLORS = {
    "CPU": "#2ca02c",
    "IO": "#1f77b4",
    "Lock": "#d62728",
    "LWLock": "#8c54d0",
    "IPC": "#0f9fa8",
    "Client": "#7f7f7f",
    "Timeout": "#e6a100",
    "BufferPin": "#d13fa6",
    "Activity": "#8f8a00",
    "Extension": "#a34f00",
}
UNKNOWN_TYPE_COLOR = "#5e5a00"
OTHER_COLOR = "#b0b0b0"


def wait_type(wait: str) -> str:
    """"Lock" for "Lock:transactionid", "CPU" for "CPU"."""
    return wait.split(":", 1)[0]


def _lighter(color: str, amount: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def wait_colors(waits: list[str]) -> dict[str, str]:
    """A colour per wait (in the given order): its type's colour, lighter for each further event
    of the same type (up to 4 shades, then they repeat)."""
    seen: dict[str, int] = {}
    out = {}
    for wait in waits:
        if wait == OTHER:
            out[wait] = OTHER_COLOR
            continue
        kind = wait_type(wait)
        n = seen.get(kind, 0)
        seen[kind] = n + 1
        out[wait] = _lighter(TYPE_COLORS.get(kind, UNKNOWN_TYPE_COLOR), 0.22 * (n % 4))
    return out


def epoch(moment) -> float:
    """Epoch seconds of a datetime (naive = UTC) or a number."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    return float(moment)


def _merge_steps(x: np.ndarray, values: np.ndarray, known: np.ndarray, group: int):
    """Every ``group`` consecutive steps as one: each wait's average active sessions is the mean
    over the merged steps that hold data (``values`` has 0 where a step with data lacks the wait);
    a merged step without any data stays a gap (``known`` False)."""
    n = x.shape[0]
    pad = (-n) % group
    vals = np.pad(values, ((0, 0), (0, pad)))
    mask = np.pad(known, (0, pad)).astype(float)
    counts = mask.reshape(-1, group).sum(axis=1)
    sums = (vals * mask).reshape(values.shape[0], counts.shape[0], group).sum(axis=2)  # no wait at all: (0, k)
    merged_known = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        merged = np.where(merged_known, sums / np.where(merged_known, counts, 1), 0.0)
    return x[::group], merged, merged_known


@dataclass(frozen=True)
class Layer:
    wait: str
    color: str
    values: tuple[float, ...]  # its own average active sessions per step (NaN: a gap)
    bottom: tuple[float, ...]  # where it starts in the stack
    top: tuple[float, ...]  # bottom + values
    average: float  # over the steps with data

    def segments(self, x: tuple[float, ...]) -> list[tuple[list[float], list[float], list[float]]]:
        """``(x, bottom, top)`` of each run of steps without a gap."""
        out, run = [], ([], [], [])
        for xi, lo, hi in zip(x, self.bottom, self.top, strict=True):
            if math.isnan(hi):
                if run[0]:
                    out.append(run)
                run = ([], [], [])
                continue
            run[0].append(xi)
            run[1].append(lo)
            run[2].append(hi)
        if run[0]:
            out.append(run)
        return out


@dataclass
class LoadStack:
    source: str = ""
    reason: str = ""
    x: tuple[float, ...] = ()
    layers: list[Layer] = field(default_factory=list)  # bottom first
    total: tuple[float, ...] = ()
    vcpus: int | None = None
    vcpus_note: str = ""
    step_s: int = 1
    instance_id: str = ""
    by_sql: tuple = ()

    @classmethod
    def from_series(cls, series, *, max_layers: int = MAX_LAYERS, max_points: int = MAX_POINTS) -> LoadStack:
        """Built with numpy: cheap enough for the UI thread, and Qt-free, so a worker may build it
        (``LoadChart.set_stack``)."""
        x = np.array([epoch(t) for t in series.times], dtype=float)
        names = list(series.by_wait)
        raw = (np.array([series.by_wait[w] for w in names], dtype=float) if names
               else np.empty((0, x.shape[0])))
        known = ~np.isnan(raw).all(axis=0) if names else np.zeros(x.shape[0], dtype=bool)
        values = np.nan_to_num(raw, nan=0.0)  # a wait missing from a step with data: 0 there
        # stacking order: the largest average over the steps with data first (ties by name), as
        # LoadSeries.waits() orders them
        averages = values[:, known].mean(axis=1) if known.any() else np.zeros(len(names))
        order = sorted(range(len(names)), key=lambda i: (-averages[i], names[i]))
        names, values, averages = [names[i] for i in order], values[order], averages[order]
        step_s = getattr(series, "step_s", 1)
        if x.shape[0] > max_points:  # wider steps: a chart has fewer pixels than an hour has seconds
            group = math.ceil(x.shape[0] / max_points)
            x, values, known = _merge_steps(x, values, known, group)
            step_s *= group
        if len(names) > max_layers:
            keep = max_layers - 1
            values = np.vstack([values[:keep], values[keep:].sum(axis=0, keepdims=True)])
            averages = np.append(averages[:keep], averages[keep:].sum())
            names = names[:keep] + [OTHER]
        colors = wait_colors(names)
        shown = np.where(known, values, np.nan)
        tops = np.cumsum(shown, axis=0) if names else np.empty((0, x.shape[0]))
        bottoms = np.vstack([np.where(known, 0.0, np.nan)[None, :], tops[:-1]]) if names else tops
        layers = [Layer(w, colors[w], tuple(shown[i].tolist()), tuple(bottoms[i].tolist()), tuple(tops[i].tolist()),
                        float(averages[i])) for i, w in enumerate(names)]
        total = tuple(tops[-1].tolist()) if names else tuple(math.nan for _ in range(x.shape[0]))
        return cls(source=series.source, reason=series.reason, x=tuple(x.tolist()), layers=layers, total=total,
                   vcpus=series.vcpus, vcpus_note=getattr(series, "vcpus_note", ""),
                   step_s=step_s, instance_id=getattr(series, "instance_id", ""),
                   by_sql=tuple(getattr(series, "by_sql", ())))

    # -- what the chart says -------------------------------------------------------------------
    @property
    def has_data(self) -> bool:
        return any(not math.isnan(v) for v in self.total)

    def source_title(self) -> str:
        if self.source == SOURCE_PI:
            return "Source: Performance Insights"
        if self.source == SOURCE_SAMPLED:
            return "Source: sampled by the console (pg_stat_activity, every second while this screen is open)"
        return f"Source: {self.source}" if self.source else ""

    def average(self) -> float | None:
        known = [v for v in self.total if not math.isnan(v)]
        return sum(known) / len(known) if known else None

    def peak(self) -> tuple[float, float] | None:
        """(time, average active sessions) of the highest step."""
        best = None
        for t, v in zip(self.x, self.total, strict=True):
            if not math.isnan(v) and (best is None or v > best[1]):
                best = (t, v)
        return best

    def summary(self, utc: bool = False) -> str:
        """"Average 1.80 active sessions · peak 4.20 at 10:05:13 · 2 vCPUs (load above them waits)"."""
        if not self.has_data:
            return "No load data in this window yet."
        t, v = self.peak()
        when = datetime.fromtimestamp(t, timezone.utc if utc else None).strftime("%H:%M:%S")
        parts = [f"Average {self.average():.2f} active sessions", f"peak {v:.2f} at {when}{' UTC' if utc else ''}"]
        if self.vcpus is not None:
            parts.append(f"{self.vcpus} vCPUs (load above the line queues or waits)")
        return " · ".join(parts)

    def values_at(self, t: float) -> tuple[float, list[tuple[str, float]]] | None:
        """(step time, [(wait, sessions)...] top of the stack first) at the step holding ``t``;
        None outside the data or in a gap."""
        if not self.x or math.isnan(t) or t < self.x[0] or t >= self.x[-1] + self.step_s:
            return None
        i = bisect.bisect_right(self.x, t) - 1
        if math.isnan(self.total[i]):
            return None
        return self.x[i], [(layer.wait, layer.values[i]) for layer in reversed(self.layers)]
