"""Pending changes on disk, so they survive a dropped connection or a crash.

One JSON file per (profile, table) under ``<data_dir>/content/<profile>/``, written atomically
(temp file + rename) and readable only by the user. Values of secret-looking columns are never
written: they are left out and reported by ``load`` so the UI can ask for them again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from aurora_console.core.private_files import atomic_write_text

from .changes import ChangeSet

VERSION = 1
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _safe(part: str) -> str:
    cleaned = _SAFE.sub("_", part).strip("._")
    return cleaned or "_"


def pending_dir(profile: str, root: Path) -> Path:
    """Where ``profile``'s pending edits are kept under ``root`` (the app's data folder)."""
    return Path(root) / "content" / _safe(profile)


class PendingStore:
    def __init__(self, profile: str, schema: str, table: str, root: Path):
        self.path = pending_dir(profile, root) / f"{_safe(schema)}.{_safe(table)}.json"

    def write(self, changeset: ChangeSet) -> None:
        if len(changeset) == 0:
            self.clear()
            return
        data = changeset.to_dict()
        secret = {c.name for c in changeset.info.columns if c.secret}
        for change in data["changes"]:
            change["original"] = {k: v for k, v in change["original"].items() if k not in secret}
            dropped = [k for k in change["values"] if k in secret]
            change["values"] = {k: v for k, v in change["values"].items() if k not in secret}
            change["secret_values_not_kept"] = dropped
        payload = json.dumps({"version": VERSION, **data}, indent=1, sort_keys=True)
        atomic_write_text(self.path, payload)  # a 0600 file in 0700 folders, complete or not at all

    def load(self, changeset: ChangeSet) -> list[str]:
        """Load pending changes into ``changeset``; returns the secret columns whose new values were not kept."""
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("table") != changeset.info.qualified:
            return []
        known = set(changeset.info.column_names)
        dropped = []
        for change in data.get("changes", []):
            dropped += change.pop("secret_values_not_kept", [])
            change["values"] = {k: v for k, v in change.get("values", {}).items() if k in known}
        data["changes"] = [c for c in data.get("changes", []) if c["values"] or c["kind"] != "update"]
        changeset.load_dict(data)
        return sorted(set(dropped))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def exists(self) -> bool:
        return self.path.exists()
