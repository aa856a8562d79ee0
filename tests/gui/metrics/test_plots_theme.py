"""The metric plots follow the application's theme (no white plot area in the dark theme)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("dark", [False, True])
def test_plot_background_follows_the_palette(qapp, qtbot, dark):
    from aurora_console.ui.metrics.plots import PlotGrid
    from aurora_console.ui.theme import _dark_palette

    before = QPalette(qapp.palette())
    qapp.setPalette(_dark_palette() if dark else qapp.style().standardPalette())
    try:
        grid = PlotGrid(on_hover=lambda plot, x: None)
        qtbot.addWidget(grid.widget)
        background = grid.widget.backgroundBrush().color()
        assert (background.lightness() < 128) is dark
    finally:
        qapp.setPalette(before)


def test_long_plot_message_is_wrapped_inside_the_plot(qtbot):
    from aurora_console.ui.metrics.plots import MESSAGE_WIDTH, MetricPlot, PlotGrid

    grid = PlotGrid(on_hover=lambda plot, x: None)
    qtbot.addWidget(grid.widget)
    plot = MetricPlot(grid.widget.ci, 0, 0, "Replica lag", "Seconds", True, grid.colors)
    note = "This metric has no series for this cluster (e.g. replica lag needs a reader)."
    plot.set_message(note)
    shown = plot.message.toPlainText()
    assert plot.message.isVisible() and shown.split() == note.split()
    assert max(len(line) for line in shown.splitlines()) <= MESSAGE_WIDTH
    plot.set_message(None)
    assert not plot.message.isVisible()


def test_ticks_of_a_narrow_range_on_a_large_value_stay_distinct(qtbot):
    """Cluster volume growing 210.0 → 210.8 GiB had every tick labelled "210 GiB"."""
    from aurora_console.ui.metrics.plots import UnitAxisItem

    axis = UnitAxisItem("Bytes")
    gib = 2 ** 30
    values = [210.0 * gib, 210.2 * gib, 210.4 * gib, 210.6 * gib]
    labels = axis.tickStrings(values, 1.0, 0.2 * gib)
    assert labels == ["210.0 GiB", "210.2 GiB", "210.4 GiB", "210.6 GiB"]
    assert axis.tickStrings([0.0, 20.0, 40.0], 1.0, 20.0) == ["0 B", "20 B", "40 B"]  # one number of decimals per axis
