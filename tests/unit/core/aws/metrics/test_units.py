import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.metrics.units import axis_label, axis_scale, format_ticks, format_value

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value,unit,text", [
    (512, "Bytes", "512 B"),
    (1536, "Bytes", "1.50 KiB"),
    (3 * 1024 ** 3, "Bytes", "3.00 GiB"),
    (5 * 1024 ** 2, "Bytes/Second", "5.00 MiB/s"),
    (42.0, "Percent", "42.0%"),
    (0.0032, "Seconds", "3.20 ms"),
    (2.5, "Milliseconds", "2.50 ms"),
    (120.0, "Count/Second", "120 /s"),
    (1500, "Count", "1.50 k"),
    (7, "Count", "7.00"),
    (1.2e9, "Count", "1.20 B"),
    (math.nan, "Percent", "no data"),
])
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_axis_shares_one_unit():
    ticks = [0, 512 * 1024 ** 2, 1024 ** 3, 1.5 * 1024 ** 3]
    assert axis_label("Bytes", max(ticks)) == "GiB"
    assert format_ticks(ticks, "Bytes") == ["0.0", "0.5", "1.0", "1.5"]  # one number of decimals per axis
    assert axis_scale("Seconds", 0.02) == (1e-3, "ms")
    assert axis_label("Count/Second", 50) == "/s"
    assert axis_label("Percent", 0) == "%"


@pytest.mark.parametrize("ticks,unit,texts", [
    ([0.0005, 0.001, 0.0015, 0.002, 0.0025], "Seconds", ["0.5", "1.0", "1.5", "2.0", "2.5"]),  # was 0.5 / 1.00
    ([200, 250, 300], "Count/Second", ["200", "250", "300"]),
    ([10.0, 20.0, 30.0, 40.0], "Percent", ["10", "20", "30", "40"]),
    ([0.25, 0.5, 0.75], "Milliseconds", ["0.25", "0.50", "0.75"]),
    ([1500, 2000, 2500], "Count", ["1.5", "2.0", "2.5"]),
    ([8.2e9, 8.4e9, 8.6e9], "Bytes", ["7.64", "7.82", "8.01"]),  # not round in GiB: two decimals, not six
    ([66e6, 68e6, 70e6, 72e6], "Count", ["66", "68", "70", "72"]),
])
def test_ticks_of_an_axis_share_their_decimals(ticks, unit, texts):
    assert format_ticks(ticks, unit) == texts


@given(st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=1, max_size=12),
       st.sampled_from(["Bytes", "Seconds", "Percent", "Count/Second", "Count", "Milliseconds"]))
def test_tick_labels_always_have_equal_decimals(ticks, unit):
    texts = format_ticks(ticks, unit)
    assert len({len(t.partition(".")[2]) for t in texts}) == 1


def test_series_colours_are_stable_and_distinct():
    pytest.importorskip("pyqtgraph")
    from aurora_console.ui.metrics.plots import PALETTE, assign_colors

    ids = [f"aurora-pg-{n}" for n in range(16)]
    colors = assign_colors(ids)
    assert len(set(colors.values())) == 16
    assert assign_colors(list(reversed(ids))) == colors  # order of arrival does not matter
    assert len(assign_colors([f"i{n}" for n in range(len(PALETTE) + 3)])) == len(PALETTE) + 3


def test_explain_empty_names_a_stopped_cluster():
    from aurora_console.core.aws.metrics.dashboard import NO_DATAPOINTS, explain_empty

    assert "the cluster is stopped" in explain_empty(NO_DATAPOINTS, "stopped")
    assert "is starting" in explain_empty(NO_DATAPOINTS, "Starting")
    assert explain_empty(NO_DATAPOINTS, "available") == NO_DATAPOINTS
    assert explain_empty(None, "stopped") is None  # data is shown: nothing to explain
    assert explain_empty("Throttled (all series)", "stopped") == "Throttled (all series)"


def _lab(hex_color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        def lin(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        r, g, bb = (lin(int(h[i:i + 2], 16)) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * bb
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_series_hues_are_far_apart_and_readable_on_the_theme(dark):
    """Any two of the first eight series colours differ clearly (CIE76 ΔE >= 30), none is a dull
    brown or grey (chroma >= 30; the old brown had 26) and each stands out from the plot background (contrast >= 3)."""
    pytest.importorskip("pyqtgraph")
    import itertools

    from aurora_console.ui.metrics.plots import PLOT_BACKGROUND, PRIMARY_DARK, PRIMARY_LIGHT, assign_colors

    primary = PRIMARY_DARK if dark else PRIMARY_LIGHT
    for a, b in itertools.combinations(primary, 2):
        assert math.dist(_lab(a), _lab(b)) >= 30, (a, b)
    for c in primary:
        _l, a_, b_ = _lab(c)
        assert math.hypot(a_, b_) >= 30, c
        assert _contrast(c, PLOT_BACKGROUND[dark]) >= 3, c
    # the walkthrough's blog cluster: three instances, three primary hues
    colors = assign_colors(["blog-1", "blog-2", "blog-3"], dark=dark)
    assert list(colors.values()) == list(primary[:3])  # blue, orange, green
    old_brown, old_purple = "#8c564b", "#9467bd"
    assert not {old_brown, old_purple} <= set(colors.values())
