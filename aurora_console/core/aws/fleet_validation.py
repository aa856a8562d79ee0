"""Input checks for fleet actions, done before any AWS call (moto accepts what AWS refuses)."""

from __future__ import annotations

import re
from typing import Any

from aurora_console.core.errors import ValidationError

TIER_MIN, TIER_MAX = 0, 15

_IDENTIFIER = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$")
_INSTANCE_CLASS = re.compile(r"^db\.(?:serverless|[a-z][a-z0-9-]*\.[a-z0-9]+)$")
_AZ_SUFFIX = re.compile(r"^[a-z]$|^-[a-z]+-\d+[a-z]$")


def validate_identifier(value: Any, what: str = "identifier") -> str:
    """An RDS identifier: 1-63 letters, digits or hyphens, starting with a letter, no two
    hyphens in a row and none at the end. Returns it stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"The {what} is empty.")
    v = value.strip()
    if len(v) > 63:
        raise ValidationError(f"The {what} '{v[:70]}' is longer than 63 characters.")
    if not _IDENTIFIER.match(v) or v.endswith("-"):
        raise ValidationError(
            f"The {what} '{v}' is malformed: use letters, digits and single hyphens, "
            "start with a letter and do not end with a hyphen."
        )
    return v


def validate_tier(value: Any) -> int:
    """A promotion tier: an integer 0-15."""
    if isinstance(value, bool):
        raise ValidationError("The promotion tier must be a whole number from 0 to 15.")
    if isinstance(value, str):
        s = value.strip()
        if not re.fullmatch(r"[+-]?\d+", s):
            raise ValidationError(f"The promotion tier '{value}' is not a whole number from 0 to 15.")
        value = int(s)
    if not isinstance(value, int):
        raise ValidationError("The promotion tier must be a whole number from 0 to 15.")
    if not TIER_MIN <= value <= TIER_MAX:
        raise ValidationError(f"The promotion tier {value} is outside 0-15 (0 is promoted first).")
    return value


def validate_instance_class(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("The instance class is empty.")
    v = value.strip()
    if not _INSTANCE_CLASS.match(v):
        raise ValidationError(f"The instance class '{v}' is malformed (expected e.g. db.r6g.large or db.serverless).")
    return v


def validate_az(value: Any, region: str) -> str:
    """An availability zone of ``region`` (e.g. us-east-1a), or '' to let AWS choose."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("The availability zone must be text such as us-east-1a.")
    v = value.strip()
    if not v:
        return ""
    if not v.startswith(region) or not _AZ_SUFFIX.match(v[len(region):]):
        raise ValidationError(f"The availability zone '{v}' is not a zone of {region} (for example {region}a).")
    return v
