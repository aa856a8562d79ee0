"""Owner-only files and folders: the one way the console creates what it writes to disk.

Everything the console writes (settings, connection profiles, SQL history and autosave, the
audit log, pending content edits, exports, logs, sandbox state) goes through these functions,
so it is readable by the user alone from the moment it exists:

* a folder is created with mode 0700 (every missing parent too, as the XDG base directory
  specification asks); a folder the console owns that already exists with wider permissions
  (made by an older version) is narrowed to 0700 when it belongs to the current user;
* a file is created with mode 0600 by ``os.open`` (a complete file: a temp file created 0600,
  written, then renamed over the target), so it is never readable by others, not even for the
  instant between creation and a later ``chmod``; the umask can only narrow these modes, and a
  mode it narrowed too far (no owner read/write) is set back to exactly 0600/0700;
* an existing file of ours that is wider (an older version's 0644) is narrowed when written.

Windows: POSIX modes mean nothing there (``os.chmod`` only toggles the read-only flag). Files
and folders inherit the ACL of the user's profile folder (``%LOCALAPPDATA%``/``%APPDATA%``),
which grants access to the user, SYSTEM and Administrators only; these functions add nothing to
that (documented in docs/user-guide.md, "Security").
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

FILE_MODE = 0o600
DIR_MODE = 0o700
POSIX = sys.platform != "win32"


def _ours(st: os.stat_result) -> bool:
    return not POSIX or st.st_uid == os.getuid()


def private_dir(path: str | os.PathLike[str], *, narrow_existing: bool = True) -> Path:
    """``path`` as a folder, created 0700 with any missing parents (each 0700).

    ``narrow_existing``: an existing ``path`` (the last component only) owned by the current user
    and wider than 0700 is narrowed to 0700. Pass False for a folder the user chose (an export's
    destination), which is not the console's to change.
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # made by another thread or process meanwhile
            continue
        if POSIX:
            os.chmod(folder, DIR_MODE)  # a umask without owner bits: back to exactly 0700
    if not missing and narrow_existing and POSIX:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) != DIR_MODE and _ours(st):
            os.chmod(path, DIR_MODE)
    return path


def _narrow_fd(fd: int, mode: int = FILE_MODE) -> None:
    """The file behind ``fd`` to exactly ``mode`` when it is ours and differs from that."""
    if not POSIX:
        return
    st = os.fstat(fd)
    if stat.S_IMODE(st.st_mode) != mode and _ours(st):
        os.fchmod(fd, mode)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, private_parent: bool = True,
                       mode: int = FILE_MODE) -> None:
    """Write ``path`` completely or not at all: a temp file (0600) in the same folder, fsync,
    rename over ``path``. ``private_parent``: create/narrow the folder (see :func:`private_dir`);
    False for a folder the user chose (it must exist). ``mode``: only for a user's own document
    that already had other permissions (set on the temp file, before it is complete)."""
    path = Path(path)
    if private_parent:
        private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        _narrow_fd(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, private_parent: bool = True,
                      mode: int = FILE_MODE) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"), private_parent=private_parent, mode=mode)


def open_private(path: str | os.PathLike[str], mode: str = "a", *, encoding: str | None = "utf-8",
                 newline: str | None = None, private_parent: bool = True) -> IO:
    """Open ``path`` for writing, created 0600 if new (an existing file of ours is narrowed).

    ``mode``: ``"a"``/``"ab"`` (append), ``"w"``/``"wb"`` (truncate) or ``"x"``/``"xb"``
    (must not exist). For a temp file that is renamed into place, or a file appended to.
    """
    flags = {"a": os.O_WRONLY | os.O_CREAT | os.O_APPEND, "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
             "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL}[mode[0]]
    path = Path(path)
    if private_parent:
        private_dir(path.parent)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        _narrow_fd(fd)
    except BaseException:
        os.close(fd)
        raise
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding, newline=newline)


def narrow_file(path: str | os.PathLike[str]) -> None:
    """An existing file of ours (made by a library or an older version) to exactly 0600."""
    if not POSIX:
        return
    st = os.lstat(path)
    if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) != FILE_MODE and _ours(st):
        os.chmod(path, FILE_MODE)
