"""Drag across a metrics chart to select a time window, then act on it from the chart's context
menu: the window's time-window actions ("Explain this window"), zoom to it, clear it. Real mouse
events go to the plots' viewport; the crosshair, Shift+drag panning and wheel zoom still work."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QMenu

from tests.gui.metrics.conftest import CLUSTER, READER, WRITER

# the context menu pops up as a real popup: the offscreen platform says it cannot raise it or grab the keyboard
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support grabbing the keyboard",
                                                         "does not support raise")]

LEFT, RIGHT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton, Qt.MouseButton.NoButton


def _send(view, kind, pos: QPoint, button, buttons, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    vp = view.viewport()
    event = QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(vp, event)


def _point(dash, key: str, t: float) -> QPoint:
    """Viewport pixel of time ``t`` half-way up plot ``key``."""
    vb = dash.grid.plots[key].item.vb
    (_x0, _x1), (y0, y1) = vb.viewRange()
    return dash.grid.widget.mapFromScene(vb.mapViewToScene(QPointF(t, (y0 + y1) / 2)))


def drag(qtbot, dash, key: str, t0: float, t1: float, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    view = dash.grid.widget
    a, b = _point(dash, key, t0), _point(dash, key, t1)
    qtbot.wait(15)
    _send(view, QEvent.Type.MouseMove, a, NONE, NONE, modifiers)  # the pointer arrives first (hover)
    qtbot.wait(15)
    _send(view, QEvent.Type.MouseButtonPress, a, LEFT, LEFT, modifiers)
    for i in range(1, 11):
        qtbot.wait(15)  # pyqtgraph drops moves closer than 10 ms apart (its mouseRateLimit); a hand is slower
        _send(view, QEvent.Type.MouseMove, a + (b - a) * (i / 10), NONE, LEFT, modifiers)
    _send(view, QEvent.Type.MouseButtonRelease, b, LEFT, NONE, modifiers)


def right_click_menu(qtbot, dash, key: str, t: float) -> QMenu:
    """Right-click plot ``key`` at time ``t`` and return the context menu that pops up."""
    view, at = dash.grid.widget, _point(dash, key, t)
    _send(view, QEvent.Type.MouseButtonPress, at, RIGHT, RIGHT)
    _send(view, QEvent.Type.MouseButtonRelease, at, RIGHT, NONE)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    return QApplication.activePopupWidget()


def action(menu: QMenu, text: str):
    return next((a for a in menu.actions() if a.text() == text), None)


@pytest.fixture
def dashboard(console_on_moto, qtbot):
    seeded = console_on_moto.seeded
    page = console_on_moto.metrics(CLUSTER)
    dash = page.dashboard
    vb = dash.grid.plots["CPUUtilization"].item.vb
    qtbot.waitUntil(lambda: vb.viewRange()[0][0] <= seeded.now - 3 * 3600 + 60)  # layout settled
    # the last drawing steps (one per event-loop turn) done and the window at its final size: a
    # pixel means the same time from the press of a drag to its release
    qtbot.waitUntil(lambda: not dash._apply_queue and not dash.loading)
    last = [None]

    def still() -> bool:
        now = (tuple(vb.viewRange()[0]), vb.sceneBoundingRect().getRect(), dash.grid.widget.size().toTuple())
        same, last[0] = now == last[0], now
        return same

    # (and drawn for it: while a resize settles, the plots keep their old layout - PlotsWidget.freeze)
    qtbot.waitUntil(lambda: qtbot.wait(100) or (still() and not dash.grid.redrawing), timeout=10000)
    return page


def test_drag_selects_a_window_on_every_chart_and_explain_this_window_gets_it(console_on_moto, dashboard, qtbot):
    window, seeded, dash = console_on_moto.window, console_on_moto.seeded, dashboard.dashboard
    calls = []
    window.add_time_window_action("Note this window", lambda ref, start, end: calls.append((ref, start, end)))
    vb = dash.grid.plots["CPUUtilization"].item.vb
    view_before = vb.viewRange()[0]
    t0, t1 = seeded.now - 2 * 3600, seeded.now - 3600
    drag(qtbot, dash, "CPUUtilization", t0, t1)

    start, end = dash.selection.window
    step = (view_before[1] - view_before[0]) / vb.width()  # seconds per pixel
    assert abs(start - t0) <= 2 * step + 1 and abs(end - t1) <= 2 * step + 1
    assert vb.viewRange()[0] == pytest.approx(view_before)  # a drag selects; it no longer pans
    # the band on every chart, at the selected window
    for plot in dash.grid.plots.values():
        assert plot.region is not None and plot.region.getRegion() == pytest.approx((start, end))
    assert dash.selection_label.isVisible() and "Selected" in dash.selection_label.text()

    menu = right_click_menu(qtbot, dash, "FreeableMemory", (t0 + t1) / 2)  # any chart
    # every time-window action of the window, in the order registered: the Performance screen's first
    texts = [a.text() for a in menu.actions()]
    assert texts.index("Explain this window") < texts.index("Note this window") < texts.index("Zoom to this window")
    noted = action(menu, "Note this window")
    assert noted.isEnabled()
    noted.trigger()
    menu.close()
    (ref, got_start, got_end), = calls
    assert ref.cluster_id == CLUSTER and ref.region == "us-east-1"
    assert (got_start, got_end) == (start, end)


def test_crosshair_still_reads_every_series_over_a_selection(console_on_moto, dashboard, qtbot):
    seeded, dash = console_on_moto.seeded, dashboard.dashboard
    plot = dash.grid.plots["CPUUtilization"]
    drag(qtbot, dash, "CPUUtilization", seeded.now - 1800, seeded.now - 300)
    assert dash.selection.window is not None
    t = seeded.now - 600  # inside the band

    def hover() -> bool:
        dash.grid.widget.scene().sigMouseMoved.emit(plot.item.vb.mapViewToScene(QPointF(t + 30, 20)))
        text = dash.readout.text()
        return WRITER in text and READER in text and abs(plot.crosshair.value() - (t + 30)) < 60

    qtbot.waitUntil(hover, timeout=15000)
    assert all(p.crosshair.isVisible() for p in dash.grid.plots.values())


def test_shift_drag_pans_and_the_wheel_zooms_without_selecting(console_on_moto, dashboard, qtbot):
    seeded, dash = console_on_moto.seeded, dashboard.dashboard
    vb = dash.grid.plots["CPUUtilization"].item.vb
    x0, x1 = vb.viewRange()[0]
    drag(qtbot, dash, "CPUUtilization", seeded.now - 2 * 3600, seeded.now - 3600, Qt.KeyboardModifier.ShiftModifier)
    assert dash.selection.window is None
    panned = vb.viewRange()[0]
    # the content follows the pointer one hour to the right: the view shows an hour earlier, as wide
    assert panned[0] == pytest.approx(x0 - 3600, abs=300) and panned[1] - panned[0] == pytest.approx(x1 - x0)
    view = dash.grid.widget
    at = QPointF(_point(dash, "CPUUtilization", (panned[0] + panned[1]) / 2))
    wheel = QWheelEvent(at, QPointF(view.viewport().mapToGlobal(at.toPoint())), QPoint(0, 0), QPoint(0, 240),
                        NONE, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    zoomed = vb.viewRange()[0]
    assert zoomed[1] - zoomed[0] < 0.8 * (panned[1] - panned[0])  # the wheel still zooms in
    assert dash.selection.window is None


def test_zoom_to_the_window_and_clear_it(console_on_moto, dashboard, qtbot):
    seeded, dash = console_on_moto.seeded, dashboard.dashboard
    assert dash.time_window_actions() == console_on_moto.window.time_window_actions()
    menu = right_click_menu(qtbot, dash, "CPUUtilization", seeded.now - 3600)
    hint = action(menu, "Drag across a chart to select a time window")  # nothing selected: says how
    assert hint is not None and not hint.isEnabled()
    assert action(menu, "Zoom to this window") is None
    menu.close()

    drag(qtbot, dash, "CPUUtilization", seeded.now - 2 * 3600, seeded.now - 3600)
    menu = right_click_menu(qtbot, dash, "CPUUtilization", seeded.now - 1800)
    action(menu, "Clear selection").trigger()
    menu.close()
    assert dash.selection.window is None and all(p.region is None for p in dash.grid.plots.values())
    assert not dash.selection_label.isVisible()

    drag(qtbot, dash, "CPUUtilization", seeded.now - 2 * 3600, seeded.now - 3600)
    start, end = dash.selection.window
    menu = right_click_menu(qtbot, dash, "CPUUtilization", seeded.now - 1800)
    n = dash.load_count
    action(menu, "Zoom to this window").trigger()
    menu.close()
    dashboard.wait(n)
    assert dash.selection.window is None
    # the dashboard now shows that window (CloudWatch's periods align it to whole minutes)
    assert abs(dash.data.start - start) <= 60 and abs(dash.data.end - end) <= 60


def test_dragging_the_band_moves_the_window_on_every_chart(console_on_moto, dashboard, qtbot):
    seeded, dash = console_on_moto.seeded, dashboard.dashboard
    drag(qtbot, dash, "CPUUtilization", seeded.now - 2 * 3600, seeded.now - 3600)
    start, end = dash.selection.window
    vb = dash.grid.plots["CPUUtilization"].item.vb
    step = (vb.viewRange()[0][1] - vb.viewRange()[0][0]) / vb.width()
    # grab the band in its middle on another chart and move it half an hour later
    middle = (start + end) / 2
    drag(qtbot, dash, "FreeableMemory", middle, middle + 1800)
    moved_start, moved_end = dash.selection.window
    assert abs((moved_start - start) - 1800) <= 2 * step + 1 and abs((moved_end - moved_start) - (end - start)) <= 2
    for plot in dash.grid.plots.values():
        assert plot.region.getRegion() == pytest.approx((moved_start, moved_end), abs=1)
    assert vb.viewRange()[0][0] == pytest.approx(seeded.now - 3 * 3600, abs=120)  # the view did not pan


def test_page_object_selects_a_window_and_runs_an_action_on_it(console_on_moto, dashboard):
    seeded, window = console_on_moto.seeded, console_on_moto.window
    window.add_time_window_action("Note this window", lambda ref, start, end: (ref.cluster_id, start, end))
    with pytest.raises(RuntimeError, match="select_window"):
        dashboard.run_window_action("Note this window")
    assert dashboard.select_window(seeded.now - 1800.5, seeded.now - 600.2) == (seeded.now - 1801, seeded.now - 600)
    assert dashboard.window_actions()[0] == "Explain this window" and "Note this window" in dashboard.window_actions()
    assert dashboard.run_window_action("Note this window") == (CLUSTER, seeded.now - 1801, seeded.now - 600)
    with pytest.raises(LookupError, match="Note this window"):
        dashboard.run_window_action("No such action")
    with pytest.raises(ValueError):
        dashboard.select_window(seeded.now, seeded.now)
    # the band the page selected is drawn on every chart, as a drag's is
    assert all(p.region.getRegion() == pytest.approx((seeded.now - 1801, seeded.now - 600))
               for p in dashboard.dashboard.grid.plots.values())
