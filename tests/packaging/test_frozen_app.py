"""The frozen app (PyInstaller) starts and passes both smoke tests: packaging/build.py end to end.

Builds into a temporary dist folder (PyInstaller's work folder, build/pyinstaller, is reused, so
a rebuild only redoes what changed), makes the Linux tarball, then runs the frozen executable's
``--smoke-test`` and ``--sandbox --smoke-test`` (local AWS endpoint, PostgreSQL through the SSH
bastion, a pyqtgraph plot) and the source's ``--smoke-test`` for the start-up comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: pip install -e '.[packaging]' (the dev extra includes it)")
    out = tmp_path_factory.mktemp("frozen")
    summary_file = out / "summary.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(out / "dist"), "--startup-runs", "1",
         "--json", str(summary_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=840, stdin=subprocess.DEVNULL)
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else None
    return proc, summary, out / "dist"


def _smoke(summary: dict, label: str) -> dict:
    found = [s for s in summary["smoke"] if s["label"] == label]
    assert found, f"no smoke run {label!r} in {[s['label'] for s in summary['smoke']]}"
    return found[0]


def test_build_succeeds(build):
    proc, summary, _dist = build
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert summary is not None and summary["failures"] == []


def test_frozen_smoke_test(build):
    _proc, summary, dist = build
    run = _smoke(summary, "frozen --smoke-test (run 1)")
    report = run["report"]
    assert run["ok"] and run["problems"] == [], run
    assert report["frozen"] is True and report["mode"] == "normal"
    assert report["checks"]["pyqtgraph"]  # a plot was drawn inside the frozen app
    assert (dist / "aurora-console" / "aurora-console").is_file()
    # Qt's ICU-backed text services work on the bundled (trimmed) ICU data
    assert report["checks"]["text"] == {"collation": True, "upper_tr": "\u0130", "shift_jis": True,
                                        "zone_name": "Central European Standard Time"}


def test_size_trims_are_in_place(build):
    """The QtOpenGL binding is left out (pyqtgraph drew through the stand-in module above) and the
    ICU data is the trimmed build (packaging/icu_trim.py), when ICU's tools are on this machine."""
    import icu_trim

    _proc, summary, dist = build
    internal = dist / "aurora-console" / "_internal"
    assert not list((internal / "PySide6").glob("QtOpenGL.*")), "the QtOpenGL binding is bundled again"
    assert list((internal / "PySide6").glob("QtOpenGLWidgets.*"))  # pyqtgraph's GraphicsView needs it
    assert not list((internal / "moto").rglob("optimized_amis"))
    (icu,) = (internal / "PySide6" / "Qt" / "lib").glob("libicudata.so.*")
    wheel = sorted((Path(__import__("PySide6").__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not icu_trim.missing_tools():
        assert icu.stat().st_size < wheel[0].stat().st_size * 0.65
    elif os.environ.get("CI") == "true":
        pytest.fail(f"ICU tools missing in CI: {icu_trim.missing_tools()}")


def test_frozen_sandbox_smoke_test(build):
    _proc, summary, _dist = build
    run = _smoke(summary, "frozen --sandbox --smoke-test")
    report = run["report"]
    assert run["ok"] and run["problems"] == [], run
    assert report["frozen"] is True and report["mode"] == "sandbox"
    assert report["clusters"] >= 2 and {"aurora-postgresql", "aurora-mysql"} <= set(report["engines"])
    checks = report["checks"]
    assert checks["database"] is True and checks["tls"] is True
    assert "tunnel" in checks["route"]
    assert checks["pyqtgraph"]


def test_artefacts_and_figures(build):
    _proc, summary, dist = build
    (tarball,) = dist.glob("aurora-console-*-linux-*.tar.gz")
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    top = f"aurora-console-{summary['version']}"
    assert f"{top}/aurora-console" in names
    assert f"{top}/_internal/resources/migrations/blog/V1__create_blog_schema.sql" in names
    # the icon set ships with its licence (the about box credits it; the installers carry this folder)
    assert f"{top}/_internal/resources/icons/lucide/LICENSE.txt" in names
    assert f"{top}/_internal/resources/icons/lucide/database.svg" in names
    assert summary["dist_bytes"] > 0
    startup = summary["startup"]
    assert startup["frozen"]["runs"] == 1 and startup["source"]["runs"] == 1


def test_frozen_app_answers_as_askpass_helper(build):
    """The frozen executable, run the way ssh runs SSH_ASKPASS, prints the passphrase (build.py)."""
    _proc, summary, _dist = build
    assert summary["askpass"]["answered"] and summary["askpass"]["refused_other_prompt"], summary["askpass"]


def test_frozen_app_carries_ssh_through_the_instance_connect_endpoint(build):
    """The frozen executable, run as ssh's ProxyCommand (``eice-proxy TICKET_FILE``), pumps its
    stdin/stdout through the sandbox endpoint's websocket (build.py's eice_proxy_check)."""
    _proc, summary, _dist = build
    result = summary["eice_proxy"]
    assert result["ok"] and result["echoed"] and result["tickets_claimed"] == 1, result
