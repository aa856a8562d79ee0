"""Shared by the content and migrations prompt tests: a main window, and saved profiles whose
database password is "Ask each time" (direct, or through the rig's sshd with a passphrase key
whose host key is not yet trusted)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest

#: the marks of every prompt test module
MARKS = [pytest.mark.gui, pytest.mark.timeout(120), pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@contextmanager
def main_window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        yield window
    finally:
        window.close()
        shutdown_services(services)


@pytest.fixture(name="window")
def prompt_window(qtbot, qapp, caplog):
    """A main window (import this fixture into a test module; it is used there as ``window``)."""
    caplog.set_level(logging.DEBUG)
    with main_window(qtbot, qapp) as win:
        yield win


def save_prompt_profile(name: str, db, sshd_server=None, key: str = "ed25519"):
    """A profile asking for the password each time; with ``sshd_server``: through the bastion
    with the rig's client ``key`` ("ed25519_passphrase": passphrase-protected), its host key not
    in any known_hosts file."""
    from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.core.ssh.config import BastionConfig

    info = db.conninfo
    bastion = None
    if sshd_server is not None:
        bastion = BastionConfig(host=sshd_server.host, port=sshd_server.port, user=sshd_server.user,
                                key_file=str(sshd_server.client_keys[key]))
    profile = ConnectionProfile(name=name, host="127.0.0.1", port=int(info["port"]), database=db.name,
                                user=info["user"], password=PasswordSource(kind="prompt"),
                                tls=TlsSettings(mode="disable"), bastion=bastion, backend="paramiko")
    ProfileStore.for_paths(app_paths()).save(profile)
    return profile


class Answers:
    """Stands in for the controller's dialogs: records each question, answers from a list."""

    def __init__(self, controller, secrets=(), trust=None) -> None:
        self.asked: list[tuple[str, str]] = []
        self._secrets = list(secrets)
        self._trust = trust
        controller.ask_secret = self.secret
        controller.ask_trust = self.trust

    def secret(self, title: str, label: str):
        self.asked.append((title, label))
        return self._secrets.pop(0) if self._secrets else None

    def trust(self, error):
        self.asked.append(("trust", error.fingerprint))
        return self._trust


def wait_opened(qtbot, handle, timeout=30000):
    qtbot.waitUntil(lambda: handle.done, timeout=timeout)
    return handle


def secrets_nowhere(window, caplog, *values: str) -> None:
    """No typed secret reached the profile file, the settings, a notification or a log record."""
    from aurora_console.core.paths import app_paths

    paths = app_paths()
    files = [p for d in (paths.config_dir, paths.data_dir) if d.exists() for p in d.rglob("*") if p.is_file()]
    texts = [p.read_text(errors="replace") for p in files]
    texts += [f"{n.title} {n.text} {n.hint}" for n in window.services.notifier.history]
    texts += [r.getMessage() for r in caplog.records]
    for value in values:
        assert not any(value in t for t in texts), "a typed secret leaked"


def errors(window) -> list[str]:
    return [f"{n.title}: {n.text}" for n in window.services.notifier.history if n.level == "error"]

