"""The registry of input validators, so one property test covers every one of them.

A *validator* checks one value the user (or a settings file, or a command line) gives and either
returns the value to use or raises the project's validation error
(:class:`~aurora_console.core.errors.ValidationError` or a subclass). Whatever it is given: text
with control characters or a trailing newline, non-ASCII digits (``"²"``, ``"٣"``), huge numbers,
``None``, bytes, lists. It matches whole strings (``re.fullmatch``), and its docstring says whether
surrounding whitespace is stripped or refused.

Mark it with :func:`validator`; ``tests/unit/core/test_validation.py`` runs a
property test over every registered validator, and fails naming any module-level function called
``validate_*`` or ``check_*`` that is neither registered nor marked :func:`not_a_validator`
(a function with such a name that checks something other than one input value, such as a
connection test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aurora_console.core.errors import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


class _Value:
    def __repr__(self) -> str:
        return "VALUE"


#: Placeholder in :func:`validator`'s ``args``: where the value under test goes.
VALUE: Any = _Value()


class ValueValidationError(ValidationError, ValueError):
    """A :class:`ValidationError` that is also a :class:`ValueError`, for validators whose
    callers were written to catch ``ValueError`` (e.g. a command line's argument checks)."""


@dataclass(frozen=True)
class Validator:
    """One registered validator and how to call it with a single value."""

    func: Callable[..., Any]
    error: type[BaseException]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    as_input: Callable[[Any], Any] | None

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"

    def __call__(self, value: Any) -> Any:
        args = tuple(value if a is VALUE else a for a in self.args)
        return self.func(*args, **self.kwargs)

    def input_of(self, result: Any) -> Any:
        """An accepted result as the validator's input again (for the round trip)."""
        return self.as_input(result) if self.as_input is not None else result


_REGISTRY: dict[str, Validator] = {}


def validator(error: type[BaseException] = ValidationError, *, args: tuple[Any, ...] = (VALUE,),
              kwargs: dict[str, Any] | None = None,
              as_input: Callable[[Any], Any] | None = None) -> Callable[[F], F]:
    """Register ``func`` as a validator that raises ``error`` (or a subclass) for bad input.

    ``args``/``kwargs``: a sample call, with :data:`VALUE` where the value under test goes (for
    validators that take more than the value, e.g. a region). ``as_input``: turns an accepted
    result back into an input (e.g. a parsed window into its text) for the round-trip check; by
    default the result itself is validated again. The function is returned unchanged.
    """
    if not (isinstance(error, type) and issubclass(error, BaseException)):
        raise TypeError(f"error must be an exception class, not {error!r}")
    if sum(a is VALUE for a in args) + sum(v is VALUE for v in (kwargs or {}).values()) != 1:
        raise TypeError("validator(args=..., kwargs=...) must hold VALUE exactly once")

    def register(func: F) -> F:
        entry = Validator(func, error, tuple(args), dict(kwargs or {}), as_input)
        _REGISTRY[entry.name] = entry
        func.__validator__ = entry  # type: ignore[attr-defined]
        return func

    return register


def not_a_validator(reason: str) -> Callable[[F], F]:
    """Mark a function named ``validate_*``/``check_*`` that does not validate one input value
    (it connects somewhere, or checks already parsed objects); ``reason`` says why."""
    if not reason.strip():
        raise TypeError("not_a_validator needs a reason")

    def mark(func: F) -> F:
        func.__not_a_validator__ = reason  # type: ignore[attr-defined]
        return func

    return mark


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters; safe for any value (``repr`` of
    an int over 4300 digits raises ValueError)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return "a number that large"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the validation error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def registered() -> list[Validator]:
    """Every validator registered so far (import the modules first), sorted by name."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
