"""The pyqtgraph side of the dashboard: one PlotItem per metric, one curve per instance.

Imported only when a dashboard opens (pyqtgraph is heavy). X axes are linked and show dates
(local time or UTC); curves use ``connect='finite'`` so NaN gap markers break the line; long
ranges are clipped to the view and peak-downsampled.
"""

from __future__ import annotations

import math
import textwrap
import time
import zlib
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QRegion
from shiboken6 import isValid

from aurora_console.core.aws.metrics.units import axis_scale, format_ticks
from aurora_console.ui.theme import palette_is_dark
from aurora_console.ui.ui_first import ui_first

MESSAGE_WIDTH = 44  # characters per line of a plot's message (fits the narrowest plot of a 2-column grid)
# Series colours: eight saturated, clearly different hues first (blue, orange, green, red, violet,
# magenta, teal, olive), each readable as a 1-px line on the theme's plot background; a dashboard
# with more series than that also uses the darker (light theme) or lighter (dark theme) variants.
PRIMARY_LIGHT = ("#1f77b4", "#e8710a", "#2ca02c", "#d62728", "#8c54d0", "#d13fa6", "#0f9fa8", "#8f8a00")
EXTRA_LIGHT = ("#0b4f80", "#a34f00", "#1b6b1b", "#8f1a1b", "#5a2f96", "#8f2270", "#0a6a70", "#5e5a00")
PRIMARY_DARK = ("#4ea3e6", "#ff9a3c", "#4cc94c", "#ff5c5c", "#b48cf0", "#ff7fcf", "#3fd7e5", "#d9d440")
EXTRA_DARK = ("#9ccaf5", "#ffc48a", "#98e598", "#ff9f9f", "#d3bcf7", "#ffb8e4", "#95ebf2", "#ece98f")
PLOT_BACKGROUND = {False: "#ffffff", True: "#1e1f22"}
PALETTE = PRIMARY_LIGHT + EXTRA_LIGHT
COLUMNS = 2
#: Samples drawn per pixel of a plot's width when a long range is downsampled (pyqtgraph's
#: ``autoDownsampleFactor``; its default is 5). Peak downsampling keeps each bin's highest and
#: lowest value, so one bin per pixel already draws the whole band a pixel column covers; five
#: drew and built five times the line segments for the same picture (a week at a 60 s period,
#: 10,080 points a series: ~6,700 vertices per curve instead of ~1,300 on a 600-pixel plot).
POINTS_PER_PIXEL = 1.0
#: After the last resize event of the plots this long (ms), their curves are clipped and
#: downsampled again for the new pixel width; during a drag each keeps what it drew, scaled.
RESIZE_SETTLE_MS = 200
#: Time one event-loop turn spends clipping and downsampling curves again after a resize (s),
#: and the delay before the next turn (ms): a 1 ms timer, so input and timers come in between.
REDRAW_BUDGET_S = 0.006
REDRAW_NEXT_MS = 1


def palette(dark: bool | None = None) -> tuple[str, ...]:
    """The series colours for the light or dark theme (None: the current theme's)."""
    if dark is None:
        dark = palette_is_dark()
    return PRIMARY_DARK + EXTRA_DARK if dark else PRIMARY_LIGHT + EXTRA_LIGHT


def series_color(label: str, dark: bool | None = None) -> str:
    """The preferred colour of a series: a hash of its id into the primary hues."""
    primary = palette(dark)[:len(PRIMARY_LIGHT)]
    return primary[zlib.crc32(label.encode("utf-8")) % len(primary)]


def assign_colors(labels, dark: bool | None = None) -> dict[str, str]:
    """Colours for a dashboard's series, given in the ids' sorted order (the same set of instances
    always gets the same colours, and an instance added later leaves the others' alone when it
    sorts last): blue, orange, green, red, violet, magenta, teal, olive, then the variants."""
    colors = palette(dark)
    return {label: colors[n % len(colors)] for n, label in enumerate(sorted(set(labels)))}


class DisplayHold:
    """While held (``count > 0``), the curves given it keep the points they draw when their view
    changes (:class:`MetricCurve`); they are marked stale instead."""

    def __init__(self) -> None:
        self.count = 0


