"""Test rig: the OS's OpenSSH sshd on 127.0.0.1 with temporary keys.

Fixtures
* ``ssh_keys`` (session): :class:`~tests.rig.sshd_server.SshKeys`: host keys (ed25519, ecdsa,
  rsa) and client keys ``ed25519``, ``ecdsa``, ``rsa`` (OpenSSH format), ``rsa_pem`` (PEM) and
  ``ed25519_passphrase`` (protected by ``ssh_keys.passphrase``), all made by ssh-keygen once per
  user and machine in the temp folder (see :func:`~tests.rig.sshd_server.cached_keys`). Treat
  them as read-only; make your own with ``generate_keys(folder)`` if a test must change keys.
* ``sshd_server`` (session): a running :class:`~tests.rig.sshd_server.SshdServer` (``host``,
  ``port``, ``user``, ``client_keys``, ``known_hosts_file``/``known_hosts_lines``,
  ``host_public_keys``, ``fingerprints``, ``ssh_args(key, *extra)``). Public-key logins only,
  TCP forwarding allowed.
* ``sshd_factory`` (function): ``sshd_factory(**sshd_config_options) -> SshdServer`` starts
  another sshd with the same keys and other options, e.g. ``sshd_factory(AllowTcpForwarding="no")``;
  stopped at the end of the test.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.rig.sshd_server import SSHD, SshdServer, SshKeys, cached_keys, start_sshd

#: How long the session fixtures took to start (seconds), for the rig's own report.
STARTUP_SECONDS: dict[str, float] = {}



def _missing(reason: str) -> None:
    """A missing peer skips the tests on a developer's machine, but fails them in CI (CI=true),
    where .ci/run installs every peer: a green run must never hide tests that did not run."""
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " (CI installs it: scripts/install-os-deps.sh)")
    pytest.skip(reason)

def _require_openssh() -> None:
    if not Path(SSHD).exists() or shutil.which("ssh-keygen") is None or shutil.which("ssh") is None:
        _missing("OpenSSH (sshd, ssh, ssh-keygen) is not installed")


@pytest.fixture(scope="session")
def ssh_keys() -> SshKeys:
    _require_openssh()
    started = time.monotonic()
    keys = cached_keys()
    STARTUP_SECONDS["ssh_keys"] = time.monotonic() - started
    return keys


@pytest.fixture(scope="session")
def sshd_server(tmp_path_factory: pytest.TempPathFactory, ssh_keys: SshKeys) -> Iterator[SshdServer]:
    started = time.monotonic()
    server = start_sshd(tmp_path_factory.mktemp("sshd"), ssh_keys)
    STARTUP_SECONDS["sshd_server"] = time.monotonic() - started
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sshd_factory(
    tmp_path_factory: pytest.TempPathFactory, ssh_keys: SshKeys
) -> Iterator[Callable[..., SshdServer]]:
    servers: list[SshdServer] = []

    def make(**options: str) -> SshdServer:
        server = start_sshd(tmp_path_factory.mktemp("sshd-extra"), ssh_keys, **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
