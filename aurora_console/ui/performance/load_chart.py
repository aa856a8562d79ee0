"""The Load chart: database load (average active sessions) over time, stacked by wait, with the
instance's vCPU count as a line, a label saying where the data comes from (Performance Insights
or the console's own sampling) and why, the statements with the most load, and a readout of the
waits under the pointer.

Plain data in (``set_series(LoadSeries)``, ``set_message``), no I/O; what is drawn is the
Qt-free ``LoadStack``. pyqtgraph is imported with this module (the screen imports it when the
Load tab is built).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.ui.theme import palette_is_dark

from .load_stack import LoadStack
from .top_sql_table import one_line

FILL_ALPHA = 200


def _background(dark: bool) -> str:
    """The plot background of the theme (the metrics charts use the same two)."""
    return "#1e1f22" if dark else "#ffffff"


class LoadChart(QWidget):
    def __init__(self, parent: QWidget | None = None, *, utc: bool = False) -> None:
        super().__init__(parent)
        self.utc = utc
        self.stack = LoadStack()
        dark = palette_is_dark()
        self.source_label = QLabel(objectName="loadSource")
        self.source_label.setStyleSheet("font-weight: bold")
        self.reason_label = QLabel(objectName="loadReason", wordWrap=True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label = QLabel(objectName="loadSummary", wordWrap=True)
        self.legend = QLabel(objectName="loadLegend", wordWrap=True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.readout = QLabel(objectName="loadReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setMinimumHeight(20)

        self.date_axis = pg.DateAxisItem(orientation="bottom", utcOffset=0 if utc else None)
        self.plot = pg.PlotWidget(axisItems={"bottom": self.date_axis}, background=_background(dark))
        self.plot.setObjectName("loadPlot")
        self.plot.setLabel("left", "Average active sessions")
        self.plot.setMenuEnabled(False)
        self.plot.getPlotItem().vb.setMouseEnabled(x=True, y=False)
        self.plot.setLimits(yMin=0)
        self.message = pg.TextItem("", color="#ff8a8a" if dark else "#b00020", anchor=(0, 0))
        self.message.setParentItem(self.plot.getPlotItem().vb)
        self.message.setPos(8, 8)
        self.vcpu_line = pg.InfiniteLine(angle=0, movable=False,
                                         pen=pg.mkPen("#e0e0e0" if dark else "#202020", width=1,
                                                      style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={
                                             "position": 0.03, "anchors": [(0, 1), (0, 1)],
                                             "color": "#e0e0e0" if dark else "#202020",
                                             "fill": pg.mkBrush(30, 31, 34, 220) if dark else pg.mkBrush(255, 255, 255, 220)})
        self.vcpu_line.setVisible(False)
        self.vcpu_line.setZValue(1000)  # over the stacked areas
        self.plot.addItem(self.vcpu_line, ignoreBounds=True)
        self.crosshair = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", style=Qt.PenStyle.DotLine))
        self.crosshair.setVisible(False)
        self.plot.addItem(self.crosshair, ignoreBounds=True)
        self.fills: list[pg.PlotCurveItem] = []
        self._proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)

        self.by_sql = QTableWidget(0, 2, objectName="loadBySql")
        self.by_sql.setHorizontalHeaderLabels(["Active sessions", "Statement (most load first)"])
        self.by_sql.verticalHeader().setVisible(False)
        self.by_sql.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.by_sql.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.by_sql.horizontalHeader().resizeSection(0, 120)

        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        for w in (self.source_label, self.reason_label, self.summary_label, self.legend, self.readout):
            box.addWidget(w)
        box.addWidget(self.plot, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.by_sql)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self._show_message("No load read yet.")

    # -- plain data in ---------------------------------------------------------------------------
    def set_series(self, series) -> None:
        """Draw a ``LoadSeries``: its layers, vCPU line, source and reason."""
        self.set_stack(LoadStack.from_series(series))

    def set_stack(self, stack: LoadStack) -> None:
        """Draw a ``LoadStack`` built elsewhere (``LoadStack.from_series`` is Qt-free: a worker
        thread may build it and spare the UI thread that step)."""
        self.stack = stack
        self._draw()

    def set_message(self, text: str) -> None:
        """Nothing to draw, and why (no connection, paused...); the last chart stays."""
        self._show_message(text)

    def set_utc(self, utc: bool) -> None:
        self.utc = utc
        self.date_axis.utcOffset = 0 if utc else None
        self.date_axis.picture = None
        self.date_axis.update()
        self.summary_label.setText(self.stack.summary(utc))

    def shutdown(self) -> None:
        """Stop the rate-limited mouse proxy: its timer must not call into a deleted plot."""
        if self._proxy is not None:
            self._proxy.disconnect()
            self._proxy = None

    # -- drawing ---------------------------------------------------------------------------------
    def _draw(self) -> None:
        stack, item = self.stack, self.plot.getPlotItem()
        for curve in self.fills:
            item.removeItem(curve)
        self.fills = []
        # the top of the stack first: each lower layer paints over the one above, down to 0
        for z, layer in enumerate(reversed(stack.layers)):
            color = pg.mkColor(layer.color)
            color.setAlpha(FILL_ALPHA)
            for xs, _bottom, tops in layer.segments(stack.x):
                curve = pg.PlotCurveItem(xs, tops, pen=pg.mkPen(layer.color, width=1), fillLevel=0,
                                         brush=pg.mkBrush(color), name=layer.wait)
                curve.setZValue(z)
                item.addItem(curve)
                self.fills.append(curve)
        self.vcpu_line.setVisible(stack.vcpus is not None)
        if stack.vcpus is not None:  # visible first: a hidden line's label does not take new text
            self.vcpu_line.setPos(stack.vcpus)
            self.vcpu_line.label.setFormat(f"{stack.vcpus} vCPUs")
            self.vcpu_line.label.setText(f"{stack.vcpus} vCPUs")
        peak = stack.peak()
        top = max((peak[1] if peak else 0.0), float(stack.vcpus or 0), 1.0)
        item.setYRange(0, top * 1.15, padding=0)
        if stack.x:
            item.setXRange(stack.x[0], stack.x[-1] + stack.step_s, padding=0)
        self.source_label.setText(stack.source_title())
        reason = stack.reason + (f" {stack.vcpus_note}" if stack.vcpus_note else "")
        self.reason_label.setText(reason.strip())
        self.reason_label.setVisible(bool(reason.strip()))
        self.summary_label.setText(stack.summary(self.utc))
        self.legend.setText(" &nbsp;&nbsp; ".join(
            f"<span style='color:{layer.color}; font-size:14px'>■</span>&nbsp;{layer.wait} "
            f"({layer.average:.2f})" for layer in reversed(stack.layers)))
        self.by_sql.setRowCount(len(stack.by_sql))
        for row, sql in enumerate(stack.by_sql):
            aas = QTableWidgetItem(f"{sql.aas:.2f}")
            aas.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            text = QTableWidgetItem(one_line(sql.statement))
            text.setToolTip(sql.statement)
            self.by_sql.setItem(row, 0, aas)
            self.by_sql.setItem(row, 1, text)
        self._show_message(None if stack.has_data else "No load data in this window yet.")

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    def _mouse_moved(self, event) -> None:
        from shiboken6 import isValid

        if self._proxy is None or not isValid(self.plot):
            return
        pos = event[0]
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(pos):
            self.crosshair.setVisible(False)
            self.readout.setText("")
            return
        t = vb.mapSceneToView(pos).x()
        self.show_values_at(t)

    def show_values_at(self, t: float) -> None:
        """The readout (and crosshair) at time ``t``: each wait's active sessions at that step."""
        found = self.stack.values_at(t)
        if found is None:
            self.crosshair.setVisible(False)
            self.readout.setText("")
            return
        step, values = found
        self.crosshair.setPos(t)
        self.crosshair.setVisible(True)
        when = datetime.fromtimestamp(step, timezone.utc if self.utc else None)
        colors = {layer.wait: layer.color for layer in self.stack.layers}
        total = sum(v for _w, v in values if not math.isnan(v))
        parts = [f"<b>{when:%H:%M:%S}{' UTC' if self.utc else ''}</b>", f"total {total:.2f}"]
        parts += [f"<span style='color:{colors[w]}'>■</span> {w}: {v:.2f}" for w, v in values if v > 0]
        self.readout.setText(" &nbsp; ".join(parts))
