"""Isolation: tests never read or write the user's files, never reach AWS, never stay silent
about errors.

* At configure time (before any fixture or import of the app) HOME, the XDG and Windows folders,
  AURORA_CONSOLE_HOME and the AWS config/credential files point into one temporary folder, and
  AWS credentials are dummies; AWS_PROFILE / AWS_ENDPOINT_URL from the caller are removed.
* Per test (autouse) those folders are fresh again, below ``tmp_path``.
* A logged ERROR (or worse) that the test did not expect fails the test: mark the test with
  ``@pytest.mark.expected_errors`` (or handle it with caplog) when errors are the point.
  Qt warnings fail tests through pytest-qt's ``qt_log_level_fail``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pytest

_REMOVE = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CA_BUNDLE",
    "AWS_REGION",
)


def _point_home(root: Path, env) -> None:
    home = root / "home"
    for sub in (
        "",
        ".aws",
        ".ssh",
        ".config",
        ".local/share",
        ".cache",
        ".local/state",
        "AppData/Roaming",
        "AppData/Local",
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
    values = {
        "HOME": home,
        "USERPROFILE": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local/share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_STATE_HOME": home / ".local/state",
        "APPDATA": home / "AppData/Roaming",
        "LOCALAPPDATA": home / "AppData/Local",
        "AURORA_CONSOLE_HOME": root / "aurora-console",
        "AWS_CONFIG_FILE": home / ".aws/config",
        "AWS_SHARED_CREDENTIALS_FILE": home / ".aws/credentials",
    }
    for key, value in values.items():
        env(key, str(value))
    env("AWS_ACCESS_KEY_ID", "testing")
    env("AWS_SECRET_ACCESS_KEY", "testing")
    env("AWS_DEFAULT_REGION", "us-east-1")
    env("AWS_EC2_METADATA_DISABLED", "true")
    env("PYTHON_KEYRING_BACKEND", "aurora_console.testing.memory_keyring.MemoryKeyring")


def _service_endpoints() -> list[str]:
    """AWS_ENDPOINT_URL_<SERVICE> variables (botocore honours them per service)."""
    return [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL_")]


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for key in (*_REMOVE, *_service_endpoints()):
        os.environ.pop(key, None)
    root = Path(tempfile.mkdtemp(prefix="aurora-console-tests-"))
    _point_home(root, lambda k, v: os.environ.__setitem__(k, v))
    config.addinivalue_line("markers", "expected_errors: the test expects ERROR log records")


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    """Fresh home, config, data, log and AWS folders for every test; errors in logs fail it."""
    for key in (*_REMOVE, *_service_endpoints()):
        monkeypatch.delenv(key, raising=False)
    _point_home(tmp_path / "isolated", monkeypatch.setenv)
    from aurora_console.testing.memory_keyring import MemoryKeyring

    MemoryKeyring.clear()
    collector = _ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield tmp_path / "isolated"
    finally:
        root.removeHandler(collector)
    if collector.records and request.node.get_closest_marker("expected_errors") is None:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records[:10])
        pytest.fail(
            f"unexpected ERROR log records (mark the test expected_errors if intended):\n{lines}",
            pytrace=False,
        )
