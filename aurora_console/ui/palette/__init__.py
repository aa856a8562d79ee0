"""The command palette (Ctrl+K): jump to any cluster, instance, profile, table, saved query,
screen or action by name. ``install(window)`` plugs it into the main window."""

from aurora_console.ui.palette.feature import install, open_palette  # noqa: F401 - the feature's API
