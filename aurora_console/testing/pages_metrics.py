"""Page object for the metrics dashboard: ``console.metrics(cluster_id)``.

    page = console.metrics("aurora-pg-prod")     # opens the dashboard, waits for the first load
    page.metric_names()                           # ['CPUUtilization', 'DatabaseConnections', ...]
    page.set_range("1d")                          # or seconds, or (start_epoch, end_epoch)
    page.series("CPUUtilization")                 # {'instance-1': [(epoch, value), ...], ...}
    page.refresh()

Reading metrics changes nothing, so no call here needs ``--aurora-allow-changes``.
"""

from __future__ import annotations

import math

from aurora_console.core.aws.metrics.catalog import find_metric
from aurora_console.testing.deprecation import renamed


class MetricsPage:
    def __init__(self, root, cluster_id: str, instance_id: str | None = None, timeout_ms: int = 60000) -> None:
        from aurora_console.ui.metrics import open_metrics

        self.root = root
        self.cluster_id = cluster_id
        self.timeout_ms = timeout_ms
        refs = [s.ref for s in root.window.navigator.model.summaries() if s.ref.cluster_id == cluster_id]
        if not refs:
            raise LookupError(f"cluster {cluster_id!r} is not in the navigator (known: {root.cluster_ids()})")
        self.dashboard = open_metrics(root.window, refs[0], instance_id)
        self.wait()

    # -- waiting -----------------------------------------------------------------------------
    def wait(self, after: int = 0) -> None:
        """Wait until more than ``after`` loads have been drawn (and none is running)."""
        d = self.dashboard
        self.root.qtbot.waitUntil(lambda: d.load_count > after and not d.loading, timeout=self.timeout_ms)

    def wait_loaded(self, after: int = 0) -> None:
        """Deprecated name of :meth:`wait`."""
        renamed("MetricsPage.wait_loaded()", "wait()")
        self.wait(after)

    def _reload(self, action) -> None:
        before = self.dashboard.load_count
        action()
        self.wait(before)

    # -- reading -----------------------------------------------------------------------------
    def metric_names(self) -> list[str]:
        """CloudWatch metric names of the plots, in display order (role views as ``Name@role``)."""
        return list(self.dashboard.metric_keys())

    def series(self, metric: str) -> dict[str, list[tuple[float, float]]]:
        """Per instance (or cluster / role) the datapoints shown: (epoch seconds, value), gaps omitted."""
        data = self.dashboard.data
        plot = data.plot(metric)
        return {s.label: [(t, v) for t, v in s.points() if not math.isnan(v)] for s in plot.series}

    def message(self, metric: str) -> str | None:
        """The text shown inside a plot (an error, or why it is empty), None when all is well."""
        return self.dashboard.plot_message(self.dashboard.data.plot(metric))

    def period(self) -> int:
        return self.dashboard.data.period

    def status(self) -> str:
        return self.dashboard.status_label.text()

    # -- acting ------------------------------------------------------------------------------
    def set_range(self, value) -> None:
        """A preset ('1h', '3h', '12h', '1d', '1w', '2w'), seconds, or ``(start, end)`` epoch seconds."""
        self._reload(lambda: self.dashboard.set_range(value))

    def set_statistic(self, stat: str | None, metric: str | None = None) -> None:
        """The statistic of every plot, or of one plot (``metric``); None = the default."""
        if metric is None:
            self._reload(lambda: self.dashboard.set_stat(stat))
        else:
            self._reload(lambda: self.dashboard.set_plot_stat(metric, stat))

    def add_metric(self, key: str) -> None:
        if find_metric(key) is None:
            raise KeyError(key)
        self._reload(lambda: self.dashboard.set_metric_shown(key, True))

    def remove_metric(self, key: str) -> None:
        self._reload(lambda: self.dashboard.set_metric_shown(key, False))

    def refresh(self) -> None:
        self._reload(self.dashboard.refresh)

    def select_window(self, start: float, end: float) -> tuple[int, int]:
        """Select the time window ``start``..``end`` (epoch seconds) as a drag across a chart does;
        returns it as the charts show it (whole seconds)."""
        if not self.dashboard.select_window(start, end):
            raise ValueError(f"not a time window: {start!r} .. {end!r}")
        return self.dashboard.selection.window

    def window_actions(self) -> list[str]:
        """What a chart's menu offers on a selected window ("Explain this window", ...)."""
        return [text for text, _callback in self.dashboard.time_window_actions()]

    def run_window_action(self, text: str = "Explain this window"):
        """Choose ``text`` on the selected window; returns what the action returns (for "Explain
        this window": the Performance screen it opened)."""
        if self.dashboard.selection.window is None:
            raise RuntimeError("no time window is selected: call select_window(start, end) first")
        for label, callback in self.dashboard.time_window_actions():
            if label == text:
                return self.dashboard.run_time_window_action(callback)
        raise LookupError(f"no time-window action {text!r} (offered: {self.window_actions()})")

    def export_png(self, path) -> None:
        self.dashboard.export_png(path)

    def export_csv(self, path) -> int:
        return self.dashboard.export_csv(path)
