"""Plugs the command palette into the main window: View ▸ Command palette… (Ctrl+K, Cmd+K on
macOS), recent entries first (kept in the settings' "palette" section, names only)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the matcher loads when the palette first opens
    from aurora_console.core.palette import PaletteMatch, RecentKeys

log = logging.getLogger(__name__)

SECTION = "palette"


def install(window) -> None:
    window.add_menu_action("View", "Command palette…", lambda: open_palette(window), shortcut="Ctrl+K",
                           object_name="actionCommandPalette")


def recent_keys(window) -> RecentKeys:
    from aurora_console.core.palette import RecentKeys

    return RecentKeys(window.services.settings.section(SECTION))


def open_palette(window):
    """Open the palette over ``window`` with what the window holds now; returns the dialog."""
    from aurora_console.ui.palette.dialog import CommandPalette
    from aurora_console.ui.palette.sources import gather

    previous = getattr(window, "command_palette", None)
    if previous is not None:
        previous.close()
        previous.deleteLater()
    palette = CommandPalette(gather(window), recent_keys(window).keys(), window)
    palette.ran.connect(lambda match: run_match(window, match))
    window.command_palette = palette
    palette.popup()
    return palette


def run_match(window, match: PaletteMatch) -> None:
    """Run what the user picked; remember it as recent (the settings file is written off the UI thread)."""
    recent_keys(window).used(match.key)
    settings = window.services.settings
    window.services.runner.submit(lambda ctx: settings.save(), name="Save the palette's recent entries",
                                  on_error=lambda exc: log.warning("could not save the palette's recents: %s", exc))
    try:
        match.run()
    except Exception as exc:  # noqa: BLE001 - report, don't crash the window
        log.exception("command palette entry %s failed", match.key)
        window.services.notifier.error("Command palette", f"{match.title}: {exc}")
