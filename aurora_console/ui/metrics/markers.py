"""Markers on the metrics charts: vertical lines where something happened to the cluster (the
window's chart marker sources, e.g. the Change timeline's entries), behind a toggle; hovering a
line says what happened.

The metrics screen does not know where markers come from: ``window.add_chart_marker_source``
registers ``source(ref, start, end, task)``; this layer asks each on a worker thread for the
range the charts show, then draws the lines a few plots per event-loop turn (no long stall).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QToolButton

from aurora_console.core.errors import user_text

log = logging.getLogger(__name__)

MARKER_COLOR = "#d9822b"
DRAW_BUDGET_S = 0.012

Sources = Callable[[], list]


class ChangeMarkers:
    """The toggle button and the lines of one dashboard (``dash``: a MetricsDashboard)."""

    def __init__(self, dash, sources: Sources) -> None:
        self.dash = dash
        self._sources = sources
        names = [name for name, _s in sources()]
        self.button = QToolButton(objectName="metricsMarkers", text=" · ".join(names) or "Changes")
        self.button.setCheckable(True)
        self.button.setToolTip("Draw what changed on the cluster (the Change timeline) as lines on the charts; "
                               "hover a line to see what it was")
        self.button.setVisible(bool(names))
        self.button.toggled.connect(self._toggled)
        self.markers: list = []  # what the sources returned for the range shown
        self.problem = ""
        self.loading = False
        self.load_count = 0
        self._lines: list[tuple[object, object]] = []  # (plot item, line)
        self._queue: list[Callable[[], None]] = []

    @property
    def shown(self) -> bool:
        return self.button.isChecked()

    def set_shown(self, on: bool) -> None:
        self.button.setChecked(bool(on))

    def _toggled(self, on: bool) -> None:
        if on:
            self.load()
        else:
            self.clear()

    # -- reading --------------------------------------------------------------------------------
    def data_shown(self) -> None:
        """The charts show a new range: read its markers again (when the toggle is on)."""
        if self.shown:
            self.load()

    def load(self) -> None:
        data = self.dash.data
        sources = [s for _n, s in self._sources()]
        if data is None or not sources:
            return
        ref, start, end = self.dash.ref, float(data.start), float(data.end)

        def read(ctx):
            out, problems = [], []
            for source in sources:
                ctx.check()
                try:
                    out += list(source(ref, start, end, ctx))
                except Exception as exc:  # noqa: BLE001 - one source failing leaves the others
                    problems.append(user_text(exc))
            return sorted(out, key=lambda m: m.time), problems

        self.loading = True
        self.dash.services.runner.submit(read, name=f"Chart markers: {ref.cluster_id}", on_done=self._loaded,
                                         on_error=self._failed, owner=self.dash)

    def _loaded(self, result) -> None:
        markers, problems = result
        self.problem = "; ".join(problems)
        self.markers = markers if self.shown else []
        self._redraw()

    def _failed(self, exc: BaseException) -> None:
        self.problem = user_text(exc)
        self.loading = False
        self.load_count += 1
        log.warning("chart markers of %s: %s", self.dash.ref.cluster_id, self.problem)

    # -- drawing ----------------------------------------------------------------------------------
    def clear(self) -> None:
        self._queue = []
        for item, line in self._lines:
            try:
                item.removeItem(line)
            except RuntimeError:  # the plot went with a rebuild
                pass
        self._lines = []
        self.markers = [] if not self.shown else self.markers

    def _redraw(self) -> None:
        self.clear()
        pen = pg.mkPen(MARKER_COLOR, width=1, style=Qt.PenStyle.DashLine)
        hover = pg.mkPen(MARKER_COLOR, width=3)
        for plot in list(self.dash.grid.plots.values()):
            self._queue.append(lambda p=plot: self._draw_on(p, pen, hover))
        QTimer.singleShot(0, self.button, self._draw_next)

    def _draw_on(self, plot, pen, hover) -> None:
        for marker in self.markers:
            line = pg.InfiniteLine(pos=marker.time, angle=90, movable=False, pen=pen, hoverPen=hover)
            line.setToolTip(marker.text)
            line.setZValue(-5)
            plot.item.addItem(line, ignoreBounds=True)
            self._lines.append((plot.item, line))

    def _draw_next(self) -> None:
        deadline = time.perf_counter() + DRAW_BUDGET_S
        while self._queue:
            self._queue.pop(0)()
            if time.perf_counter() > deadline and self._queue:
                QTimer.singleShot(0, self.button, self._draw_next)
                return
        self.loading = False
        self.load_count += 1

    def texts_at(self, x: float, tolerance: float) -> list[str]:
        """What the markers within ``tolerance`` seconds of ``x`` say (the hover text)."""
        return [m.text for m in self.markers if abs(m.time - x) <= tolerance]
