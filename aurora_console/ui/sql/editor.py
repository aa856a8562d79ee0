"""The SQL text editor: line numbers, highlighting, statement under the cursor, editing helpers."""

from __future__ import annotations

import time

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from aurora_console.core.db.mysql_split import split_mysql
from aurora_console.core.db.sql_split import Statement, split_sql, statement_at
from aurora_console.ui.sql.highlighter import PENDING, SqlHighlighter
from aurora_console.ui.sql.mysql_delimiters import DelimiterIndex

AT_ONCE_CHARS = 32_768  # a text up to this size is set at once (about 8 ms with its first colours)
FIRST_SLICE_CHARS = 8_192  # a bigger one starts with this much (the first screen), on the next turn
LOAD_SLICE_S = 0.004  # time per later slice of a big text (each slice then waits for the event loop)
SLICE_MIN_CHARS, SLICE_MAX_CHARS = 2_048, 1 << 20
STATEMENT_WINDOW = 400  # lines scanned around the cursor for the statement highlight
INDENT = "    "


def slice_end(text: str, start: int, size: int) -> int:
    """Where a load slice of about ``size`` characters from ``start`` ends: just after a line
    break, so a slice never splits a line (nor the ``\\r`` and ``\\n`` of a CRLF, which Qt
    reads as two line breaks when they arrive apart)."""
    end = min(len(text), start + size)
    if end == len(text):
        return end
    cut = text.rfind("\n", start, end)
    if cut >= start:
        return cut + 1
    # inside a line longer than the slice: the rest of it at once (Qt lays a line out again
    # whenever it grows, so appending it in slices would cost its length squared)
    cut = text.find("\n", end)
    return len(text) if cut < 0 else cut + 1


#: what QTextDocument.toPlainText gives back changed (line and paragraph separators, a CR, a
#: no-break space, Qt's frame marks)
_CHANGED_BY_QT = ("\r", "\u2028", "\u2029", "\xa0", "\ufdd0", "\ufdd1")


def reads_back_unchanged(piece: str) -> bool:
    """Whether ``toPlainText`` gives ``piece`` back as it was inserted."""
    return not any(c in piece for c in _CHANGED_BY_QT)


