"""Which migrations folder belongs to which connection profile (``migrations.json``, no secrets)."""

from __future__ import annotations

import json
import threading
from pathlib import Path


class MigrationFolders:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    @classmethod
    def for_paths(cls, paths) -> MigrationFolders:
        """The file in ``paths`` (a ``core.paths.AppPaths``): ``migrations.json`` in its config folder."""
        return cls(paths.config_dir / "migrations.json")

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        folders = data.get("folders") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in folders.items()} if isinstance(folders, dict) else {}

    def get(self, profile: str) -> Path | None:
        with self._lock:
            value = self._read().get(profile)
        return Path(value).expanduser() if value else None

    def set(self, profile: str, folder: Path | str | None) -> None:
        from aurora_console.core.settings import atomic_write_text

        with self._lock:
            data = self._read()
            if folder is None:
                data.pop(profile, None)
            else:
                data[profile] = str(Path(folder).expanduser())
            atomic_write_text(self.path, json.dumps({"version": 1, "folders": data}, indent=2, sort_keys=True))