class MetricCurve(pg.PlotDataItem):
    """A PlotDataItem that can keep what it draws while its view changes.

    pyqtgraph clips and downsamples a curve's data again at every change of its view: its range
    and its width in pixels (on a 1-minute week, ~1 ms a curve; 128 curves a resize step, and a
    resize of the window changes every plot's width, and with it, through the linked x axes,
    every plot's range a little, several times). While ``hold`` or ``plot_held`` holds, a view
    change only marks the curve ``stale``: it keeps drawing its points, scaled to the new view,
    until :meth:`refresh_display` (or new data) clips and downsamples them for the view it has
    then."""

    def __init__(self, *args, hold: DisplayHold | None = None, **kwargs) -> None:
        self.hold = hold or DisplayHold()
        self.plot_held = False
        self.stale = False
        self.drawn_width: float | None = None  # the view's width in pixels its points were made for
        super().__init__(*args, **kwargs)

    def viewRangeChanged(self, vb=None, ranges=None, changed=None):  # noqa: N802 - pyqtgraph API
        if self.plot_held or self.hold.count:
            self.stale = True
            return
        super().viewRangeChanged(vb, ranges, changed)

    def updateItems(self, styleUpdate: bool = True):  # noqa: N802, N803 - pyqtgraph API
        shown = self._datasetDisplay
        super().updateItems(styleUpdate)
        if self._datasetDisplay is not shown:  # clipped and downsampled again: for the view as it is
            self.stale = False
            view = self.getViewBox()
            self.drawn_width = view.width() if view is not None else None

    @property
    def needs_redraw(self) -> bool:
        """A view change was held back, or the view's width is not the one its points were
        downsampled for (pyqtgraph itself redoes them on a change of range, not of width)."""
        if self.stale:
            return True
        view = self.getViewBox()
        return (view is not None and isValid(view) and self._dataset is not None
                and self.drawn_width != view.width())

    def refresh_display(self) -> None:
        """Clip and downsample for the view as it is now, if it :attr:`needs_redraw`; the path
        is built here too, not in the next paint."""
        if self.needs_redraw:
            super().viewRangeChanged()
            self.curve.getPath()


class UnitAxisItem(pg.AxisItem):
    """A value axis whose ticks carry the metric's unit (bytes as KiB/MiB/GiB, %, ms, /s)."""

    def __init__(self, unit: str, **kwargs) -> None:
        super().__init__("left", **kwargs)
        self.unit = unit
        self.enableAutoSIPrefix(False)
        self.setWidth(72)

    def setRange(self, mn: float, mx: float) -> None:  # noqa: N802 - pyqtgraph API
        if self.picture is not None and self.range == [mn, mx]:
            # the same range: its plot was resized in width only (pyqtgraph sets the range again on
            # every resize of the view) - the ticks drawn stay (~1 ms a plot in each resize step)
            return
        super().setRange(mn, mx)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        if not values:
            return []
        top = max(abs(v) for v in values)
        div, suffix = axis_scale(self.unit, top)
        sep = "" if suffix in ("%", "") else " "
        texts = format_ticks(list(values), self.unit, top)
        if len(set(texts)) < len(texts) and spacing > 0 and div:
            # a narrow range on a large value (210.2, 210.4 GiB…) rounded to identical labels:
            # show as many decimals as the tick spacing needs
            decimals = max(0, -math.floor(math.log10(spacing / div)))
            texts = [f"{v / div:,.{decimals}f}" for v in values]
        return [f"{text}{sep}{suffix}" for text in texts]


