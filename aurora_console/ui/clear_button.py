"""A line edit's clear button drawn with the console's own icon (``icon_names.ACTIONS``).

``QLineEdit.setClearButtonEnabled`` takes the style's clear icon, which on a Linux desktop is
looked up in the desktop's icon theme (``/usr/share/icons``): the first lookup of a session reads
the theme's folders, ~50 ms of the UI thread and up to 0.8 s on a cold disk (measured on Xvfb
with Adwaita installed), and the navigator's filter box did it before the window's first paint.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit

from aurora_console.ui.icons import action_icon

OBJECT_NAME = "actionClearText"


def add_clear_button(edit: QLineEdit) -> QAction:
    """A button at the end of ``edit``, shown while it holds text, that empties it as Qt's own
    does (``textChanged``, then ``textEdited`` with an empty text). Returns its action."""
    action = edit.addAction(action_icon(OBJECT_NAME), QLineEdit.ActionPosition.TrailingPosition)
    action.setObjectName(OBJECT_NAME)
    action.setToolTip("Clear")
    action.setVisible(bool(edit.text()))

    def clear() -> None:
        if edit.text() and not edit.isReadOnly():
            edit.clear()
            edit.textEdited.emit("")

    action.triggered.connect(clear)
    edit.textChanged.connect(lambda text: action.setVisible(bool(text)))
    return action
