"""What a metric plot draws for a long range: one peak-downsampled bin per pixel column (each
bin's highest and lowest value, gaps kept), and no pyqtgraph menu of its own."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gui.metrics.conftest import shown_plot_grid

pytestmark = pytest.mark.gui

WEEK_AT_60S = 7 * 24 * 60


@pytest.fixture
def grid(qtbot):
    return shown_plot_grid(qtbot, [("cpu", "CPU · Average", "Percent"), ("conn", "Connections · Average", "Count")])


def _settled(qtbot, grid) -> None:
    """The plots' size is final and every curve is drawn for it (a resize's redraw comes after
    the size settles; PlotGrid.redrawing)."""
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)


def _week(seed: int) -> tuple[np.ndarray, np.ndarray]:
    x = 1.7e9 + 60.0 * np.arange(WEEK_AT_60S)
    rng = np.random.default_rng(seed)
    y = 50 + 30 * np.sin(np.arange(WEEK_AT_60S) / 300) + rng.normal(0, 5, WEEK_AT_60S)
    return x, y


def test_a_week_at_a_60_s_period_draws_one_bin_per_pixel_and_keeps_every_peak(qtbot, grid):
    x, y = _week(1)
    y[100] = 500.0  # a spike and a dip one minute long each must still show
    y[5000] = -40.0
    y[3000:3010] = np.nan  # a gap of ten minutes stays a gap
    plot = grid.plots["cpu"]
    plot.set_series([(f"db-{n}", x, y if n == 0 else _week(n + 1)[1]) for n in range(4)])
    grid.set_x_range(x[0], x[-1])
    qtbot.waitUntil(lambda: plot.item.vb.width() > 100)
    grid.widget.grab()  # a paint: the view's size and range are final
    _settled(qtbot, grid)

    width = plot.item.vb.width()
    shown_x, shown_y = plot.curves["db-0"].getData()
    # the highest and lowest of one bin per pixel column (a whole number of samples per bin: up
    # to 1/16 more bins than columns here); pyqtgraph's default of 5 per pixel drew 5x as many
    assert len(shown_x) / 2 <= 1.1 * width + 2
    assert np.nanmax(shown_y) == 500.0 and np.nanmin(shown_y) == -40.0
    assert np.isnan(shown_y).any()  # the gap's bin is not drawn across
    for label in ("db-1", "db-2", "db-3"):
        full = plot.data[label][1]
        drawn = plot.curves[label].getData()[1]
        assert np.nanmax(drawn) == np.nanmax(full) and np.nanmin(drawn) == np.nanmin(full)


def test_a_short_range_is_drawn_point_by_point(qtbot, grid):
    x = 1.7e9 + 600.0 * np.arange(300)  # fewer points than pixels: nothing to downsample
    y = np.linspace(0, 1, 300)
    plot = grid.plots["conn"]
    plot.set_series([("db-0", x, y)])
    grid.set_x_range(x[0], x[-1])
    grid.widget.grab()
    _settled(qtbot, grid)
    shown_x, shown_y = plot.curves["db-0"].getData()
    assert np.array_equal(shown_x, x) and np.array_equal(shown_y, y)


def test_replacing_the_data_keeps_the_per_pixel_downsampling(qtbot, grid):
    x, y = _week(7)
    plot = grid.plots["cpu"]
    plot.set_series([("db-0", x[:100], y[:100])])
    plot.set_series([("db-0", x, y)])  # the same curve, new data (a refresh)
    grid.set_x_range(x[0], x[-1])
    grid.widget.grab()
    _settled(qtbot, grid)
    assert len(plot.curves["db-0"].getData()[0]) / 2 <= 1.1 * plot.item.vb.width() + 2


def test_a_plot_has_no_pyqtgraph_menu_the_dashboard_has_its_own(grid):
    for plot in grid.plots.values():
        assert plot.item.vb.menu is None and not plot.item.vb.menuEnabled()


def test_held_links_let_each_plot_take_a_range_alone_and_released_they_follow_again(qtbot, grid):
    cpu, conn = grid.plots["cpu"], grid.plots["conn"]
    grid.set_x_range(1.7e9, 1.7e9 + 3600)
    assert conn.item.vb.viewRange()[0] == pytest.approx([1.7e9, 1.7e9 + 3600], abs=1)
    grid.hold_links(True)
    conn.set_x_range(1.7e9 + 60, 1.7e9 + 3660)  # a refresh's new range, one plot at a time
    assert cpu.item.vb.viewRange()[0] == pytest.approx([1.7e9, 1.7e9 + 3600], abs=1)  # not moved with it
    cpu.set_x_range(1.7e9 + 60, 1.7e9 + 3660)
    grid.hold_links(False)
    grid.set_x_range(1.7e9, 1.7e9 + 7200)  # a zoom after the refresh moves every plot again
    assert conn.item.vb.viewRange()[0] == pytest.approx([1.7e9, 1.7e9 + 7200], abs=1)
