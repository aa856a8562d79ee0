"""User-facing errors: what failed, why, and what to do next."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class UserFacing(Protocol):
    """An error that says itself in plain words (``ConsoleError``, the SQL editor's ``SqlError``)."""

    def user_text(self) -> str: ...


def error_message(exc: BaseException) -> str:
    """The one-line message of ``exc`` (a ``ConsoleError``'s ``message``, without its hint), else
    ``str(exc)``: for status lines and panes that show the hint elsewhere or not at all. A hint
    the user cannot do without (``essential_hint``: the ``aws sso login --profile NAME`` of an
    expired SSO session) stays. A botocore error nobody classified is worded as ``user_text``."""
    exc = worded(exc)
    if isinstance(exc, ConsoleError) and exc.message:
        if exc.hint and getattr(exc, "essential_hint", False):
            return f"{exc.message} {exc.hint}"
        return exc.message
    return str(exc)


def user_text(exc: BaseException) -> str:
    """What the window shows for ``exc``: its ``user_text()`` (message and hint) when it has one,
    a botocore error in the console's words (``core.aws.errors.classify``: an expired SSO session
    names the ``aws sso login --profile NAME`` to run), else ``str(exc)``."""
    exc = worded(exc)
    return exc.user_text() if isinstance(exc, UserFacing) else str(exc)


def worded(exc: BaseException) -> BaseException:
    """A botocore/boto3 exception that reached a screen unclassified, classified (profile: the one
    its session was made for, which ``AwsSessionFactory`` tags on it); anything else as it is."""
    if isinstance(exc, UserFacing) or not type(exc).__module__.startswith(("botocore", "boto3")):
        return exc
    from aurora_console.core.aws.errors import classify  # here: most screens never see a botocore error

    return classify(exc)


class ConsoleError(Exception):
    """An error with a plain message for the window and an optional hint (what to do next)."""

    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        #: the hint is shown even where a screen shows only the message (an expired login's command)
        self.essential_hint = False

    def user_text(self) -> str:
        return self.message + (f"\n{self.hint}" if self.hint else "")


class ValidationError(ConsoleError):
    """Bad input refused before anything is sent anywhere."""


class ReadOnlyError(ConsoleError):
    """A mutating action refused because the profile is read-only."""

    def __init__(self, what: str = "This action") -> None:
        super().__init__(f"{what} is disabled: the profile is marked read-only.")
