"""Validate SSM parameter names and Secrets Manager ids before any AWS call (AWS's own rules)."""

from __future__ import annotations

import re

from aurora_console.core.errors import ValidationError

_PARAM_CHARS = re.compile(r"^[A-Za-z0-9_.\-/]+$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@!-]+$")
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$")
_SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_.\-/]+$")


def validate_parameter_name(name: str) -> str:
    """SSM rules: letters, digits and ``_.-/``; at most 2048 characters; a hierarchical name starts
    with ``/`` and has at most 15 levels; names cannot start with ``aws`` or ``ssm``."""
    if not name:
        raise ValidationError("Enter the SSM parameter name (for example /web/blog/database/secret).")
    if _SSM_ARN.match(name):
        return name
    if len(name) > 2048 or not _PARAM_CHARS.match(name):
        raise ValidationError(f"{name!r} is not a valid SSM parameter name (letters, digits and _.-/ only).")
    if "/" in name and not name.startswith("/"):
        raise ValidationError(f"The SSM parameter name {name!r} has a path, so it must start with '/'.")
    if "//" in name or (name.endswith("/") and len(name) > 0):
        raise ValidationError(f"The SSM parameter name {name!r} has an empty path level.")
    if name.count("/") > 15:
        raise ValidationError(f"The SSM parameter name {name!r} has more than 15 levels.")
    first = name.lstrip("/").split("/", 1)[0].lower()
    if first.startswith(("aws", "ssm")):
        raise ValidationError(f"SSM parameter names cannot start with 'aws' or 'ssm' ({name!r}).")
    return name


def validate_secret_id(secret_id: str) -> str:
    """A secret name (letters, digits, ``/_+=.@-``, up to 512) or a Secrets Manager ARN."""
    if not secret_id:
        raise ValidationError("Enter the Secrets Manager secret name or ARN.")
    if secret_id.startswith("arn:"):
        if len(secret_id) > 2048 or not _SECRET_ARN.match(secret_id):
            raise ValidationError(f"{secret_id!r} is not a valid Secrets Manager ARN.")
        return secret_id
    if len(secret_id) > 512 or not _SECRET_NAME.match(secret_id):
        raise ValidationError(f"{secret_id!r} is not a valid secret name (letters, digits and /_+=.@- only).")
    return secret_id
