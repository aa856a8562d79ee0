"""Input checks for fleet actions, done before any AWS call (moto accepts what AWS refuses).

Each validator matches the whole text (``re.fullmatch``, ASCII digits only) and strips
surrounding whitespace (a value pasted with a newline is taken without it); anything else,
including a value that is not text, raises :class:`ValidationError`.
"""

from __future__ import annotations

import re
from typing import Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import VALUE, validator

TIER_MIN, TIER_MAX = 0, 15

_IDENTIFIER = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|-(?!-))*")
_INSTANCE_CLASS = re.compile(r"db\.(?:serverless|[a-z][a-z0-9-]*\.[a-z0-9]+)")
_AZ_SUFFIX = re.compile(r"[a-z]|-[a-z]+-[0-9]+[a-z]")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,6}")


@validator()
def validate_identifier(value: Any, what: str = "identifier") -> str:
    """An RDS identifier: 1-63 letters, digits or hyphens, starting with a letter, no two
    hyphens in a row and none at the end. Surrounding whitespace is stripped; returns it stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"The {what} is empty." if value is None or isinstance(value, str)
                              else f"The {what} must be text, not {type(value).__name__}.")
    v = value.strip()
    if len(v) > 63:
        raise ValidationError(f"The {what} '{v[:70]}' is longer than 63 characters.")
    if not _IDENTIFIER.fullmatch(v) or v.endswith("-"):
        raise ValidationError(
            f"The {what} {v!r} is malformed: use letters, digits and single hyphens, "
            "start with a letter and do not end with a hyphen."
        )
    return v


@validator()
def validate_tier(value: Any) -> int:
    """A promotion tier: an integer 0-15, or its text in ASCII digits (surrounding whitespace
    is stripped)."""
    if isinstance(value, bool):
        raise ValidationError("The promotion tier must be a whole number from 0 to 15.")
    if isinstance(value, str):
        s = value.strip()
        if not _WHOLE_NUMBER.fullmatch(s):
            raise ValidationError(f"The promotion tier {value[:40]!r} is not a whole number from 0 to 15.")
        value = int(s)
    if not isinstance(value, int):
        raise ValidationError("The promotion tier must be a whole number from 0 to 15.")
    if not TIER_MIN <= value <= TIER_MAX:
        raise ValidationError(f"The promotion tier {value if abs(value) < 10**6 else 'given'} is outside 0-15 "
                              "(0 is promoted first).")
    return value


@validator()
def validate_instance_class(value: Any) -> str:
    """An instance class such as db.r6g.large or db.serverless; surrounding whitespace is stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("The instance class is empty." if value is None or isinstance(value, str)
                              else f"The instance class must be text, not {type(value).__name__}.")
    v = value.strip()
    if len(v) > 100 or not _INSTANCE_CLASS.fullmatch(v):
        raise ValidationError(f"The instance class {v[:100]!r} is malformed (expected e.g. db.r6g.large or db.serverless).")
    return v


@validator(args=(VALUE, "us-east-1"))
def validate_az(value: Any, region: str) -> str:
    """An availability zone of ``region`` (e.g. us-east-1a), or '' (also for None or blank text) to
    let AWS choose. Surrounding whitespace is stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("The availability zone must be text such as us-east-1a.")
    v = value.strip()
    if not v:
        return ""
    if not v.startswith(region) or not _AZ_SUFFIX.fullmatch(v[len(region):]):
        raise ValidationError(f"The availability zone {v[:80]!r} is not a zone of {region} (for example {region}a).")
    return v
