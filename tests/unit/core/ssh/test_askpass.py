"""The askpass helper as the app itself (how the frozen Windows app serves ssh), and helper choice.

Run here on Linux the way ssh runs a helper: the program with the prompt as its only argument
and only the one-shot handle in the environment, via ``python -m aurora_console`` (the frozen app's
cli.main).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aurora_console.core.ssh.askpass import (
    MODE_ENV,
    WINDOWS_CLI_EXE,
    askpass_env,
    helper_invocation,
    write_helper,
)
from aurora_console.core.ssh.askpass_handover import OneShotHandover

pytestmark = pytest.mark.unit
PROMPT = "Enter passphrase for key 'C:\\Users\\dba/.ssh/id_ed25519': "


def _run(args: list[str], extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AURORA_CONSOLE_ASKPASS")}
    env.update(extra_env)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "aurora_console", *args], capture_output=True, text=True,
                          env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_app_answers_as_helper_in_askpass_mode(tmp_path: Path) -> None:
    handover = OneShotHandover(tmp_path, "pp-frozen-helper")
    env = askpass_env(Path(sys.executable), handover.env())
    assert "pp-frozen-helper" not in repr(env)
    ok = _run([PROMPT], env)  # exactly how ssh runs SSH_ASKPASS (no --askpass on the command line)
    assert (ok.returncode, ok.stdout) == (0, "pp-frozen-helper\n"), ok.stderr
    assert "pp-frozen-helper" not in ok.stderr
    again = _run([PROMPT], env)  # the handle is spent after one read
    assert again.returncode == 1 and again.stdout == "" and "spent" in again.stderr
    handover.close()
    flagged_handover = OneShotHandover(tmp_path, "pp-flag")
    flagged = _run(["--askpass", PROMPT], flagged_handover.env())
    assert (flagged.returncode, flagged.stdout) == (0, "pp-flag\n"), flagged.stderr
    flagged_handover.close()
    refused_handover = OneShotHandover(tmp_path, "pp-refused")
    refused = _run(["root@bastion's password: "], askpass_env(Path(sys.executable), refused_handover.env()))
    assert refused.returncode == 1 and refused.stdout == ""  # not a passphrase prompt: no answer
    refused_handover.close()


def test_mode_needs_ssh_shaped_arguments() -> None:
    on = {MODE_ENV: "1"}
    assert helper_invocation([PROMPT], on) == [PROMPT]
    assert helper_invocation([], on) == []
    assert helper_invocation(["--askpass", PROMPT], {}) == [PROMPT]
    assert helper_invocation([PROMPT], {}) is None  # no mode variable: a normal start
    assert helper_invocation(["--sandbox"], on) is None  # an option: the app, not a helper
    assert helper_invocation(["tunnel", "prod"], on) is None


def test_helper_choice_per_system(tmp_path: Path) -> None:
    app = tmp_path / "Aurora Console"
    app.mkdir()
    gui, cli = app / "aurora-console.exe", app / WINDOWS_CLI_EXE
    gui.touch()
    assert write_helper(tmp_path, platform="win32", frozen=True, executable=str(gui)) == gui
    cli.touch()  # the console twin is preferred: a windowed exe has no stdout
    assert write_helper(tmp_path, platform="win32", frozen=True, executable=str(gui)) == cli
    launcher = write_helper(tmp_path, platform="win32", frozen=False, executable="C:\\Py\\python.exe")
    assert launcher.name == "askpass.cmd"
    assert launcher.read_bytes() == b'@"C:\\Py\\python.exe" -m aurora_console --askpass %*\r\n'
    for frozen in (True, False):  # Linux/macOS: the sh script, frozen or not
        script = write_helper(tmp_path, platform="darwin", frozen=frozen)
        assert script.name == "askpass.sh" and os.access(script, os.X_OK)
