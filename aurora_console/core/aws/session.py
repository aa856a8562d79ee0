"""boto3 sessions and clients, resolved the standard way.

Profiles, regions, SSO, assume-role and credential_process all come from boto3's own
resolution (``AWS_PROFILE``, ``AWS_REGION``, ``AWS_CONFIG_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``,
``AWS_ENDPOINT_URL`` behave as in the AWS CLI). The endpoint is only overridden when the user asks
(``--endpoint-url``) or in the sandbox. boto3 is imported lazily so start-up stays fast.

Credentials follow the AWS CLI's precedence
(https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html#configure-precedence):
a profile named explicitly (``--profile NAME``, a profile picked in the navigator, a connection
profile's AWS profile) is ``boto3.Session(profile_name=NAME)``, where botocore leaves the
environment's keys out of the chain; the profile the console merely starts on (the one
``AWS_PROFILE`` names, or ``default``) is the default chain, ``boto3.Session()``, as the CLI without
``--profile``: environment keys first, then that profile's keys, credential_process, SSO, then
container and instance metadata, while its region and other settings still apply
(botocore/credentials.py ``create_credential_resolver``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from aurora_console import __version__

SANDBOX_PROFILE = "sandbox"
#: key of an error response's ``ResponseMetadata`` naming the AWS profile whose credentials expired
PROFILE_METADATA = "AuroraConsoleProfile"
COMMON_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2",
                  "eu-west-3", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
                  "ap-south-1", "sa-east-1")


@dataclass(frozen=True)
class AwsTarget:
    """Where a call goes: a named profile (None = default chain), a region, an optional endpoint."""

    profile: str | None
    region: str
    endpoint_url: str | None = None

    @property
    def label(self) -> str:
        return f"{self.profile or 'default'} / {self.region}"


@dataclass(frozen=True)
class StaticCredentials:
    """Access key, secret key and optional session token given directly (the sandbox's dummies)."""

    access_key: str
    secret_key: str
    session_token: str | None = None


def client_config(**overrides: Any):
    from botocore.config import Config

    params: dict[str, Any] = dict(
        retries={"mode": "adaptive", "max_attempts": 6},
        connect_timeout=5,
        read_timeout=30,
        user_agent_extra=f"aurora-console/{__version__}",
        max_pool_connections=20,
    )
    params.update(overrides)
    return Config(**params)


class AwsSessionFactory:
    """Creates and caches boto3 sessions (one per profile) and clients (thread-safe).

    ``endpoint_url`` (from ``--endpoint-url`` or the sandbox) applies to every client unless a
    target names its own. ``credentials`` pins static keys (the sandbox's dummy keys).
    ``environment_profile`` is the one profile name resolved through the default chain, as the
    AWS CLI without ``--profile`` (see the module docstring); every other name is explicit.
    """

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        credentials: StaticCredentials | None = None,
        default_region: str | None = None,
        config_overrides: dict[str, Any] | None = None,
        environment_profile: str | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.credentials = credentials
        self._default_region = default_region
        self._config_overrides = config_overrides or {}
        self._lock = threading.RLock()
        self._sessions: dict[str | None, Any] = {}
        self._clients: dict[tuple, Any] = {}
        self._environment_profile = environment_profile

    @property
    def is_sandbox(self) -> bool:
        return self.credentials is not None

    # -- which credentials a profile name stands for -------------------------------------------
    @property
    def environment_profile(self) -> str | None:
        return self._environment_profile

    def resolve_from_environment(self, name: str | None) -> None:
        """Resolve ``name`` as the AWS CLI without ``--profile`` does (None: every name is explicit)."""
        with self._lock:
            old, self._environment_profile = self._environment_profile, name
            if old != name:
                for changed in {old, name} - {None}:
                    self.forget(changed)

    def choose_profile(self, name: str | None) -> None:
        """A profile picked in the navigator is named explicitly, like ``--profile NAME``."""
        with self._lock:
            if name is not None and name == self._environment_profile:
                self.resolve_from_environment(None)

    def is_explicit(self, profile: str | None) -> bool:
        """True when ``profile`` is resolved as ``--profile NAME`` (environment keys not used)."""
        return profile is not None and profile != self._environment_profile and self.credentials is None

    def session(self, profile: str | None):
        with self._lock:
            if profile not in self._sessions:
                import boto3

                if self.credentials is not None:
                    self._sessions[profile] = boto3.Session(
                        aws_access_key_id=self.credentials.access_key,
                        aws_secret_access_key=self.credentials.secret_key,
                        aws_session_token=self.credentials.session_token,
                        region_name=self._default_region or "us-east-1",
                    )
                elif self.is_explicit(profile):
                    self._sessions[profile] = boto3.Session(profile_name=profile)
                else:  # the default chain: AWS_PROFILE (if set) gives the profile, environment keys win
                    self._sessions[profile] = boto3.Session()
            return self._sessions[profile]

    def client(self, service: str, target: AwsTarget):
        endpoint = target.endpoint_url or self.endpoint_url
        key = (service, target.profile, target.region, endpoint)
        with self._lock:
            cached = self._clients.get(key)
            if cached is not None:
                return cached
            session = self.session(target.profile)
            kwargs: dict[str, Any] = {"region_name": target.region, "config": client_config(**self._config_overrides)}
            if endpoint:
                kwargs["endpoint_url"] = endpoint
            client = session.client(service, **kwargs)
            self._watch(client, target.profile)
            self._clients[key] = client
            return client

    # -- credentials that run out mid-work (an SSO session, temporary keys) ----------------------
    def login_name(self, profile: str | None) -> str:
        """The AWS profile name ``aws sso login --profile NAME`` needs for ``profile`` (None: the
        default chain's profile, ``AWS_PROFILE`` or ``default``)."""
        if profile is not None:
            return profile
        import os

        return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"

    def credentials_failed(self, exc: BaseException, profile: str | None) -> bool:
        """Called with what a call for ``profile`` raised. When the credentials ran out
        (``errors.credentials_expired``) the cached session and clients of ``profile`` are dropped,
        so the first call after ``aws sso login`` builds a new session that reads the new login
        (no restart), and ``exc`` is tagged with the profile name the login command needs
        (``exc.aws_profile``, read by ``errors.classify``). True when it was such a failure."""
        from aurora_console.core.aws.errors import credentials_expired

        if not credentials_expired(exc):
            return False
        try:
            exc.aws_profile = self.login_name(profile)  # type: ignore[attr-defined]
        except AttributeError:  # an exception type with __slots__: the wording says 'default'
            pass
        self.forget(profile)
        return True

    def _watch(self, client, profile: str | None) -> None:
        """botocore events on ``client`` that report expired credentials to :meth:`credentials_failed`:
        a credential refresh failing while the request is signed (``after-call-error``, e.g.
        ``UnauthorizedSSOTokenError``) and an ``ExpiredToken`` answer (``after-call``, before
        botocore raises it as a ClientError: the profile rides in its response metadata)."""

        def after_error(exception: BaseException | None = None, **_: Any) -> None:
            if exception is not None:
                self.credentials_failed(exception, profile)

        def after_call(parsed: Any = None, http_response: Any = None, **_: Any) -> None:
            if not isinstance(parsed, dict) or getattr(http_response, "status_code", 200) < 300:
                return
            from aurora_console.core.aws.errors import EXPIRED

            if str((parsed.get("Error") or {}).get("Code", "")) in EXPIRED:
                parsed.setdefault("ResponseMetadata", {})[PROFILE_METADATA] = self.login_name(profile)
                self.forget(profile)

        events = getattr(getattr(client, "meta", None), "events", None)
        if events is not None:
            events.register("after-call-error", after_error)
            events.register("after-call", after_call)

    def forget(self, profile: str | None = None) -> None:
        """Drop cached sessions/clients (after `aws sso login`, or a config change)."""
        with self._lock:
            if profile is None:
                self._sessions.clear()
                self._clients.clear()
            else:
                self._sessions.pop(profile, None)
                self._clients = {k: v for k, v in self._clients.items() if k[1] != profile}

    def available_profiles(self) -> list[str]:
        """Profile names from the AWS config and credentials files (no boto3 import)."""
        if self.credentials is not None:
            return [SANDBOX_PROFILE]
        from aurora_console.core.aws.profiles import profile_names

        return profile_names()

    def default_region(self, profile: str | None) -> str | None:
        if self._default_region:
            return self._default_region
        from aurora_console.core.aws.profiles import profile_region

        return profile_region(profile)

    def available_regions(self, profile: str | None = None) -> list[str]:
        """Regions offered in the navigator (botocore's list; boto3 is imported only here)."""
        try:
            regions = self.session(profile).get_available_regions("rds")
        except Exception:
            regions = []
        return regions or list(COMMON_REGIONS)
