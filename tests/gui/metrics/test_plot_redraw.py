"""What the metric plots redo, and when: a refresh repaints one plot at a time, a moved range does
not clip the old data again just before the new data replaces it, and a resize shows the picture
drawn before it, scaled, laying nothing out until the size settles; then the plots are laid out
once, their curves clipped and downsampled again and each plot painted afresh, plot by plot in
several event-loop turns, ending as pyqtgraph would draw them for the new size."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject

from tests.gui.metrics.conftest import shown_plot_grid
from tests.gui.metrics.test_dashboard_apply import METRICS, T0, _apply, _data, dashboard  # noqa: F401

pytestmark = pytest.mark.gui

WEEK_AT_60S = 7 * 24 * 60


class PaintRegions(QObject):
    """The region of every paint event of a widget (seen before the widget paints it)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.regions = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.regions.append(event.region())
        return False


def _plots_in(grid, region) -> list[str]:
    view = grid.widget
    return [key for key, plot in grid.plots.items()
            if region.intersects(view.mapFromScene(plot.item.sceneBoundingRect()).boundingRect())]


@pytest.fixture
def updates(monkeypatch):
    """Every clip-and-downsample pass of a curve: (curve, first timestamp of the data it had)."""
    seen = []
    real = pg.PlotDataItem.updateItems

    def update_items(curve, *args, **kwargs):
        if curve._dataset is not None and len(curve._dataset.x):
            seen.append((curve, float(curve._dataset.x[0])))
        return real(curve, *args, **kwargs)

    monkeypatch.setattr(pg.PlotDataItem, "updateItems", update_items)
    return seen


def test_each_repaint_of_a_refresh_draws_one_plot(qtbot, dashboard, monkeypatch):  # noqa: F811
    dash = dashboard
    _apply(qtbot, dash, _data(T0, T0 + 3 * 3600))
    qtbot.waitUntil(lambda: not dash.grid.redrawing, timeout=5000)
    qtbot.wait(50)
    from aurora_console.ui.metrics import dashboard as dashboard_module

    # a turn long enough for several plots: only the end of a plot ends it
    monkeypatch.setattr(dashboard_module, "APPLY_BUDGET_S", 10.0)
    turns = []
    real_next = dash._apply_next
    monkeypatch.setattr(dash, "_apply_next", lambda: (turns.append(1), real_next()))
    paints = PaintRegions(dash.grid.widget.viewport())
    _apply(qtbot, dash, _data(T0 + 600, T0 + 3 * 3600 + 600))
    qtbot.wait(100)  # the last plot's repaint
    # a turn per plot (and the links' release after the last), not all of them in one
    assert len(METRICS) <= len(turns) <= len(METRICS) + 1
    drawn = [_plots_in(dash.grid, region) for region in paints.regions]
    assert drawn and all(len(keys) == 1 for keys in drawn), drawn
    assert sorted({k for keys in drawn for k in keys}) == sorted(METRICS)  # each plot repainted


def test_a_moved_range_does_not_clip_the_old_data_again(qtbot, dashboard, updates):  # noqa: F811
    dash = dashboard
    _apply(qtbot, dash, _data(T0, T0 + 3 * 3600))
    qtbot.waitUntil(lambda: not dash.grid.redrawing, timeout=5000)
    updates.clear()
    new_start = T0 + 600
    _apply(qtbot, dash, _data(new_start, T0 + 3 * 3600 + 600))
    assert updates  # every curve was clipped and downsampled for its new data...
    assert {start for _curve, start in updates} == {new_start}  # ...and never its old data first
    for plot in dash.grid.plots.values():
        assert tuple(plot.item.vb.viewRange()[0]) == pytest.approx((new_start, T0 + 3 * 3600 + 600), abs=1)
        for curve in plot.curves.values():
            assert not curve.stale
            assert curve.getData()[0][0] >= new_start - 60  # drawn from its new data


