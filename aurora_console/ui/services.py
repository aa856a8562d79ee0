"""The services a window needs: typed, built once in app.py (``Services.create``) and passed in.

Nothing below ``app.py`` fetches a default instance from a global (``app_paths()``,
``ProfileStore.default()``): a screen uses what it is given here. ``Services`` never changes
after it is built; what becomes available, or changes, while the console runs sits in an
:class:`~aurora_console.ui.observable.Observable` holder:

- ``aws_session``: the AWS session factory (None until a profile is read or the sandbox is up);
- ``sandbox_info``: the running sandbox's ``SandboxInfo`` (None off the sandbox);
- ``settings_store``: the settings in use (a sandbox session switches to the sandbox's own);
- ``connections``: the window's ``ConnectionsController`` (made on the first ``get()`` once the
  connections feature installed, so start-up does not pay for it): profiles, tunnels and the one
  prompt path for passwords, passphrases, host keys;
- ``sandbox_controller``: the ``SandboxController`` once the sandbox is being opened.

``audit`` (the audit log of every mutating AWS call) is made on first use too: a mutating action
or an audit view asks for it, start-up never does.

``aws``, ``sandbox`` and ``settings`` read the holders' current values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from aurora_console.ui.observable import Observable
from aurora_console.ui.start_options import StartOptions

if TYPE_CHECKING:
    from aurora_console.core.audit import AuditLog
    from aurora_console.core.aws.session import AwsSessionFactory
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.migrations.folders import MigrationFolders
    from aurora_console.core.paths import AppPaths
    from aurora_console.core.settings import SettingsStore
    from aurora_console.sandbox.runtime import SandboxInfo
    from aurora_console.ui.connections.controller import ConnectionsController
    from aurora_console.ui.notifications import Notifier
    from aurora_console.ui.sandbox_controller import SandboxController
    from aurora_console.ui.tasks import TaskRunner


@dataclass(frozen=True, eq=False)
class Services:
    """The typed services a window and its screens are given (see the module docstring)."""

    paths: AppPaths
    runner: TaskRunner
    notifier: Notifier
    profiles: ProfileStore  # the saved connection profiles (profiles.json)
    options: StartOptions  # what the command line asked for
    settings_store: Observable[SettingsStore]
    aws_session: Observable[AwsSessionFactory | None]
    sandbox_info: Observable[SandboxInfo | None]
    connections: Observable[ConnectionsController | None]
    sandbox_controller: Observable[SandboxController | None]
    _audit: Observable[AuditLog | None]  # made on the first ``audit`` (see there)

    @classmethod
    def create(cls, *, paths: AppPaths, settings: SettingsStore, runner: TaskRunner, notifier: Notifier,
               options: StartOptions | None = None, aws: AwsSessionFactory | None = None,
               profiles: ProfileStore | None = None) -> Services:
        """Everything derived from ``paths`` unless given (tests pass their own stores)."""
        from aurora_console.core.connections.store import ProfileStore

        aws_session: Observable[AwsSessionFactory | None] = Observable(aws)

        def make_audit() -> AuditLog:
            from aurora_console.core.audit import audit_log_for

            return audit_log_for(paths.audit_file, aws_session.get)

        audit: Observable[AuditLog | None] = Observable(None)
        audit.make_on_first_get(make_audit)
        return cls(
            paths=paths, runner=runner, notifier=notifier, _audit=audit,
            profiles=profiles if profiles is not None else ProfileStore.for_paths(paths),
            options=options if options is not None else StartOptions(), settings_store=Observable(settings), aws_session=aws_session,
            sandbox_info=Observable(None), connections=Observable(None), sandbox_controller=Observable(None))

    @cached_property
    def migration_folders(self) -> MigrationFolders:
        """Which migrations folder belongs to which profile (``migrations.json`` in ``paths``);
        made on first use, as its package loads the migration engine (psycopg), which start-up
        never needs."""
        from aurora_console.core.db.migrations.folders import MigrationFolders

        return MigrationFolders.for_paths(self.paths)

    @property
    def audit(self) -> AuditLog:
        """The audit log of every mutating AWS call the console makes (``paths.audit_file``): made
        on first use, once, from whichever thread asks first (start-up never needs it)."""
        log = self._audit.get()
        assert log is not None  # made by the holder's factory, which never returns None
        return log

    # -- current values of the holders ------------------------------------------------------------
    @property
    def aws(self) -> AwsSessionFactory | None:
        return self.aws_session.get()

    @property
    def sandbox(self) -> SandboxInfo | None:
        return self.sandbox_info.get()

    @property
    def settings(self) -> SettingsStore:
        return self.settings_store.get()

    @property
    def aws_is_sandbox(self) -> bool:
        """The AWS session in use is the sandbox's local endpoint (which lacks some AWS APIs)."""
        aws = self.aws
        return aws is not None and aws.is_sandbox

    def profile_label(self, profile: str | None) -> str:
        """The name a profile goes by in settings keys and headers: the sandbox's AWS account
        (whose targets carry no profile name) is "sandbox", never the real "default"."""
        if profile:
            return profile
        return "sandbox" if self.aws_is_sandbox else "default"

    def is_read_only(self, profile: str | None) -> bool:
        return self.profile_label(profile) in self.settings.settings.read_only_profiles

    def shutdown_features(self) -> list[tuple[str, BaseException]]:
        """Stop the late services that hold threads or processes (tunnels, the sandbox); returns
        the failures (each service is stopped even if another failed)."""
        failures = []
        for name, holder in (("connections", self.connections), ("sandbox", self.sandbox_controller)):
            service = holder.peek()  # one never made has nothing to stop
            if service is None:
                continue
            try:
                service.shutdown()
            except Exception as exc:  # noqa: BLE001 - reported by the caller; the others still stop
                failures.append((name, exc))
        return failures
