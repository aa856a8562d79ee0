"""Names for the controls Qt makes inside a toolbar: the extension button ("»") that a toolbar too
narrow for its actions shows has no text, so a screen reader could not say what it is."""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton, QWidget

EXTENSION_BUTTON = "qt_toolbar_ext_button"  # Qt's own object name for it


def name_toolbar_extensions(root: QWidget) -> None:
    for button in root.findChildren(QToolButton, EXTENSION_BUTTON):
        if not button.accessibleName():
            button.setAccessibleName("More toolbar actions")
            button.setToolTip("More toolbar actions")
