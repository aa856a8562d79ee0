"""Markers on the metrics charts: vertical lines where something happened to the cluster (the
window's chart marker sources, e.g. the Change timeline's entries), behind a toggle; hovering a
line says what happened.

The metrics screen does not know where markers come from: ``window.add_chart_marker_source``
registers ``source(ref, start, end, task)``; this layer asks each on a worker thread for the
range the charts show, then draws the lines a few plots per event-loop turn (no long stall).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt, QTimer
from PySide6.QtWidgets import QToolButton

from aurora_console.core.errors import user_text

log = logging.getLogger(__name__)

MARKER_COLOR = "#d9822b"
#: The delay between two plots' turns of drawing (ms): a 1 ms timer, so input and timers come in
#: between (a chain of 0 ms timers ran two turns and their repaints back to back).
DRAW_NEXT_MS = 1

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
        self._queue: list[Callable[[], None]] = []  # a plot's lines a turn (see clear)
        self._after: Callable[[], None] | None = None  # when the queue is done
        self._scheduled = False

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
    # One plot a turn, on a 1 ms timer: the repaint after a turn draws that plot alone. Lines
    # added to (or taken off) every plot in one turn made one repaint of every plot and its curves:
    # 8 plots of 16 curves, 27-66 ms of UI thread (benchmarks/timeline.py, markers step).
    def clear(self) -> None:
        """Take the lines off, a plot a turn (the toggle turned off)."""
        self.markers = [] if not self.shown else self.markers
        self._queue = [lambda item=item: self._take_off(item) for item in {id(i): i for i, _l in self._lines}.values()]
        # (a load whose lines were still going on ends once they are off: _after stays _drawn)
        if self._queue:
            self._schedule()

    def _take_off(self, item) -> None:
        """Remove the lines drawn on plot ``item``."""
        for entry in [e for e in self._lines if e[0] is item]:
            self._lines.remove(entry)
            try:
                item.removeItem(entry[1])
            except RuntimeError:  # the plot went with a rebuild
                pass

    def _redraw(self) -> None:
        times = np.asarray([float(m.time) for m in self.markers], dtype=float)
        texts = [m.text for m in self.markers]
        plots = list(self.dash.grid.plots.values())
        shown = {id(plot.item) for plot in plots}
        for item, _lines in list(self._lines):
            if id(item) not in shown:  # a plot gone with a rebuild: nothing to repaint
                self._take_off(item)
        self._queue = [lambda p=plot: self._draw_on(p, times, texts) for plot in plots]
        self._after = self._drawn
        self._schedule()

    def _draw_on(self, plot, times, texts) -> None:
        """Plot ``plot``'s lines for ``times``: its old lines go in the same turn."""
        self._take_off(plot.item)
        if not len(times):
            return
        lines = MarkerLines(times, texts)
        plot.item.addItem(lines, ignoreBounds=True)
        self._lines.append((plot.item, lines))

    def _schedule(self) -> None:
        if not self._scheduled:  # one chain of turns, however often the queue is replaced
            self._scheduled = True
            QTimer.singleShot(DRAW_NEXT_MS, self.button, self._draw_next)

    def _draw_next(self) -> None:
        self._scheduled = False
        if self._queue:
            self._queue.pop(0)()
        if self._queue:
            self._schedule()
            return
        after, self._after = self._after, None
        if after is not None:
            after()

    def _drawn(self) -> None:
        """The lines of a load are on every plot."""
        self.loading = False
        self.load_count += 1

    def items(self) -> list:
        """The :class:`MarkerLines` drawn, one per plot."""
        return [lines for _item, lines in self._lines]

    def texts_at(self, x: float, tolerance: float) -> list[str]:
        """What the markers within ``tolerance`` seconds of ``x`` say (the hover text)."""
        return [m.text for m in self.markers if abs(m.time - x) <= tolerance]


    def readout_at(self, plot, x: float) -> list[str]:
        """Rich-text parts for the dashboard's readout: the marker of ``plot`` near ``x`` (a line
        per entry it stands for, at most ten), empty when none is near or the toggle is off."""
        if not self.shown:
            return []
        for item, lines in self._lines:
            if item is plot.item:
                text = lines.text_at(x)
                if text:
                    shown = [html.escape(line) for line in text.split("\n")]
                    return [f"<span style='color:{MARKER_COLOR}'>┆</span> " + "<br>".join(shown)]
        return []


class MarkerLines(pg.GraphicsObject):
    """Every marker of one plot as one item: vertical dashed lines across the view, painted in
    one call (hundreds of ``InfiniteLine`` items cost ~1 s of UI thread to add and paint).
    Hovering within a few pixels of a line sets the item's tool tip to what that marker says."""

    HOVER_PX = 4

    def __init__(self, times: np.ndarray, texts: list[str]) -> None:
        super().__init__()
        order = np.argsort(times, kind="stable")
        self.times = np.asarray(times, dtype=float)[order]
        self.texts = [texts[i] for i in order]
        self._pen = pg.mkPen(MARKER_COLOR, width=1, style=Qt.PenStyle.DashLine)
        self._pen.setCosmetic(True)
        self.setZValue(-5)
        self.setAcceptHoverEvents(True)

    def viewRangeChanged(self) -> None:  # noqa: N802 - pyqtgraph API
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        vb = self.getViewBox()
        return vb.viewRect() if vb is not None else QRectF()

    def paint(self, painter, *_args) -> None:
        rect = self.boundingRect()
        if rect.isEmpty() or not len(self.times):
            return
        lo, hi = np.searchsorted(self.times, [rect.left(), rect.right()])
        shown = self.times[lo:hi]
        px = self.pixelWidth()
        if px and len(shown) > 1:  # one line per pixel column: 5,000 dashed lines cost ~15 ms a chart
            shown = np.unique(np.floor(shown / px)) * px
        painter.setPen(self._pen)
        top, bottom = rect.top(), rect.bottom()
        painter.drawLines([QLineF(t, top, t, bottom) for t in shown])

    def text_at(self, x: float) -> str:
        """What the marker nearest ``x`` (within a few pixels) says; "" when none is that close."""
        if not len(self.times):
            return ""
        width = self.pixelWidth() or 0.0
        i = int(np.searchsorted(self.times, x))
        best = min((j for j in (i - 1, i) if 0 <= j < len(self.times)), key=lambda j: abs(self.times[j] - x))
        return self.texts[best] if abs(self.times[best] - x) <= self.HOVER_PX * max(width, 1e-9) else ""

    def hoverEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph API
        self.setToolTip("" if ev.isExit() else self.text_at(ev.pos().x()))
