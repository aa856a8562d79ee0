"""Isolation: tests never read or write the user's files, never reach AWS, never stay silent
about errors.

* At configure time (before any fixture or import of the app) HOME, the XDG and Windows folders,
  AURORA_CONSOLE_HOME and the AWS config/credential files point into one temporary folder, and
  AWS credentials are dummies; AWS_PROFILE, container/web-identity credentials and endpoint
  variables from the caller are removed.
* AWS_ENDPOINT_URL points at a loopback tripwire (tests/rig/aws_tripwire.py): any AWS call not
  given an explicit endpoint (moto's, the sandbox's) is refused there on its first attempt and
  fails the test that made it, so no call ever reaches AWS, whatever credentials a test sets.
  A test that makes such a call on purpose takes it from the ``aws_tripwire`` fixture.
* The dummy keys make the environment look like a shell with credentials in it, and the console
  starts on them (the default chain), as the AWS CLI does. A test about a machine with no AWS
  credentials at all says so: ``@pytest.mark.no_aws_credentials`` removes them.
* Per test (autouse) those folders are fresh again, below ``tmp_path``.
* The session's folder (``<tmp>/aurora-console-tests-*``) is deleted at session end, after a
  failed run too. The session holds a lock on ``.lock`` inside it while it runs; a folder whose
  lock nobody holds (its session was killed) is deleted by the next session. Folders of other
  running sessions, and older folders without a lock file, are never touched.
* A logged ERROR (or worse) that the test did not expect fails the test: mark the test with
  ``@pytest.mark.expected_errors`` (or handle it with caplog) when errors are the point.
  Qt warnings fail tests through pytest-qt's ``qt_log_level_fail``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.rig.aws_tripwire import AwsTripwire

try:
    import fcntl
except ImportError:  # Windows: session folders are still removed at the end, not collected
    fcntl = None

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
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",  # would switch the tripwire off
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",  # a CI job in a container: its real role
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)
ENVIRONMENT_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


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


SESSION_PREFIX = "aurora-console-tests-"
_SESSION = pytest.StashKey[tuple[Path, int]]()
_TRIPWIRE = pytest.StashKey[AwsTripwire]()


def make_session_root(parent: Path | None = None) -> tuple[Path, int]:
    """A fresh session folder and an open descriptor holding its ``.lock`` (locked before the
    file gets its name, so no other session ever sees it unlocked)."""
    root = Path(tempfile.mkdtemp(prefix=SESSION_PREFIX, dir=parent))
    fd = os.open(root / ".lock-new", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.rename(root / ".lock-new", root / ".lock")
    return root, fd


def remove_session_root(root: Path, fd: int) -> None:
    os.close(fd)  # Windows cannot delete an open file; elsewhere the lock goes with the folder
    shutil.rmtree(root, ignore_errors=True)


def collect_dead_session_roots(parent: Path | None = None) -> list[Path]:
    """Delete session folders whose session is gone (lock file present, nobody holds it)."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for root in Path(parent or tempfile.gettempdir()).glob(SESSION_PREFIX + "*"):
        try:
            fd = os.open(root / ".lock", os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            continue  # an older session's folder, or not ours: left alone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # its session is running
        remove_session_root(root, fd)
        removed.append(root)
    return removed


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for key in (*_REMOVE, *_service_endpoints()):
        os.environ.pop(key, None)
    collect_dead_session_roots()
    root, fd = make_session_root()
    config.stash[_SESSION] = (root, fd)
    _point_home(root, lambda k, v: os.environ.__setitem__(k, v))
    tripwire = config.stash[_TRIPWIRE] = AwsTripwire()
    os.environ["AWS_ENDPOINT_URL"] = tripwire.url
    config.addinivalue_line("markers", "expected_errors: the test expects ERROR log records")
    config.addinivalue_line("markers", "no_aws_credentials: no AWS credentials in the environment "
                                       "(a machine where `aws` finds none); the rig's dummy keys are removed")


def session_root(config: pytest.Config) -> Path:
    """This session's temp folder (deleted at the end of the session)."""
    return config.stash[_SESSION][0]


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION, None)
    if session is not None:
        remove_session_root(*session)
    tripwire = config.stash.get(_TRIPWIRE, None)
    if tripwire is not None:
        tripwire.close()


@pytest.fixture
def aws_tripwire(request: pytest.FixtureRequest) -> AwsTripwire:
    """The endpoint AWS_ENDPOINT_URL points at; ``take()`` the calls a test makes there on purpose."""
    return request.config.stash[_TRIPWIRE]


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
    tripwire = request.config.stash[_TRIPWIRE]
    monkeypatch.setenv("AWS_ENDPOINT_URL", tripwire.url)
    if request.node.get_closest_marker("no_aws_credentials") is not None:
        for key in ENVIRONMENT_CREDENTIALS:
            monkeypatch.delenv(key)
    earlier = tripwire.take()  # made after the previous test ended (a worker thread it left running)
    from aurora_console.testing.memory_keyring import MemoryKeyring

    MemoryKeyring.clear()
    collector = _ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield tmp_path / "isolated"
    finally:
        root.removeHandler(collector)
    refused = [f"{call} (before this test started)" for call in earlier] + [str(c) for c in tripwire.take()]
    if refused:
        lines = "\n".join(f"  {call}" for call in refused[:10])
        pytest.fail(f"AWS calls not pointed at moto (refused by the rig's AWS_ENDPOINT_URL tripwire; "
                    f"give the client moto_endpoint / aws_factory, or take() them from aws_tripwire "
                    f"when they are the point):\n{lines}", pytrace=False)
    if collector.records and request.node.get_closest_marker("expected_errors") is None:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in collector.records[:10])
        pytest.fail(
            f"unexpected ERROR log records (mark the test expected_errors if intended):\n{lines}",
            pytrace=False,
        )
