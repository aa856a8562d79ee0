"""Unit-aware formatting of CloudWatch values (axes, crosshair read-outs, CSV headers).

Bytes use binary prefixes (KiB, MiB, GiB, TiB); Seconds are shown as milliseconds when small;
rates get "/s"; counts get k/M/B. :func:`axis_scale` picks one divisor and suffix for a whole
axis so its tick labels share a unit.
"""

from __future__ import annotations

import math

_BINARY = ((1024 ** 4, "TiB"), (1024 ** 3, "GiB"), (1024 ** 2, "MiB"), (1024, "KiB"), (1, "B"))
_DECIMAL = ((1e9, "B"), (1e6, "M"), (1e3, "k"), (1, ""))


def _base(unit: str | None) -> tuple[str, bool]:
    """(base unit, is a per-second rate)."""
    u = unit or "None"
    if u.endswith("/Second"):
        return u[: -len("/Second")], True
    return u, False


def axis_scale(unit: str | None, max_abs: float) -> tuple[float, str]:
    """``(divisor, suffix)`` so that ``value / divisor`` reads well for values up to ``max_abs``."""
    base, rate = _base(unit)
    per = "/s" if rate else ""
    m = abs(max_abs) if max_abs and math.isfinite(max_abs) else 0.0
    if base in ("Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes"):
        factor = {"Bytes": 1, "Kilobytes": 1024, "Megabytes": 1024 ** 2, "Gigabytes": 1024 ** 3,
                  "Terabytes": 1024 ** 4}[base]
        for div, suffix in _BINARY:
            if m * factor >= div:
                return div / factor, suffix + per
        return 1 / factor, "B" + per
    if base == "Bits":
        for div, suffix in ((1e9, "Gb"), (1e6, "Mb"), (1e3, "kb"), (1, "b")):
            if m >= div:
                return div, suffix + per
        return 1, "b" + per
    if base == "Percent":
        return 1, "%"
    if base == "Seconds":
        if m and m < 1:
            return 1e-3, "ms"
        return 1, "s"
    if base == "Milliseconds":
        if m >= 10_000:
            return 1000, "s"
        return 1, "ms"
    if base == "Microseconds":
        return 1e3, "ms"
    for div, suffix in _DECIMAL:
        if m >= div:
            return div, (suffix + per).strip() if suffix or per else ""
    return 1, per


def _number(x: float) -> str:
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def format_value(value: float | None, unit: str | None) -> str:
    """One value with its own best unit, e.g. ``1.50 GiB``, ``42.0 %``, ``3.20 ms``, ``120 /s``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    div, suffix = axis_scale(unit, value)
    text = _number(value / div)
    if not suffix:
        return text
    return f"{text}{suffix}" if suffix == "%" else f"{text} {suffix}"


def tick_decimals(scaled: list[float]) -> int:
    """One number of decimals for a whole axis: as many as its tick spacing needs (0, 0.5, 1.0, 1.5:
    one), never more than one beyond that (ticks that are not round in the axis's unit, such as
    bytes shown in GiB, get two significant decimals of the spacing, not six)."""
    finite = sorted({v for v in scaled if math.isfinite(v)})
    steps = [b - a for a, b in zip(finite, finite[1:], strict=False) if b - a > 0]
    if not steps:
        return 0 if not finite or all(float(v).is_integer() for v in finite) else 2
    step = min(steps)
    distinct = max(0, -math.floor(math.log10(step)))  # enough to tell neighbouring ticks apart
    for decimals in range(0, distinct + 2):
        if all(abs(v - round(v, decimals)) <= step * 1e-3 for v in finite):
            return decimals  # the ticks are exact with this many
    return distinct + 1


def format_ticks(values: list[float], unit: str | None, max_abs: float | None = None) -> list[str]:
    """Tick labels sharing one unit (chosen from the largest tick or ``max_abs``) and one number
    of decimals: ``0.0 ms, 0.5 ms, 1.0 ms``, never ``0.5 ms`` beside ``1.00 ms``."""
    top = max_abs if max_abs is not None else max((abs(v) for v in values), default=0.0)
    div, _suffix = axis_scale(unit, top)
    scaled = [v / div for v in values]
    decimals = tick_decimals(scaled)
    return [f"{v:,.{decimals}f}" if math.isfinite(v) else str(v) for v in scaled]


def axis_label(unit: str | None, max_abs: float) -> str:
    """The unit shown next to an axis, e.g. ``GiB``, ``%``, ``ms``, ``/s``."""
    return axis_scale(unit, max_abs)[1]
