"""The SQL text editor: line numbers, highlighting, statement under the cursor, editing helpers."""

from __future__ import annotations

import bisect
import time

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, QTimer, Signal
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

from aurora_console.core.db.mysql_split import delimiter_lines, split_mysql
from aurora_console.core.db.sql_split import Statement, split_sql, statement_at
from aurora_console.ui.sql.folded_text import FoldedText
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


#: what :func:`exact_text` of a document gives back changed (line and paragraph separators
#: and a CR all come back as "\n"; Qt's frame marks)
_CHANGED_BY_QT = ("\r", "\u2028", "\u2029", "\ufdd0", "\ufdd1")

#: Qt's block (paragraph) and line separators: the editor's line ends
_QT_LINE_ENDS = {0x2029: "\n", 0x2028: "\n"}


def exact_text(raw: str) -> str:
    """The text of a document or selection as the user has it: Qt's raw text (``toRawText``,
    ``selectedText``) with its paragraph and line separators as "\n", every other character
    kept, one for one (positions stay the document's). ``toPlainText`` would also turn a
    no-break space (U+00A0) into a plain space, so ``'a<nbsp>b'`` would run and save as ``'a b'``."""
    return raw.translate(_QT_LINE_ENDS)


def reads_back_unchanged(piece: str) -> bool:
    """Whether :func:`exact_text` gives ``piece`` back as it was inserted."""
    return not any(c in piece for c in _CHANGED_BY_QT)


