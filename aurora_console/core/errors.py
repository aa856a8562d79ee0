"""User-facing errors: what failed, why, and what to do next."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class UserFacing(Protocol):
    """An error that says itself in plain words (``ConsoleError``, the SQL editor's ``SqlError``)."""

    def user_text(self) -> str: ...


def error_message(exc: BaseException) -> str:
    """The one-line message of ``exc`` (a ``ConsoleError``'s ``message``, without its hint), else
    ``str(exc)``: for status lines and panes that show the hint elsewhere or not at all."""
    if isinstance(exc, ConsoleError) and exc.message:
        return exc.message
    return str(exc)


def user_text(exc: BaseException) -> str:
    """What the window shows for ``exc``: its ``user_text()`` (message and hint) when it has one,
    else ``str(exc)``."""
    return exc.user_text() if isinstance(exc, UserFacing) else str(exc)


class ConsoleError(Exception):
    """An error with a plain message for the window and an optional hint (what to do next)."""

    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def user_text(self) -> str:
        return self.message + (f"\n{self.hint}" if self.hint else "")


class ValidationError(ConsoleError):
    """Bad input refused before anything is sent anywhere."""


class ReadOnlyError(ConsoleError):
    """A mutating action refused because the profile is read-only."""

    def __init__(self, what: str = "This action") -> None:
        super().__init__(f"{what} is disabled: the profile is marked read-only.")
