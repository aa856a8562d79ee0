"""aurora_console/app.py: what the start-up spares itself (PySide6's source scans, the platform
module) without changing what the program does or reports."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aurora_console.app import platform_text

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "aurora_console"

SCANS = """
import importlib, inspect, json, sys
import PySide6.QtCore
from aurora_console.app import skip_pyside_source_scans
read = []
real = inspect.getsource
def getsource(obj):
    read.append(getattr(obj, "__name__", "?"))
    return real(obj)
inspect.getsource = getsource
replaced = skip_pyside_source_scans()
again = skip_pyside_source_scans()
import colorsys  # standard library, not loaded yet
from aurora_console.core.validation import __name__ as _v  # ours, Qt-free
from aurora_console.ui.observable import __name__ as _o  # ours
import psutil  # neither: still read
feature = sys.modules["shibokensupport.feature"]
marks = {name: feature.pyside_feature_dict.get(name) for name in
         ("colorsys", "aurora_console.core.validation", "aurora_console.ui.observable", "psutil")}
print(json.dumps({"replaced": replaced, "again": again, "read": read, "marks": marks}))
"""


def test_pyside_reads_no_source_of_the_standard_library_or_ours():
    out = subprocess.run([sys.executable, "-c", SCANS], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["replaced"] is True and result["again"] is False  # installed once
    assert "colorsys" not in result["read"]
    assert not [name for name in result["read"] if name.startswith("aurora_console")]
    assert "psutil" in result["read"]  # any other module: PySide6 reads it as before
    # what PySide6 records: ours as possible PySide6 users (0), the standard library ignored (-1)
    assert result["marks"]["colorsys"] == -1
    assert result["marks"]["aurora_console.core.validation"] == 0
    assert result["marks"]["aurora_console.ui.observable"] == 0
    assert result["marks"]["psutil"] == -1  # read: it does not mention PySide6


def test_no_module_of_ours_selects_a_pyside_feature():
    """skip_pyside_source_scans relies on it: with no ``from __feature__ import ...`` anywhere, the
    marks it records change nothing."""
    statement = re.compile(r"^[ \t]*(from[ \t]+__feature__[ \t]+import|import[ \t]+__feature__)", re.MULTILINE)
    users = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if statement.search(p.read_text("utf-8"))]
    assert users == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fast path is Linux's")
def test_platform_text_is_what_the_platform_module_says():
    import platform

    assert platform_text() == platform.platform()


class _MetadataTripwire:
    """A loopback listener standing for the EC2 instance metadata service: counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.connections = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def _serve(self) -> None:
        while not self._done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._done.set()
        self._thread.join(5)
        self.sock.close()


def test_smoke_test_leaves_the_saved_layout_alone(tmp_path):
    """A smoke run checks the start; it is no session of the user's: closing its window saves no
    layout or tabs (before, every ``--smoke-test`` rewrote settings.json on exit). Started without
    a profile, it never asks an instance metadata service for credentials or a region (on an EC2
    host the default chain would, and wait for it)."""
    home = tmp_path / "home"
    metadata = _MetadataTripwire()
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "AURORA_CONSOLE_HOME": str(home / "console"),
           "AWS_CONFIG_FILE": str(home / "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-creds"),
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url,
           "PATH": "/usr/bin:/bin"}
    try:
        out = subprocess.run([sys.executable, "-m", "aurora_console", "--smoke-test"], capture_output=True,
                             text=True, timeout=120, env=env, cwd=PACKAGE.parent)
    finally:
        metadata.close()
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    assert report["ok"] and report["platform"]
    assert (home / "console" / "logs" / "aurora-console.log").is_file()  # it ran, and logged
    assert not (home / "console" / "config" / "settings.json").exists()
    assert metadata.connections == 0
