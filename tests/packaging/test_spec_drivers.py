"""The frozen app carries every database driver an engine imports (engines load them lazily, on
the first connection of that engine, so the spec names them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "aurora-console.spec"
ENGINES = ROOT / "aurora_console" / "core" / "connections" / "engines"
#: the driver an engine module imports -> what the spec must name for it
DRIVERS = {"psycopg": "psycopg_binary", "pymysql": "pymysql"}


def _driver_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        found |= {n.split(".")[0] for n in names if n.split(".")[0] in DRIVERS}
    return found


def test_every_engine_driver_is_a_hidden_import_of_the_spec():
    spec = SPEC.read_text(encoding="utf-8")
    used = set().union(*(_driver_imports(p) for p in ENGINES.glob("*.py")))
    assert {"psycopg", "pymysql"} <= used
    for driver in used:
        name = DRIVERS[driver]
        assert f'collect_submodules("{name}")' in spec or f'"{name}"' in spec, f"{name} is not in {SPEC.name}"
