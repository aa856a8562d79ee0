"""Workspace tab titles that fit: long titles elide ("Migrations · sandbox-bl…") within a maximum
width, so seven or eight tabs share the bar without scrolling Fleet out of sight, and the full
title shows as the tab's tooltip. Installed like a feature (``install(window)``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTabBar, QToolTip

MAX_TAB_WIDTH = 210  # px: "SQL 2 · sandbox-blog*" fits; longer titles elide
MIN_TAB_WIDTH = 96  # px: a crowded bar shrinks long titles first, never "Fleet" to "F…"


class _FullTitleTip(QObject):
    """Tooltips of the tab bar: a tab's own tooltip if it has one, else its full title."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.ToolTip and isinstance(obj, QTabBar):
            index = obj.tabAt(event.pos())
            if index >= 0 and not obj.tabToolTip(index):
                QToolTip.showText(event.globalPos(), obj.tabText(index), obj, obj.tabRect(index))
                return True
        return False


def tab_tooltip(bar: QTabBar, index: int) -> str:
    """What hovering tab ``index`` shows."""
    return bar.tabToolTip(index) or bar.tabText(index)


def configure(bar: QTabBar) -> None:
    bar.setElideMode(Qt.TextElideMode.ElideRight)
    bar.setStyleSheet(f"QTabBar::tab {{ max-width: {MAX_TAB_WIDTH}px; min-width: {MIN_TAB_WIDTH}px; }}")
    tip = _FullTitleTip(bar)
    bar.installEventFilter(tip)
    bar.setProperty("fullTitleTips", True)


def install(window) -> None:
    configure(window.tabs.tabBar())
