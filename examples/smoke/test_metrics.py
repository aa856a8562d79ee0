"""Metrics: the dashboard draws CPU for every instance, with no CloudWatch error (read-only)."""

import pytest

pytest.importorskip("aurora_console.testing.pages_metrics", reason="the metrics page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_cpu_is_reported(console):
    page = console.metrics(CLUSTER)
    assert "CPUUtilization" in page.metric_names()
    cpu = page.series("CPUUtilization")
    assert cpu and all(points for points in cpu.values()), f"instances without datapoints: {cpu.keys()}"
    assert page.message("CPUUtilization") is None  # no error or "no datapoints" text in the plot
