"""The layering rules hold (import-linter): core is Qt-free, the UI does no direct I/O, no import runs
up a layer (testing > cli > app > ui > sandbox > core), and the screens do not import each other."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.unit


def _lint_imports() -> str:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is not installed (it is in the dev extra)"
    result = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout


def test_import_contracts_are_kept():
    out = _lint_imports()
    assert "core is Qt-free KEPT" in out
    assert "ui does no direct I/O (goes through core services) KEPT" in out
    assert "layers: testing > cli > app/cli_* > ui > sandbox > core KEPT" in out
    assert "ui screens are independent of each other KEPT" in out
    assert "ui connections imports no other screen KEPT" in out
    assert "0 broken" in out


def test_core_imports_without_qt_loaded():
    """Importing every core module must not load PySide6 or pyqtgraph (checked in a fresh process)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import aurora_console.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'aurora_console.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "print('QT_MODULES', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
