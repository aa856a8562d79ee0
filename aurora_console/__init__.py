"""Aurora Console: a desktop admin console for AWS Aurora."""

from __future__ import annotations

APP_NAME = "Aurora Console"
APP_ID = "aurora-console"


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("aurora-console")
        except PackageNotFoundError:
            return "0.0.0+source"
    except Exception:  # pragma: no cover - frozen apps without metadata
        return "0.0.0+unknown"


__version__ = _version()
