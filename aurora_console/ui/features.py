"""The screens plugged into the main window. Each module has ``install(window)``.

Add one line per feature (see docs/dev/team-conventions.md).
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

FEATURES: list[str] = [
    "aurora_console.ui.metrics",
    "aurora_console.ui.content",
    "aurora_console.ui.sql",
    "aurora_console.ui.fleet",
    "aurora_console.ui.migrations",
    "aurora_console.ui.connections",
    "aurora_console.ui.backups",
    "aurora_console.ui.performance",
    "aurora_console.ui.timeline",  # change timeline; its entries as markers on the metrics charts
    "aurora_console.ui.logs",
    "aurora_console.ui.palette",  # command palette (Ctrl+K): gathers the others' entries when opened
    "aurora_console.ui.tab_titles",  # long tab titles elide, full title as tooltip
]


def install_all(window) -> list[str]:
    """Install every feature; one that fails is reported, the others still load."""
    failed = []
    for name in FEATURES:
        try:
            importlib.import_module(name).install(window)
        except Exception as exc:  # noqa: BLE001 - a broken screen must not take the window down
            log.exception("feature %s failed to load", name)
            failed.append(f"{name}: {exc}")
    return failed
