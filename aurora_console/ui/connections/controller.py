"""One ConnectionsController per window: profiles, the shared TunnelManager, and the user
interactions a tunnel may need (trust a host key, type a passphrase or password), with all
network work on the task runner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.connections.tester import check_connection
from aurora_console.core.connections.tunnels import open_profile_tunnel
from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.errors import HostKeyUnknown, PassphraseRequired, WrongPassphrase
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager, TunnelState, TunnelStatus

log = logging.getLogger(__name__)
SANDBOX_PROFILE = "sandbox-blog"


class PromptedTask:
    """The handle of work that may run again after the user answered a question.

    ``done``, ``state`` (running, done, failed, cancelled), ``result`` and ``error`` follow the
    whole sequence of attempts; ``declined`` names the question the user cancelled, if any;
    ``current`` is the runner's handle of the latest attempt. After ``MAX_ATTEMPTS`` attempts the
    last error is reported instead of asking again (an answer that is always wrong, say from a
    script, must not loop for ever).
    """

    MAX_ATTEMPTS = 8

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = "running"
        self.result: Any = None
        self.error: BaseException | None = None
        self.declined: str | None = None
        self.current = None
        self.cancel_requested = False
        self.attempts = 0

    @property
    def done(self) -> bool:
        return self.state != "running"

    def cancel(self) -> None:
        self.cancel_requested = True
        if self.current is not None:
            self.current.cancel()

    def _end(self, state: str, *, result: Any = None, error: BaseException | None = None,
             declined: str | None = None) -> None:
        self.state, self.result, self.error, self.declined = state, result, error, declined

    def __repr__(self) -> str:
        return f"<PromptedTask {self.name!r} {self.state}>"


class ConnectionsController(QObject):
    tunnel_changed = Signal(object)  # TunnelStatus (delivered on the UI thread)
    profiles_changed = Signal()

    def __init__(self, services, parent: QObject | None = None, *, store: ProfileStore | None = None,
                 hosts: HostKeyStore | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.store = store or services.profiles
        self.hosts = hosts or HostKeyStore(services.paths.known_hosts_file)
        self.manager = TunnelManager(self.hosts)
        self.manager.add_listener(self.tunnel_changed.emit)  # emitted from worker threads: queued to the UI
        self._sandbox_trusted = False
        # hooks the page object / tests replace; defaults show dialogs
        self.ask_trust: Callable[[HostKeyUnknown], str | None] = self._dialog_trust
        self.ask_secret: Callable[[str, str], str | None] = self._dialog_secret
        self.last_error: BaseException | None = None
        self.backend_override: dict[str, str] = {}  # profile -> backend, for this session only
        self.reports: dict[str, Any] = {}

    # -- profiles --------------------------------------------------------------------------------
    def _sandbox_profile(self):
        info = self.services.sandbox
        if info is None or not info.database_ready:
            return None
        profile = info.connection_profile()
        if not self._sandbox_trusted and info.bastion is not None:
            from aurora_console.sandbox.checks import trust_sandbox_bastion

            trust_sandbox_bastion(self.hosts, info)  # also as its EC2 instance (the pushed-key profiles)
            self._sandbox_trusted = True
        return profile

    def profiles(self) -> list:
        result = []
        sandbox = self._sandbox_profile()
        if sandbox is not None:
            from aurora_console.sandbox.profiles import route_profiles, shop_profiles

            result += [sandbox, *route_profiles(self.services.sandbox), *shop_profiles(self.services.sandbox)]
        builtin = {p.name for p in result}
        try:
            result += [p for p in self.store.list() if p.name not in builtin]
        except Exception as exc:  # noqa: BLE001 - an unreadable file must not break the panel
            log.warning("cannot read connection profiles: %s", exc)
        return result

    def profile(self, name: str):
        found = next((p for p in self.profiles() if p.name == name), None)
        if found is None:
            found = self.store.get(name)  # raises a ValidationError naming the known profiles
        if name in self.backend_override:
            found.backend = self.backend_override[name]
        return found

    def save_profile(self, profile, replace: str | None = None) -> None:
        self.store.save(profile, replace=replace)
        self.profiles_changed.emit()

    def delete_profile(self, name: str) -> None:
        self.manager.close(name)
        self.store.delete(name)
        self.profiles_changed.emit()

    def aws_clients(self):
        factory = self.services.aws
        if factory is None:
            return None
        from aurora_console.core.connections.passwords import clients_from_factory

        return clients_from_factory(factory)

    # -- tunnels and tests -------------------------------------------------------------------------
    def open_tunnel(self, name: str, on_done: Callable[[TunnelStatus], None] | None = None,
                    on_error: Callable[[BaseException], None] | None = None):
        profile = self.profile(name)
        if profile.bastion is None:
            raise ValueError(f"profile {name!r} has no bastion")
        return self._run(f"Open tunnel {name}", profile, lambda p, secrets, ctx: self._open(p, secrets),
                         on_done, on_error)

    def _open(self, profile, secrets: dict):
        return open_profile_tunnel(self.manager, profile, passphrase=secrets.get("passphrase"),
                                   aws_clients=self.aws_clients())

    def test(self, name: str, on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None):
        return self.test_profile(self.profile(name), on_done, on_error)

    def test_profile(self, profile, on_done: Callable[[Any], None] | None = None,
                     on_error: Callable[[BaseException], None] | None = None):
        """Test a (possibly unsaved) profile: tunnel, password, connect, report."""
        name = profile.name

        def work(p, secrets, ctx):
            if p.bastion is not None and "passphrase" in secrets:
                self._open(p, secrets)  # check_connection reuses the open tunnel
            report = check_connection(p, manager=self.manager, clients=self.aws_clients(),
                                      password=secrets.get("password"), task=ctx)
            self.reports[p.name] = report
            return report

        return self._run(f"Test connection {name}", profile, work, on_done, on_error)

    def close_tunnel(self, name: str) -> None:
        self.services.runner.submit(lambda ctx: self.manager.close(name), name=f"Close tunnel {name}")

    def reconnect(self, name: str, on_done=None, on_error=None):
        return self.services.runner.submit(lambda ctx: self.manager.reconnect(name), name=f"Reconnect tunnel {name}",
                                           on_done=on_done, on_error=on_error or self._notify_error)

    def status(self, name: str) -> TunnelStatus | None:
        return self.manager.status(name)

    def open_count(self) -> int:
        return self.manager.open_count()

    def shutdown(self) -> None:
        self.manager.shutdown()

    # -- database screens: one connection source, asking what it needs ----------------------------
    def connect_profile(self, name: str, work, *, title: str, queue: str | None = None,
                        on_done: Callable[[Any], None] | None = None,
                        on_error: Callable[[BaseException], None] | None = None,
                        on_declined: Callable[[str, BaseException], None] | None = None,
                        on_cancelled: Callable[[], None] | None = None) -> PromptedTask:
        """Run ``work(profile, secrets, ctx)`` on the task runner; when it fails for want of what
        only the user can give (trusting the bastion's host key, the key passphrase, the database
        password of an "ask each time" profile, again after a refused one), ask on the UI thread
        and run it again with the answers in ``secrets`` (never stored, registered for redaction).
        ``on_declined(what, exc)``: the user cancelled a question; no error is notified then.
        ``on_cancelled()``: the handle was cancelled (``PromptedTask.cancel``).
        This is the one prompt path: every screen that opens a profile comes through here."""
        chain = PromptedTask(title)
        try:
            profile = self.profile(name)
        except Exception as exc:  # noqa: BLE001 - an unknown profile: reported like a failed attempt
            chain._end("failed", error=exc)
            (on_error or self._notify_error)(exc)
            return chain
        self._run(title, profile, work, on_done, on_error, queue=queue, chain=chain, on_declined=on_declined,
                  on_cancelled=on_cancelled)
        return chain

    def open_source(self, name: str, *, queue: str | None = None, on_done=None, on_error=None,
                    on_declined=None, on_cancelled=None, application_name: str = "aurora-console") -> PromptedTask:
        """Open profile ``name`` for a database screen: a ``DatabaseConnection`` (see
        ``core.connections.opener.open_profile``) on the window's shared tunnel manager, asking
        what the profile needs. ``application_name``: what the server shows for the screen's sessions."""
        services = self.services
        aws, sandbox = services.aws, services.sandbox

        def work(profile, secrets: dict, ctx):
            from aurora_console.core.connections.opener import open_profile

            return open_profile(profile.name, aws_factory=aws, sandbox_info=sandbox, task=ctx, manager=self.manager,
                                store=self.store, password=secrets.get("password"),
                                passphrase=secrets.get("passphrase"), application_name=application_name)

        return self.connect_profile(name, work, title=f"Connect {name}", queue=queue, on_done=on_done,
                                    on_error=on_error, on_declined=on_declined, on_cancelled=on_cancelled)

    # -- the retry loop: errors that need the user -------------------------------------------------
    def _run(self, title: str, profile, work, on_done, on_error, secrets: dict | None = None, *,
             queue: str | None = None, chain: PromptedTask | None = None, on_declined=None, on_cancelled=None):
        secrets = dict(secrets or {})
        chain = chain if chain is not None else PromptedTask(title)

        def done(result) -> None:
            chain._end("done", result=result)
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self.last_error = exc
            if chain.cancel_requested:
                chain._end("cancelled", error=exc)
                if on_cancelled is not None:
                    on_cancelled()
                return
            answers: dict = {}
            retry = chain.attempts < chain.MAX_ATTEMPTS and self._resolve(exc, profile, secrets, answers)
            if retry:
                self._run(title, profile, work, on_done, on_error, secrets, queue=queue, chain=chain,
                          on_declined=on_declined, on_cancelled=on_cancelled)
                return
            if answers.get("declined") and on_declined is not None:
                chain._end("cancelled", error=exc, declined=answers["declined"])
                on_declined(answers["declined"], exc)
                return
            chain._end("failed", error=exc)
            (on_error or self._notify_error)(exc)

        def cancelled() -> None:
            chain._end("cancelled")
            if on_cancelled is not None:
                on_cancelled()

        handle = self.services.runner.submit(lambda ctx: work(profile, secrets, ctx), name=title, queue=queue,
                                             on_done=done, on_error=failed,
                                             on_cancelled=cancelled)
        chain.current = handle
        chain.attempts += 1
        return handle

    def _resolve(self, exc: BaseException, profile, secrets: dict, answers: dict | None = None) -> bool:
        """Ask the user what the error needs; True to try again. ``answers["declined"]`` names a
        question the user cancelled ("host key", "passphrase", "password")."""
        from aurora_console.core.connections.passwords import PasswordSourceError

        answers = {} if answers is None else answers
        if isinstance(exc, HostKeyUnknown):
            choice = self.ask_trust(exc)
            if choice in ("once", "always"):
                self.hosts.trust_error(exc, always=(choice == "always"))
                return True
            answers["declined"] = "host key"
            return False
        if isinstance(exc, PassphraseRequired | WrongPassphrase) and profile.bastion is not None:
            again = " (the last one was wrong)" if isinstance(exc, WrongPassphrase) else ""
            value = self.ask_secret("SSH key passphrase",
                                    f"Passphrase for {profile.bastion.key_file}{again}:")
            if value:
                secrets["passphrase"] = value
                Secret(value)  # registered for log redaction
                return True
            answers["declined"] = "passphrase"
            return False
        if isinstance(exc, PasswordSourceError) and exc.kind == "prompt" and "password" not in secrets:
            value = self.ask_secret("Database password",
                                    f"Password for {profile.user}@{profile.host}/{profile.database}:")
            if value:
                secrets["password"] = value
                Secret(value)
                return True
            answers["declined"] = "password"
        if (isinstance(exc, PasswordSourceError) and exc.kind == "rejected" and "password" in secrets
                and profile.password.kind == "prompt"):  # a typed password the database refused
            value = self.ask_secret("Database password",
                                    f"Password for {profile.user}@{profile.host}/{profile.database} "
                                    "(the last one was refused):")
            if value:
                secrets["password"] = value
                Secret(value)
                return True
            answers["declined"] = "password"
        return False

    def _notify_error(self, exc: BaseException) -> None:
        self.services.notifier.error("Connection", exc)

    def _dialog_trust(self, exc: HostKeyUnknown) -> str | None:
        from aurora_console.ui.connections.hostkey_dialog import HostKeyTrustDialog

        return HostKeyTrustDialog.ask(exc, self.parent() if isinstance(self.parent(), QObject) else None)

    def _dialog_secret(self, title: str, label: str) -> str | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        value, ok = QInputDialog.getText(None, title, label, QLineEdit.EchoMode.Password)
        return value if ok and value else None


