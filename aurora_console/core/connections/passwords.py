"""Where a profile's database password comes from: prompt, OS keyring, SSM SecureString,
Secrets Manager (incl. the RDS-managed master secret JSON), or a fresh IAM auth token.

AWS clients come from a ``clients(service, aws_profile, region)`` callable (see
:func:`clients_from_factory` for the console's ``AwsSessionFactory``). Values are wrapped in
:class:`~aurora_console.core.secrets.Secret` and registered for log redaction.

:class:`PasswordFeed` is the password as each new connection of an opened profile needs it:
credentials that expire are never reused (an IAM auth token lives 15 minutes, so one is made for
every connect and reconnect), and a Secrets Manager secret that may have rotated is read again
once when the database refuses it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.errors import ConsoleError
from aurora_console.core.secrets import Secret

log = logging.getLogger(__name__)
ClientFactory = Callable[[str, "str | None", str], Any]
PromptFn = Callable[[str], "str | None"]


class PasswordSourceError(ConsoleError):
    def __init__(self, message: str, *, kind: str, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.kind = kind


def keyring_name(profile_name: str) -> str:
    return f"db-password:{profile_name}"


class FactoryClients:
    """``core.aws.session.AwsSessionFactory`` as the ``clients(service, aws_profile, region)``
    callable; :meth:`credentials_failed` tells the factory about expired credentials met outside
    a client call (an IAM token is presigned locally), so its cached session is dropped."""

    def __init__(self, factory) -> None:
        self.factory = factory

    def __call__(self, service: str, aws_profile: str | None, region: str):
        from aurora_console.core.aws.session import AwsTarget

        return self.factory.client(service, AwsTarget(aws_profile, region))

    def credentials_failed(self, exc: BaseException, aws_profile: str | None) -> bool:
        note = getattr(self.factory, "credentials_failed", None)
        return bool(note(exc, aws_profile)) if note is not None else False


def clients_from_factory(factory) -> ClientFactory:
    """Adapt ``core.aws.session.AwsSessionFactory`` to the ``clients`` callable."""
    return FactoryClients(factory)


def resolve_password(profile: ConnectionProfile, *, clients: ClientFactory | None = None,
                     prompt: PromptFn | None = None, keyring_get: Callable[[str], str | None] | None = None,
                     engine=None) -> Secret:
    """The password from the profile's source; an IAM token is made by ``engine`` (default: the
    profile's, ``engines.engine_for``)."""
    src = profile.password
    src.validate()
    if src.kind == "prompt":
        if prompt is None:
            raise PasswordSourceError(f"Profile {profile.name!r} asks for the password, but nothing can prompt here.",
                                      kind="prompt", hint="Store it in the keyring or use SSM / Secrets Manager.")
        value = prompt(f"Password for {profile.user}@{profile.host}/{profile.database}")
        if not value:
            raise PasswordSourceError("No password entered.", kind="prompt")
        return Secret(value)
    if src.kind == "keyring":
        if keyring_get is None:
            from aurora_console.core.secrets import get_secret as keyring_get
        value = keyring_get(keyring_name(profile.name))
        if not value:
            raise PasswordSourceError(f"No password is stored in the OS keyring for profile {profile.name!r}.",
                                      kind="keyring", hint="Edit the profile and store the password again.")
        return Secret(value)
    if clients is None:
        raise PasswordSourceError(f"The {src.kind} password source needs AWS access.", kind=src.kind)
    if src.kind == "ssm":
        return Secret(_from_ssm(profile, clients))
    if src.kind == "secretsmanager":
        return Secret(_from_secrets_manager(profile, clients))
    return Secret(_iam_token(profile, clients, engine))


def _where(profile: ConnectionProfile) -> str:
    return f"region {profile.password.region}, AWS profile {profile.password.aws_profile or 'default'}"


def _client_error(exc: Exception, what: str, profile: ConnectionProfile, permission: str) -> ConsoleError:
    from botocore.exceptions import ClientError

    from aurora_console.core.aws.errors import classify

    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ParameterNotFound", "ParameterVersionNotFound", "ResourceNotFoundException"):
            return PasswordSourceError(f"{what} was not found ({_where(profile)}).", kind="missing",
                                       hint="Check the name and the region/account of the profile.")
        if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
            return PasswordSourceError(f"Access denied reading {what} ({_where(profile)}).", kind="denied",
                                       hint=f"The AWS identity needs {permission}.")
        if code == "DecryptionFailure":
            return PasswordSourceError(f"{what} could not be decrypted with its KMS key.", kind="denied",
                                       hint="The AWS identity needs kms:Decrypt on the secret's key.")
        if code == "InvalidRequestException":
            return PasswordSourceError(f"{what} cannot be read now: {exc.response['Error'].get('Message', '')}",
                                       kind="invalid")
    return classify(exc, profile=profile.password.aws_profile, operation=f"Reading {what}")


def _pick_json(value: str, key: str, what: str) -> str:
    stripped = value.strip()
    if not stripped.startswith("{"):
        return value
    try:
        data = json.loads(stripped)
    except ValueError:
        return value
    if not isinstance(data, dict) or not isinstance(data.get(key), str):
        keys = ", ".join(sorted(k for k in data)) if isinstance(data, dict) else "none"
        raise PasswordSourceError(f"{what} is JSON without a {key!r} field (fields: {keys}).", kind="invalid",
                                  hint="Set the JSON key in the profile (RDS-managed secrets use 'password').")
    return data[key]


