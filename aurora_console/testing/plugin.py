"""pytest plugin (entry point ``pytest11``): the ``console`` fixture for scripted smoke tests.

By default the console opens on the embedded sandbox (started once per test session in a
temporary folder). With ``--aurora-profile NAME --aurora-region REGION`` it opens on a real AWS
profile instead, and page-object calls that change anything are refused unless
``--aurora-allow-changes`` is given.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from aurora_console.testing import ast_lock

# before any test (or the console's worker threads) imports a module pytest rewrites: CPython
# 3.11's syntax-tree conversion is not safe on two threads at once (see ast_lock)
ast_lock.serialise()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aurora-console", "Aurora Console smoke tests")
    group.addoption("--aurora-profile", default=None, help="run the console fixture on this AWS profile (default: sandbox)")
    group.addoption("--aurora-region", default=None, help="AWS region for --aurora-profile")
    group.addoption("--aurora-endpoint-url", default=None, help="override the AWS endpoint for --aurora-profile")
    group.addoption("--aurora-allow-changes", action="store_true", default=False,
                    help="allow page-object calls that change AWS resources or databases on a real profile")
    group.addoption("--aurora-sandbox-dir", default=None, help="sandbox state folder (default: a temporary folder)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "aurora_real: needs --aurora-profile (skipped on the sandbox)")


@pytest.fixture(scope="session")
def aurora_sandbox(request: pytest.FixtureRequest):
    """The running sandbox for this session, or None when a real profile was given."""
    if request.config.getoption("--aurora-profile"):
        yield None
        return
    import os
    import shutil

    from aurora_console.sandbox.runtime import Sandbox

    folder = request.config.getoption("--aurora-sandbox-dir")
    scratch = Path(tempfile.mkdtemp(prefix="aurora-sandbox-"))
    state_dir = Path(folder) if folder else scratch / "sandbox"
    with pytest.MonkeyPatch.context() as mp:
        if "AURORA_CONSOLE_HOME" not in os.environ:
            # on the sandbox the console's settings, logs and profiles are disposable too
            mp.setenv("AURORA_CONSOLE_HOME", str(scratch / "home"))
        # a fixed day of metrics: no feeder thread writing new minutes while tests compare data
        # (moto keeps one state per process, shared with any other moto server a suite runs)
        sandbox = Sandbox(state_dir, live_metrics=False)
        try:
            sandbox.start()
            # the shop's MariaDB starts after the blog database: settled before any test, so a
            # test of sandbox-shop never races its start (up to 2 minutes on a loaded machine)
            sandbox.wait_for_mysql()
            yield sandbox
        finally:
            sandbox.stop()
            shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def console(qtbot, request: pytest.FixtureRequest, aurora_sandbox):
    """The main window, loaded, as a page-object root (:class:`~aurora_console.testing.pages.ConsoleRoot`)."""
    from aurora_console.testing.console import close_console, open_console
    from aurora_console.testing.pages import ConsoleRoot

    cfg = request.config
    if aurora_sandbox is not None:
        aurora_sandbox.ensure_seeded()
        window = open_console(qtbot, sandbox_info=aurora_sandbox.info)
    else:
        window = open_console(qtbot, profile=cfg.getoption("--aurora-profile"),
                              region=cfg.getoption("--aurora-region"),
                              endpoint_url=cfg.getoption("--aurora-endpoint-url"))
    root = ConsoleRoot(window, qtbot, allow_changes=cfg.getoption("--aurora-allow-changes"),
                       sandbox=aurora_sandbox is not None)
    try:
        yield root
    finally:
        close_console(window)
