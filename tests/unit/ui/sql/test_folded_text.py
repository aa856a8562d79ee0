"""Folding very long lines for display (ui/sql/folded_text.py): the exact text is never touched,
the display holds it with row breaks added, and positions and line numbers map both ways."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.ui.sql.folded_text import FoldedText, long_lines, row_starts

_texts = st.text(alphabet="ab ,;)\n\r\u2029'", max_size=300)


def _naive_long_lines(text: str, limit: int) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in list(re.finditer("[\n\u2029]", text)) + [None]:
        end = len(text) if m is None else m.start()
        if end - start > limit:
            out.append((start, end))
        if m is not None:
            start = m.end()
    return out


@given(text=_texts, limit=st.integers(1, 40))
def test_long_lines_are_the_lines_longer_than_the_limit(text, limit):
    assert long_lines(text, limit) == _naive_long_lines(text, limit)


def test_a_text_of_short_lines_has_no_long_line_and_is_not_folded():
    text = "select 1;\n" * 10_000
    assert long_lines(text) == []
    assert FoldedText.of(text) is None


@given(text=_texts, limit=st.integers(1, 30), row=st.integers(2, 20))
def test_the_display_is_the_text_with_row_breaks_added(text, limit, row):
    folded = FoldedText(text, long_lines(text, limit), row)
    assert folded.text is text  # kept as given
    shown = folded.display
    breaks = [at + i for i, at in enumerate(folded.folds)]
    assert all(shown[b] == "\n" for b in breaks)
    rest = "".join(ch for i, ch in enumerate(shown) if i not in set(breaks))
    assert rest == text.replace("\r", " ")  # one for one otherwise (a CR shows as a space)
    assert len(shown) == len(text) + folded.rows


@given(text=_texts, limit=st.integers(1, 30), row=st.integers(2, 20))
def test_positions_map_both_ways(text, limit, row):
    folded = FoldedText(text, long_lines(text, limit), row)
    for pos in range(len(text) + 1):
        for end in (False, True):
            shown = folded.display_pos(pos, at_row_end=end)
            assert folded.text_pos(shown) == pos
            if pos < len(text) and not end:
                assert folded.display[shown] == text[pos].replace("\r", " ")
    # every display position maps into the text, in order
    mapped = [folded.text_pos(d) for d in range(len(folded.display) + 1)]
    assert mapped == sorted(mapped) and mapped[-1] == len(text)


@given(text=_texts, limit=st.integers(1, 30), row=st.integers(2, 20))
def test_each_display_row_knows_its_line_in_the_text(text, limit, row):
    folded = FoldedText(text, long_lines(text, limit), row)
    block_starts = [0] + [m.end() for m in re.finditer("[\n\u2029]", folded.display)]
    for block, start in enumerate(block_starts):
        at = folded.text_pos(start)
        line, continued = folded.line_of_block(block)
        assert continued == (at in folded.folds and start == folded.display_pos(at))
        assert line == len(re.findall("[\n\u2029]", text[:at]))


@given(text=st.text(alphabet="xy,; )", min_size=1, max_size=200), row=st.integers(4, 30))
def test_rows_are_never_longer_than_the_row_size(text, row):
    starts = [0] + row_starts(text, 0, len(text), row) + [len(text)]
    assert all(0 < b - a <= row for a, b in zip(starts, starts[1:], strict=False))


def test_an_extended_insert_is_cut_between_its_values():
    text = "INSERT INTO t VALUES " + ",".join(f"({i},'name {i}')" for i in range(2000)) + ";"
    folded = FoldedText.of(text, limit=1000, row=200)
    assert folded is not None and folded.rows > 10
    assert all(text[at - 1] in ",; )" for at in folded.folds)
    assert folded.display.replace("\n", "") == text


def _naive_find(text: str, needle: str, start: int, case: bool) -> tuple[int, int] | None:
    m = re.compile(re.escape(needle), 0 if case else re.IGNORECASE).search(text, start)
    return None if m is None else m.span()


@given(text=st.text(alphabet="aAbBéÉ\n,", max_size=120), needle=st.text(alphabet="aAbBéÉ", min_size=1, max_size=3),
       start=st.integers(0, 130), case=st.booleans())
def test_find_gives_the_first_match_from_a_position_in_the_exact_text(text, needle, start, case):
    folded = FoldedText(text, long_lines(text, 10), 4)
    start = min(start, len(text))
    assert folded.find(needle, start, case=case) == _naive_find(text, needle, start, case)


@given(text=st.text(alphabet="aAbBéÉ\n,", max_size=120), needle=st.text(alphabet="aAbBéÉ", min_size=1, max_size=3),
       start=st.integers(0, 130), end=st.integers(0, 130), case=st.booleans())
def test_find_up_to_an_end_gives_only_matches_ending_before_it(text, needle, start, end, case):
    # (the editor searches only the part of a folded text loaded so far)
    folded = FoldedText(text, long_lines(text, 10), 4)
    start, end = min(start, len(text)), min(end, len(text))
    m = re.compile(re.escape(needle), 0 if case else re.IGNORECASE).search(text, start, end)
    assert folded.find(needle, start, case=case, end=end) == (None if m is None else m.span())


@given(text=st.text(alphabet="aAbBéÉ\n,", max_size=120), needle=st.text(alphabet="aAbBéÉ", min_size=1, max_size=3),
       before=st.integers(0, 130), case=st.booleans())
def test_find_last_gives_the_last_match_ending_before_a_position(text, needle, before, case):
    folded = FoldedText(text, long_lines(text, 10), 4)
    before = min(before, len(text))
    flags = 0 if case else re.IGNORECASE
    # the last start whose match fits before ``before`` (matches may overlap)
    spans = [(i, i + len(needle)) for i in range(before - len(needle) + 1)
             if re.fullmatch(re.escape(needle), text[i : i + len(needle)], flags)]
    assert folded.find_last(needle, before, case=case) == (spans[-1] if spans else None)


@given(text=_texts, limit=st.integers(1, 30), row=st.integers(2, 20), sizes=st.lists(st.integers(1, 50), min_size=1))
def test_the_display_in_pieces_is_the_display_each_piece_ending_after_a_line_break(text, limit, row, sizes):
    folded = FoldedText(text, long_lines(text, limit), row)
    expected = "\n".join(text[a:b] for a, b in zip([0, *folded.folds], [*folded.folds, len(text)], strict=True))
    assert folded.display == expected.replace("\r", " ")
    pieces, pos, k = [], 0, 0
    while pos < folded.display_size:
        piece, end = folded.display_piece(pos, sizes[k % len(sizes)])
        assert end > pos and len(piece) == end - pos
        if end < folded.display_size:
            assert piece[-1] in "\n\u2029"
        pieces.append(piece)
        pos, k = end, k + 1
    assert "".join(pieces) == folded.display
