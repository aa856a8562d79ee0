"""A .sql file keeps its line ending: read (text with "\\n" + the file's ending), then saved with
it, gives back the same bytes (a CRLF file from Windows stays CRLF)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db.sql_files import LINE_ENDINGS, line_ending, read_sql_file, save_sql_file

# line contents: any text without line-ending characters (a no-break space and U+2028 included)
_lines = st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n")), max_size=8)


@settings(max_examples=150, deadline=None)
@given(lines=_lines, newline=st.sampled_from(LINE_ENDINGS), final=st.booleans())
def test_read_then_save_round_trips_the_bytes(tmp_path_factory, lines, newline, final):
    path = tmp_path_factory.mktemp("rt") / "f.sql"
    raw = (newline.join(lines) + (newline if final and lines else "")).encode("utf-8")
    path.write_bytes(raw)
    got = read_sql_file(path)
    assert "\r" not in got.text
    assert got.text == "\n".join(lines) + ("\n" if final and lines else "")
    assert got.newline == (newline if got.text.count("\n") else "\n")
    save_sql_file(path, got.text, got.newline)
    assert path.read_bytes() == raw


@pytest.mark.parametrize(("raw", "text", "newline"), [
    (b"select 1;\r\nselect 2;\r\n", "select 1;\nselect 2;\n", "\r\n"),
    (b"select 1;\nselect 2;", "select 1;\nselect 2;", "\n"),
    (b"select 1;\rselect 2;\r", "select 1;\nselect 2;\n", "\r"),
    (b"select 1;", "select 1;", "\n"),
    (b"a\r\nb\nc\rd", "a\nb\nc\nd", "\r\n"),  # mixed: the first one found
])
def test_read_gives_text_with_newlines_and_the_file_ending(tmp_path, raw, text, newline):
    path = tmp_path / "f.sql"
    path.write_bytes(raw)
    assert read_sql_file(path).text == text
    assert read_sql_file(path).newline == newline


def test_a_mixed_file_is_saved_with_its_first_line_ending(tmp_path):
    path = tmp_path / "f.sql"
    path.write_bytes(b"a\r\nb\nc")
    got = read_sql_file(path)
    save_sql_file(path, got.text, got.newline)
    assert path.read_bytes() == b"a\r\nb\r\nc"


def test_save_with_unknown_ending_keeps_the_files_own_and_a_new_file_gets_lf(tmp_path):
    old = tmp_path / "old.sql"
    old.write_bytes(b"select 1;\r\n")
    save_sql_file(old, "select 1;\nselect 2;\n", None)
    assert old.read_bytes() == b"select 1;\r\nselect 2;\r\n"
    new = tmp_path / "new.sql"
    save_sql_file(new, "select 1;\nselect 2;\n", None)
    assert new.read_bytes() == b"select 1;\nselect 2;\n"
    save_sql_file(new, "x\ny")
    assert new.read_bytes() == b"x\ny"


def test_unknown_ending_found_across_the_read_boundary(tmp_path, monkeypatch):
    import aurora_console.core.db.sql_files as sf

    monkeypatch.setattr(sf, "_SNIFF_BYTES", 4)
    path = tmp_path / "f.sql"
    path.write_bytes(b"abc\r\nd")  # the CR is the 4th byte: its LF comes in the next read
    save_sql_file(path, "abc\nd\n", None)
    assert path.read_bytes() == b"abc\r\nd\r\n"


def test_a_line_ending_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(ValueError):
        save_sql_file(tmp_path / "f.sql", "a\nb", "\n\r")
    assert not (tmp_path / "f.sql").exists()


@given(st.text())
def test_line_ending_is_the_first_one(text):
    found = line_ending(text)
    assert found in LINE_ENDINGS
    positions = [i for i, c in enumerate(text) if c in "\r\n"]
    if not positions:
        assert found == "\n"
    else:
        i = positions[0]
        assert found == ("\r\n" if text[i:i + 2] == "\r\n" else text[i])
