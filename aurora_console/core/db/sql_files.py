"""The SQL editor's files: its autosave (what survives a restart) and the ``.sql`` files a user saves.

Autosave: the editor's text with every password literal masked (:func:`~aurora_console.core.db.
sql_secrets.mask_sql`, as in the history), written atomically, owner-only (0600 in the 0700
autosave folder). A ``.sql`` file the user saves is their document: written as typed, atomically;
a new file is owner-only, an existing one keeps the permissions the user gave it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from aurora_console.core.db.sql_secrets import mask_sql
from aurora_console.core.private_files import FILE_MODE, atomic_write_text

__all__ = ["write_autosave", "read_autosave", "discard_autosave", "save_sql_file", "read_sql_file"]


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


def save_sql_file(path: str | os.PathLike[str], text: str) -> None:
    """Save a user's ``.sql`` file (complete or not at all)."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)  # the user's own choice for a file that existed
    except FileNotFoundError:
        mode = FILE_MODE
    atomic_write_text(path, text, private_parent=False, mode=mode)


def read_sql_file(path: str | os.PathLike[str]) -> str:
    return Path(path).read_text(encoding="utf-8")
