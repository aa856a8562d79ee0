"""Saving and restoring the window: geometry, dock state and the open tabs (in settings)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QTabWidget

from aurora_console.core.settings import SettingsStore

log = logging.getLogger(__name__)


def restore_geometry(window: QMainWindow, store: SettingsStore) -> None:
    saved = store.settings.window
    try:
        if saved.get("geometry"):
            window.restoreGeometry(QByteArray(base64.b64decode(saved["geometry"])))
        if saved.get("state"):
            window.restoreState(QByteArray(base64.b64decode(saved["state"])))
    except Exception:  # a bad saved layout must never stop the window
        log.warning("could not restore the window layout", exc_info=True)


def restore_open_tabs(store: SettingsStore, restorers: dict[str, Callable[[dict], None]]) -> list[dict]:
    """Reopen the saved tabs; returns the specs that could not come back (kept for next time)."""
    kept: list[dict] = []
    for spec in store.settings.open_tabs:
        restore = restorers.get(spec.get("kind", ""))
        if restore is None:  # its screen failed to load this time
            kept.append(spec)
            continue
        try:
            restore(spec)
        except Exception as exc:  # noqa: BLE001 - one tab that cannot come back must not stop the rest
            log.warning("could not reopen tab %s: %s", spec, exc)
            kept.append(spec)
    return kept


def save_window(window: QMainWindow, tabs: QTabWidget, specs: dict[str, dict], store: SettingsStore,
                unrestored: list[dict] | None = None) -> None:
    s = store.settings
    s.window = {
        "geometry": base64.b64encode(bytes(window.saveGeometry().data())).decode(),
        "state": base64.b64encode(bytes(window.saveState().data())).decode(),
    }
    keys = [tabs.widget(i).property("tabKey") for i in range(tabs.count())]
    s.open_tabs = [specs[k] for k in keys if k in specs] + [u for u in (unrestored or []) if u not in specs.values()]
    try:
        store.save()
    except Exception as exc:  # noqa: BLE001
        log.error("could not save settings: %s", exc)
