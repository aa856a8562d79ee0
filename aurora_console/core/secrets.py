"""Secrets live only in the OS keyring (never in settings or logs); in memory a secret is a
:class:`Secret`, which never shows its value in repr/str/logs."""

from __future__ import annotations

import logging

from aurora_console.core.errors import ConsoleError
from aurora_console.core.redaction import register_secret

log = logging.getLogger(__name__)
SERVICE = "aurora-console"


class KeyringUnavailable(ConsoleError):
    pass


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if type(backend).__module__.startswith(("keyrings.alt", "keyring.backends.null")):
        log.warning("the keyring backend %s does not protect secrets like an OS keyring", type(backend).__name__)
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable(
            "No OS keyring is available to store secrets.",
            hint="Install and unlock a keyring (macOS Keychain, Windows Credential Manager, "
            "or Secret Service on Linux), or choose 'prompt' as the password source.",
        )
    return keyring


def backend_name() -> str:
    try:
        return type(_keyring().get_keyring()).__name__
    except KeyringUnavailable:
        return "none"


def get_secret(name: str) -> str | None:
    value = _keyring().get_password(SERVICE, name)
    register_secret(value)
    return value


def set_secret(name: str, value: str) -> None:
    register_secret(value)
    _keyring().set_password(SERVICE, name, value)


def delete_secret(name: str) -> None:
    import keyring.errors

    try:
        _keyring().delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        register_secret(value)
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


def reveal(value: Secret | str | None) -> str | None:
    if value is None:
        return None
    return value.reveal() if isinstance(value, Secret) else value
