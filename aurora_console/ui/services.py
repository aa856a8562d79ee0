"""The services a window needs, built once in app.py and passed in (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.aws.session import AwsSessionFactory
from aurora_console.core.paths import AppPaths
from aurora_console.core.settings import SettingsStore
from aurora_console.ui.notifications import Notifier
from aurora_console.ui.tasks import TaskRunner


@dataclass
class Services:
    paths: AppPaths
    settings: SettingsStore
    runner: TaskRunner
    notifier: Notifier
    aws: AwsSessionFactory | None = None  # None until a profile is chosen or the sandbox is up
    sandbox: Any = None  # aurora_console.sandbox.SandboxInfo when running on the sandbox
    options: Any = None  # parsed command-line options
    audit: Any = None  # core.audit.AuditLog: every mutating AWS call the console makes
    extras: dict[str, Any] = field(default_factory=dict)  # feature-owned services (audit, tunnels...)

    def profile_label(self, profile: str | None) -> str:
        """The name a profile goes by in settings keys and headers: the sandbox's AWS account
        (whose targets carry no profile name) is "sandbox", never the real "default"."""
        if profile:
            return profile
        return "sandbox" if self.aws is not None and self.aws.is_sandbox else "default"

    def is_read_only(self, profile: str | None) -> bool:
        return self.profile_label(profile) in self.settings.settings.read_only_profiles
