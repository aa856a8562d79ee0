import math

import pytest

from aurora_console.core.aws.metric_units import axis_label, axis_scale, format_ticks, format_value

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
    assert format_ticks(ticks, "Bytes") == ["0", "0.5", "1.00", "1.50"]
    assert axis_scale("Seconds", 0.02) == (1e-3, "ms")
    assert axis_label("Count/Second", 50) == "/s"
    assert axis_label("Percent", 0) == "%"


def test_series_colours_are_stable_and_distinct():
    pytest.importorskip("pyqtgraph")
    from aurora_console.ui.metrics.plots import PALETTE, assign_colors

    ids = [f"aurora-pg-{n}" for n in range(16)]
    colors = assign_colors(ids)
    assert len(set(colors.values())) == 16
    assert assign_colors(list(reversed(ids))) == colors  # order of arrival does not matter
    assert len(assign_colors([f"i{n}" for n in range(len(PALETTE) + 3)])) == len(PALETTE) + 3


def test_explain_empty_names_a_stopped_cluster():
    from aurora_console.core.aws.metric_dashboard import NO_DATAPOINTS, explain_empty

    assert "the cluster is stopped" in explain_empty(NO_DATAPOINTS, "stopped")
    assert "is starting" in explain_empty(NO_DATAPOINTS, "Starting")
    assert explain_empty(NO_DATAPOINTS, "available") == NO_DATAPOINTS
    assert explain_empty(None, "stopped") is None  # data is shown: nothing to explain
    assert explain_empty("Throttled (all series)", "stopped") == "Throttled (all series)"