class SelectViewBox(pg.ViewBox):
    """A ViewBox where a left-button drag selects a time range (``on_drag(x0, x1, finished)`` in
    view coordinates) instead of panning; Shift+drag and middle-drag still pan, right-drag and the
    wheel still zoom."""

    def __init__(self, on_drag: Callable[[float, float, bool], None] | None = None, **kwargs) -> None:
        # no ViewBox context menu: the dashboard has its own (building pyqtgraph's cost ~7 ms a plot)
        kwargs.setdefault("enableMenu", False)
        super().__init__(**kwargs)
        self.on_drag = on_drag

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - pyqtgraph API
        selecting = (self.on_drag is not None and axis is None and ev.button() == Qt.MouseButton.LeftButton
                     and not ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if not selecting:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        x0 = self.mapSceneToView(ev.buttonDownScenePos(Qt.MouseButton.LeftButton)).x()
        x1 = self.mapSceneToView(ev.scenePos()).x()
        self.on_drag(x0, x1, ev.isFinish())


class MetricPlot:
    """One metric's PlotItem with its curves, threshold lines, message, crosshair line and the
    band of the selected time window."""

    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int, title: str, unit: str, utc: bool,
                 colors: dict[str, str], on_drag: Callable[[float, float, bool], None] | None = None,
                 hold: DisplayHold | None = None) -> None:
        self.unit = unit
        self.hold = hold or DisplayHold()  # the grid's: held while its plots are resized
        self.colors = colors
        self.date_axis = pg.DateAxisItem(orientation="bottom", utcOffset=0 if utc else None)
        self.item: pg.PlotItem = layout.addPlot(row=row, col=col, title=title, viewBox=SelectViewBox(on_drag),
                                               axisItems={"bottom": self.date_axis, "left": UnitAxisItem(unit)})
        self.item.showGrid(x=False, y=False)  # grid lines cost more to draw than all the curves
        self.item.setClipToView(True)
        self.item.setDownsampling(auto=True, mode="peak")
        self.item.setMenuEnabled(False)
        self.curves: dict[str, MetricCurve] = {}
        self.data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.thresholds: list[pg.InfiniteLine] = []
        self.message = pg.TextItem("", color="#ff8a8a" if palette_is_dark() else "#b00020", anchor=(0, 0))
        self.message.setParentItem(self.item.vb)
        self.message.setPos(8, 8)
        self.crosshair = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        self.crosshair.setVisible(False)
        self.item.addItem(self.crosshair, ignoreBounds=True)
        self.region: pg.LinearRegionItem | None = None  # the selected time window

    def show_region(self, window: tuple[float, float] | None, on_moved: Callable[[object, bool], None]) -> None:
        """Shade ``window`` (None: remove the band). The band can be moved and its edges dragged:
        ``on_moved(region, finished)``."""
        if window is None:
            if self.region is not None:
                self.item.removeItem(self.region)
                self.region = None
            return
        if self.region is None:
            dark = palette_is_dark()
            self.region = pg.LinearRegionItem(values=window, orientation="vertical", movable=True,
                                              brush=pg.mkBrush(120, 160, 255, 60 if dark else 45),
                                              hoverBrush=pg.mkBrush(120, 160, 255, 90 if dark else 70))
            self.region.setZValue(-10)  # under the curves
            self.region.sigRegionChanged.connect(lambda r: on_moved(r, False))
            self.region.sigRegionChangeFinished.connect(lambda r: on_moved(r, True))
            self.item.addItem(self.region, ignoreBounds=True)
            return
        if tuple(self.region.getRegion()) != tuple(window):
            self.region.blockSignals(True)
            try:
                self.region.setRegion(window)
            finally:
                self.region.blockSignals(False)

    def set_series(self, series: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Replace every curve at once (see :meth:`update_steps` for the incremental way)."""
        queue = self.update_steps(series)
        while queue:
            more = queue.pop(0)()
            if isinstance(more, list):
                queue[0:0] = more

    def update_steps(self, series: list[tuple[str, np.ndarray, np.ndarray]]) -> list[Callable[[], object]]:
        """Small UI-thread steps that bring the curves to ``series`` (one curve per step); a step may
        return a list of further steps to run next."""
        wanted = {label for label, _x, _y in series}

        def begin() -> None:
            # no y auto-range per added curve: each would re-process every curve of the plot
            self.item.vb.disableAutoRange(axis=pg.ViewBox.YAxis)
            for label in list(self.curves):
                if label not in wanted:
                    self.item.removeItem(self.curves.pop(label))
                    self.data.pop(label, None)

        def finish() -> list[Callable[[], None]]:
            self.item.vb.enableAutoRange(axis=pg.ViewBox.YAxis)
            # the y range now, not in the next paint: a range changed there dirtied the plot again,
            # and it was drawn a second time with the next turn's plot
            self.item.vb.prepareForPaint()
            # build each path now, one per step, rather than all of them in the next paint (and
            # a curve whose view changed while held, without new data, is drawn for its view)
            return [curve.refresh_display if curve.needs_redraw else curve.curve.getPath
                    for curve in self.curves.values()]

        return [begin] + [lambda a=args: self._set_curve(*a) for args in series] + [finish]

    def _set_curve(self, label: str, x: np.ndarray, y: np.ndarray) -> None:
        self.data[label] = (x, y)
        curve = self.curves.get(label)
        if curve is None:
            # width 1 keeps the pen cosmetic: Qt's fast path (wide pens cost ~10x to draw)
            color = self.colors.get(label) or series_color(label)
            curve = MetricCurve(x, y, pen=pg.mkPen(color, width=1), name=label, connect="finite",
                                autoDownsampleFactor=POINTS_PER_PIXEL, hold=self.hold)
            self.item.addItem(curve)
            self.curves[label] = curve
        else:
            curve.setData(x, y, connect="finite", autoDownsampleFactor=POINTS_PER_PIXEL)
            color = self.colors.get(label)
            if color and curve.opts["pen"].color().name() != color:
                curve.setPen(pg.mkPen(color, width=1))

    def set_x_range(self, start: float, end: float, new_data: bool = False) -> None:
        """This plot's x range (its linked plots follow unless :meth:`PlotGrid.hold_links`).
        ``new_data``: every curve gets new data next (:meth:`update_steps`), so none clips and
        downsamples its old data for the new range first (each would, ~1 ms a curve on a week
        of 1-minute data, and then again for its new data)."""
        for curve in self.curves.values():
            curve.plot_held = new_data
        try:
            self.item.setXRange(start, end, padding=0)
        finally:
            for curve in self.curves.values():
                curve.plot_held = False

    def stale_curves(self) -> list[MetricCurve]:
        """The curves whose points are not made for the view as it is now (see MetricCurve)."""
        return [curve for curve in self.curves.values() if curve.needs_redraw]

    def set_thresholds(self, thresholds: list[tuple[float, str, bool]]) -> None:
        """``(value, label, in_alarm)`` lines; red when the alarm is firing."""
        for line in self.thresholds:
            self.item.removeItem(line)
        self.thresholds = []
        for value, label, firing in thresholds:
            pen = pg.mkPen("#d62728" if firing else "#e6a100", width=1, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(pos=value, angle=0, movable=False, pen=pen, label=label,
                                   labelOpts={"position": 0.02, "color": pen.color(), "anchors": [(0, 1), (0, 1)]})
            self.item.addItem(line)
            self.thresholds.append(line)

    def set_message(self, text: str | None) -> None:
        # wrapped: a long note ("…replica lag needs a reader") ran past the plot's right edge
        self.message.setText(textwrap.fill(text, MESSAGE_WIDTH) if text else "")
        self.message.setVisible(bool(text))

    def set_utc(self, utc: bool) -> None:
        self.date_axis.utcOffset = 0 if utc else None
        self.date_axis.picture = None
        self.date_axis.update()

    def values_at(self, x: float) -> list[tuple[str, float, float]]:
        """``(label, timestamp, value)`` of each series at the datapoint at or before ``x``."""
        out = []
        for label, (xs, ys) in self.data.items():
            if len(xs) == 0:
                continue
            i = int(np.searchsorted(xs, x, side="right")) - 1
            if i >= 0:
                out.append((label, float(xs[i]), float(ys[i])))
        return out


def window_pixels(widget, size: QSize, corner: QPoint | None = None) -> QImage | None:
    """The pixels of ``widget``'s area of ``size`` as its window was last drawn, from the window's
    backing store (a copy), or None where the platform's backing store is not an image in memory
    or does not hold them. The area starts at ``corner`` (window coordinates), by default the
    widget's top left corner now."""
    store = widget.backingStore()
    image = store.paintDevice() if store is not None else None
    if not isinstance(image, QImage) or image.isNull():
        return None
    ratio = image.devicePixelRatio()
    if corner is None:
        corner = widget.mapTo(widget.window(), QPoint(0, 0))
    rect = QRect(round(corner.x() * ratio), round(corner.y() * ratio),
                 round(size.width() * ratio), round(size.height() * ratio))
    if rect.isEmpty() or not image.rect().contains(rect):
        return None
    still = image.copy(rect)
    still.setDevicePixelRatio(ratio)
    return still


_POINTING = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel)


