"""Profiles on disk: ``profiles.json`` in the config folder (versioned, atomic owner-only writes, no secrets).

Built-in profiles (the sandbox's ``sandbox-blog``) are offered alongside but never written.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.private_files import atomic_write_text
from aurora_console.core.redaction import redact

if TYPE_CHECKING:  # the profile's module (and its SSH validation) loads with the first profile read
    from aurora_console.core.connections.profile import ConnectionProfile

log = logging.getLogger(__name__)
VERSION = 1
#: keys whose values are names of secrets, not secrets (ARNs contain ':secret:')
_NAME_KEYS = {"secret_id", "parameter", "json_key", "key_file"}


def _check_no_secrets(data: Any, key: str = "") -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            _check_no_secrets(v, k)
    elif isinstance(data, list):
        for v in data:
            _check_no_secrets(v, key)
    elif isinstance(data, str) and key not in _NAME_KEYS and redact(data) != data:
        raise ValidationError(f"Refusing to save a secret-looking value under {key!r} in the profile file.")


class ProfileStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._builtin: dict[str, ConnectionProfile] = {}

    @classmethod
    def for_paths(cls, paths) -> ProfileStore:
        """The profiles file in ``paths`` (a ``core.paths.AppPaths``): ``profiles.json`` in its config folder."""
        return cls(paths.config_dir / "profiles.json")

    def add_builtin(self, profile: ConnectionProfile) -> None:
        profile.builtin = True
        self._builtin[profile.name] = profile

    def _read(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
                raise ValueError("unexpected layout")
            if int(data.get("version", 0)) > VERSION:
                raise ValueError(f"version {data.get('version')} is newer than this console understands")
            return data.get("profiles", {})
        except (OSError, ValueError, TypeError) as exc:
            backup = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, backup)
            except OSError:
                pass
            message = f"Connection profiles in {self.path} could not be read ({exc}); kept as {backup}."
            log.warning(message)
            self.warnings.append(message)
            return {}

    def _write(self, profiles: dict[str, dict[str, Any]]) -> None:
        _check_no_secrets(profiles)
        atomic_write_text(self.path, json.dumps({"version": VERSION, "profiles": profiles}, indent=2, sort_keys=True))

    def list(self) -> list[ConnectionProfile]:
        from aurora_console.core.connections.profile import ConnectionProfile

        with self._lock:
            raw = self._read()
        result = list(self._builtin.values())
        for name, data in sorted(raw.items()):
            if name in self._builtin:
                continue
            try:
                result.append(ConnectionProfile.from_dict({**data, "name": name}))
            except (TypeError, ValueError) as exc:
                self.warnings.append(f"Skipping profile {name!r}: {exc}")
        return result

    def names(self) -> list[str]:
        return [p.name for p in self.list()]

    def get(self, name: str) -> ConnectionProfile:
        for p in self.list():
            if p.name == name:
                return p
        known = ", ".join(self.names()) or "none"
        raise ValidationError(f"No connection profile named {name!r} (known: {known}).")

    def save(self, profile: ConnectionProfile, *, replace: str | None = None) -> None:
        profile.validate()
        if profile.name in self._builtin:
            raise ValidationError(f"{profile.name!r} is a built-in profile; save a copy under another name.")
        with self._lock:
            raw = self._read()
            if replace and replace != profile.name:
                raw.pop(replace, None)
            data = profile.to_dict()
            data.pop("name", None)
            raw[profile.name] = data
            self._write(raw)

    def delete(self, name: str) -> None:
        with self._lock:
            raw = self._read()
            if raw.pop(name, None) is not None:
                self._write(raw)
