"""MarkerLines paints one dashed line per pixel column however many markers fall in it (5,000
timeline entries over 14 days on 8 charts cost ~120 ms of UI thread drawn one by one; issue 17's
goal is a stall under 50 ms), and hovering still finds each marker's own text."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.gui]


class Painter:
    def __init__(self) -> None:
        self.lines = []

    def setPen(self, _pen):  # noqa: N802 - QPainter API
        pass

    def drawLines(self, lines):  # noqa: N802 - QPainter API
        self.lines += [line.x1() for line in lines]


def test_markers_closer_than_a_pixel_are_painted_as_one_line(qtbot):
    import pyqtgraph as pg

    from aurora_console.ui.metrics.markers import MarkerLines

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.show()
    end = 1_796_000_000.0
    start = end - 14 * 86400
    qtbot.waitExposed(widget)
    widget.setXRange(start, end, padding=0)
    qtbot.wait(20)
    times = np.sort(np.random.default_rng(7).uniform(start, end, 5000))
    lines = MarkerLines(times, [f"event {i}" for i in range(5000)])
    widget.addItem(lines, ignoreBounds=True)
    px = lines.pixelWidth()
    assert 14 * 86400 / 1000 < px < 14 * 86400 / 100, px  # the chart is a few hundred pixels wide
    painter = Painter()
    lines.paint(painter)
    columns = np.floor(times / px)
    assert len(painter.lines) == len(np.unique(columns)) < 1000  # not 5,000
    assert sorted(set(np.floor(np.asarray(painter.lines) / px + 1e-6))) == sorted(set(columns))
    lone = MarkerLines(times[:1], ["only"])
    widget.addItem(lone, ignoreBounds=True)
    painter = Painter()
    lone.paint(painter)
    assert painter.lines == [times[0]]  # a single marker is drawn where it is
    assert lines.text_at(times[2500]) .startswith("event")
