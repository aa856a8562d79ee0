"""The grid's tool bar: paging, editing, secrets, trigger columns, pending count, Save / Revert."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QToolButton, QWidget


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


def build_toolbar(grid) -> QHBoxLayout:
    """Create the grid's buttons (set as attributes of ``grid``) and lay them out in a row."""
    bar = QHBoxLayout()
    columns = grid.editor.info.columns
    grid.nav = navigation_buttons(grid, grid.reload)
    for b in grid.nav:
        bar.addWidget(b)
    bar.addSpacing(12)
    grid.edit_buttons = [
        tool_button(grid, "Insert", "insertRow", grid.insert_row, "Add a new row (defaults filled by the server)"),
        tool_button(grid, "Duplicate", "duplicateRow", grid.duplicate_selected, "Copy the selected row"),
        tool_button(grid, "Delete", "deleteRow", grid.delete_selected, "Mark the selected rows for deletion"),
        tool_button(grid, "Set NULL", "setNull", grid.set_null, "Set the current cell to NULL"),
    ]
    for b in grid.edit_buttons:
        bar.addWidget(b)
    grid.reveal = tool_button(grid, "Reveal secrets", "revealSecrets", grid._toggle_reveal)
    grid.reveal.setCheckable(True)
    grid.reveal.setVisible(any(c.secret for c in columns))
    bar.addWidget(grid.reveal)
    trigger_cols = [c.name for c in columns if c.set_by_trigger]
    grid.unlock_triggers = tool_button(
        grid, "Edit trigger columns", "unlockTriggerColumns", grid._toggle_trigger_columns,
        "Allow editing " + ", ".join(trigger_cols) + " (a trigger normally sets them; it may overwrite your value)")
    grid.unlock_triggers.setCheckable(True)
    grid.unlock_triggers.setVisible(bool(trigger_cols))
    bar.addWidget(grid.unlock_triggers)
    bar.addStretch(1)
    grid.pending_label = QLabel(grid)
    grid.pending_label.setObjectName("pendingLabel")
    bar.addWidget(grid.pending_label)
    grid.save_button = QPushButton("Save", grid)
    grid.save_button.setObjectName("saveChanges")
    grid.save_button.setShortcut("Ctrl+S")
    grid.save_button.clicked.connect(grid.save)
    grid.revert_button = QPushButton("Revert", grid)
    grid.revert_button.setObjectName("revertChanges")
    grid.revert_button.clicked.connect(grid.revert)
    bar.addWidget(grid.save_button)
    bar.addWidget(grid.revert_button)
    return bar