@pytest.fixture
def grid(qtbot):
    grid = shown_plot_grid(qtbot, [("cpu", "CPU · Average", "Percent"), ("conn", "Connections · Average", "Count"),
                                   ("mem", "Memory · Average", "Bytes")])
    x = 1.7e9 + 60.0 * np.arange(WEEK_AT_60S)
    for n, plot in enumerate(grid.plots.values()):
        rng = np.random.default_rng(n)
        plot.set_series([(f"db-{i}", x, 50 + 30 * np.sin(np.arange(WEEK_AT_60S) / (200 + i)) + rng.normal(0, 5, x.size))
                         for i in range(4)])
    grid.set_x_range(x[0], x[-1])
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    return grid


def _as_pyqtgraph_draws(curve) -> tuple[np.ndarray, np.ndarray]:
    """What pyqtgraph itself draws for the curve's view now (clipped and downsampled afresh)."""
    pg.PlotDataItem.viewRangeChanged(curve)
    return curve.getData()


def test_a_resize_keeps_the_points_until_it_settles_then_redraws_plot_by_plot(qtbot, grid, updates, monkeypatch):
    from aurora_console.ui.metrics import plots as plots_module

    monkeypatch.setattr(plots_module, "REDRAW_BUDGET_S", 10.0)  # only a plot's end ends a turn
    turns = []  # per turn of the redraw: the plots whose curves it redid
    real_next = grid._redraw_next

    def redraw_next():
        turns.append(len(updates))
        real_next()

    monkeypatch.setattr(grid, "_redraw_next", redraw_next)
    before = {id(c): c.getData()[0].size for p in grid.plots.values() for c in p.curves.values()}
    widths = {key: p.item.vb.width() for key, p in grid.plots.items()}
    updates.clear()
    for width in (1200, 1000, 800, 700):  # a drag: several resizes, the event loop between
        grid.widget.resize(width, 700)
        qtbot.wait(20)
        assert grid.redrawing
    assert updates == []  # no curve clipped or downsampled while the size moved
    assert {key: p.item.vb.width() for key, p in grid.plots.items()} == widths  # nor laid out
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    assert all(p.item.vb.width() < widths[key] for key, p in grid.plots.items())  # laid out once settled
    curves = [c for p in grid.plots.values() for c in p.curves.values()]
    assert sorted(id(c) for c, _start in updates) == sorted(id(c) for c in curves)  # each once, after it settled
    owner = {id(c): key for key, p in grid.plots.items() for c in p.curves.values()}
    marks = turns + [len(updates)]
    per_turn = [{owner[id(c)] for c, _s in updates[a:b]} for a, b in zip(marks, marks[1:], strict=False)]
    assert [len(keys) for keys in per_turn] == [1] * len(grid.plots)  # one plot a turn, each in its own
    for curve in curves:
        shown_x, shown_y = (a.copy() for a in curve.getData())
        fresh_x, fresh_y = _as_pyqtgraph_draws(curve)
        assert np.array_equal(shown_x, fresh_x) and np.array_equal(shown_y, fresh_y, equal_nan=True)
    # the narrower plots draw fewer bins than before (downsampled for the new width)
    assert all(c.getData()[0].size < before[id(c)] for c in curves)


def test_a_redraw_is_sliced_by_time(qtbot, grid, monkeypatch):
    from aurora_console.ui.metrics import plots as plots_module

    monkeypatch.setattr(plots_module, "REDRAW_BUDGET_S", 0.0)  # one curve a turn
    turns = []
    real_next = grid._redraw_next
    monkeypatch.setattr(grid, "_redraw_next", lambda: (turns.append(1), real_next()))
    grid.widget.resize(900, 600)
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    assert len(turns) == sum(len(p.curves) for p in grid.plots.values())


def test_a_resize_again_during_the_redraw_starts_over_for_the_new_size(qtbot, grid):
    grid.widget.resize(900, 600)
    qtbot.waitUntil(lambda: grid.hold.count == 0, timeout=5000)  # settled: the redraw begins
    grid.widget.resize(1100, 650)
    assert grid.redrawing and grid.hold.count == 1
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    for plot in grid.plots.values():
        for curve in plot.curves.values():
            assert not curve.needs_redraw
            shown = curve.getData()[0].copy()
            assert np.array_equal(shown, _as_pyqtgraph_draws(curve)[0])


