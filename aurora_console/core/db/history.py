"""Per-profile query history (JSON lines in the data folder) and saved snippets.

What is kept of a statement is :func:`~aurora_console.core.db.sql_secrets.mask_sql`'s output
(password literals masked with the SQL tokenizer, then the usual secret shapes). The files are
owner-only (``core.private_files``). A connection profile with ``keep_history`` off keeps its
history in memory for the session only: nothing is written to disk for it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aurora_console.core.db.sql_secrets import mask_error_message, mask_sql
from aurora_console.core.paths import AppPaths
from aurora_console.core.private_files import atomic_write_text, open_private

__all__ = ["MAX_ENTRIES", "HistoryEntry", "QueryHistory", "Snippets", "mask_sql", "profile_keeps_history"]

MAX_ENTRIES = 5000
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def profile_keeps_history(profile: str, store) -> bool:
    """The ``keep_history`` setting of the connection profile ``profile`` saved in ``store`` (a
    ``ProfileStore``; True for anything else: a connection string, the sandbox's built-in
    profile, an unreadable profile file)."""
    try:
        saved = {p.name: p for p in store.list()}
    except Exception:  # noqa: BLE001 - the history must never break a statement's run
        return True
    found = saved.get(profile)
    return True if found is None else bool(found.keep_history)


@dataclass(frozen=True)
class HistoryEntry:
    sql: str
    outcome: str  # "ok", "error", "cancelled"
    duration_ms: float
    rows: int | None = None
    message: str = ""
    at: float = field(default_factory=time.time)


def _file_name(profile: str) -> str:
    return (_SAFE.sub("_", profile).strip("._") or "default") + ".jsonl"


class QueryHistory:
    """Append-only JSON lines per profile, trimmed to the newest ``MAX_ENTRIES``; thread-safe.

    ``keep_on_disk``: asked (on the worker thread that adds an entry) whether to write it to the
    file; False keeps it in memory for this session only. Default: always (``for_profile``: the
    saved profile's ``keep_history``).
    """

    def __init__(self, profile: str, folder: Path, max_entries: int = MAX_ENTRIES,
                 keep_on_disk: Callable[[], bool] | None = None) -> None:
        self.profile = profile
        self.folder = Path(folder)
        self.path = self.folder / _file_name(profile)
        self.max_entries = max_entries
        self.keep_on_disk = keep_on_disk or (lambda: True)
        self._session: list[HistoryEntry] = []  # entries not written to disk (history off)
        self._lock = threading.Lock()

    @classmethod
    def for_profile(cls, profile: str, paths: AppPaths, store) -> QueryHistory:
        """The history of ``profile`` in ``paths``' data folder, kept on disk as the profile saved
        in ``store`` (a ``ProfileStore``) says (``keep_history``)."""
        return cls(profile, paths.data_dir / "sql-history",
                   keep_on_disk=lambda: profile_keeps_history(profile, store))

    def add(self, entry: HistoryEntry) -> None:
        kept = HistoryEntry(**{**asdict(entry), "sql": mask_sql(entry.sql),
                               "message": mask_error_message(entry.message, entry.sql)})
        if not self.keep_on_disk():
            with self._lock:
                self._session.append(kept)
                del self._session[:-self.max_entries]
            return
        line = json.dumps(asdict(kept), ensure_ascii=False) + "\n"
        with self._lock:
            with open_private(self.path, "a") as fh:  # 0600 in a 0700 folder
                fh.write(line)
            if self.path.stat().st_size > 200 * self.max_entries:  # cheap check, trims rarely
                self._trim()

    def _trim(self) -> None:
        entries = self._read()
        if len(entries) <= self.max_entries:
            return
        atomic_write_text(self.path, "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n"
                                             for e in entries[-self.max_entries:]))

    def _read(self) -> list[HistoryEntry]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(HistoryEntry(**json.loads(line)))
                except (ValueError, TypeError):
                    continue  # a torn last line after a crash
        return out

    def entries(self, search: str = "", limit: int = 500) -> list[HistoryEntry]:
        """Newest first; ``search`` matches case-insensitively in the SQL or the message."""
        with self._lock:
            items = self._read() + self._session
        needle = search.lower().strip()
        out = []
        for e in reversed(items):
            if needle and needle not in e.sql.lower() and needle not in e.message.lower():
                continue
            out.append(e)
            if len(out) >= limit:
                break
        return out

    def clear(self) -> None:
        """Forget every entry: the file on disk and this session's."""
        with self._lock:
            self._session.clear()
            self.path.unlink(missing_ok=True)


class Snippets:
    """Named SQL snippets in one JSON file, written atomically (owner-only); password literals
    are masked as in the history (a snippet is a template, never a place for a secret)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_paths(cls, paths: AppPaths) -> Snippets:
        return cls(paths.data_dir / "sql-snippets.json")

    def all(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def save(self, name: str, sql: str) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a snippet needs a name")
        data = self.all()
        data[name] = mask_sql(sql)
        self._write(data)

    def delete(self, name: str) -> None:
        data = self.all()
        if data.pop(name, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, str]) -> None:
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
