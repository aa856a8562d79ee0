"""Locate the bundled data files (migrations, styles, icons).

Source checkout: ``<repo>/resources``; wheel: ``aurora_console/_resources``; frozen app
(PyInstaller): ``<_MEIPASS>/resources``.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent.parent  # aurora_console/
    candidates = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "resources")
    candidates += [here / "_resources", here.parent / "resources"]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError("bundled resources folder not found; looked in: " + ", ".join(map(str, candidates)))


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def blog_migrations_dir() -> Path:
    return resource("migrations", "blog")