def test_a_resize_paints_the_plots_once(qtbot, grid):
    paints = PaintRegions(grid.widget.viewport())
    for width in (1200, 1000):
        paints.regions.clear()
        grid.widget.resize(width, 650)
        qtbot.wait(60)  # the paint (the redraw for the new size waits for the size to settle)
        assert len(paints.regions) == 1, [r.boundingRect() for r in paints.regions]


def test_a_resize_in_width_redraws_the_time_axes_not_the_value_axes(qtbot, grid, monkeypatch):
    from aurora_console.ui.metrics.plots import UnitAxisItem

    grid.widget.grab()
    drawn = []
    real = pg.AxisItem.generateDrawSpecs

    def generate(axis, painter):
        drawn.append(axis)
        return real(axis, painter)

    monkeypatch.setattr(pg.AxisItem, "generateDrawSpecs", generate)
    grid.widget.resize(1000, 700)  # the same height
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    grid.widget.grab()
    assert drawn and not any(isinstance(axis, UnitAxisItem) for axis in drawn)  # the time axes only
    drawn.clear()
    plot = grid.plots["cpu"]
    plot.item.setYRange(0, 500, padding=0)  # a new value range: its ticks are drawn again
    grid.widget.grab()
    left = plot.item.getAxis("left")
    assert left in drawn and left.range == [0, 500]


def _shown(grid):
    """What the widget shows on screen now (the window's pixels), as a QImage."""
    from aurora_console.ui.metrics.plots import window_pixels

    return window_pixels(grid.widget.viewport(), grid.widget.viewport().size())


def _scaled(picture, size):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    out = QImage(size, picture.format())
    painter = QPainter(out)
    painter.drawImage(QRectF(0, 0, size.width(), size.height()), picture)
    painter.end()
    return out


def test_a_drag_shows_the_picture_scaled_and_paints_no_plot_until_it_settles(qtbot, grid):
    qtbot.wait(50)  # the grid has painted itself
    before = _shown(grid)
    regions = PaintRegions(grid.widget.viewport())
    for width in (1200, 1000, 800, 1100):
        grid.widget.resize(width, 650)
        qtbot.wait(30)
        assert grid.widget.frozen
        # on screen: the picture of before the drag, scaled to the size now (no plot painted)
        assert _shown(grid) == _scaled(before, grid.widget.viewport().size())
    assert regions.regions
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    qtbot.wait(50)
    assert not grid.widget.frozen
    # on screen now: the plots as a full paint of them draws them at the settled size
    assert _shown(grid) == grid.widget.grab().toImage().convertToFormat(_shown(grid).format())


def test_the_plots_are_painted_afresh_one_area_a_turn_after_a_resize(qtbot, grid):
    qtbot.wait(50)
    grid.widget.resize(1000, 650)
    qtbot.wait(50)  # the picture painted at the new size
    regions = PaintRegions(grid.widget.viewport())
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    qtbot.wait(50)

    drawn = [_plots_in(grid, region) for region in regions.regions]
    # the picture scaled to the laid-out size, then each plot painted afresh in a paint of its own
    assert len(drawn[0]) == len(grid.plots)
    assert {k for keys in drawn[1:] for k in keys} == set(grid.plots)
    assert all(len(keys) == 1 for keys in drawn[1:]), drawn


