"""The change markers' lines go onto the charts one plot a turn, so each repaint draws one plot and
its curves (lines added to all 8 plots of 16 curves in one turn made one repaint of them all,
27-66 ms of UI thread); a new read replaces each plot's lines in that plot's turn, and the toggle
turned off takes them off the same way."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tests.gui.metrics.conftest import shown_plot_grid
from tests.gui.metrics.test_plot_redraw import PaintRegions, _plots_in

pytestmark = pytest.mark.gui

T0 = 1.7e9
HOURS = 6


@pytest.fixture
def charts(qtbot):
    from aurora_console.ui.tasks import TaskRunner

    grid = shown_plot_grid(qtbot, [(f"m{i}", f"Metric {i}", "Percent") for i in range(4)])
    x = T0 + 60.0 * np.arange(HOURS * 60)
    for n, plot in enumerate(grid.plots.values()):
        plot.set_series([(f"db-{i}", x, 50 + 30 * np.sin(x / 600 + n + i)) for i in range(3)])
    grid.set_x_range(x[0], x[-1])
    qtbot.waitUntil(lambda: not grid.redrawing, timeout=5000)
    qtbot.wait(50)
    runner = TaskRunner()
    marks = [SimpleNamespace(time=T0 + 3600.0 * h, text=f"change {h}") for h in range(1, HOURS)]
    dash = SimpleNamespace(grid=grid, data=SimpleNamespace(start=x[0], end=x[-1]),
                           services=SimpleNamespace(runner=runner), ref=SimpleNamespace(cluster_id="c"))
    yield SimpleNamespace(grid=grid, dash=dash, marks=marks)
    runner.shutdown(5000)


def _markers(charts, marks):
    from aurora_console.ui.metrics.markers import ChangeMarkers

    markers = ChangeMarkers(charts.dash, lambda: [("Changes", lambda ref, s, e, task: list(marks))])
    markers.button.setParent(charts.grid.widget)  # (its own window would repaint the charts' as it shows)
    return markers


def _lines_by_plot(charts):
    from aurora_console.ui.metrics.markers import MarkerLines

    return {key: [i for i in plot.item.items if isinstance(i, MarkerLines)] for key, plot in charts.grid.plots.items()}


def _shown(qtbot, markers, after: int) -> None:
    qtbot.waitUntil(lambda: markers.load_count > after and not markers.loading, timeout=10000)
    qtbot.wait(50)  # the last plot's repaint


def test_each_repaint_of_drawing_the_markers_draws_one_plot(qtbot, charts):
    markers = _markers(charts, charts.marks)
    qtbot.wait(50)
    paints = PaintRegions(charts.grid.widget.viewport())
    markers.set_shown(True)
    _shown(qtbot, markers, 0)
    drawn = [_plots_in(charts.grid, region) for region in paints.regions]
    assert drawn and all(len(keys) == 1 for keys in drawn), drawn
    assert {k for keys in drawn for k in keys} == set(charts.grid.plots)
    lines = _lines_by_plot(charts)
    assert all(len(found) == 1 and list(found[0].times) == [m.time for m in charts.marks] for found in lines.values())


def test_a_new_read_replaces_each_plots_lines_in_its_own_repaint(qtbot, charts):
    markers = _markers(charts, charts.marks)
    markers.set_shown(True)
    _shown(qtbot, markers, 0)
    charts.marks[:] = charts.marks[:2]  # the next read finds fewer
    paints = PaintRegions(charts.grid.widget.viewport())
    markers.data_shown()
    _shown(qtbot, markers, 1)
    drawn = [_plots_in(charts.grid, region) for region in paints.regions]
    assert drawn and all(len(keys) == 1 for keys in drawn), drawn
    lines = _lines_by_plot(charts)
    assert all(len(found) == 1 and len(found[0].times) == 2 for found in lines.values())  # the old ones gone
    assert len(markers.items()) == len(charts.grid.plots)


def test_turning_the_markers_off_takes_the_lines_off_one_plot_a_repaint(qtbot, charts):
    markers = _markers(charts, charts.marks)
    markers.set_shown(True)
    _shown(qtbot, markers, 0)
    plot = next(iter(charts.grid.plots.values()))
    paints = PaintRegions(charts.grid.widget.viewport())
    markers.set_shown(False)
    assert markers.readout_at(plot, charts.marks[0].time) == []  # the readout says nothing at once
    qtbot.waitUntil(lambda: not any(_lines_by_plot(charts).values()), timeout=5000)
    qtbot.wait(50)
    drawn = [_plots_in(charts.grid, region) for region in paints.regions]
    assert drawn and all(len(keys) == 1 for keys in drawn), drawn
    assert markers.items() == []


def test_a_read_ending_after_the_toggle_went_off_draws_nothing(qtbot, charts):
    import threading

    gate = threading.Event()
    from aurora_console.ui.metrics.markers import ChangeMarkers

    def source(ref, s, e, task):
        gate.wait(10)
        return list(charts.marks)

    markers = ChangeMarkers(charts.dash, lambda: [("Changes", source)])
    markers.button.setParent(charts.grid.widget)
    markers.set_shown(True)
    markers.set_shown(False)
    gate.set()
    _shown(qtbot, markers, 0)
    assert not any(_lines_by_plot(charts).values()) and markers.items() == []


def test_turning_the_markers_off_while_they_are_drawn_still_ends_the_load(qtbot, charts):
    """Scripted waits (and page objects) wait for ``not loading``: the toggle turned off while a
    read's lines were still going on plot by plot must end that load, its lines taken off."""
    markers = _markers(charts, charts.marks)
    draw_on, off_after = markers._draw_on, []

    def draw_then_turn_off(plot, times, texts) -> None:  # the toggle goes off after the first plot's turn
        draw_on(plot, times, texts)
        if not off_after:
            off_after.append((markers.loading, len(markers.items())))
            markers.set_shown(False)

    markers._draw_on = draw_then_turn_off
    markers.set_shown(True)
    _shown(qtbot, markers, 0)
    assert off_after == [(True, 1)]  # turned off mid-load, one plot's lines on
    assert markers.load_count == 1
    qtbot.waitUntil(lambda: not any(_lines_by_plot(charts).values()), timeout=5000)
    assert markers.items() == []