class _PendingText:
    """The part of a text still to load and the size of the next slice: what the last slice
    took sizes the next one to ``LOAD_SLICE_S`` (slices cost more on a busy machine)."""

    def __init__(self, text: str, pos: int, size: int | None = None) -> None:
        self.text = text
        self.pos = pos
        self.size = len(text) if size is None else size  # what the document gets (a folded text: its display)
        self.chars = SLICE_MIN_CHARS * 4
        self.unchanged = True  # so far, exact_text gives back what was loaded (slice by slice)
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
    """Emits ``loaded`` when a (possibly chunked) :meth:`load_text` has finished, ``folded_changed``
    when it starts or stops showing a text with very long lines folded (see :attr:`folded`).

    Positions given to and returned by the statement, selection, error and line methods
    (:meth:`statement_under_cursor`, :meth:`selected_sql`, :meth:`show_error_at`, :meth:`line_at`,
    :meth:`delimiter_at`) are positions in :meth:`sql_text`: the same as the document's, except
    in a folded text, where the document also holds the row breaks."""

    loaded = Signal()
    folded_changed = Signal()

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
        self.highlighter.set_rows(self._continues_line)
        self._numbers = _LineNumbers(self)
        self._statement: tuple[int, int] | None = None
        self._error_sel: tuple[int, int] | None = None
        self._load: _PendingText | None = None  # a big text still arriving (see load_text)
        self._was_read_only = False
        self._reserved_digits = 0  # line-number digits kept for a big text (see load_text)
        self._loaded: tuple[int, str] | None = None  # (document revision, text) after a big load
        #: a text with lines too long for Qt, shown folded and read-only (see folded_text.py)
        self.folded: FoldedText | None = None
        self._unfolded_read_only = False  # read-only as it was before a folded text came
        self._folded_delimiters: list[tuple[int, str]] | None = None
        #: a folded text's statements and their starts (set_folded_statements)
        self._folded_statements: tuple[list[Statement], list[int]] | None = None
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
        folded = self.folded
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.setPen(pal.color(QPalette.ColorRole.Text) if number == current else dim)
                label = str(number + 1)
                if folded is not None:  # the text's line numbers; a folded line's later rows: an arrow
                    line, continued = folded.line_of_block(number)
                    label = "\u21aa" if continued else str(line + 1)
                painter.drawText(0, top, self._numbers.width() - 5, height, Qt.AlignmentFlag.AlignRight, label)
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
    def load_text(self, text: str, *, fold: bool = True) -> None:
        """Replace the text, as ``setPlainText`` would: undo history empty, cursor at the start,
        not modified. A big text arrives in slices sized by time (``loading`` until ``loaded``),
        and nothing here walks the whole text at once, so the window never freezes.

        A text with a line longer than ``folded_text.LONG_LINE_CHARS`` (a minified dump) is
        shown folded into rows and read-only (:attr:`folded`): Qt would freeze the window for
        seconds laying such a line out. :meth:`sql_text`, :meth:`full_text`, copying and finding
        use the exact text. ``fold=False`` shows it as it is (:meth:`unfold`)."""
        self._stop_loading()
        self._set_folded(None)
        self._reserved_digits = 0
        self._loaded = None
        if self._delimiters is not None:
            self._delimiters.forget()  # read again once the new text is in
        folded = FoldedText.of(text) if fold and len(text) > AT_ONCE_CHARS else None
        if folded is not None:
            self._set_folded(folded)  # (its display is made slice by slice: display_piece)
        if len(text) <= AT_ONCE_CHARS:
            self.setPlainText(text)
            self._update_margin()
            self.loaded.emit()
            return
        self.loading = True
        self._was_read_only = self.isReadOnly()
        self.setReadOnly(True)  # slices go at the end: nothing is typed in between
        self.highlighter.hold(True)  # its background pass waits for the whole text
        self._load = _PendingText(text, 0, None if folded is None else folded.display_size)
        self._load_timer.start()  # the first slice on the next turn: apart from the caller's work

    def full_text(self) -> str:
        """The whole text, also while it still loads (what a save or an autosave must write).
        Until the first edit after a load it is the loaded text itself: copying a big document
        out of Qt (``toRawText``) takes 30-45 ms for 100,000 lines. A folded text (read-only)
        is always the loaded text, exactly."""
        if self.folded is not None:
            return self.folded.text
        load = self._load
        if load is not None:
            if load.pos and (load.edited or load.revision != self.document().revision()):
                return self.document_text() + load.text[load.pos :]  # the edits, and the rest to come
            return load.text
        if self._loaded is not None and self._loaded[0] == self.document().revision():
            return self._loaded[1]
        self._loaded = None
        return self.document_text()

    def document_text(self) -> str:
        """The document's text exactly (:func:`exact_text`; a no-break space stays one)."""
        return exact_text(self.document().toRawText())

    def cancel_load(self) -> None:
        """Stop a load in progress and leave the editor empty (half a file saved over the whole
        one would lose the rest); nothing happens when no load runs."""
        if self._load is None:
            return
        self._stop_loading()
        self._set_folded(None)
        self.setPlainText("")

    # -- a text with very long lines, folded ----------------------------------------------------
    def _set_folded(self, folded: FoldedText | None) -> None:
        if folded is None and self.folded is None:
            return
        if self.folded is None:
            self._unfolded_read_only = self.isReadOnly()
        self.folded = folded
        self._folded_delimiters = None
        self._folded_statements = None
        self.setReadOnly(True if folded is not None else self._unfolded_read_only)
        self.folded_changed.emit()

    def fold_notice(self) -> str:
        """What the tab says above a folded text ("" when the text is not folded)."""
        f = self.folded
        if f is None:
            return ""
        lines = len(f.lines)
        what = "A line" if lines == 1 else f"{lines:,} lines"
        return (f"{what} of this file {'is' if lines == 1 else 'are'} too long to edit here (the longest: "
                f"{f.longest:,} characters): shown cut into rows (\u21aa in the margin), read-only. "
                "Run, Explain, Find, Copy and Save use the exact text.")

    def unfold(self) -> None:
        """Show a folded text as it is, editable (Qt lays each long line out in one piece: the
        window pauses, about a second per 3 MB of line)."""
        if self.folded is not None and not self.loading:
            self.load_text(self.folded.text, fold=False)

    def sql_text(self) -> str:
        """The text to run: exactly what was loaded for a folded text, else the document's."""
        return self.folded.text if self.folded is not None else self.document_text()

    def selected_sql(self) -> tuple[str, int] | None:
        """The selected text (exact, also in a folded text) and where it starts; None without one."""
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        f = self.folded
        if f is None:
            return exact_text(cur.selectedText()), cur.selectionStart()
        start, end = f.text_pos(cur.selectionStart()), f.text_pos(cur.selectionEnd())
        return f.text[start:end], start

    def line_at(self, pos: int) -> int:
        """The line number (from 1) of position ``pos`` of :meth:`sql_text`."""
        f = self.folded
        if f is None:
            return self.document().findBlock(pos).blockNumber() + 1
        return f.line_of_block(self.document().findBlock(f.display_pos(pos)).blockNumber())[0] + 1

    def _shown(self, pos: int, *, end: bool = False) -> int:
        """The document position of a position of :meth:`sql_text`."""
        return pos if self.folded is None else self.folded.display_pos(pos, at_row_end=end)

    def createMimeDataFromSelection(self):  # noqa: N802 - Qt naming
        """Copy and drag give the exact text (a no-break space stays one; a folded text's without
        its row breaks)."""
        selected = self.selected_sql()
        if selected is None:
            return super().createMimeDataFromSelection()
        mime = QMimeData()
        mime.setText(selected[0])
        return mime

    def _stop_loading(self) -> None:
        self._load_timer.stop()
        if self._load is None:
            return
        self._load = None
        self.loading = False
        self.setUndoRedoEnabled(True)
        self.setReadOnly(self._was_read_only or self.folded is not None)
        self.highlighter.hold(False)

    def visible_blocks(self) -> tuple[int, int]:
        """The first and last block numbers on screen (one line per block: no wrapping)."""
        first = self.firstVisibleBlock().blockNumber()
        return first, first + self.viewport().height() // max(1, self.fontMetrics().lineSpacing()) + 1

    def _next_piece(self, load: _PendingText, size: int) -> tuple[str, int]:
        """The next slice of about ``size`` characters and where it ends (after a line break)."""
        if self.folded is not None:
            return self.folded.display_piece(load.pos, size)
        end = slice_end(load.text, load.pos, size)
        return load.text[load.pos : end], end

    def _load_first(self, load: _PendingText) -> tuple[str, int]:
        """The first slice (the first screen, coloured at once as before)."""
        piece, end = self._next_piece(load, FIRST_SLICE_CHARS)
        # the line numbers' width for the whole text, estimated from the first slice (twice its
        # line density): a wider margin lays every line out again, 13 ms per 100,000 lines
        density = (piece.count("\n") + 1) / end
        self._reserved_digits = len(str(int(2 * density * load.size) + 1))
        self.setPlainText(piece)
        self.setUndoRedoEnabled(False)  # no undo step per slice; enabling it again starts empty
        return piece, end

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
            piece, end = self._load_first(load)
        else:
            if load.revision != self.document().revision():
                load.edited = True  # kept: the rest goes in after it, and a save writes both
            piece, end = self._next_piece(load, load.chars)
            self._append(piece)
        load.revision = self.document().revision()
        load.unchanged = load.unchanged and reads_back_unchanged(piece)
        load.advance(end, time.perf_counter() - t0)
        self.slices_loaded += 1
        if load.pos < load.size:
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
        if self.folded is not None:
            return self._folded_statement(cur.position())
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
        text = exact_text(c.selectedText())
        if self.engine == "mysql":
            st = statement_at(split_mysql(text, delimiter=self.delimiter_at(base)), cur.position() - base)
        else:
            st = statement_at(split_sql(text), cur.position() - base)
        if st is None:
            return None
        line0 = first.blockNumber()
        return Statement(st.text, st.start + base, st.end + base, st.line + line0, st.end_line + line0,
                         st.terminated, st.stop + base)

    def _folded_statement(self, position: int) -> Statement | None:
        """In a folded text: the statement at document ``position``, from the statements of the
        whole text (a window of rows could start inside a statement of a megabyte); None until
        :meth:`set_folded_statements` has them (the tab reads them on a worker when a statement
        is first run: so the current statement is tinted only after that)."""
        known = self._folded_statements
        if known is None or not known[0]:
            return None
        statements, starts = known
        i = bisect.bisect_right(starts, self.folded.text_pos(position)) - 1
        return statements[max(i, 0)]

    @property
    def statements_ready(self) -> bool:
        """False while a folded text waits for its statements (split off the UI thread)."""
        return self.folded is None or self._folded_statements is not None

    def set_folded_statements(self, text: str, statements: list[Statement]) -> bool:
        """The statements of folded text ``text`` (``split_sql`` / ``split_mysql`` of all of it,
        which the tab runs on a worker: 0.3 s for 5 MB, 90 ms of it in single C calls that hold
        the GIL); ignored for any other text."""
        if self.folded is None or self.folded.text is not text:
            return False
        self._folded_statements = (statements, [st.start for st in statements])
        self._stmt_timer.start()
        return True

    def delimiter_at(self, offset: int) -> str:
        """MySQL: the statement delimiter in effect at ``offset`` (the last ``DELIMITER`` line above
        it, as the mysql client reads the script; ";" when there is none). The whole text is read
        once; after that each edit scans only the lines it touched (``mysql_delimiters.py``)."""
        if self.folded is not None:  # the exact text (never edited while folded), read once
            if self._folded_delimiters is None:
                self._folded_delimiters = delimiter_lines(self.folded.text)
            lines = self._folded_delimiters
            i = bisect.bisect_right(lines, offset, key=lambda item: item[0]) - 1
            return lines[i][1] if i >= 0 else ";"
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
            sel.cursor.setPosition(self._shown(self._statement[0]))
            sel.cursor.setPosition(self._shown(self._statement[1], end=True), QTextCursor.MoveMode.KeepAnchor)
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
        """Move the cursor to an error position (in :meth:`sql_text`) and underline the word there."""
        doc = self.document()
        offset = max(0, min(self._shown(offset), doc.characterCount() - 1))
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
        if self.folded is not None:
            return  # read-only (a program's edit would get past that)
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
        if self.folded is not None:
            return
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
        if self.folded is not None:
            return self._find_folded(needle, backward, case, wrap)
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

    def _find_folded(self, needle: str, backward: bool, case: bool, wrap: bool) -> bool:
        """Find in the exact text (a match may cross a row break) and select it on screen.
        While the text still loads, only in the part loaded so far (what the screen can show)."""
        f = self.folded
        cur = self.textCursor()
        shown = min(f.display_size, self.document().characterCount() - 1)  # display chars loaded
        limit = len(f.text) if shown >= f.display_size else f.text_pos(shown)
        if backward:
            found = f.find_last(needle, min(limit, f.text_pos(cur.selectionStart())), case=case)
            if found is None and wrap:
                found = f.find_last(needle, limit, case=case)
        else:
            found = f.find(needle, f.text_pos(cur.selectionEnd()), case=case, end=limit)
            if found is None and wrap:
                found = f.find(needle, 0, case=case, end=limit)
        if found is None:
            return False
        c = QTextCursor(self.document())
        c.setPosition(f.display_pos(found[0]))
        c.setPosition(f.display_pos(found[1], at_row_end=True), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)
        return True

    def replace_current(self, needle: str, replacement: str, *, case: bool = False) -> bool:
        if self.folded is not None:
            return False  # read-only
        cur = self.textCursor()
        sel = cur.selectedText()
        if sel and (sel == needle or (not case and sel.lower() == needle.lower())):
            cur.insertText(replacement)
        return self.find_text(needle, case=case)

    def replace_all(self, needle: str, replacement: str, *, case: bool = False) -> int:
        if not needle or self.folded is not None:
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

    def _continues_line(self, block_number: int) -> bool:
        """Block ``block_number`` is a folded line's row after its first (for the highlighter)."""
        folded = getattr(self, "folded", None)
        return folded is not None and folded.line_of_block(block_number)[1]

    def set_dark(self, dark: bool) -> None:
        font = QFont(self.font())
        self.highlighter.setDocument(None)
        self.highlighter = SqlHighlighter(self.document(), dark=dark, engine=self.engine)
        self.highlighter.set_view(self.visible_blocks)
        self.highlighter.set_rows(self._continues_line)
        self.highlighter.hold(self.loading)
        self.setFont(font)