_DECLINED = {"host key": "the bastion's host key was not trusted", "passphrase": "no key passphrase was entered",
             "password": "no password was entered"}


def declined_text(what: str) -> str:
    """Why nothing connected, after the user cancelled the question ``what`` (``on_declined``)."""
    return _DECLINED.get(what, f"the {what} question was cancelled")


def connect_for_screen(window, profile: str, *, screen: str, queue: str, on_connected,
                       application_name: str = "aurora-console") -> PromptedTask | None:
    """Open ``profile`` for a database screen (content editor, migrations) through the window's
    controller, which asks what the profile needs; ``on_connected(DatabaseConnection)`` on the UI
    thread. A failure is notified as "<screen>: cannot connect …"; a cancelled question only
    leaves a status-bar message."""
    services = window.services

    def failed(exc: BaseException) -> None:
        services.notifier.error(f"{screen}: cannot connect with profile {profile!r}", exc)

    def declined(what: str, _exc: BaseException) -> None:
        window.show_status_message(f"{screen}: not connected to {profile!r}: {declined_text(what)}.", 20000)

    controller = services.connections.get()
    if controller is None:
        failed(RuntimeError("the connections feature did not load, so profiles cannot be opened"))
        return None
    return controller.open_source(profile, queue=queue, on_done=on_connected, on_error=failed, on_declined=declined,
                                  application_name=application_name)


def state_text(status: TunnelStatus | None) -> str:
    if status is None:
        return "closed"
    if status.state == TunnelState.RECONNECTING and status.attempts:
        return f"reconnecting (attempt {status.attempts})"
    return status.state.value
