"""The metrics dashboard tab for one cluster (or one instance of it).

All CloudWatch work runs in core (``MetricsService``) through the task runner; results come
back on the UI thread and are applied one plot per event-loop turn, so the window stays
responsive while a week of data for many instances is drawn.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.errors import cluster_gone_text
from aurora_console.core.aws.metrics.dashboard import (
    QUIET_STATES,
    DashboardData,
    DashboardRequest,
    DashboardScope,
    MetricsService,
    cluster_members,
    explain_empty,
)
from aurora_console.core.aws.metrics.export import write_csv
from aurora_console.core.aws.metrics.layout import (
    SECTION,
    DashboardLayout,
    layout_key,
    read_layout,
    write_layout,
)
from aurora_console.core.aws.metrics.range import TimeRange
from aurora_console.core.aws.metrics.units import format_value
from aurora_console.core.errors import user_text
from aurora_console.core.private_files import atomic_write_bytes
from aurora_console.ui import full_collections, switch_interval
from aurora_console.ui.metrics.controls import (
    CUSTOM,
    build_controls,
    export_csv_dialog,
    export_png_dialog,
    plot_menu,
)
from aurora_console.ui.metrics.markers import ChangeMarkers
from aurora_console.ui.metrics.plots import PlotGrid
from aurora_console.ui.metrics.selection import TimeSelection
from aurora_console.ui.state_banner import StateBanner
from aurora_console.ui.ui_first import ui_first

log = logging.getLogger(__name__)

#: Time one event-loop turn spends drawing steps; its repaint of what changed follows it in the
#: same gap between two turns (5-13 ms CPU for a row of plots), so both together stay near 15 ms
#: of CPU (was 10 ms: 20-26 ms a gap, over 50 ms on a busy 2-core machine)
APPLY_BUDGET_S = 0.006
#: The next turn's steps come from a timer this many ms later, not a zero-delay one: a chain of
#: zero-delay calls ran two slices and their repaints before the event loop served its timers
#: and input again (~40 ms stalls; one slice and one repaint, ~20 ms, with a 1 ms timer).
APPLY_NEXT_MS = 1
#: A step's answer that ends the turn early: one plot's steps are done. The repaint after a turn
#: draws every plot whose items changed in it; a turn that finished one plot and began the next
#: repainted both (two to three plots, 8-22 ms of CPU on top of the turn's 6 ms). Ending the turn
#: with the plot, each repaint draws the one plot whose curves changed (3-6 ms).
PLOT_DONE = object()


def _release_when_ended(handle) -> None:
    """One :func:`switch_interval.release` and one :func:`full_collections.release` for the
    holds taken for ``handle``, when it ends."""
    released = []

    def release(*_args) -> None:
        if not released:
            released.append(True)
            switch_interval.release()
            full_collections.release()

    if handle.done:  # never ran (submitted for a dashboard already closed): no signal will come
        release()
        return
    for signal in (handle.signals.finished, handle.signals.failed, handle.signals.cancelled):
        signal.connect(release)


def prepare(data: DashboardData) -> DashboardData:
    """Worker thread: turn the series into numpy arrays once, so the UI thread only hands them over."""
    for plot in data.plots:
        for s in plot.series:
            s.x = np.asarray(s.timestamps, dtype=float)  # type: ignore[attr-defined]
            s.y = np.asarray(s.values, dtype=float)  # type: ignore[attr-defined]
    return data


class MetricsDashboard(QWidget):
    loaded = Signal(object)  # DashboardData, after every plot is drawn
    load_failed = Signal(str)

    def __init__(self, services, ref, instance_id: str | None = None, parent: QWidget | None = None,
                 service: MetricsService | None = None, time_window_actions=None, chart_markers=None) -> None:
        """``time_window_actions()``: the window's ``(text, callback(ref, start, end))`` actions,
        offered on a time window selected on the charts (``window.time_window_actions``);
        ``chart_markers()``: the window's ``(name, source)`` marker sources (``window.chart_marker_sources``)."""
        super().__init__(parent)
        self.setObjectName("metricsDashboard")
        self.services = services
        self.ref = ref
        self.instance_id = instance_id
        # keyed by the profile's name as the window shows it ("sandbox" on the sandbox, never "default")
        self._key = layout_key(services.profile_label(ref.profile), ref.region, ref.cluster_id)
        self.layout_state: DashboardLayout = read_layout(services.settings.section(SECTION), self._key, ref.engine)
        self.time_range = TimeRange.last(self.layout_state.preset)
        self.service = service or MetricsService(lambda: services.aws.client("cloudwatch", ref.target),
                                                 profile=ref.profile)
        self.scope: DashboardScope | None = None
        self.cluster_status: str | None = None  # from the members load: "stopped" explains empty plots
        self.forced_period: int | None = None  # e.g. 60 to ask for 1-minute data over a week
        self.data: DashboardData | None = None
        self.loading = False
        self.load_count = 0
        self._pending = False
        # tasks are submitted with owner=self: once the tab is destroyed the runner cancels the
        # load and drops its late results
        self._apply_queue: list = []
        self._time_window_actions = time_window_actions or (lambda: [])
        self.selection = TimeSelection()  # the time window dragged across the charts
        self.markers = ChangeMarkers(self, chart_markers or (lambda: []))  # lines where the cluster changed
        self._build()
        # pyqtgraph's and numpy's modules, imported for the first dashboard, live as long as the
        # app: out of every full collection from now on (ui/full_collections.py)
        full_collections.freeze_first_opening("metrics")
        self.selection.changed.connect(self._selection_changed)
        self._timer = QTimer(self, interval=1000 * max(1, self.layout_state.refresh_seconds))
        self._timer.timeout.connect(self.refresh)
        self._set_auto_refresh(self.layout_state.refresh_seconds)
        QTimer.singleShot(0, self, self._load_members)

    # -- widgets -----------------------------------------------------------------------------
    def _build(self) -> None:
        controls = build_controls(self)
        bar = QHBoxLayout()
        for w in controls:
            bar.addWidget(w)
        bar.addWidget(self.markers.button)
        bar.addStretch(1)
        self.status_label = StateBanner(objectName="metricsStatus")
        bar.addWidget(self.status_label)
        self.selection_label = QLabel(objectName="metricsSelection")
        self.selection_label.setToolTip("Drag across a chart to select a time window (Shift+drag pans); "
                                        "right-click a chart for what to do with it")
        self.selection_label.setVisible(False)
        self.legend = QLabel(objectName="metricsLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.readout = QLabel(objectName="metricsReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setMinimumHeight(20)
        self.grid = PlotGrid(self._hovered, self._plot_menu, self._dragged)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(bar)
        box.addWidget(self.selection_label)
        box.addWidget(self.legend)
        box.addWidget(self.readout)
        box.addWidget(self.grid.widget, 1)

    # -- public API (page object, tests) -------------------------------------------------------
    def metric_keys(self) -> list[str]:
        return list(self.layout_state.metrics)

    def set_range(self, value) -> None:
        """A preset name ('1h', '1w', ...), a number of seconds, or ``(start, end)`` epoch seconds."""
        if isinstance(value, tuple):
            self.time_range = TimeRange.absolute(*value)
            self.range_combo.setCurrentIndex(self.range_combo.findData(CUSTOM))
        else:
            self.time_range = TimeRange.last(value)
            if isinstance(value, str):
                self.layout_state.preset = value
                self.range_combo.setCurrentIndex(self.range_combo.findData(value))
                self._save()
        self.refresh()

    def set_stat(self, stat: str | None) -> None:
        """The statistic of every plot (clears per-plot choices)."""
        self.layout_state.stat = stat
        self.layout_state.stat_overrides = {}
        self.stat_combo.setCurrentIndex(max(0, self.stat_combo.findData(stat)))
        self._save()
        self.refresh()

    def set_plot_stat(self, key: str, stat: str | None) -> None:
        """The statistic of one plot (None: back to the dashboard's choice)."""
        if stat is None:
            self.layout_state.stat_overrides.pop(key, None)
        else:
            self.layout_state.stat_overrides[key] = stat
        self._save()
        self.refresh()

    def set_utc(self, utc: bool) -> None:
        self.layout_state.utc = utc
        self.tz_combo.setCurrentIndex(1 if utc else 0)
        self.grid.set_utc(utc)
        if self.selection.window is not None:
            self._selection_changed(self.selection.window)  # its text in the new time zone
        self._save()

    def set_metric_shown(self, key: str, shown: bool) -> None:
        metrics = [m for m in self.layout_state.metrics if m != key]
        if shown:
            metrics.append(key)
        if metrics == self.layout_state.metrics:
            return
        self.layout_state.metrics = metrics
        for action in self.metrics_menu.actions():
            if action.data() == key and action.isChecked() != shown:
                action.blockSignals(True)
                action.setChecked(shown)
                action.blockSignals(False)
        self._save()
        self.refresh()

    def select_window(self, start: float, end: float) -> bool:
        """Select the time window ``start``..``end`` (epoch seconds), as a drag across a chart does."""
        return self.selection.select(start, end)

    def clear_selection(self) -> None:
        self.selection.clear()

    def time_window_actions(self) -> list:
        """``(text, callback(ref, start, end))``: what the window offers on a selected time window."""
        return list(self._time_window_actions())

    def run_time_window_action(self, callback):
        """Run one of :meth:`time_window_actions` on the selected window and return what it
        returns (no window selected: nothing happens, None)."""
        if self.selection.window is None:
            return None
        return callback(self.ref, *self.selection.window)

    def zoom_to_selection(self) -> None:
        """Show just the selected window (a custom range); the band goes, the whole view is it."""
        window = self.selection.window
        if window is not None:
            self.selection.clear()
            self.set_range(window)

    def refresh(self) -> None:
        if self.scope is None:  # the members never loaded (no session yet, or they failed): again
            if not self.loading:
                self._load_members()
            return
        if self.loading:
            self._pending = True
            return
        self._start_load()

    def export_png(self, path: str | Path) -> None:
        from pyqtgraph import exporters

        exporter = exporters.ImageExporter(self.grid.widget.ci)
        exporter.parameters()["width"] = max(800, int(self.grid.widget.width()))
        image = exporter.export(toBytes=True)  # Qt's own save would create the file 0644 (umask)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise OSError(f"could not encode the dashboard as PNG for {path}")
        buffer.close()
        atomic_write_bytes(path, bytes(data), private_parent=False)  # owner-only, as every export

    def export_csv(self, path: str | Path) -> int:
        if self.data is None:
            raise RuntimeError("nothing loaded yet")
        return write_csv(self.data, Path(path))

    def shutdown(self) -> None:
        self._timer.stop()
        self.services.runner.cancel_owned(self)
        self.grid.close()

    # -- loading -----------------------------------------------------------------------------
    def _load_members(self) -> None:
        if self.services.aws is None:
            self.status_label.empty("No AWS profile or sandbox is active: choose a profile in the navigator.")
            return
        aws, ref = self.services.aws, self.ref
        self.loading = True
        self.status_label.loading("Reading cluster members…")
        self.services.runner.submit(
            lambda ctx: cluster_members(aws.client("rds", ref.target), ref.cluster_id),
            name=f"Metrics: members of {ref.cluster_id}", on_done=self._members_loaded,
            on_error=self._failed, owner=self)

    def _members_loaded(self, members) -> None:
        self.loading = False
        self.cluster_status = members.status
        self.scope = DashboardScope(self.ref.cluster_id, self.ref.engine, tuple(members.instances), self.instance_id)
        self._start_load()

    def _request(self) -> DashboardRequest:
        return DashboardRequest(self.scope, tuple(self.layout_state.metrics), self.time_range,
                                stat=self.layout_state.stat, forced_period=self.forced_period,
                                stat_overrides=tuple(sorted(self.layout_state.stat_overrides.items())))

    def _start_load(self) -> None:
        request, service = self._request(), self.service
        self.loading, self._pending = True, False
        self.status_label.loading("Reading CloudWatch metrics…")
        # while the worker parses and prepares the series (Python without pause for up to seconds
        # at a 60 s period), it gives the GIL back within 1 ms when the UI thread asks for it
        # (``ui/switch_interval.py``), and the garbage collector's full passes wait: one over the
        # parse's millions of live objects held the GIL ~115 ms (``ui/full_collections.py``).
        # Both released once when the task ends, whichever way, also when the dashboard closed
        # meanwhile (the handle's own signals always come)
        switch_interval.hold()
        full_collections.hold()
        handle = self.services.runner.submit(
            lambda ctx: prepare(service.load(request, task=ctx)),
            name=f"Metrics: {self.ref.cluster_id}", queue=f"metrics:{self._key}",
            on_done=self._loaded, on_error=self._failed, on_cancelled=self._cancelled, owner=self)
        _release_when_ended(handle)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        text = user_text(exc)
        gone = cluster_gone_text(exc, self.ref.cluster_id, self.ref.region,
                                 self.services.profile_label(self.ref.profile))
        if gone:
            self.scope = None  # nothing to plot; Refresh asks again (it may have come back)
            text = gone
        if gone:
            self.status_label.empty(text)
        else:
            self.status_label.error(f"Failed: {text}", getattr(exc, "hint", "") or "", retry=self.refresh)
        self.load_failed.emit(text)
        log.warning("metrics dashboard %s failed: %s", self.ref.cluster_id, text)
        if self._pending:
            self.refresh()

    def _cancelled(self) -> None:
        self.loading = False

    def _loaded(self, data: DashboardData) -> None:
        """Queue the drawing as small steps; each turn of the event loop runs ~15 ms of them and
        repaints what changed, so no single stall has to draw the whole dashboard."""
        specs = [(p.metric.key, f"{p.metric.title} · {p.stat}", p.metric.unit) for p in data.plots]
        steps: list = []
        if [s[0] for s in specs] != self.grid.keys or any(
                self.grid.plots[k].item.titleLabel.text != t for k, t, _u in specs):
            steps += self.grid.rebuild_steps(specs, self.layout_state.utc)
        labels = [s.label for p in data.plots for s in p.series]
        if set(labels) != set(self.grid.colors):
            self.grid.set_labels(labels)
            self._show_legend(data)
        # each plot takes the new x range just before its curves (clipping and downsampling
        # follow the view), its linked neighbours held back until all have it (plots.hold_links)
        steps.append(lambda: self.grid.hold_links(True))
        steps += [lambda d=plot_data: self._plot_steps(d, data.start, data.end) for plot_data in data.plots]
        steps.append(lambda: self.grid.hold_links(False))
        self._apply_queue = steps
        self._apply_data = data
        QTimer.singleShot(APPLY_NEXT_MS, self, self._apply_next)

    def _apply_next(self) -> None:
        deadline = time.perf_counter() + APPLY_BUDGET_S
        with ui_first():  # pyqtgraph's Python runs while workers step aside (ui/ui_first.py)
            ran = 0
            while self._apply_queue:
                more = self._apply_queue.pop(0)()
                ran += 1
                if isinstance(more, list):
                    self._apply_queue[0:0] = more
                plot_done = more is PLOT_DONE and ran > 1  # (a turn that only found the mark goes on)
                if (plot_done and self._apply_queue) or time.perf_counter() > deadline:
                    QTimer.singleShot(APPLY_NEXT_MS, self, self._apply_next)
                    return
        self._finish_apply()

    def _plot_steps(self, plot_data, start: float, end: float) -> list:
        plot = self.grid.plots.get(plot_data.metric.key)
        if plot is None:
            return []
        steps = [lambda: plot.set_x_range(start, end, new_data=True)]  # its curves' new data comes next
        steps += plot.update_steps([(s.label, s.x, s.y) for s in plot_data.series if s.error is None])
        steps.append(lambda: (
            plot.set_thresholds([(t.value, t.label, t.state == "ALARM") for t in plot_data.thresholds]),
            plot.set_message(self.plot_message(plot_data))))
        steps.append(lambda: PLOT_DONE)  # the next plot begins in a turn (and repaint) of its own
        return steps

    def plot_message(self, plot_data) -> str | None:
        """What the plot shows inside it: an error, or why it is empty."""
        return explain_empty(plot_data.message, self.cluster_status)

    def _finish_apply(self) -> None:
        data = self._apply_data
        self.data = data
        when = datetime.fromtimestamp(data.end, timezone.utc if self.layout_state.utc else None)
        note = f" · {data.alarms_error}" if data.alarms_error else ""
        if (self.cluster_status or "").lower() in QUIET_STATES:
            note += f" · cluster {self.cluster_status}: no new metrics until it runs"
        self._show_status(f"{self.time_range.describe()} · {data.period // 60} min period · "
                          f"{data.calls} call(s) · until {when:%Y-%m-%d %H:%M}{note}")
        self.loading = False
        self.load_count += 1
        self.markers.data_shown()
        self.loaded.emit(data)
        if self._pending:
            self.refresh()

    # -- controls ----------------------------------------------------------------------------
    def _range_chosen(self, _index: int) -> None:
        value = self.range_combo.currentData()
        if value != CUSTOM:
            self.set_range(value)
            return
        from aurora_console.ui.metrics.range_dialog import CustomRangeDialog

        start, end = (self.data.start, self.data.end) if self.data else self.time_range.resolve()
        dialog = CustomRangeDialog(start, end, self.layout_state.utc, self)
        dialog.accepted.connect(lambda: self.set_range(dialog.range()))
        dialog.open()

    def _stat_chosen(self, _index: int) -> None:
        self.set_stat(self.stat_combo.currentData())

    def _tz_chosen(self, index: int) -> None:
        self.set_utc(index == 1)

    def _set_auto_refresh(self, seconds: int) -> None:
        self.layout_state.refresh_seconds = int(seconds or 0)
        self._timer.stop()
        if seconds:
            self._timer.start(1000 * int(seconds))
        self._save()

    def _save(self) -> None:
        write_layout(self.services.settings.section(SECTION), self._key, self.layout_state)
        try:
            self.services.settings.save()
        except Exception as exc:  # noqa: BLE001 - a failed save must not break the dashboard
            log.warning("could not save the metrics layout: %s", exc)

    def _show_legend(self, data: DashboardData) -> None:
        """One legend for the dashboard: every series keeps its colour on every plot."""
        roles = {i.id: i.role.lower() for i in (self.scope.instances if self.scope else ())}
        parts = []
        for label, color in self.grid.colors.items():
            role = f" ({roles[label]})" if label in roles else ""
            parts.append(f"<span style='color:{color}; font-size:14px'>━━</span>&nbsp;{label}{role}")
        self.legend.setText(" &nbsp;&nbsp; ".join(parts))

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _hovered(self, plot, x: float) -> None:
        if plot is None or math.isnan(x):
            self.readout.setText("")
            return
        when = datetime.fromtimestamp(x, timezone.utc if self.layout_state.utc else None)
        parts = [f"<b>{when:%Y-%m-%d %H:%M}{' UTC' if self.layout_state.utc else ''}</b>"]
        for label, _t, value in sorted(plot.values_at(x)):
            parts.append(f"<span style='color:{self.grid.colors.get(label, '#000')}'>■</span> {label}: "
                         f"{format_value(value, plot.unit)}")
        parts += self.markers.readout_at(plot, x)  # a change marker under the pointer: what it was
        self.readout.setText(" &nbsp; ".join(parts))

    def plot_menu(self, key: str):
        return plot_menu(self, key)

    def _dragged(self, start: float, end: float) -> None:
        self.selection.select(start, end)
        self.grid.show_selection(self.selection.window)  # a drag of no length: back to what was selected

    def _selection_changed(self, window) -> None:
        self.grid.show_selection(window)
        if window is None:
            self.selection_label.setVisible(False)
            self.selection_label.setText("")
            return
        self.selection_label.setText(f"Selected {self.selection.describe(self.layout_state.utc)} · "
                                     "right-click a chart for what to do with it")
        self.selection_label.setVisible(True)

    def _plot_menu(self, key: str, screen_pos) -> None:
        self.plot_menu(key).popup(screen_pos)

    def _export_png_dialog(self) -> None:
        export_png_dialog(self)

    def _export_csv_dialog(self) -> None:
        export_csv_dialog(self)
