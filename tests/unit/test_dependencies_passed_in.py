"""Nothing below app.py fetches a default instance from a global: the app's folders
(``app_paths()``) and the stores made from them (``ProfileStore.default()`` and the like) are
built once in ``aurora_console/app.py`` (the window's ``Services``) or in a command-line entry
point (``cli*.py``), and passed to whatever uses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aurora_console

pytestmark = pytest.mark.unit

PACKAGE = Path(aurora_console.__file__).parent
ENTRY_POINTS = {"app.py"}  # plus cli*.py at the package's top


def global_default_calls(source: str) -> list[tuple[int, str]]:
    """``app_paths()`` and ``<anything>.default()`` calls in ``source``: (line, call)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "app_paths":
            found.append((node.lineno, "app_paths()"))
        elif isinstance(func, ast.Attribute) and func.attr == "app_paths":
            found.append((node.lineno, f"{ast.unparse(func)}()"))
        elif isinstance(func, ast.Attribute) and func.attr == "default" and not node.args and not node.keywords:
            found.append((node.lineno, f"{ast.unparse(func)}()"))
    return found


def is_entry_point(path: Path) -> bool:
    return path.parent == PACKAGE and (path.name in ENTRY_POINTS or path.name.startswith("cli"))


def test_the_scan_finds_each_form():
    source = ("from aurora_console.core import paths\n"
              "a = app_paths()\nb = paths.app_paths()\nc = ProfileStore.default()\n"
              "d = MigrationFolders.default().get('p')\ne = settings.get('x', default())\n"
              "f = values.default(1)\n")
    assert global_default_calls(source) == [(2, "app_paths()"), (3, "paths.app_paths()"),
                                            (4, "ProfileStore.default()"), (5, "MigrationFolders.default()")]


def test_no_default_instances_below_app_py():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if is_entry_point(path):
            continue
        for line, call in global_default_calls(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {call}")
    assert offenders == [], ("these reach for a global default instead of what was passed in "
                             "(take it from Services, or as a parameter):\n" + "\n".join(offenders))
