"""Flyway's ``ignoreMigrationPatterns``: which findings ``validate`` (and ``repair``) let pass.

A pattern is ``<type>:<state>``; type is ``versioned``, ``repeatable`` or ``*``; state is ``missing``,
``pending``, ``ignored``, ``future`` or ``*`` (both case-insensitive); patterns are separated by
commas. The default is ``*:future``: applied versions newer than every file pass; an empty value
clears it. Source: Flyway's documentation, "flyway.ignoreMigrationPatterns" (flyway/flyway
documentation/Reference/Configuration/Flyway Namespace/Flyway Ignore Migration Patterns
Setting.md) and ``ValidatePattern.java`` / ``ValidatePatternUtils.java`` (flyway-13.0.0).

What Flyway's ``validate`` does with each state (``MigrationInfoImpl.validate``):

* ``pending`` (a file not applied yet) fails validate ("Detected resolved migration not applied to
  database") unless ignored; ``migrate`` validates with ``*:pending`` added, so it runs them;
* ``ignored`` (a version below the latest applied, not applied, without out-of-order) fails;
* ``missing`` (applied, its file gone, version below the newest file) fails;
* ``future`` (applied, newer than the newest file) passes by default;
* failed migrations, checksum, description and type mismatches always fail (unless the pattern
  ignores their state outright, e.g. ``*:*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TYPES = ("*", "versioned", "repeatable")
STATES = ("*", "missing", "pending", "ignored", "future")
DEFAULT = "*:future"
_SPLIT = re.compile(r"\s*,\s*")


@dataclass(frozen=True)
class IgnorePattern:
    type: str
    state: str

    @classmethod
    def parse(cls, text: str) -> IgnorePattern:
        parts = text.split(":")
        if len(parts) != 2:
            raise ValueError(f"ignore migration pattern {text!r} is not <type>:<state> "
                             f"(type one of {', '.join(TYPES)}; state one of {', '.join(STATES)})")
        type_, state = (p.strip().lower() for p in parts)
        if type_ not in TYPES:
            raise ValueError(f"ignore migration pattern {text!r}: type {parts[0]!r} is not one of {', '.join(TYPES)}")
        if state not in STATES:
            raise ValueError(f"ignore migration pattern {text!r}: state {parts[1]!r} is not one of "
                             f"{', '.join(STATES)}")
        return cls(type_, state)

    def matches(self, versioned: bool, state: str) -> bool:
        if self.state not in ("*", state):
            return False
        return self.type == "*" or self.type == ("versioned" if versioned else "repeatable")

    def __str__(self) -> str:
        return f"{self.type}:{self.state}"


@dataclass(frozen=True)
class IgnorePatterns:
    patterns: tuple[IgnorePattern, ...] = ()

    @classmethod
    def parse(cls, value: str | Iterable[str] | None) -> IgnorePatterns:
        """From a comma-separated string or a list; None is Flyway's default, '' clears it."""
        if isinstance(value, IgnorePatterns):
            return value
        if value is None:
            value = DEFAULT
        items = _SPLIT.split(value.strip()) if isinstance(value, str) else [str(v).strip() for v in value]
        return cls(tuple(IgnorePattern.parse(t) for t in items if t))

    def ignores(self, versioned: bool, state: str) -> bool:
        return any(p.matches(versioned, state) for p in self.patterns)

    def ignores_all(self, state: str) -> bool:
        """Both versioned and repeatable migrations in ``state`` are ignored."""
        return self.ignores(True, state) and self.ignores(False, state)

    def with_pending(self) -> IgnorePatterns:
        """These patterns and ``*:pending`` (what ``migrate`` and ``info`` validate with)."""
        extra = IgnorePattern("*", "pending")
        return self if extra in self.patterns else IgnorePatterns((*self.patterns, extra))

    def __str__(self) -> str:
        return ",".join(map(str, self.patterns))


FLYWAY_DEFAULT = IgnorePatterns.parse(None)
