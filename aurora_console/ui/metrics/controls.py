"""The dashboard's controls: range, statistic, time zone, auto-refresh, metrics and export menus."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFileDialog, QMenu, QPushButton, QToolButton

from aurora_console.core.aws.metrics.catalog import metrics_for_engine
from aurora_console.core.aws.metrics.layout import REFRESH_CHOICES
from aurora_console.core.aws.metrics.query import DASHBOARD_STATS
from aurora_console.core.aws.metrics.range import PRESETS

PRESET_LABELS = {"1h": "1 h", "3h": "3 h", "12h": "12 h", "1d": "1 day", "1w": "1 week", "2w": "2 weeks"}
CUSTOM = "custom"


def build_controls(dash) -> list:
    """Create the control widgets as attributes of ``dash`` (wired to its slots); returns them in order."""
    st = dash.layout_state
    dash.range_combo = QComboBox(objectName="metricsRange")
    for key, label in PRESET_LABELS.items():
        dash.range_combo.addItem(label, key)
    dash.range_combo.addItem("Custom…", CUSTOM)
    dash.range_combo.setCurrentIndex(list(PRESETS).index(st.preset))
    dash.range_combo.activated.connect(dash._range_chosen)
    dash.stat_combo = QComboBox(objectName="metricsStat")
    dash.stat_combo.addItem("Default statistic", None)
    for stat in DASHBOARD_STATS:
        dash.stat_combo.addItem(stat, stat)
    dash.stat_combo.setCurrentIndex(max(0, dash.stat_combo.findData(st.stat)))
    dash.stat_combo.activated.connect(dash._stat_chosen)
    dash.tz_combo = QComboBox(objectName="metricsTimeZone")
    dash.tz_combo.addItems(["Local time", "UTC"])
    dash.tz_combo.setCurrentIndex(1 if st.utc else 0)
    dash.tz_combo.activated.connect(dash._tz_chosen)
    dash.refresh_combo = QComboBox(objectName="metricsAutoRefresh")
    for secs in REFRESH_CHOICES:
        dash.refresh_combo.addItem("No auto-refresh" if secs == 0 else f"Every {secs // 60 or secs}"
                                   f"{' min' if secs >= 60 else ' s'}", secs)
    dash.refresh_combo.setCurrentIndex(max(0, dash.refresh_combo.findData(st.refresh_seconds)))
    dash.refresh_combo.activated.connect(lambda _i: dash._set_auto_refresh(dash.refresh_combo.currentData()))
    dash.refresh_button = QPushButton("Refresh", objectName="metricsRefresh")
    dash.refresh_button.setShortcut("F5")
    dash.refresh_button.clicked.connect(dash.refresh)
    dash.metrics_button = QToolButton(objectName="metricsChoose", text="Metrics")
    dash.metrics_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    dash.metrics_menu = QMenu(dash.metrics_button)
    for metric in metrics_for_engine(dash.ref.engine):
        action = dash.metrics_menu.addAction(metric.title)
        action.setCheckable(True)
        action.setChecked(metric.key in st.metrics)
        action.setData(metric.key)
        action.setToolTip(metric.description or metric.name)
        action.toggled.connect(lambda on, k=metric.key: dash.set_metric_shown(k, on))
    dash.metrics_button.setMenu(dash.metrics_menu)
    dash.export_button = QToolButton(objectName="metricsExport", text="Export")
    dash.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(dash.export_button)
    menu.addAction("Dashboard as PNG…", dash._export_png_dialog)
    menu.addAction("Data as CSV…", dash._export_csv_dialog)
    dash.export_button.setMenu(menu)
    return [dash.range_combo, dash.stat_combo, dash.tz_combo, dash.refresh_combo, dash.metrics_button,
            dash.export_button, dash.refresh_button]


def plot_menu(dash, key: str) -> QMenu:
    """The context menu of one plot: its own statistic, or remove it from the dashboard."""
    menu = QMenu(dash)
    stats = menu.addMenu("Statistic")
    current = dash.layout_state.stat_overrides.get(key)
    for label, stat in [("Dashboard's choice", None)] + [(s, s) for s in DASHBOARD_STATS]:
        action = stats.addAction(label, lambda st=stat: dash.set_plot_stat(key, st))
        action.setCheckable(True)
        action.setChecked(stat == current)
    menu.addAction("Remove this plot", lambda: dash.set_metric_shown(key, False))
    add_window_actions(dash, menu)
    return menu


def add_window_actions(dash, menu: QMenu) -> None:
    """What to do with the time window dragged across the charts: the window's actions on it
    ("Explain this window", ...), zoom to it, clear it. Without one, a hint says how to select."""
    menu.addSeparator()
    window = dash.selection.window
    if window is None:
        hint = menu.addAction("Drag across a chart to select a time window")
        hint.setObjectName("metricsSelectHint")
        hint.setEnabled(False)
        return
    title = menu.addAction(dash.selection.describe(dash.layout_state.utc))
    title.setEnabled(False)
    for text, callback in dash.time_window_actions():
        menu.addAction(text, lambda cb=callback: dash.run_time_window_action(cb))
    menu.addAction("Zoom to this window", dash.zoom_to_selection)
    menu.addAction("Clear selection", dash.clear_selection)


def export_png_dialog(dash) -> None:
    path, _ = QFileDialog.getSaveFileName(dash, "Export dashboard", f"{dash.ref.cluster_id}-metrics.png",
                                          "PNG images (*.png)")
    if path:
        dash.export_png(path)


def export_csv_dialog(dash) -> None:
    if dash.data is None:
        return
    path, _ = QFileDialog.getSaveFileName(dash, "Export data", f"{dash.ref.cluster_id}-metrics.csv",
                                          "CSV files (*.csv)")
    if path:
        dash.export_csv(path)
