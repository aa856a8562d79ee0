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
