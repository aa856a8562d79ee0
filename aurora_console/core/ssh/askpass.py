"""An SSH_ASKPASS helper that hands the key passphrase to the OpenSSH client.

The passphrase is handed over once through a one-shot pipe (``askpass_handover``): the ssh
process's environment carries only the pipe's handle, never the passphrase, and the handle is
spent after one read (it is never on a command line, in a file or in a log either). The helper
answers passphrase prompts and refuses anything else (e.g. a password prompt), so a wrong setup
fails instead of sending the passphrase elsewhere.

Which program ssh runs as the helper (SSH_ASKPASS names one program, without arguments):

* Linux/macOS, frozen or not: a small ``/bin/sh`` script in the tunnel's private temp folder.
* Windows, frozen: the app's console executable itself (``aurora-console-cli.exe``, next to
  ``sys.executable``). ssh runs it as ``aurora-console-cli.exe "<prompt>"`` with
  ``AURORA_CONSOLE_ASKPASS=1`` in its environment, and :func:`helper_invocation`, called at the
  very top of ``aurora_console.cli.main`` before anything heavy is imported, answers.
  (Win32-OpenSSH starts the helper with CreateProcessW, so it must be an executable; a
  windowed executable has no usable stdout, hence the console twin.)
* Windows from source: a ``.cmd`` launcher running ``python -m aurora_console --askpass``.

``aurora-console --askpass "<prompt>"`` is the same answer on any system (hidden option).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from aurora_console.core.ssh.askpass_handover import HANDLE_ENV  # the one-shot handle, never the secret

#: set to "1" in the ssh process's environment when the app executable is the helper
MODE_ENV = "AURORA_CONSOLE_ASKPASS"
FLAG = "--askpass"
WINDOWS_CLI_EXE = "aurora-console-cli.exe"

POSIX_SCRIPT = f"""#!/bin/sh
case "$1" in
  *assphrase*) exec cat -- "${HANDLE_ENV}" ;;
  *) exit 1 ;;
esac
"""


def answer(prompt: str, environ: Mapping[str, str]) -> str | None:
    """The passphrase for a passphrase prompt (read once from the handle), None for any other
    prompt or a spent handle (refused)."""
    if "assphrase" not in prompt:
        return None
    from aurora_console.core.ssh.askpass_handover import HandoverSpent, read_handover

    try:
        return read_handover(environ)
    except HandoverSpent as exc:
        print(f"aurora-console askpass: {exc}", file=sys.stderr)
        return None


def helper_invocation(argv: Sequence[str], environ: Mapping[str, str]) -> list[str] | None:
    """The prompt arguments when this process was started as the askpass helper, else None.

    ``--askpass [PROMPT]`` always; otherwise only with ``AURORA_CONSOLE_ASKPASS=1`` and at
    most one argument that is not an option (exactly how ssh runs SSH_ASKPASS).
    """
    if argv[:1] == [FLAG]:
        return list(argv[1:])
    if environ.get(MODE_ENV) == "1" and len(argv) <= 1 and not (argv and argv[0].startswith("-")):
        return list(argv)
    return None


def run_helper(prompt_args: Sequence[str], environ: Mapping[str, str] | None = None) -> int:
    """Print the answer for ``prompt_args[0]`` and return 0, or return 1 (prompt refused)."""
    secret = answer(prompt_args[0] if prompt_args else "", os.environ if environ is None else environ)
    if secret is None:
        return 1
    data = (secret + "\n").encode("utf-8")
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        out.write(data)
        out.flush()
    else:  # a windowed executable: no sys.stdout, write to the OS handle ssh gave us
        os.write(1, data)
    return 0


def write_helper(folder: Path, *, platform: str | None = None, frozen: bool | None = None,
                 executable: str | None = None) -> Path:
    """Create (or choose) the helper program for a tunnel; ``folder`` is its private temp folder.

    ``platform``/``frozen``/``executable`` default to this process (``sys.platform``,
    ``sys.frozen``, ``sys.executable``); tests pass others.
    """
    platform = platform or sys.platform
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    if platform == "win32":
        if frozen:
            cli = Path(executable).with_name(WINDOWS_CLI_EXE)
            return cli if cli.is_file() else Path(executable)
        launcher = folder / "askpass.cmd"
        launcher.write_text(f'@"{executable}" -m aurora_console {FLAG} %*\r\n', encoding="utf-8")
        return launcher
    helper = folder / "askpass.sh"
    helper.write_text(POSIX_SCRIPT, encoding="utf-8")
    helper.chmod(stat.S_IRWXU)
    return helper


def askpass_env(helper: Path, handle: Mapping[str, str]) -> dict[str, str]:
    """Environment for ssh: force the helper (OpenSSH >= 8.4; older ones need DISPLAY set).

    ``handle``: ``OneShotHandover.env()``, the handle of the one-shot pipe (no secret)."""
    return {
        "SSH_ASKPASS": str(helper),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": os.environ.get("DISPLAY", ":0"),
        MODE_ENV: "1",
        **handle,
    }
