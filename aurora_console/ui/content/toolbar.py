"""Small builders for the grid's tool buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QStyle, QToolButton, QWidget


def tool_button(parent: QWidget, text: str, name: str, slot, tip: str = "", icon=None) -> QToolButton:
    b = QToolButton(parent)
    b.setText(text)
    if icon is not None:
        b.setIcon(icon)
    b.setObjectName(name)
    b.setToolTip(tip or text)
    b.clicked.connect(slot)
    return b


def navigation_buttons(parent: QWidget, reload) -> list[QToolButton]:
    """First / previous / next / last page and reload; ``reload(kind)`` does the move."""
    style, px = parent.style(), QStyle.StandardPixmap
    spec = [
        ("First", "firstPage", "first", "First page", px.SP_MediaSkipBackward),
        ("Previous", "previousPage", "previous", "Previous page", px.SP_MediaSeekBackward),
        ("Next", "nextPage", "next", "Next page", px.SP_MediaSeekForward),
        ("Last", "lastPage", "last", "Last page (keyset paging: quick on any table size)", px.SP_MediaSkipForward),
        ("Reload", "refreshPage", "refresh", "Reload this page", px.SP_BrowserReload),
    ]
    return [tool_button(parent, text, name, lambda _=False, k=kind: reload(k), tip, style.standardIcon(icon))
            for text, name, kind, tip, icon in spec]
