"""Saving and restoring the window: geometry, dock state and the open tabs (in settings).

A saved tab is reopened only once what it needs is there (see ``MainWindow.restore_tabs``):
AWS tabs once the profile (or the sandbox's endpoint) is in place, database tabs once the
sandbox's database is up. Tabs that come back later are put back in their saved order.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from aurora_console.core.settings import SettingsStore

log = logging.getLogger(__name__)

#: what a saved tab waits for before it is reopened
NEEDS_AWS = "aws"  # an AWS session on the chosen profile, or on the running sandbox
NEEDS_DATABASE = "database"  # on the sandbox: its PostgreSQL and bastion (elsewhere: nothing more)
_ORDER = "restoreOrder"  # widget property: the tab's place in the saved list


def restore_geometry(window: QMainWindow, store: SettingsStore) -> None:
    saved = store.settings.window
    try:
        if saved.get("geometry"):
            window.restoreGeometry(QByteArray(base64.b64decode(saved["geometry"])))
        if saved.get("state"):
            window.restoreState(QByteArray(base64.b64decode(saved["state"])))
    except Exception:  # a bad saved layout must never stop the window
        log.warning("could not restore the window layout", exc_info=True)


class TabRestorer:
    """The saved tabs of the last session and what each kind needs before it can come back."""

    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self.restorers: dict[str, Callable[[dict], object]] = {}
        self.needs: dict[str, str] = {}
        self.waiting: list[tuple[int, dict]] = []  # (saved place, spec): what it needs is not ready yet
        self.unrestored: list[dict] = []  # could not come back: kept in the settings for next time

    def register(self, kind: str, restore: Callable[[dict], object], needs: str = NEEDS_DATABASE) -> None:
        self.restorers[kind] = restore
        self.needs[kind] = needs

    def start(self, specs: list[dict]) -> None:
        self.waiting = list(enumerate(specs))
        self.unrestored = []

    def forget(self) -> None:
        self.waiting, self.unrestored = [], []

    def restore_ready(self, is_ready: Callable[[str], bool]) -> None:
        """Reopen the waiting tabs whose needs are met; the user's current tab keeps the focus."""
        ready = [(i, s) for i, s in self.waiting if is_ready(self.needs.get(s.get("kind", ""), NEEDS_DATABASE))]
        if not ready:
            return
        self.waiting = [t for t in self.waiting if t not in ready]
        current = self.tabs.currentWidget()
        self.unrestored += restore_open_tabs(self.tabs, ready, self.restorers)
        if current is not None and self.tabs.indexOf(current) >= 0:
            self.tabs.setCurrentWidget(current)

    def kept(self) -> list[dict]:
        """What the settings keep besides the open tabs: not reopened (yet)."""
        return self.unrestored + [s for _i, s in self.waiting]


def sandbox_settings_for(services) -> SettingsStore | None:
    """When a real session opens the sandbox: the sandbox's own settings store (None when the
    session already uses it). Personal preferences (theme) come from the real settings."""
    from aurora_console.core.paths import settings_file_for

    folder = services.options.sandbox_dir
    path = settings_file_for(services.paths, sandbox=True, sandbox_dir=folder)
    if services.settings.path == path:
        return None
    store = SettingsStore(path, inherit_from=services.settings.path)
    store.settings.first_run = False
    return store


def restore_open_tabs(tabs: QTabWidget, specs: list[tuple[int, dict]],
                      restorers: dict[str, Callable[[dict], object]]) -> list[dict]:
    """Reopen ``(saved place, spec)`` tabs; returns the specs that could not come back (kept for
    next time). Each reopened tab goes back to its saved place among the tabs restored so far."""
    kept: list[dict] = []
    for order, spec in specs:
        restore = restorers.get(spec.get("kind", ""))
        if restore is None:  # its screen failed to load this time
            kept.append(spec)
            continue
        before = {id(tabs.widget(i)) for i in range(tabs.count())}
        try:
            restore(spec)
        except Exception as exc:  # noqa: BLE001 - one tab that cannot come back must not stop the rest
            log.warning("could not reopen tab %s: %s", spec, exc)
            kept.append(spec)
            continue
        for widget in [tabs.widget(i) for i in range(tabs.count()) if id(tabs.widget(i)) not in before]:
            _put_in_place(tabs, widget, order)
    return kept


def _put_in_place(tabs: QTabWidget, widget: QWidget, order: int) -> None:
    widget.setProperty(_ORDER, order)
    here = tabs.indexOf(widget)
    for i in range(tabs.count()):
        other = tabs.widget(i).property(_ORDER)
        if i != here and isinstance(other, int) and other > order:
            if i < here:
                tabs.tabBar().moveTab(here, i)
            return


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
