"""Versioned settings in the platform config folder.

JSON with typed defaults and a version number; writes are atomic (temp file, fsync, replace)
and owner-only (``core.private_files``: 0600 file in a 0700 folder).
A corrupt or unreadable file is moved aside (``settings.json.corrupt-<time>``) and replaced
with defaults, and a warning is kept for the window to show; it never crashes the console.
Secrets never go here (they live in the OS keyring, see ``core.secrets``); ``save`` refuses
values under secret-looking keys as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.private_files import atomic_write_text
from aurora_console.core.redaction import secret_values_under_keys
from aurora_console.core.validation import shown, validator

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1


@dataclass
class Settings:
    """The console's settings (settings.json): typed, with defaults, versioned."""

    version: int = SETTINGS_VERSION
    first_run: bool = True
    theme: str = "system"  # system | light | dark
    aws_profile: str | None = None
    aws_regions: list[str] = field(default_factory=lambda: ["us-east-1"])
    endpoint_url: str | None = None
    read_only_profiles: list[str] = field(default_factory=list)
    auto_refresh_seconds: int = 0
    window: dict[str, str] = field(default_factory=dict)  # geometry/state, base64 (Qt byte arrays)
    open_tabs: list[dict[str, Any]] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)  # per-feature settings
    # Top SQL (core.performance): profiles snapshotted in the background, the snapshot store's bounds
    top_sql_background_profiles: list[str] = field(default_factory=list)
    top_sql_retention_days: int = 7
    top_sql_store_max_mb: int = 200

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {f.name: f for f in fields(cls)}
        defaults = cls()
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                continue
            default = getattr(defaults, name)
            # keep a value only if it has the type of the default (None allowed for optionals)
            if name in _CHECKED and value is not None:
                try:
                    value = _CHECKED[name](value)
                except ValidationError as exc:
                    log.warning("settings: ignoring %s: %s", name, exc.message)
                    continue
            if default is None or value is None or isinstance(value, type(default)):
                kwargs[name] = value
            else:
                log.warning("settings: ignoring %s of unexpected type %s", name, type(value).__name__)
        return cls(**kwargs)


def _whole_number(value: Any, low: int, high: int, what: str) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal() and len(value.strip()) <= 9:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"{what} must be a whole number from {low} to {high}, not {shown(value)}.")
    return value


@validator()
def validate_retention_days(value: Any) -> int:
    """Days the Top SQL snapshot store keeps, 1-365: an ``int`` or its text in ASCII digits
    (surrounding whitespace is stripped; ``True``, ``"7.0"``, ``"٣"`` are refused)."""
    return _whole_number(value, 1, 365, "The Top SQL retention (days)")


@validator()
def validate_store_max_mb(value: Any) -> int:
    """The Top SQL snapshot store's size bound in MB, 10-100000: an ``int`` or its text in ASCII
    digits (surrounding whitespace is stripped; ``True``, ``"7.0"``, ``"٣"`` are refused)."""
    return _whole_number(value, 10, 100_000, "The Top SQL store size bound (MB)")


def _profile_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError("The Top SQL background profiles must be a list of profile names.")
    return value


#: settings whose values are checked when read (a bad value falls back to the default)
_CHECKED = {"top_sql_retention_days": validate_retention_days, "top_sql_store_max_mb": validate_store_max_mb,
            "top_sql_background_profiles": _profile_names}


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade older settings layouts in place (one step per version)."""
    version = data.get("version", 0)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        raise ValueError(f"settings version {version!r} is newer than this console understands")
    if version < 1:
        data.setdefault("sections", {})
        data["version"] = 1
    return data


#: what a new sandbox settings file takes over from the user's own settings: personal
#: preferences only, never anything about AWS use (profiles, regions, tabs, layouts)
INHERITED_PREFERENCES = ("theme",)


def read_preferences(path: Path) -> dict[str, Any]:
    """The personal preferences in a settings file, read without side effects (a missing,
    unreadable or newer file gives nothing; the file is never moved or rewritten)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: data[k] for k in INHERITED_PREFERENCES if isinstance(data.get(k), str)}


class SettingsStore:
    """``inherit_from``: when ``path`` does not exist yet (a new sandbox's settings), start from
    the personal preferences (:data:`INHERITED_PREFERENCES`) of that other settings file."""

    def __init__(self, path: Path, *, inherit_from: Path | None = None) -> None:
        self.path = path
        self.warnings: list[str] = []
        self.read_only = False  # set when the file must be left alone (newer version, unreadable)
        self._lock = threading.Lock()
        self.settings = self.load()
        if inherit_from is not None and not path.exists():
            for name, value in read_preferences(inherit_from).items():
                setattr(self.settings, name, value)

    def load(self) -> Settings:
        if not self.path.exists():
            return Settings()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:  # locked or unreadable for now: keep the file, do not overwrite it
            return self._defaults_without_saving(f"Settings file {self.path} could not be read ({exc}); "
                                                 "defaults are used for this session and the file is left as it is.")
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            return self._set_aside(exc)
        version = data.get("version", 0)
        if isinstance(version, int) and version > SETTINGS_VERSION:
            return self._defaults_without_saving(
                f"Settings file {self.path} was written by a newer Aurora Console (version {version}); "
                "defaults are used for this session and the file is left as it is.")
        try:
            return Settings.from_dict(_migrate(data))
        except (ValueError, TypeError) as exc:
            return self._set_aside(exc)

    def _defaults_without_saving(self, message: str) -> Settings:
        log.warning(message)
        self.warnings.append(message)
        self.read_only = True
        return Settings()

    def _set_aside(self, exc: Exception) -> Settings:
        """A corrupt file: keep it as settings.json.corrupt-<time>, then start from defaults."""
        backup = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, backup)
            where = f"; the old file was kept as {backup}"
        except OSError:
            where = ""
        message = f"Settings file {self.path} could not be read ({exc}); defaults are used{where}."
        log.warning(message)
        self.warnings.append(message)
        return Settings()

    def save(self) -> None:
        if self.read_only:
            log.info("settings not saved: %s is left as it is", self.path)
            return
        with self._lock:
            data = asdict(self.settings)
            leaks = secret_values_under_keys(data)
            if leaks:
                raise ValueError(f"refusing to write a secret-looking value into the settings file: {leaks}")
            atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True))

    def section(self, name: str) -> dict[str, Any]:
        """A feature's own mutable settings dict (saved with the rest)."""
        return self.settings.sections.setdefault(name, {})