class PlotsWidget(pg.GraphicsLayoutWidget):
    """The dashboard's plots. A paint of the grid calls into pyqtgraph's Python for every plot,
    axis and curve; it runs with workers stepping aside (``ui/ui_first.py``), so a dashboard's
    data prepared on a worker meanwhile does not make each of those calls wait for the GIL.

    While the window is resized the plots can stand still (:meth:`freeze`): the widget shows the
    picture it last drew, scaled to its new size, and lays nothing out (a lay-out and a repaint of
    8 plots of 16 curves cost 40-65 ms of UI thread at each step of a drag). :meth:`lay_out` then
    lays them out once for the size they have, :meth:`reveal` paints them afresh area by area
    (the rest still shows the scaled picture), and :meth:`thaw` ends it."""

    resized: Callable[[], None] | None = None  # called before each resize is laid out
    touched: Callable[[], None] | None = None  # called on a click or the wheel while a layout waits
    # (class defaults: pyqtgraph's __init__ already resizes the view)
    still: QImage | None = None  # the picture shown, scaled, while frozen
    layout_pending = False  # resized while frozen: the plots keep their old geometry
    _painted: QSize | None = None  # the size the widget last drew itself at, since it was shown
    _painted_at: QPoint | None = None  # where in its window it drew itself then
    _painted_in = None  # that window
    _thawing: QRegion | None = None  # thawed: the area still to be painted over the picture

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._fresh = QRegion()  # while frozen: the areas painted from the plots since lay_out()

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        self._painted = None  # what the window holds for it is not its picture yet
        super().showEvent(ev)

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        if self.still is None:
            with ui_first():
                super().paintEvent(ev)
            self._note_painted()
            return
        region = ev.region()
        fresh = region.intersected(self._fresh)
        if not fresh.isEmpty():
            with ui_first():
                # rect by rect: pyqtgraph draws every item meeting a region's bounding rect (the
                # margins around the plots, in one region, drew every plot again, clipped away)
                for rect in fresh:
                    super().paintEvent(QPaintEvent(rect))
        rest = region.subtracted(self._fresh)
        if not rest.isEmpty():
            painter = QPainter(self.viewport())
            painter.setClipRegion(rest)
            painter.drawImage(QRectF(self.viewport().rect()), self.still)
            painter.end()
        elif self._thawing is not None and self._thawing.subtracted(region).isEmpty():
            self.still = None  # the last of the picture is painted over
            self._thawing = None
            self._fresh = QRegion()
        # what the window holds for the viewport now is a picture of its size (scaled, or partly
        # painted afresh): a freeze from here copies that size, not the size drawn before
        self._note_painted()

    def _note_painted(self) -> None:
        # the area the window's pixels hold this widget's picture in; a resize that also moves
        # the widget (a splitter or dock drag: Qt moves it first) comes before the window draws
        # it at the new place, so a freeze then copies from here, not from where the widget is now
        viewport = self.viewport()
        self._painted = viewport.size()
        self._painted_in = self.window()
        self._painted_at = viewport.mapTo(self._painted_in, QPoint(0, 0))

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt's name
        if self.resized is not None:
            self.resized()
        if ev is not None and self.still is not None and self.layout_pending:
            self.viewport().update()  # the picture scaled to the new size; nothing laid out
            return
        self.layout_pending = False  # (pyqtgraph's own call, ev None, lays out: a new central item)
        super().resizeEvent(ev)
        # each ViewBox's new transform and y range now, not at the start of the next paint:
        # changed there, they dirtied every plot again and the window painted twice per resize
        # (~37 ms of UI thread each for 8 plots of 16 curves)
        self.scene().prepareForPaint()

    def viewportEvent(self, ev) -> bool:  # noqa: N802 - Qt's name
        if self.layout_pending and ev.type() in _POINTING and self.touched is not None:
            # a click or the wheel on the plots while the size settles: they are laid out now
            # (and drawn afresh over the next turns), so the press lands where the plots are
            self.touched()
        return super().viewportEvent(ev)

    def freeze(self) -> bool:
        """Show the picture drawn now, scaled, until :meth:`thaw`; later resizes lay nothing out
        until :meth:`lay_out`. Frozen again while revealing, the picture is the mix shown then.
        False (nothing changes) when the widget has not drawn itself yet."""
        if not self.isVisible() or self._painted is None:
            return False
        still = self._shown_picture()
        if still is None:
            return False
        self.still = still
        self._fresh = QRegion()
        self._thawing = None
        self.layout_pending = True
        return True

    def _shown_picture(self) -> QImage | None:
        """What the viewport shows now (drawn at its size before this resize): its part of the
        window's pixels (no paint), or, where the platform does not give those, one render."""
        size = self._painted
        if self.window() is not self._painted_in:
            # moved to another window since (a dock floated): that window's pixels are not its
            return self._rendered_picture(size)
        still = window_pixels(self.viewport(), size, self._painted_at)
        return still if still is not None else self._rendered_picture(size)

    def _rendered_picture(self, size: QSize) -> QImage | None:
        if size.width() <= 0 or size.height() <= 0:
            return None
        ratio = self.viewport().devicePixelRatioF()
        still = QImage(round(size.width() * ratio), round(size.height() * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)
        still.setDevicePixelRatio(ratio)
        painter = QPainter(still)
        area = QRect(QPoint(0, 0), size)
        with ui_first():
            self.render(painter, QRectF(area), area)  # the plots as laid out: for that size
        painter.end()
        return still

    def lay_out(self) -> None:
        """Lay the plots out for the widget's size now (deferred while frozen); they are painted
        afresh where :meth:`reveal` says."""
        if not self.layout_pending:
            return
        self.layout_pending = False
        pg.GraphicsView.resizeEvent(self, None)  # pyqtgraph's: the scene's range and the layout
        self.scene().prepareForPaint()

    def reveal(self, rect: QRect) -> None:
        """Paint ``rect`` (viewport coordinates) from the plots from now on, not the picture."""
        if self.still is None or self.layout_pending:
            return
        self._fresh = self._fresh.united(QRegion(rect))
        self.viewport().update(rect)

    def thaw(self) -> None:
        """Paint everything from the plots again (what :meth:`reveal` left: the margins)."""
        if self.still is None:
            return
        self.lay_out()
        self._thawing = QRegion(self.viewport().rect()).subtracted(self._fresh)
        self._fresh = QRegion(self.viewport().rect())
        if self._thawing.isEmpty():
            self.still = None
            self._thawing = None
            return
        self.viewport().update(self._thawing)

    @property
    def frozen(self) -> bool:
        return self.still is not None


class PlotGrid:
    """The plots of a dashboard in a GraphicsLayoutWidget, x axes linked to the first plot."""

    def __init__(self, on_hover: Callable[[MetricPlot | None, float], None],
                 on_context: Callable[[str, object], None] | None = None,
                 on_select: Callable[[float, float], None] | None = None) -> None:
        """``on_select(x0, x1)``: a time range was dragged across a plot (or its band moved)."""
        dark = palette_is_dark()
        pg.setConfigOptions(antialias=False, background=PLOT_BACKGROUND[dark],
                            foreground="#c8cacf" if dark else "#333333")
        self.widget = PlotsWidget()
        self.widget.setObjectName("metricsPlots")
        self.plots: dict[str, MetricPlot] = {}
        self.colors: dict[str, str] = {}  # shared by every plot (updated in place)
        self._order: list[str] = []
        self._on_hover = on_hover
        self._proxy = pg.SignalProxy(self.widget.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)
        self._on_context = on_context
        self._on_select = on_select
        self.selection: tuple[float, float] | None = None  # the band every plot shows
        self.widget.scene().sigMouseClicked.connect(self._clicked)
        # a resize holds every curve's points (MetricCurve) until the size settles; then the
        # stale curves are clipped and downsampled again a few per event-loop turn
        self.hold = DisplayHold()
        self._settle = QTimer(self.widget, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(self._resize_settled)
        self._redraw_queue: list[tuple[str, MetricCurve | None]] = []
        self.widget.resized = self._resizing
        self.widget.touched = self._settle_now

    def plot_at(self, scene_pos) -> str | None:
        for key, plot in self.plots.items():
            if plot.item.sceneBoundingRect().contains(scene_pos):
                return key
        return None

    def _clicked(self, event) -> None:
        if self._on_context is None or event.button() != Qt.MouseButton.RightButton:
            return
        key = self.plot_at(event.scenePos())
        if key is not None:
            event.accept()
            self._on_context(key, event.screenPos().toPoint())

    @property
    def keys(self) -> list[str]:
        return list(self._order)

    def rebuild(self, specs: list[tuple[str, str, str]], utc: bool) -> None:
        """``specs``: (metric key, title, unit) in display order."""
        for step in self.rebuild_steps(specs, utc):
            step()

    def rebuild_steps(self, specs: list[tuple[str, str, str]], utc: bool) -> list[Callable[[], None]]:
        """The same as :meth:`rebuild` in UI-thread steps: clear, then one plot per step."""

        def clear() -> None:
            self._redraw_queue = []  # curves of the plots about to go
            self.widget.thaw()  # (a resize under way: the new plots are laid out and drawn as they come)
            self.widget.ci.clear()
            self.plots.clear()
            self._order = []

        def add(n: int, key: str, title: str, unit: str) -> None:
            plot = MetricPlot(self.widget.ci, n // COLUMNS, n % COLUMNS, title, unit, utc, self.colors,
                              self._dragged if self._on_select is not None else None, hold=self.hold)
            if self._order:
                plot.item.setXLink(self.plots[self._order[0]].item)
            self.plots[key] = plot
            self._order.append(key)
            plot.show_region(self.selection, self._region_moved)

        return [clear] + [lambda a=(n, *spec): add(*a) for n, spec in enumerate(specs)]

    def _resizing(self) -> None:
        if not self.hold.count:
            self.hold.count = 1
            self._redraw_queue = []  # a redraw under way: the settled size's comes instead
        if not self.widget.layout_pending and any(plot.curves for plot in self.plots.values()):
            # the first resize of a drag (or one during the redraw): the widget shows what it
            # shows now, scaled, and lays the plots out once the size settles (plots without
            # curves, as a dashboard opens and its controls find their size, are cheap to draw)
            self.widget.freeze()
        self._settle.start()  # again: the size settles RESIZE_SETTLE_MS after the last resize

    def _settle_now(self) -> None:
        if self._settle.isActive():
            self._settle.stop()
            self._resize_settled()

    def _resize_settled(self) -> None:
        if not isValid(self.widget):
            self.hold.count = 0
            return
        # the plots laid out for the settled size, curves held (each is only marked stale)
        self.widget.lay_out()
        self.hold.count = 0
        # per plot: every curve not drawn for its plot's size and range as they are now, then the
        # plot itself (None: shown afresh, where the frozen widget showed its old picture)
        self._redraw_queue = [(key, curve) for key, plot in self.plots.items()
                              for curve in [*plot.stale_curves(), None]]
        # the first plot in a turn of its own (this one laid them out: ~2 ms a plot)
        QTimer.singleShot(REDRAW_NEXT_MS, self.widget, self._redraw_next)

    def _redraw_next(self) -> None:
        """One turn of the redraw after a resize: curves for REDRAW_BUDGET_S, ending the turn
        with a plot's last curve (so each repaint draws one plot)."""
        deadline = time.perf_counter() + REDRAW_BUDGET_S
        with ui_first():
            while self._redraw_queue and not self.hold.count:
                key, curve = self._redraw_queue.pop(0)
                if curve is not None:
                    curve.refresh_display()
                    plot_done = self._redraw_queue and self._redraw_queue[0][1] is None
                    if time.perf_counter() > deadline and not plot_done:
                        QTimer.singleShot(REDRAW_NEXT_MS, self.widget, self._redraw_next)
                        return
                    continue
                plot = self.plots.get(key)
                if plot is not None and isValid(plot.item):
                    plot.item.vb.prepareForPaint()  # its y range now, not in the paint
                    self.widget.reveal(self._area_of(key))
                if self._redraw_queue:
                    QTimer.singleShot(REDRAW_NEXT_MS, self.widget, self._redraw_next)
                    return
            if not self._redraw_queue and not self.hold.count:
                self.widget.thaw()

    def _area_of(self, key: str) -> QRect:
        """The part of the widget a plot stands for: its own rect, widened to halfway across the
        gaps to its neighbours and to the edges where it has none (the areas tile the widget, so
        no margin is left to paint apart: each apart cost a pass over the plots' items)."""
        view = self.widget
        rects = {k: QRectF(view.mapFromScene(p.item.sceneBoundingRect()).boundingRect())
                 for k, p in self.plots.items() if isValid(p.item)}
        own, bounds = rects[key], QRectF(view.viewport().rect())
        left, top, right, bottom = bounds.left(), bounds.top(), bounds.right() + 1, bounds.bottom() + 1
        for other_key, other in rects.items():
            if other_key == key:
                continue
            beside = other.top() < own.bottom() and own.top() < other.bottom()
            above_below = other.left() < own.right() and own.left() < other.right()
            if beside and other.right() <= own.left():
                left = max(left, (other.right() + own.left()) / 2)
            if beside and other.left() >= own.right():
                right = min(right, (own.right() + other.left()) / 2)
            if above_below and other.bottom() <= own.top():
                top = max(top, (other.bottom() + own.top()) / 2)
            if above_below and other.top() >= own.bottom():
                bottom = min(bottom, (own.bottom() + other.top()) / 2)
        return QRectF(QPointF(left, top), QPointF(right, bottom)).toAlignedRect()

    @property
    def redrawing(self) -> bool:
        """Whether curves still wait to be drawn for the plots' size (a resize settling, or its
        redraw under way)."""
        return bool(self.hold.count or self._redraw_queue)

    def set_labels(self, labels) -> None:
        """Fix the colours for this set of series (before curves are drawn)."""
        self.colors.clear()
        self.colors.update(assign_colors(labels))

    def set_x_range(self, start: float, end: float) -> None:
        """Every plot's x range at once (the others follow the first: linked)."""
        if self._order:
            self.plots[self._order[0]].item.setXRange(start, end, padding=0)

    def hold_links(self, held: bool) -> None:
        """While held, a plot's x range changes alone (its linked plots do not follow), so a new
        range can come one plot at a time, with that plot's new curves. One change for all at
        once made every curve of every plot clip and downsample its old data again at the same
        moment (128 curves: a 25-45 ms step and a 50-90 ms repaint, each auto-refresh, as the
        range moves with the clock). Release once every plot has the same range."""
        for plot in self.plots.values():
            plot.item.vb.blockLink(held)

    def set_utc(self, utc: bool) -> None:
        for plot in self.plots.values():
            plot.set_utc(utc)

    def show_selection(self, window: tuple[float, float] | None) -> None:
        """The band of the selected time window on every plot (None: no band)."""
        self.selection = window
        for plot in self.plots.values():
            plot.show_region(window, self._region_moved)

    def _dragged(self, x0: float, x1: float, finished: bool) -> None:
        window = (min(x0, x1), max(x0, x1))
        if not finished:
            self.show_selection(window)  # follows the pointer; the dashboard hears of the end only
        elif self._on_select is not None:
            self._on_select(*window)

    def _region_moved(self, region, finished: bool) -> None:
        window = tuple(float(v) for v in region.getRegion())
        if finished and self._on_select is not None:
            self._on_select(*window)
            return
        self.selection = window
        for plot in self.plots.values():  # the other plots' bands follow the one being dragged
            if plot.region is not None and plot.region is not region:
                plot.show_region(window, self._region_moved)

    def close(self) -> None:
        """Stop the rate-limited mouse proxy and the redraw after a resize: their timers must
        not call into deleted plots."""
        self._settle.stop()
        self._redraw_queue = []
        self.widget.resized = None
        self.widget.touched = None
        if self._proxy is not None:
            self._proxy.disconnect()
            self._proxy = None

    def _mouse_moved(self, event) -> None:
        if self._proxy is None or not isValid(self.widget):
            return  # a move queued by the proxy arrived after the dashboard closed
        pos = event[0]
        for plot in self.plots.values():
            if plot.item.sceneBoundingRect().contains(pos):
                x = plot.item.vb.mapSceneToView(pos).x()
                for other in self.plots.values():
                    other.crosshair.setPos(x)
                    other.crosshair.setVisible(True)
                self._on_hover(plot, x)
                return
        for other in self.plots.values():
            other.crosshair.setVisible(False)
        self._on_hover(None, math.nan)
