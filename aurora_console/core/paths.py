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
    """The console's folders (config, data, logs, cache) and the files in them."""

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

    def sandbox_state_dir(self, folder: str | os.PathLike | None = None) -> Path:
        """The sandbox's state folder: ``--sandbox-dir`` when given, else the default one."""
        return Path(folder) if folder else self.sandbox_dir

    @property
    def known_hosts_file(self) -> Path:
        return self.config_dir / "known_hosts"

    @property
    def autosave_dir(self) -> Path:
        return self.data_dir / "autosave"

    @property
    def roots(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.log_dir, self.cache_dir)

    def ensure(self) -> AppPaths:
        """Create the four folders owner-only (0700; an existing one of ours is narrowed)."""
        from aurora_console.core.private_files import private_dir

        for d in self.roots:
            private_dir(d)
        return self


#: the console's own settings while it runs on a sandbox: inside that sandbox's state folder, so
#: that a sandbox session never reads or writes the settings of real AWS use (and each
#: ``--sandbox-dir`` keeps its own tabs, regions and dashboard layouts)
SANDBOX_SETTINGS_NAME = "console-settings.json"


def settings_file_for(paths: AppPaths, *, sandbox: bool, sandbox_dir: str | os.PathLike | None = None) -> Path:
    """The one place that decides which settings file a session uses."""
    if sandbox:
        return paths.sandbox_state_dir(sandbox_dir) / SANDBOX_SETTINGS_NAME
    return paths.settings_file


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
