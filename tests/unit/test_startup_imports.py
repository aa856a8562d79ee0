"""Start-up stays fast: building the main window imports no I/O library and no plotting or
highlighting library. Those load when a screen that needs them opens (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = ("boto3", "botocore", "psycopg", "pyqtgraph", "paramiko", "sshtunnel", "asyncssh", "moto", "pygments",
         "numpy", "cryptography", "keyring")

CODE = """
import sys
from aurora_console.cli import build_parser
from aurora_console.app import build_services
from PySide6.QtWidgets import QApplication
app = QApplication([])
opts, _ = build_parser().parse_known_args([])
from aurora_console.ui.main_window import MainWindow
window = MainWindow(build_services(opts, app))
window.show()
app.processEvents()
loaded = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))
print('LOADED', ' '.join(loaded))
"""


def test_main_window_builds_without_heavy_imports(tmp_path):
    env = {"QT_QPA_PLATFORM": "offscreen", "AURORA_CONSOLE_HOME": str(tmp_path), "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", CODE, *HEAVY], capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stderr
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("LOADED")][0].strip()
    assert line == "LOADED", f"imported at start-up: {line[7:]}"
