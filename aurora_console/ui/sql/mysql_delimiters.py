"""The MySQL ``DELIMITER`` lines of an editor's document, kept current edit by edit.

The editor needs the delimiter in effect where the statement under the cursor starts, after every
edit. Reading the whole document for it (``toPlainText`` and a scan) took 35-60 ms per keystroke
on a 100,000-line script; here the whole text is scanned once, on first use, and afterwards only
the lines an edit touched are scanned again while the others move by the edit's length.
"""

from __future__ import annotations

import bisect

from PySide6.QtGui import QTextDocument

from aurora_console.core.db.mysql_split import delimiter_lines


class DelimiterIndex:
    """``(offset just after the line, delimiter)`` of each ``DELIMITER`` line of ``doc``, in order
    (what :func:`~aurora_console.core.db.mysql_split.delimiter_lines` gives for the whole text)."""

    def __init__(self, doc: QTextDocument) -> None:
        self._doc = doc
        self._lines: list[tuple[int, str]] | None = None  # unknown until first asked for
        #: whole-text scans made (one on first use; tests check edits do not make more)
        self.full_scans = 0
        self._seen = doc.revision()
        doc.documentLayout()  # Qt reports contentsChange only for a document with a layout (an editor's has one)
        doc.contentsChange.connect(self._changed)

    def lines(self) -> list[tuple[int, str]]:
        if self._lines is None:
            self._lines = delimiter_lines(self._doc.toPlainText())
            self.full_scans += 1
        return self._lines

    def delimiter_at(self, offset: int) -> str:
        """The delimiter in effect at ``offset``: the last ``DELIMITER`` line above it, else ";"."""
        lines = self.lines()
        i = bisect.bisect_right(lines, offset, key=lambda item: item[0]) - 1
        return lines[i][1] if i >= 0 else ";"

    def forget(self) -> None:
        """Scan the whole text again when next asked (a text set in one go)."""
        self._lines = None

    def _changed(self, position: int, removed: int, added: int) -> None:
        doc = self._doc
        # the revision moves on a text edit only: a change with as many characters removed as
        # added and the same revision is the highlighter colouring a line
        revision = doc.revision()
        lines = self._lines
        if lines is None or (removed == added and revision == self._seen):
            self._seen = revision
            return
        self._seen = revision
        size = doc.characterCount()  # the text's length + 1 (the last paragraph's end)
        first = doc.findBlock(min(position, size - 1))
        last = doc.findBlock(min(position + added, size - 1))
        if not first.isValid() or not last.isValid():
            self._lines = None
            return
        start = first.position()
        end_new = last.position() + last.length()  # just after the last touched line's newline
        moved = added - removed
        end_old = end_new - moved
        keep_before = [item for item in lines if item[0] <= start]
        keep_after = [(at + moved, value) for at, value in lines if at > end_old]
        parts = []
        block = first
        while True:
            parts.append(block.text())
            if block == last:
                break
            block = block.next()
        text = "\n".join(parts) + ("\n" if last.next().isValid() else "")
        found = [(start + at, value) for at, value in delimiter_lines(text)]
        self._lines = keep_before + found + keep_after
