"""An SSH_ASKPASS helper that hands the key passphrase to the OpenSSH client.

The passphrase travels in an environment variable of the ssh process only (never on a command
line, in a file or in a log). The helper answers passphrase prompts and refuses anything else
(e.g. a password prompt), so a wrong setup fails instead of sending the passphrase elsewhere.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

ENV_VAR = "AURORA_CONSOLE_ASKPASS_SECRET"

POSIX_SCRIPT = f"""#!/bin/sh
case "$1" in
  *assphrase*) printf '%s\\n' "${ENV_VAR}" ;;
  *) exit 1 ;;
esac
"""

PY_SCRIPT = f"""import os, sys
prompt = sys.argv[1] if len(sys.argv) > 1 else ""
if "assphrase" not in prompt:
    sys.exit(1)
sys.stdout.write(os.environ.get("{ENV_VAR}", "") + "\\n")
"""


def write_helper(folder: Path) -> Path:
    """Create the helper in ``folder`` (a private temp folder) and return its path."""
    if os.name == "nt":
        script = folder / "askpass.py"
        script.write_text(PY_SCRIPT, encoding="utf-8")
        launcher = folder / "askpass.cmd"
        launcher.write_text(f'@"{sys.executable}" "{script}" %*\r\n', encoding="utf-8")
        return launcher
    helper = folder / "askpass.sh"
    helper.write_text(POSIX_SCRIPT, encoding="utf-8")
    helper.chmod(stat.S_IRWXU)
    return helper


def askpass_env(helper: Path, passphrase: str) -> dict[str, str]:
    return {
        "SSH_ASKPASS": str(helper),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": os.environ.get("DISPLAY", ":0"),
        ENV_VAR: passphrase,
    }
