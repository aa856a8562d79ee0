"""Without the 'sandbox' extra, every way into the sandbox says what to install.

The missing packages are simulated in a subprocess (tests/sandbox/without_modules.py): nothing
is uninstalled from the shared environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aurora_console.sandbox.preflight import EXTRA_COMMAND, SandboxExtraMissing, missing_modules

HELPER = Path(__file__).with_name("without_modules.py")
REPO = Path(__file__).resolve().parents[2]
MISSING = "moto,asyncssh"


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, str(HELPER), MISSING, *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)


@pytest.mark.unit
def test_installed_extra_passes_and_the_message_names_the_command() -> None:
    assert missing_modules() == []  # this environment has the extra
    error = SandboxExtraMissing(["moto", "psutil"])
    assert "moto, psutil" in str(error) and EXTRA_COMMAND in str(error)
    assert EXTRA_COMMAND == "pip install 'aurora-console[sandbox]'"
    assert "pip install '.[sandbox]'" in error.hint


@pytest.mark.integration
def test_sandbox_refuses_before_starting_anything(tmp_path: Path) -> None:
    state = tmp_path / "sbx"
    code = ("import sys\nfrom aurora_console.sandbox.runtime import Sandbox\n"
            "from aurora_console.sandbox.preflight import SandboxExtraMissing\n"
            "try:\n    Sandbox(sys.argv[1])\nexcept SandboxExtraMissing as exc:\n    print(exc)\n"
            "else:\n    print('started')\n")
    result = _run("-c", code, str(state))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("the 'sandbox' extra is not installed (missing Python modules: moto, "
                                     "asyncssh); install it with: pip install 'aurora-console[sandbox]'")
    assert not state.exists()  # detected before anything was made


@pytest.mark.integration
def test_smoke_test_reports_the_missing_extra(isolated_env: Path) -> None:
    result = _run("-m", "aurora_console", "--sandbox", "--smoke-test", "--smoke-timeout", "60")
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 1 and line["ok"] is False and line["mode"] == "sandbox"
    assert line["errors"] == ["sandbox: the 'sandbox' extra is not installed (missing Python modules: moto, "
                              "asyncssh); install it with: pip install 'aurora-console[sandbox]'"]


WINDOW = r"""
import json
from PySide6.QtWidgets import QApplication, QPushButton
from aurora_console.app import build_services, shutdown_services
from aurora_console.testing.console import console_options
from aurora_console.ui.main_window import MainWindow

app = QApplication([])
services = build_services(console_options(sandbox=True), app)
window = MainWindow(services)
window.show()
outcome = {}

def finished(ok, errors):
    outcome.update(ok=ok, errors=errors)
    app.quit()

window.load_finished.connect(finished)
window.start()
if not outcome:
    app.exec()
welcome = window.find_tab("welcome")
button = welcome.findChild(QPushButton, "openSandboxButton")
print(json.dumps({
    "ok": outcome["ok"], "errors": outcome["errors"],
    "status_bar": window.status.currentMessage(),
    "navigator": window.navigator.status_label.text(),
    "current_tab_is_welcome": window.tabs.currentWidget() is welcome,
    "button_enabled": button.isEnabled(),
    "hint_visible": welcome.sandbox_hint.isVisibleTo(welcome),
    "hint": welcome.sandbox_hint.text(),
}))
window.close()
shutdown_services(services)
"""


@pytest.mark.gui
def test_window_says_what_to_install(isolated_env: Path) -> None:
    result = _run("-c", WINDOW)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["ok"] is False
    assert "Starting" not in state["status_bar"]
    for text in (state["status_bar"], state["navigator"]):
        assert text.startswith("The sandbox could not start: the 'sandbox' extra is not installed")
        assert EXTRA_COMMAND in text
    assert state["current_tab_is_welcome"] and state["hint_visible"]
    assert state["button_enabled"] is False
    assert "moto, asyncssh" in state["hint"] and EXTRA_COMMAND in state["hint"]