def test_a_click_while_the_size_settles_lays_the_plots_out_at_once(qtbot, grid):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    qtbot.wait(50)
    vb = grid.plots["cpu"].item.vb
    width = vb.width()
    grid.widget.resize(900, 650)
    assert grid.widget.layout_pending and vb.width() == width
    at = QPointF(20, 20)
    press = QMouseEvent(QEvent.Type.MouseButtonPress, at, grid.widget.viewport().mapToGlobal(at),
                        Qt.MouseButton.RightButton, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(grid.widget.viewport(), press)
    assert not grid.widget.layout_pending and vb.width() < width  # laid out before the press went on


def test_plots_without_curves_are_laid_out_at_each_resize(qtbot):
    # (a dashboard opening: its controls find their size around plots still empty)
    grid = shown_plot_grid(qtbot, [("cpu", "CPU · Average", "Percent")])
    qtbot.wait(50)
    width = grid.plots["cpu"].item.vb.width()
    grid.widget.resize(900, 650)
    assert not grid.widget.frozen and grid.plots["cpu"].item.vb.width() < width


def test_without_the_windows_pixels_the_picture_is_rendered_once(qtbot, grid, monkeypatch):
    from aurora_console.ui.metrics import plots as plots_module

    qtbot.wait(50)
    shown = _shown(grid)
    monkeypatch.setattr(plots_module, "window_pixels", lambda widget, size, corner=None: None)  # a platform without them
    grid.widget.resize(1000, 650)
    assert grid.widget.frozen
    assert grid.widget.still.convertToFormat(shown.format()) == shown
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)


def test_a_resize_while_the_plots_are_painted_afresh_starts_from_the_picture_shown(qtbot, grid):
    """Resized again while the plots are painted afresh (laid out, still partly the scaled
    picture): the new picture is what the screen shows at the size then, not an area of the size
    before the first resize (which held other widgets' pixels, scaled into the plots)."""
    qtbot.wait(50)
    grid.widget.resize(900, 500)
    qtbot.waitUntil(lambda: grid.widget.frozen and not grid.widget.layout_pending, timeout=5000)
    assert grid.widget.frozen  # (still painting afresh)
    shown = _shown(grid)
    grid.widget.resize(1000, 600)
    assert grid.widget.frozen
    assert grid.widget.still.size() == shown.size()
    assert grid.widget.still.convertToFormat(shown.format()) == shown


def test_a_drag_that_also_moves_the_plots_shows_their_own_picture(qtbot):
    """A splitter drag moves the plots and resizes them; Qt moves them first, so at the resize the
    window's pixels still hold their picture where it was: that is the picture shown, not the
    neighbour's pixels that were beside it (the copy used to start at the plots' new corner)."""
    from PySide6.QtWidgets import QLabel, QSplitter

    from aurora_console.ui.metrics.plots import PlotGrid

    grid = PlotGrid(on_hover=lambda plot, x: None, on_select=lambda x0, x1: None)
    splitter = QSplitter()
    qtbot.addWidget(splitter)
    neighbour = QLabel()
    neighbour.setStyleSheet("background: #ff0000")
    splitter.addWidget(neighbour)
    splitter.addWidget(grid.widget)
    splitter.resize(1300, 700)
    splitter.setSizes([300, 1000])
    splitter.show()
    grid.rebuild([("cpu", "CPU · Average", "Percent")], utc=True)
    x = 1.7e9 + 60.0 * np.arange(600)
    grid.plots["cpu"].set_series([("db-0", x, 50 + 30 * np.sin(np.arange(600) / 50))])
    grid.set_x_range(x[0], x[-1])
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    qtbot.wait(50)
    shown = _shown(grid)

    splitter.setSizes([200, 1100])  # the plots move 100 px left and grow
    assert grid.widget.frozen
    assert grid.widget.still.convertToFormat(shown.format()) == shown
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)


def test_plots_moved_to_another_window_render_their_picture_not_that_windows_pixels(qtbot, grid, monkeypatch):
    """A dock floated: the plots now sit in a window of their own, which has not drawn them
    yet when the first resize comes; the picture is rendered, not copied from that window."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from aurora_console.ui.metrics import plots as plots_module

    qtbot.wait(50)
    shown = _shown(grid)
    copied = []
    real = plots_module.window_pixels
    monkeypatch.setattr(plots_module, "window_pixels", lambda *a: copied.append(a) or real(*a))
    other = QWidget()
    qtbot.addWidget(other)
    QVBoxLayout(other).addWidget(grid.widget)
    other.show()
    grid.widget.resize(1000, 650)  # before the new window has drawn anything (same turn)
    assert grid.widget.frozen and copied == []
    assert grid.widget.still.convertToFormat(shown.format()) == shown
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