def _from_ssm(profile: ConnectionProfile, clients: ClientFactory) -> str:
    src = profile.password
    what = f"SSM parameter {src.parameter}"
    try:
        resp = clients("ssm", src.aws_profile, src.region).get_parameter(Name=src.parameter, WithDecryption=True)
    except Exception as exc:
        raise _client_error(exc, what, profile, "ssm:GetParameter (and kms:Decrypt for SecureString)") from None
    param = resp.get("Parameter", {})
    if param.get("Type") != "SecureString":
        log.warning("%s is a %s, not a SecureString", what, param.get("Type"))
    return _pick_json(param.get("Value", ""), src.json_key or "password", what)


def _from_secrets_manager(profile: ConnectionProfile, clients: ClientFactory) -> str:
    src = profile.password
    what = f"secret {src.secret_id}"
    try:
        resp = clients("secretsmanager", src.aws_profile, src.region).get_secret_value(SecretId=src.secret_id)
    except Exception as exc:
        raise _client_error(exc, what, profile, "secretsmanager:GetSecretValue (and kms:Decrypt)") from None
    if "SecretString" not in resp:
        raise PasswordSourceError(f"{what} holds binary data, not a password string.", kind="invalid")
    return _pick_json(resp["SecretString"], src.json_key or "password", what)


def _iam_token(profile: ConnectionProfile, clients: ClientFactory, engine=None) -> str:
    src = profile.password
    if engine is None:
        from aurora_console.core.connections.engines import engine_for

        engine = engine_for(profile)
    try:
        return engine.iam_token(profile, clients)
    except Exception as exc:
        from aurora_console.core.aws.errors import classify

        note = getattr(clients, "credentials_failed", None)
        if note is not None:  # an expired login: the next token after `aws sso login` gets a new session
            note(exc, src.aws_profile)
        raise classify(exc, profile=src.aws_profile, operation="Creating an IAM auth token") from None


class PasswordFeed:
    """The password each new connection of an opened profile uses (thread-safe: several screens
    connect from their own workers).

    * ``iam``: a new auth token for every connection (:meth:`current`), for the profile's real
      endpoint host name (``engine.iam_token`` signs ``profile.host``, never the tunnel's
      127.0.0.1): a token lives 15 minutes, so none is kept.
    * ``secretsmanager``: the value read at open, read again by :meth:`reread` when the database
      refused it (the secret may have rotated since); the new value is kept for later connects.
    * anything else (typed, keyring, SSM): the value resolved at open.
    """

    def __init__(self, profile: ConnectionProfile, *, clients: ClientFactory | None = None,
                 prompt: PromptFn | None = None, keyring_get: Callable[[str], str | None] | None = None,
                 engine=None, given: Secret | None = None) -> None:
        self.profile = profile
        self._clients, self._prompt, self._keyring_get, self._engine = clients, prompt, keyring_get, engine
        self._given = given  # a password the user typed for an "ask each time" profile
        self._lock = threading.Lock()
        self._value: Secret | None = None
        #: bumped by each re-read: a connect that failed with an older value does not read again
        self.generation = 0
        self.rereads = 0

    @property
    def kind(self) -> str:
        return "prompt" if self._given is not None else self.profile.password.kind

    @property
    def expiring(self) -> bool:
        """True when each connection needs a fresh credential (an IAM auth token)."""
        return self.kind == "iam"

    @property
    def rereadable(self) -> bool:
        """True when a refused password is worth reading again (a Secrets Manager secret may rotate)."""
        return self.kind == "secretsmanager"

    @property
    def source_label(self) -> str:
        src = self.profile.password
        return f"secret {src.secret_id}" if self.kind == "secretsmanager" else f"the {self.kind} password source"

    def _resolve(self) -> Secret:
        if self._given is not None:
            return self._given
        return resolve_password(self.profile, clients=self._clients, prompt=self._prompt,
                                keyring_get=self._keyring_get, engine=self._engine)

    def open(self) -> Secret:
        """Resolve once when the profile is opened, so a missing or refused source is said then."""
        with self._lock:
            self._value = self._resolve()
            return self._value

    def current(self) -> tuple[Secret, int]:
        """The password for a connection made now, and the generation it belongs to."""
        if self.expiring:
            return self._resolve(), self.generation  # a token made now: never an expired one
        with self._lock:
            if self._value is None:
                self._value = self._resolve()
            return self._value, self.generation

    def reread(self, seen_generation: int) -> bool:
        """Read the source again after the database refused the value of ``seen_generation``;
        True when the value changed (it rotated). Another thread's re-read of that generation is
        reused (one read for a burst of refused connects). Source errors are raised as they are."""
        with self._lock:
            if self.generation != seen_generation:
                return True
            old = self._value
            self._value = self._resolve()
            self.generation += 1
            self.rereads += 1
            changed = old is None or old.reveal() != self._value.reveal()
        log.info("Read %s again after the database refused its password (%s)", self.source_label,
                 "it had changed" if changed else "unchanged")
        return changed