class _PendingText:
    """The part of a text still to load and the size of the next slice: what the last slice
    took sizes the next one to ``LOAD_SLICE_S`` (slices cost more on a busy machine)."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos
        self.chars = SLICE_MIN_CHARS * 4
        self.unchanged = True  # so far, toPlainText gives back what was loaded (slice by slice)
        #: the document's revision after the last slice went in: another means an edit came
        #: in between (a history entry inserted, a replace-all: read-only does not stop those)
        self.revision: int | None = None
        self.edited = False

    def advance(self, end: int, took_s: float) -> None:
        done, self.pos = end - self.pos, end
        fit = done * LOAD_SLICE_S / max(took_s, 1e-5)
        self.chars = int(min(SLICE_MAX_CHARS, max(SLICE_MIN_CHARS, (self.chars + fit) / 2)))


class _LineNumbers(QWidget):
    def __init__(self, editor: SqlEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.editor.paint_line_numbers(event)


class SqlEditor(QPlainTextEdit):
    """Emits ``loaded`` when a (possibly chunked) :meth:`load_text` has finished."""

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None, dark: bool = False, engine: str = "postgres") -> None:
        super().__init__(parent)
        self.setObjectName("sqlEditor")
        self.setAccessibleName("SQL text")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.engine = engine  # the profile's: picks the splitter and the highlighting (MySQL or PostgreSQL)
        self._delimiters: DelimiterIndex | None = None  # MySQL DELIMITER lines, made on first use
        self.highlighter = SqlHighlighter(self.document(), dark=dark, engine=engine)
        self.highlighter.set_view(self.visible_blocks)
        self._numbers = _LineNumbers(self)
        self._statement: tuple[int, int] | None = None
        self._error_sel: tuple[int, int] | None = None
        self._load: _PendingText | None = None  # a big text still arriving (see load_text)
        self._was_read_only = False
        self._reserved_digits = 0  # line-number digits kept for a big text (see load_text)
        self._loaded: tuple[int, str] | None = None  # (document revision, text) after a big load
        self.loading = False
        self.slices_loaded = 0  # for tests and benchmarks
        self.completer = None  # a SqlCompleter, set by the tab
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._update_numbers)
        self._stmt_timer = QTimer(self, singleShot=True, interval=120)
        self._stmt_timer.timeout.connect(self._refresh_statement)
        self.cursorPositionChanged.connect(self._stmt_timer.start)
        self.textChanged.connect(self._clear_error)
        self._visible_timer = QTimer(self, singleShot=True, interval=80)
        self._visible_timer.timeout.connect(self._prioritize_visible)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_timer.start())
        self._load_timer = QTimer(self, singleShot=True, interval=0)
        self._load_timer.timeout.connect(self._load_next)
        self._update_margin()

    # -- line numbers ----------------------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = max(3, self._reserved_digits, len(str(self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self, _count: int = 0) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _update_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._numbers.setGeometry(QRect(cr.left(), cr.top(), self.line_number_width(), cr.height()))

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self._numbers)
        pal = self.palette()
        painter.fillRect(event.rect(), pal.color(QPalette.ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        current = self.textCursor().blockNumber()
        height = self.fontMetrics().height()
        dim = pal.color(QPalette.ColorRole.PlaceholderText)
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.setPen(pal.color(QPalette.ColorRole.Text) if number == current else dim)
                painter.drawText(0, top, self._numbers.width() - 5, height, Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def _prioritize_visible(self) -> None:
        """Ask the highlighter for the blocks on screen first (after a jump into a big file)."""
        first = self.firstVisibleBlock().blockNumber()
        rows = max(1, self.viewport().height() // max(1, self.fontMetrics().height()))
        self.highlighter.prioritize(first, first + rows)

    # -- loading ---------------------------------------------------------------------------------
    def load_text(self, text: str) -> None:
        """Replace the text, as ``setPlainText`` would: undo history empty, cursor at the start,
        not modified. A big text arrives in slices sized by time (``loading`` until ``loaded``),
        and nothing here walks the whole text at once, so the window never freezes."""
        self._stop_loading()
        self._reserved_digits = 0
        self._loaded = None
        if self._delimiters is not None:
            self._delimiters.forget()  # read again once the new text is in
        if len(text) <= AT_ONCE_CHARS:
            self.setPlainText(text)
            self._update_margin()
            self.loaded.emit()
            return
        self.loading = True
        self._was_read_only = self.isReadOnly()
        self.setReadOnly(True)  # slices go at the end: nothing is typed in between
        self.highlighter.hold(True)  # its background pass waits for the whole text
        self._load = _PendingText(text, 0)
        self._load_timer.start()  # the first slice on the next turn: apart from the caller's work

    def full_text(self) -> str:
        """The whole text, also while it still loads (what a save or an autosave must write).
        Until the first edit after a load it is the loaded text itself: copying a big document
        out of Qt (``toPlainText``) takes 30-45 ms for 100,000 lines."""
        load = self._load
        if load is not None:
            if load.pos and (load.edited or load.revision != self.document().revision()):
                return self.toPlainText() + load.text[load.pos :]  # the edits, and the rest to come
            return load.text
        if self._loaded is not None and self._loaded[0] == self.document().revision():
            return self._loaded[1]
        self._loaded = None
        return self.toPlainText()

    def cancel_load(self) -> None:
        """Stop a load in progress and leave the editor empty (half a file saved over the whole
        one would lose the rest); nothing happens when no load runs."""
        if self._load is None:
            return
        self._stop_loading()
        self.setPlainText("")

    def _stop_loading(self) -> None:
        self._load_timer.stop()
        if self._load is None:
            return
        self._load = None
        self.loading = False
        self.setUndoRedoEnabled(True)
        self.setReadOnly(self._was_read_only)
        self.highlighter.hold(False)

    def visible_blocks(self) -> tuple[int, int]:
        """The first and last block numbers on screen (one line per block: no wrapping)."""
        first = self.firstVisibleBlock().blockNumber()
        return first, first + self.viewport().height() // max(1, self.fontMetrics().lineSpacing()) + 1

    def _load_first(self, text: str) -> int:
        """The first slice (the first screen, coloured at once as before); returns where it ends."""
        end = slice_end(text, 0, FIRST_SLICE_CHARS)
        # the line numbers' width for the whole text, estimated from the first slice (twice its
        # line density): a wider margin lays every line out again, 13 ms per 100,000 lines
        density = (text.count("\n", 0, end) + 1) / end
        self._reserved_digits = len(str(int(2 * density * len(text)) + 1))
        self.setPlainText(text[:end])
        self.setUndoRedoEnabled(False)  # no undo step per slice; enabling it again starts empty
        return end

    def _append(self, piece: str) -> None:
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        offscreen = doc.blockCount() - 1 > self.visible_blocks()[1]
        layout = doc.documentLayout()
        if offscreen:  # below the visible lines: the screen needs no repaint for this slice
            layout.blockSignals(True)
        try:
            cursor.insertText(piece)
        finally:
            if offscreen:
                layout.blockSignals(False)
                layout.documentSizeChanged.emit(layout.documentSize())  # the scroll bar grows
        load = self._load
        doc.setModified(load is not None and load.edited)

    def _load_next(self) -> None:
        load = self._load
        if load is None:
            return
        t0 = time.perf_counter()
        if load.pos == 0:
            end = self._load_first(load.text)
        else:
            if load.revision != self.document().revision():
                load.edited = True  # kept: the rest goes in after it, and a save writes both
            end = slice_end(load.text, load.pos, load.chars)
            self._append(load.text[load.pos : end])
        load.revision = self.document().revision()
        load.unchanged = load.unchanged and reads_back_unchanged(load.text[load.pos : end])
        load.advance(end, time.perf_counter() - t0)
        self.slices_loaded += 1
        if load.pos < len(load.text):
            self._load_timer.start()
            return
        self._stop_loading()
        if load.edited:
            self.document().setModified(True)  # an edit came in while it loaded: not what the file holds
        elif load.unchanged:
            self._loaded = (self.document().revision(), load.text)
        self.loaded.emit()

    # -- statements --------------------------------------------------------------------------------
    def statement_under_cursor(self) -> Statement | None:
        """The statement around the cursor, found in a window of lines (cheap on huge files)."""
        doc = self.document()
        cur = self.textCursor()
        first = doc.findBlockByNumber(max(0, cur.blockNumber() - STATEMENT_WINDOW))
        # start where no comment or string is open (the highlighter's state says so)
        # (an unknown state, a line not highlighted yet, counts as none: walking back through
        # them could cross the whole file while the background pass is still far behind)
        while first.blockNumber() > 0 and first.previous().userState() not in (-1, 0, PENDING):
            first = first.previous()
        last = doc.findBlockByNumber(min(doc.blockCount() - 1, cur.blockNumber() + STATEMENT_WINDOW))
        base = first.position()
        end = last.position() + last.length() - 1
        c = QTextCursor(doc)
        c.setPosition(base)
        c.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        text = c.selection().toPlainText()
        if self.engine == "mysql":
            st = statement_at(split_mysql(text, delimiter=self.delimiter_at(base)), cur.position() - base)
        else:
            st = statement_at(split_sql(text), cur.position() - base)
        if st is None:
            return None
        line0 = first.blockNumber()
        return Statement(st.text, st.start + base, st.end + base, st.line + line0, st.end_line + line0,
                         st.terminated, st.stop + base)

    def delimiter_at(self, offset: int) -> str:
        """MySQL: the statement delimiter in effect at ``offset`` (the last ``DELIMITER`` line above
        it, as the mysql client reads the script; ";" when there is none). The whole text is read
        once; after that each edit scans only the lines it touched (``mysql_delimiters.py``)."""
        if self._delimiters is None:
            self._delimiters = DelimiterIndex(self.document())
        return self._delimiters.delimiter_at(offset)

    def _refresh_statement(self) -> None:
        st = None if self.loading or self.document().blockCount() > 200_000 else self.statement_under_cursor()
        self._statement = (st.start, st.end) if st else None
        self._apply_selections()

    def _apply_selections(self) -> None:
        sels = []
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        if self._statement:
            sel = QTextEdit.ExtraSelection()
            tint = QColor(base).darker(106) if base.lightness() > 128 else QColor(base).lighter(125)
            sel.format.setBackground(tint)
            sel.cursor = QTextCursor(self.document())
            sel.cursor.setPosition(self._statement[0])
            sel.cursor.setPosition(self._statement[1], QTextCursor.MoveMode.KeepAnchor)
            sels.append(sel)
        if self._error_sel:
            sel = QTextEdit.ExtraSelection()
            sel.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            sel.format.setUnderlineColor(QColor("#d03030"))
            sel.cursor = QTextCursor(self.document())
            sel.cursor.setPosition(self._error_sel[0])
            sel.cursor.setPosition(self._error_sel[1], QTextCursor.MoveMode.KeepAnchor)
            sels.append(sel)
        self.setExtraSelections(sels)

    def current_statement_span(self) -> tuple[int, int] | None:
        return self._statement

    def show_error_at(self, offset: int) -> None:
        """Move the cursor to an error position and underline the word there."""
        doc = self.document()
        offset = max(0, min(offset, doc.characterCount() - 1))
        c = QTextCursor(doc)
        c.setPosition(offset)
        self.setTextCursor(c)
        c.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
        end = c.position() if c.position() > offset else min(offset + 1, doc.characterCount() - 1)
        self._error_sel = (offset, end)
        self._apply_selections()
        self.centerCursor()
        self.setFocus()

    def _clear_error(self) -> None:
        if self._error_sel:
            self._error_sel = None
            self._apply_selections()

    # -- editing helpers ---------------------------------------------------------------------------
    def toggle_comment(self) -> None:
        """Comment the selected lines with ``-- ``, or uncomment when all already are."""
        cur = self.textCursor()
        doc = self.document()
        start = doc.findBlock(cur.selectionStart())
        end = doc.findBlock(max(cur.selectionStart(), cur.selectionEnd() - (1 if cur.hasSelection() else 0)))
        blocks = []
        b = start
        while b.isValid():
            blocks.append(b)
            if b == end:
                break
            b = b.next()
        lines = [b.text() for b in blocks]
        commented = all(t.lstrip().startswith("--") for t in lines if t.strip())
        indent = min((len(t) - len(t.lstrip()) for t in lines if t.strip()), default=0)
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        for b, text in zip(blocks, lines, strict=True):
            if not text.strip():
                continue
            if commented:
                i = text.index("--")
                n = 3 if text[i + 2 : i + 3] == " " else 2
                edit.setPosition(b.position() + i)
                edit.setPosition(b.position() + i + n, QTextCursor.MoveMode.KeepAnchor)
                edit.removeSelectedText()
            else:
                edit.setPosition(b.position() + indent)
                edit.insertText("-- ")
        edit.endEditBlock()

    def _indent_selection(self, dedent: bool) -> None:
        cur = self.textCursor()
        doc = self.document()
        b = doc.findBlock(cur.selectionStart())
        last = doc.findBlock(cur.selectionEnd())
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        while b.isValid():
            text = b.text()
            if dedent:
                n = len(text) - len(text.lstrip(" "))
                n = min(n, len(INDENT))
                if n:
                    edit.setPosition(b.position())
                    edit.setPosition(b.position() + n, QTextCursor.MoveMode.KeepAnchor)
                    edit.removeSelectedText()
            else:
                edit.setPosition(b.position())
                edit.insertText(INDENT)
            if b == last:
                break
            b = b.next()
        edit.endEditBlock()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        popup = self.completer.popup() if self.completer is not None else None
        if popup is not None and popup.isVisible():
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                event.ignore()  # the completer takes these
                return
            super().keyPressEvent(event)
            prefix = self.completer.prefix_at_cursor()
            if prefix:
                self.completer.show_for_cursor()
            else:
                popup.hide()
            return
        if self.isReadOnly() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            super().keyPressEvent(event)  # (also while a big file loads) the handling below inserts text
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            cur = self.textCursor()
            line = cur.block().text()[: cur.positionInBlock()]
            indent = line[: len(line) - len(line.lstrip())]
            if line.rstrip().endswith("(") or line.rstrip().upper().endswith((" BEGIN", "BEGIN ATOMIC", " THEN", " LOOP")):
                indent += INDENT
            cur.insertText("\n" + indent)
            self.ensureCursorVisible()
            return
        if key == Qt.Key.Key_Tab and self.textCursor().hasSelection():
            self._indent_selection(False)
            return
        if key == Qt.Key.Key_Backtab:
            self._indent_selection(True)
            return
        if key == Qt.Key.Key_Tab and not mods:
            self.textCursor().insertText(INDENT)
            return
        if key == Qt.Key.Key_F6:  # Tab indents here: F6 / Shift+F6 move the keyboard to the next / previous control
            # QPlainTextEdit refuses to hand focus on while it keeps Tab: the widget's own chain
            QWidget.focusNextPrevChild(self, not mods & Qt.KeyboardModifier.ShiftModifier)
            return
        super().keyPressEvent(event)

    # -- find / replace ------------------------------------------------------------------------------
    def find_text(self, needle: str, *, backward: bool = False, case: bool = False, wrap: bool = True) -> bool:
        if not needle:
            return False
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if case:
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.find(needle, flags):
            return True
        if not wrap:
            return False
        c = self.textCursor()
        c.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.setTextCursor(c)
        return self.find(needle, flags)

    def replace_current(self, needle: str, replacement: str, *, case: bool = False) -> bool:
        cur = self.textCursor()
        sel = cur.selectedText()
        if sel and (sel == needle or (not case and sel.lower() == needle.lower())):
            cur.insertText(replacement)
        return self.find_text(needle, case=case)

    def replace_all(self, needle: str, replacement: str, *, case: bool = False) -> int:
        if not needle:
            return 0
        doc = self.document()
        flags = QTextDocument.FindFlag.FindCaseSensitively if case else QTextDocument.FindFlag(0)
        count = 0
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        c = doc.find(needle, 0, flags)
        while not c.isNull():
            c.insertText(replacement)
            count += 1
            c = doc.find(needle, c.position(), flags)
        edit.endEditBlock()
        return count

    def set_dark(self, dark: bool) -> None:
        font = QFont(self.font())
        self.highlighter.setDocument(None)
        self.highlighter = SqlHighlighter(self.document(), dark=dark, engine=self.engine)
        self.highlighter.set_view(self.visible_blocks)
        self.highlighter.hold(self.loading)
        self.setFont(font)
