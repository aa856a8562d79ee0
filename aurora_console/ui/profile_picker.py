"""Choosing the database a screen works on: a connection profile, or a typed connection string,
and the profile that reaches a fleet cluster.

Shared by the SQL editor, the content editor, the migrations panel and the Performance screen.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SANDBOX_PROFILE = "sandbox-blog"
MANUAL = "Connection string…"


def profile_names(window) -> list[str]:
    """The sandbox's blog profile (on the sandbox), then the saved connection profiles."""
    names = [SANDBOX_PROFILE] if window.services.sandbox is not None else []
    try:
        names += [n for n in window.services.profiles.names() if n not in names]
    except Exception as exc:  # noqa: BLE001 - an unreadable profile file must not block the menu
        log.warning("connection profiles unreadable: %s", exc)
    return names


def ask_target(parent: QWidget, window, title: str) -> tuple[str, str | None] | None:
    """Ask for a profile (or a libpq connection string). Returns ``(profile, None)``,
    ``("manual", conninfo)``, or None when the user cancels."""
    # imported with the first question: the features offering it load with the window
    from PySide6.QtWidgets import QInputDialog

    choice, ok = QInputDialog.getItem(parent, title, "Connection profile:", profile_names(window) + [MANUAL], 0,
                                      False)
    if not ok:
        return None
    if choice != MANUAL:
        return choice, None
    text, ok = QInputDialog.getText(parent, title, "PostgreSQL connection string "
                                    "(for example host=127.0.0.1 port=5432 dbname=blog user=app):")
    if not ok or not text.strip():
        return None
    return "manual", text.strip()


def profile_for_cluster(window, cluster_id: str) -> str | None:
    """The connection profile that reaches ``cluster_id`` (the sandbox's blog profile on the sandbox)."""
    sandbox = window.services.sandbox
    if sandbox is not None and sandbox.seed.blog_cluster_id == cluster_id:
        return SANDBOX_PROFILE
    try:
        for profile in window.services.profiles.list():
            if profile.cluster is not None and profile.cluster.cluster_id == cluster_id:
                return profile.name
    except Exception:  # noqa: BLE001 - an unreadable profile file: the caller says no profile was found
        pass
    return None


def postgres_profile_for(window, ref, screen: str, what: str) -> str | None:
    """The connection profile a PostgreSQL screen (titled ``screen``; ``what`` names it in a
    sentence: "the content editor") opens for the fleet cluster
    ``ref`` (a ``ClusterRef``); None after telling the user why there is none: the cluster is
    MySQL-compatible, or no profile points at it (and how to make one)."""
    notifier = window.services.notifier
    if "mysql" in (ref.engine or ""):
        notifier.warning(screen, f"{ref.cluster_id} is a MySQL-compatible cluster; {what} works with PostgreSQL.")
        return None
    return cluster_profile_for(window, ref, screen)


def cluster_profile_for(window, ref, screen: str) -> str | None:
    """The connection profile a screen that works on every engine (titled ``screen``) opens for
    the fleet cluster ``ref``; None after telling the user that no profile points at it (and how
    to make one)."""
    profile = profile_for_cluster(window, ref.cluster_id)
    if profile is None:
        window.services.notifier.warning(
            screen, f"No connection profile points at {ref.cluster_id}.",
            hint="Create one (Connections), choosing this cluster as its target, then try again.")
    return profile
