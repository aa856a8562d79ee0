"""Where the console keeps its files (platform folders via platformdirs).

Tests point HOME / XDG_* / APPDATA at temporary folders, and ``AURORA_CONSOLE_HOME`` overrides
every folder at once (one sub-folder each), so nothing touches the user's real files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from aurora_console import APP_ID


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "aurora-console.log"

    @property
    def audit_file(self) -> Path:
        return self.data_dir / "audit.jsonl"

    @property
    def sandbox_dir(self) -> Path:
        return self.data_dir / "sandbox"

    @property
    def known_hosts_file(self) -> Path:
        return self.config_dir / "known_hosts"

    @property
    def autosave_dir(self) -> Path:
        return self.data_dir / "autosave"

    def ensure(self) -> AppPaths:
        for d in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """Resolve the folders now (environment changes, e.g. in tests, are honoured)."""
    override = os.environ.get("AURORA_CONSOLE_HOME")
    if override:
        root = Path(override)
        return AppPaths(root / "config", root / "data", root / "logs", root / "cache")
    import platformdirs

    return AppPaths(
        config_dir=Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
    )
