"""The page object on the embedded sandbox (the `console` fixture), as a user's smoke test would use it."""

import math

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_blog_dashboard_on_the_sandbox(console):
    page = console.metrics("blog")
    assert page.metric_names()[0] == "CPUUtilization"
    assert page.period() == 60
    cpu = page.series("CPUUtilization")
    assert len(cpu) >= 2 and all(points for points in cpu.values())
    for points in cpu.values():
        assert all(0 <= v <= 100 and not math.isnan(v) for _t, v in points)
        assert [t for t, _v in points] == sorted(t for t, _v in points)
    assert set(page.series("AuroraReplicaLag")) < set(cpu)  # readers only
    page.add_metric("VolumeBytesUsed")
    assert list(page.series("VolumeBytesUsed")) == ["blog"]
    page.add_metric("CPUUtilization@role")
    assert set(page.series("CPUUtilization@role")) == {"writer", "reader"}
    assert all(page.message(m) is None for m in page.metric_names())
