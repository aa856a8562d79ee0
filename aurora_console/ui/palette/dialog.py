"""The command palette (Ctrl+K; Cmd+K on macOS): a search field over a list, drawn over the top
of the window (a child panel, not a window of its own: no focus grabbing, works on every platform
plugin). Clicking elsewhere closes it. Typing filters (core/palette.py does the matching, on the UI thread: it only reads what
the window already holds, a few milliseconds per keystroke for a 1,000-cluster fleet; see
benchmarks/palette.py); Up/Down move, Enter runs, Escape closes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.palette import PaletteIndex, PaletteItem, PaletteMatch
from aurora_console.ui.clear_button import add_clear_button
from aurora_console.ui.icons import icon, object_icon

#: what each kind is called in the list (the kind is spelled out, never shown by colour alone)
KIND_LABELS = {"cluster": "Cluster", "instance": "Instance", "profile": "Profile", "table": "Table",
               "saved query": "Saved query", "screen": "Menu", "action": "Menu",
               "cluster action": "Action", "profile action": "Open"}
LIMIT = 50


class CommandPalette(QFrame):
    """``ran(match)``: an entry was run (after the palette closed)."""

    ran = Signal(object)

    def __init__(self, items: list[PaletteItem], recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Command palette")
        self.index = PaletteIndex(items, recent)
        self.matches: list[PaletteMatch] = []
        self._watching = False  # following the application's focus (to close when it leaves)
        self.field = QLineEdit(objectName="commandPaletteField")
        self.field.setPlaceholderText("Go to a cluster, profile, table or action…  (e.g. \"failover blog\")")
        self.field.setAccessibleName("Search clusters, profiles, tables and actions")
        add_clear_button(self.field)  # not Qt's: that one reads the desktop's icon theme
        self.list = QListWidget(objectName="commandPaletteList")
        self.list.setAccessibleName("Matches")
        self.list.setUniformItemSizes(True)
        self.list.setIconSize(QSize(16, 16))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long details elide
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the field; Up/Down are forwarded
        self.hint = QLabel(objectName="commandPaletteHint")
        self.hint.setAccessibleName("Match count")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.field)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.field.textChanged.connect(self.search)
        self.field.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.run_current())
        self.list.itemClicked.connect(lambda _item: self.run_current())
        self.search("")

    def place(self) -> None:
        """Centred near the top of the parent window, a third of its width (at least 520 px)."""
        parent = self.parentWidget()
        if parent is None:
            self.resize(640, 420)
            return
        width = min(parent.width() - 16, max(520, min(900, parent.width() // 3)))
        height = max(300, min(520, parent.height() // 2))
        self.setGeometry((parent.width() - width) // 2, 48, width, height)

    def popup(self) -> None:
        """Show over the window with the keyboard in the search field; closes when the focus leaves."""
        self.place()
        self.show()
        self.raise_()
        self.field.setFocus(Qt.FocusReason.PopupFocusReason)
        if not self._watching:
            QApplication.instance().focusChanged.connect(self._focus_changed)
            self._watching = True

    def _focus_changed(self, _old, new) -> None:
        if self.isVisible() and (new is None or not self.isAncestorOf(new)):
            self.close()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self._watching:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
            self._watching = False
        super().closeEvent(event)

    def search(self, text: str) -> list[PaletteMatch]:
        self.matches = self.index.search(text, LIMIT)
        self.list.clear()
        for m in self.matches:
            kind = KIND_LABELS.get(m.obj.kind if m.obj else m.item.kind, m.item.kind.title())
            if m.obj is not None:
                kind = KIND_LABELS.get(m.item.kind, "Action")
            item = QListWidgetItem(f"{m.title}    —  {kind}: {m.detail}" if m.detail else f"{m.title}    —  {kind}")
            shown = m.obj or m.item
            item.setIcon(icon(shown.icon) if shown.icon else object_icon(shown.kind))
            item.setToolTip(m.detail)
            self.list.addItem(item)
        if self.matches:
            self.list.setCurrentRow(0)
        n = len(self.matches)
        self.hint.setText(f"{n}{'+' if n == LIMIT else ''} match{'' if n == 1 else 'es'} · "
                          "Enter runs · Esc closes" if text.strip() else "Recent and menu entries · type to search")
        return self.matches

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}[key]
                if self.list.count():
                    row = min(max(0, self.list.currentRow() + step), self.list.count() - 1)
                    self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.run_current()
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(obj, event)

    def current(self) -> PaletteMatch | None:
        row = self.list.currentRow()
        return self.matches[row] if 0 <= row < len(self.matches) else None

    def run_current(self) -> None:
        match = self.current()
        if match is None:
            return
        self.close()  # close first: what runs may open a dialog of its own
        self.ran.emit(match)
