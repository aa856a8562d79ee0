"""A text with very long lines, as the SQL editor shows it: each such line folded into rows.

Qt lays a line (a ``QTextBlock``) out in one piece, whatever the editor does: a 5 MB line takes
0.3 s of CPU in ``QTextLayout`` alone (62-104 ns per character, shaped or not) and
``QPlainTextEdit`` lays it out and draws it several times: 1.8 s with the window frozen. So a line
longer than ``LONG_LINE_CHARS`` is shown cut into rows of about ``ROW_CHARS`` characters (one
block each, laid out as cheaply as any short line). Only what is shown changes: this class keeps
the exact text (what runs, saves, copies and is searched) and maps positions between the two.

The display differs from ``text`` in two ways only, both one-for-one in length except the
row breaks: a ``\\n`` before each row of a long line after its first (``folds``), and each ``\\r``
shown as a space (Qt reads ``\\r\\n`` as one line break, which would shift every position after
it). Qt-free, so its mapping is tested without a window.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from itertools import chain
from operator import add

LONG_LINE_CHARS = 20_000  # a longer line is folded (up to this, opening it stays under ~10 ms of CPU)
#: a folded line's rows are at most this long: Qt draws all of a row shown, scrolled into view or
#: not (a paint of 500-character rows took 12 ms of CPU, of 300-character rows 8 ms)
ROW_CHARS = 300
_ROW_ENDS = (",", ";", " ", ")")  # a row ends after one of these (in this order of preference) in its last quarter


def long_lines(text: str, limit: int = LONG_LINE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` longer than ``limit`` characters, in order.

    Looks at one window of ``limit // 2`` characters at a time: a window holding a line break
    has no such line inside it, so a text of short lines costs one C-speed search per window
    (about 250 for 5 MB), never one Python step per line."""
    found: list[tuple[int, int]] = []
    step = max(1, limit // 2)
    n = len(text)
    i = 0
    while i < n:
        stop = min(n, i + step)
        if text.find("\n", i, stop) >= 0 or text.find("\u2029", i, stop) >= 0:
            i = stop
            continue
        # no line break in text[i:stop]: measure the line around it
        before = _last_break(text, i)
        start = 0 if before < 0 else before + 1
        end = _next_break(text, stop)
        if end - start > limit:
            found.append((start, end))
        i = end + 1
    return found


def _last_break(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\u2029", 0, pos))


def _next_break(text: str, pos: int) -> int:
    """Where the line holding ``pos`` ends (``str.find`` is a memchr: a regex search walks a
    5 MB line ten times slower)."""
    ends = [i for i in (text.find("\n", pos), text.find("\u2029", pos)) if i >= 0]
    return min(ends) if ends else len(text)


def row_starts(text: str, start: int, end: int, row: int = ROW_CHARS) -> list[int]:
    """Where the rows of the line ``text[start:end]`` after its first begin: every row holds at
    most ``row`` characters, ending after a comma, semicolon, space or ``)`` found in its last
    quarter (a comma first, so an extended INSERT's rows end between its values), else cut at ``row``."""
    starts = []
    p = start
    while end - p > row:
        q = p + row
        low = q - row // 4
        for c in _ROW_ENDS:  # the first kind found wins (one search per row in a dump's values)
            cut = text.rfind(c, low, q)
            if cut >= 0:
                q = cut + 1
                break
        starts.append(q)
        p = q
    return starts


class FoldedText:
    """``text`` (exact) and ``display`` (what the editor's document holds), with the maps
    between their positions and between display rows (blocks) and the text's line numbers."""

    def __init__(self, text: str, lines: list[tuple[int, int]], row: int = ROW_CHARS) -> None:
        self.text = text
        self.lines = lines  # (start, end) of each folded line
        folds: list[int] = []  # positions in ``text`` where a row begins
        continuation: list[int] = []  # display block numbers of the rows after a line's first
        line_no, counted = 0, 0  # line breaks in text[:counted]
        for start, end in lines:
            line_no += text.count("\n", counted, start) + text.count("\u2029", counted, start)
            counted = start
            first_block = line_no + len(continuation)  # the rows added above push it down
            starts = row_starts(text, start, end, row)
            folds += starts
            continuation += range(first_block + 1, first_block + 1 + len(starts))
        self.folds = folds
        self.continuation = continuation
        # where each inserted break sits in the display: strictly increasing
        self._display_breaks = list(map(add, folds, range(len(folds))))
        self.display_size = len(text) + len(folds)

    @cached_property
    def display(self) -> str:
        """The whole display (the editor takes it in pieces instead: :meth:`display_piece`;
        copying 5 MB in 10,000 slices takes 10 ms)."""
        return self._display_range(0, self.display_size)

    def _display_range(self, start: int, end: int) -> str:
        """The display from ``start`` (just after a line break, or 0) to ``end``."""
        lo = bisect.bisect_left(self._display_breaks, start)
        hi = bisect.bisect_left(self._display_breaks, end)
        folds = self.folds[lo:hi]  # the row breaks in there
        r0, r1 = self.text_pos(start), self.text_pos(end)
        pieces = map(self.text.__getitem__, map(slice, chain((r0,), folds), chain(folds, (r1,))))
        return "\n".join(pieces).replace("\r", " ")

    def display_piece(self, start: int, size: int) -> tuple[str, int]:
        """The display from ``start`` (0 or just after a line break) to just after the last line
        break within ``size`` characters (or further, to the end of a line longer than that),
        and where it ends: what the editor loads in one slice."""
        total = self.display_size
        end = min(total, start + size)
        if end < total:
            i = bisect.bisect_left(self._display_breaks, end) - 1
            cut = self._display_breaks[i] if i >= 0 else -1  # the last row break before ``end``
            r0, r1 = self.text_pos(start), self.text_pos(end)
            line_end = _last_break(self.text, r1)
            if line_end >= r0:
                cut = max(cut, self.display_pos(line_end))
            if cut >= start:
                end = cut + 1
            else:  # no break so soon (an unfolded line longer than ``size``): to the next one
                line_end = _next_break(self.text, r1)
                end = total if line_end >= len(self.text) else self.display_pos(line_end) + 1
                if i + 1 < len(self._display_breaks):
                    end = min(end, self._display_breaks[i + 1] + 1)
        return self._display_range(start, end), end

    @classmethod
    def of(cls, text: str, limit: int = LONG_LINE_CHARS, row: int = ROW_CHARS) -> FoldedText | None:
        """The folded form of ``text``, or None when no line is longer than ``limit``."""
        lines = long_lines(text, limit)
        return cls(text, lines, row) if lines else None

    def find(self, needle: str, start: int, *, case: bool, end: int | None = None) -> tuple[int, int] | None:
        """The first match of ``needle`` at or after ``start`` in the text (and ending at or
        before ``end``, when given): ``(start, end)``. Without ``case``, as Qt's find: letters
        match in either case."""
        end = len(self.text) if end is None else end
        if case:
            at = self.text.find(needle, start, end)
            return None if at < 0 else (at, at + len(needle))
        if self.text.isascii() and needle.isascii():  # lower() keeps every position: a memchr search
            at = self._lowered.find(needle.lower(), start, end)
            return None if at < 0 else (at, at + len(needle))
        m = re.compile(re.escape(needle), re.IGNORECASE).search(self.text, start, end)
        return None if m is None else m.span()

    def find_last(self, needle: str, before: int, *, case: bool) -> tuple[int, int] | None:
        """The last match of ``needle`` ending at or before ``before``."""
        if case or (self.text.isascii() and needle.isascii()):
            hay, key = (self.text, needle) if case else (self._lowered, needle.lower())
            at = hay.rfind(key, 0, before)
            return None if at < 0 else (at, at + len(needle))
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        size, start = 1024, before
        while True:  # windows that grow: a match near ``before`` costs little in megabytes
            start = max(0, start - size)
            found, pos = None, start
            while (m := pattern.search(self.text, pos, before)) is not None:  # overlapping ones too
                found, pos = m.span(), m.start() + 1
            if found is not None or start == 0:
                return found
            size *= 4

    @cached_property
    def _lowered(self) -> str:
        return self.text.lower()

    @property
    def longest(self) -> int:
        return max(end - start for start, end in self.lines)

    @property
    def rows(self) -> int:
        """Rows added by folding (display lines minus the text's lines)."""
        return len(self.folds)

    def display_pos(self, pos: int, *, at_row_end: bool = False) -> int:
        """The display position of text position ``pos``. Where a row begins, the position is
        the start of that row, or the end of the row before with ``at_row_end`` (for the end of
        a selection or a match)."""
        pos = max(0, min(pos, len(self.text)))
        before = (bisect.bisect_left if at_row_end else bisect.bisect_right)(self.folds, pos)
        return pos + before

    def text_pos(self, display_pos: int) -> int:
        """The text position of a display position (an inserted break counts as its row's end)."""
        return display_pos - bisect.bisect_left(self._display_breaks, display_pos)

    def line_of_block(self, block: int) -> tuple[int, bool]:
        """``(line number from 0 in the text, whether the block continues a folded line)``."""
        before = bisect.bisect_right(self.continuation, block)
        continued = before > 0 and self.continuation[before - 1] == block
        return block - before, continued
