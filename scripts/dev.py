#!/usr/bin/env python3
"""Developer entry point: one command to start the console on the sandbox, one to run all tests.

    python3 scripts/dev.py sandbox [console options...]   # the console on the embedded sandbox
    python3 scripts/dev.py test [pytest options...]       # the whole test suite

Both create ``.venv`` (with the dev extra) when it is missing or pyproject.toml changed, and, on
Debian/Ubuntu, install missing OS packages through scripts/install-os-deps.sh.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".aurora-console-installed"


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def ensure_os_packages() -> None:
    script = ROOT / "scripts" / "install-os-deps.sh"
    if sys.platform.startswith("linux") and shutil.which("dpkg-query") and os.environ.get("AURORA_SKIP_OS_DEPS") != "1":
        subprocess.run(["bash", str(script)], check=True)


def ensure_venv() -> None:
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if not PY.exists():
        say(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing aurora-console with its dev extra (first time: a few minutes)")
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(want)


def run_sandbox(args: list[str]) -> int:
    cmd = [str(PY), "-m", "aurora_console", "--sandbox", *args]
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "--smoke-test" not in args:
        if shutil.which("xvfb-run"):
            say("no display found: running under Xvfb (xvfb-run); use a desktop session to see the window")
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *cmd]
        else:
            say("no display found and no xvfb-run: using Qt's offscreen platform")
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call(cmd, cwd=ROOT)


def run_tests(args: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("sandbox", "test"):
        print(__doc__)
        return 2
    ensure_os_packages()
    ensure_venv()
    return run_sandbox(argv[1:]) if argv[0] == "sandbox" else run_tests(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
