"""Page object of the command palette (Ctrl+K): ``console.palette()``."""

from __future__ import annotations


class PalettePage:
    """``search(text)`` lists what the palette shows for ``text`` (titles, best first);
    ``run(text)`` runs the best match (or the ``index``-th) as Enter does and returns its title."""

    def __init__(self, root) -> None:
        self.root = root
        self.dialog = None

    def open(self) -> PalettePage:
        from aurora_console.ui.palette import open_palette

        self.dialog = open_palette(self.root.window)
        self.root.qtbot.waitUntil(lambda: self.dialog.isVisible(), timeout=5000)
        return self

    def search(self, text: str) -> list[str]:
        if self.dialog is None or not self.dialog.isVisible():
            self.open()
        self.dialog.field.setText(text)  # as typed: textChanged runs the search
        return [m.title for m in self.dialog.matches]

    def run(self, text: str, index: int = 0) -> str:
        titles = self.search(text)
        if index >= len(titles):
            raise LookupError(f"the palette shows {len(titles)} match(es) for {text!r}: {titles[:10]}")
        self.dialog.list.setCurrentRow(index)
        title = titles[index]
        self.dialog.run_current()
        return title

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
