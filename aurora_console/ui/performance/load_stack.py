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

from aurora_console.core.performance.load import SOURCE_PI, SOURCE_SAMPLED

OTHER = "Other"
MAX_LAYERS = 8

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
    def from_series(cls, series, *, max_layers: int = MAX_LAYERS) -> LoadStack:
        x = tuple(epoch(t) for t in series.times)
        n = len(x)
        waits = series.waits() if hasattr(series, "waits") else sorted(series.by_wait)
        data = {w: [float(v) for v in series.by_wait[w]] for w in waits}
        known = [any(not math.isnan(data[w][i]) for w in waits) for i in range(n)]
        if len(waits) > max_layers:
            kept, rest = waits[:max_layers - 1], waits[max_layers - 1:]
            other = [sum(0.0 if math.isnan(data[w][i]) else data[w][i] for w in rest) for i in range(n)]
            data = {w: data[w] for w in kept} | {OTHER: other}
            waits = kept + [OTHER]
        colors = wait_colors(waits)
        layers, bottom = [], [0.0] * n
        for w in waits:
            values = [(0.0 if math.isnan(v) else v) if known[i] else math.nan for i, v in enumerate(data[w])]
            top = [b + v for b, v in zip(bottom, values, strict=True)]
            with_data = [v for v in values if not math.isnan(v)]
            layers.append(Layer(w, colors[w], tuple(values), tuple(bottom), tuple(top),
                                sum(with_data) / len(with_data) if with_data else 0.0))
            bottom = top
        total = tuple(bottom) if layers else tuple(math.nan for _ in range(n))
        return cls(source=series.source, reason=series.reason, x=x, layers=layers, total=total,
                   vcpus=series.vcpus, vcpus_note=getattr(series, "vcpus_note", ""),
                   step_s=getattr(series, "step_s", 1), instance_id=getattr(series, "instance_id", ""),
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
