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


class GridToolbar(QHBoxLayout):
    """The row of buttons above a ``ContentGrid`` (their parent); :meth:`render` shows a
    :class:`~aurora_console.ui.content.grid_controller.TableGridController`'s state."""

    def __init__(self, grid) -> None:
        super().__init__()
        columns = grid.editor.info.columns
        self.nav = navigation_buttons(grid, grid.reload)
        for b in self.nav:
            self.addWidget(b)
        self.addSpacing(12)
        self.edit_buttons = [
            tool_button(grid, "Insert", "insertRow", grid.insert_row, "Add a new row (defaults filled by the server)"),
            tool_button(grid, "Duplicate", "duplicateRow", grid.duplicate_selected, "Copy the selected row"),
            tool_button(grid, "Delete", "deleteRow", grid.delete_selected, "Mark the selected rows for deletion"),
            tool_button(grid, "Set NULL", "setNull", grid.set_null, "Set the current cell to NULL"),
        ]
        for b in self.edit_buttons:
            self.addWidget(b)
        self.reveal = tool_button(grid, "Reveal secrets", "revealSecrets", grid.reveal_secrets)
        self.reveal.setCheckable(True)
        self.reveal.setVisible(any(c.secret for c in columns))
        self.addWidget(self.reveal)
        trigger_cols = [c.name for c in columns if c.set_by_trigger]
        self.unlock_triggers = tool_button(
            grid, "Edit trigger columns", "unlockTriggerColumns", grid.allow_trigger_columns,
            "Allow editing " + ", ".join(trigger_cols) + " (a trigger normally sets them; it may overwrite your value)")
        self.unlock_triggers.setCheckable(True)
        self.unlock_triggers.setVisible(bool(trigger_cols))
        self.addWidget(self.unlock_triggers)
        self.addStretch(1)
        self.pending_label = QLabel(grid)
        self.pending_label.setObjectName("pendingLabel")
        self.addWidget(self.pending_label)
        self.save_button = QPushButton("Save", grid)
        self.save_button.setObjectName("saveChanges")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(grid.save)
        self.revert_button = QPushButton("Revert", grid)
        self.revert_button.setObjectName("revertChanges")
        self.revert_button.clicked.connect(grid.revert)
        self.addWidget(self.save_button)
        self.addWidget(self.revert_button)

    def render(self, state) -> None:
        for b in self.edit_buttons:
            b.setEnabled(state.can_edit)
        self.save_button.setEnabled(state.can_save)
        self.revert_button.setEnabled(state.can_save)
        for b in self.nav[:2]:  # first, previous
            b.setEnabled(state.can_page_back)
        for b in self.nav[2:4]:  # next, last
            b.setEnabled(state.can_page_forward)
        for b in self.nav[4:]:  # reload
            b.setEnabled(not state.busy)
        self.pending_label.setText(state.pending_text)
        self.pending_label.setStyleSheet("font-weight: bold; color: #8a5a00;" if state.pending else "")
