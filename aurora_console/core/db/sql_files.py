"""The SQL editor's files: its autosave (what survives a restart) and the ``.sql`` files a user saves.

Autosave: the editor's text with every password literal masked (:func:`~aurora_console.core.db.
sql_secrets.mask_sql`, as in the history), written atomically, owner-only (0600 in the 0700
autosave folder). A ``.sql`` file the user saves is their document: written as typed, atomically;
a new file is owner-only, an existing one keeps the permissions the user gave it.

Line endings: the editor's text always has "\n"; a file keeps the line ending it had (CRLF, as
Windows editors write, LF, or CR alone): :func:`read_sql_file` says which one it found first
(and gives the text with "\n"), :func:`save_sql_file` writes it back with that one, so a file
opened and saved unchanged is byte for byte the same (a file mixing line endings is saved with
the first one it has). A new file gets "\n".
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from aurora_console.core.db.sql_secrets import mask_sql
from aurora_console.core.private_files import FILE_MODE, atomic_write_text

__all__ = ["write_autosave", "read_autosave", "discard_autosave", "save_sql_file", "read_sql_file",
           "SqlFileText", "line_ending", "LINE_ENDINGS"]

#: the line endings a file may have, as written
LINE_ENDINGS = ("\n", "\r\n", "\r")
_LINE_END = re.compile(r"\r\n|\r|\n")
#: how much of an existing file is read to learn its line ending when the caller does not know it
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class SqlFileText:
    """A ``.sql`` file as the editor takes it: ``text`` with "\n" line ends and the file's own
    ``newline`` (one of :data:`LINE_ENDINGS`), to save it with."""

    text: str
    newline: str = "\n"


def line_ending(text: str) -> str:
    """The first line ending in ``text`` ("\n" when it has none)."""
    m = _LINE_END.search(text)
    return m.group() if m else "\n"


def write_autosave(path: Path, text: str) -> str:
    """Write the masked ``text`` to ``path``; returns what was written."""
    kept = mask_sql(text)
    atomic_write_text(Path(path), kept)
    return kept


def read_autosave(path: Path) -> str:
    """The autosaved text, or "" when there is none."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def discard_autosave(path: Path) -> None:
    Path(path).unlink(missing_ok=True)


def save_sql_file(path: str | os.PathLike[str], text: str, newline: str | None = "\n") -> None:
    """Save a user's ``.sql`` file (complete or not at all): ``text`` (line ends "\n") with its
    line ends written as ``newline``; None: the line ending the file at ``path`` has now (a new
    file: "\n")."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)  # the user's own choice for a file that existed
    except FileNotFoundError:
        mode = FILE_MODE
    if newline is None:
        newline = _existing_line_ending(path)
    if newline not in LINE_ENDINGS:
        raise ValueError(f"not a line ending: {newline!r}")
    if newline != "\n":
        text = text.replace("\n", newline)
    atomic_write_text(path, text, private_parent=False, mode=mode)


def read_sql_file(path: str | os.PathLike[str]) -> SqlFileText:
    """The file's text with "\n" line ends, and the line ending it has (:func:`line_ending`)."""
    raw = Path(path).read_bytes().decode("utf-8")
    newline = line_ending(raw)
    return SqlFileText(_LINE_END.sub("\n", raw) if "\r" in raw else raw, newline)


def _existing_line_ending(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
            if head.endswith(b"\r"):
                head += f.read(1)  # a CR that ends the read may be the first half of a CRLF
    except FileNotFoundError:
        return "\n"
    return line_ending(head.decode("utf-8", errors="replace"))
