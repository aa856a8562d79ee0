"""How the console starts one of its own programs as a child process (the EC2 Instance Connect
proxy ssh runs, the sandbox's AWS endpoint): ``python -m <module>`` from a source install, or
the frozen app with the program's command as its first argument. On Windows a frozen child
runs the console build (``aurora-console-cli.exe``, beside the windowed one) when it is there:
the windowed one has no standard input and output."""

from __future__ import annotations

import sys
from pathlib import Path

WINDOWS_CLI_EXE = "aurora-console-cli.exe"


def own_program_argv(module: str, command: str, *args: str, platform: str | None = None,
                     frozen: bool | None = None, executable: str | None = None) -> list[str]:
    """The argv that runs ``module`` (source) or ``command`` (frozen) with ``args``;
    ``platform``/``frozen``/``executable``: this process's by default (tests pass others)."""
    platform = platform or sys.platform
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    if frozen:
        exe = Path(executable)
        if platform == "win32" and exe.with_name(WINDOWS_CLI_EXE).is_file():
            exe = exe.with_name(WINDOWS_CLI_EXE)
        return [str(exe), command, *args]
    return [executable, "-m", module, *args]
