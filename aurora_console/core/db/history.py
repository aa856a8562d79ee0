"""Per-profile query history (JSON lines in the data folder) and saved snippets."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aurora_console.core.paths import app_paths
from aurora_console.core.redaction import MASK, redact

MAX_ENTRIES = 5000
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SQL_PASSWORD = re.compile(r"(\bpassword\s+)(?:E?'(?:[^']|'')*'|\$(\w*)\$.*?\$\2\$)", re.I | re.S)


def mask_sql(sql: str) -> str:
    """``ALTER ROLE x PASSWORD '...'`` and the usual secret shapes never reach the history file."""
    return redact(_SQL_PASSWORD.sub(lambda m: f"{m.group(1)}'{MASK}'", sql))


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
    """Append-only JSON lines per profile, trimmed to the newest ``MAX_ENTRIES``; thread-safe."""

    def __init__(self, profile: str, folder: Path | None = None, max_entries: int = MAX_ENTRIES) -> None:
        self.profile = profile
        self.folder = Path(folder) if folder else app_paths().data_dir / "sql-history"
        self.path = self.folder / _file_name(profile)
        self.max_entries = max_entries
        self._lock = threading.Lock()

    def add(self, entry: HistoryEntry) -> None:
        data = asdict(entry)
        data["sql"] = mask_sql(entry.sql)
        data["message"] = redact(entry.message)
        line = json.dumps(data, ensure_ascii=False) + "\n"
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
            if self.path.stat().st_size > 200 * self.max_entries:  # cheap check, trims rarely
                self._trim()

    def _trim(self) -> None:
        entries = self._read()
        if len(entries) <= self.max_entries:
            return
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for e in entries[-self.max_entries :]:
                fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
        os.replace(tmp, self.path)

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
            items = self._read()
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
        with self._lock:
            if self.path.exists():
                self.path.unlink()


class Snippets:
    """Named SQL snippets in one JSON file, written atomically."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else app_paths().data_dir / "sql-snippets.json"

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
        data[name] = sql
        self._write(data)

    def delete(self, name: str) -> None:
        data = self.all()
        if data.pop(name, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
