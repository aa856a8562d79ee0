"""Renamed page-object methods keep their old name for one release, with a DeprecationWarning."""

from __future__ import annotations

import warnings


def renamed(old: str, new: str) -> None:
    """Warn that ``old`` (called by the caller's caller) is now ``new``."""
    warnings.warn(f"{old} is deprecated and will be removed in the next release; use {new}",
                  DeprecationWarning, stacklevel=3)
