"""Validate SSM parameter names and Secrets Manager ids before any AWS call (AWS's own rules).

Both match the whole text (``re.fullmatch``) and refuse surrounding whitespace rather than strip
it: a name is sent to AWS exactly as given, and no AWS name may contain a space or a newline.
"""

from __future__ import annotations

import re
from typing import Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import validator

_PARAM_CHARS = re.compile(r"[A-Za-z0-9_.\-/]+")
_SECRET_NAME = re.compile(r"[A-Za-z0-9/_+=.@!-]+")
_SECRET_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+")
_SSM_ARN = re.compile(r"arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9_.\-/]+")


@validator()
def validate_parameter_name(name: Any) -> str:
    """SSM rules: letters, digits and ``_.-/``; at most 2048 characters; a hierarchical name starts
    with ``/`` and has at most 15 levels; names cannot start with ``aws`` or ``ssm``. Or a
    parameter ARN. Surrounding whitespace (a pasted newline too) is refused, not stripped."""
    if name is None or name == "":
        raise ValidationError("Enter the SSM parameter name (for example /web/blog/database/secret).")
    if not isinstance(name, str):
        raise ValidationError(f"The SSM parameter name must be text, not {type(name).__name__}.")
    if len(name) <= 2048 and _SSM_ARN.fullmatch(name):
        return name
    if len(name) > 2048 or not _PARAM_CHARS.fullmatch(name):
        raise ValidationError(f"{name[:100]!r} is not a valid SSM parameter name (letters, digits and _.-/ only).")
    if "/" in name and not name.startswith("/"):
        raise ValidationError(f"The SSM parameter name {name!r} has a path, so it must start with '/'.")
    if "//" in name or name.endswith("/"):
        raise ValidationError(f"The SSM parameter name {name!r} has an empty path level.")
    if name.count("/") > 15:
        raise ValidationError(f"The SSM parameter name {name!r} has more than 15 levels.")
    first = name.lstrip("/").split("/", 1)[0].lower()
    if first.startswith(("aws", "ssm")):
        raise ValidationError(f"SSM parameter names cannot start with 'aws' or 'ssm' ({name!r}).")
    return name


@validator()
def validate_secret_id(secret_id: Any) -> str:
    """A secret name (letters, digits, ``/_+=.@!-``, up to 512) or a Secrets Manager ARN (up to
    2048). Surrounding whitespace (a pasted newline too) is refused, not stripped."""
    if secret_id is None or secret_id == "":
        raise ValidationError("Enter the Secrets Manager secret name or ARN.")
    if not isinstance(secret_id, str):
        raise ValidationError(f"The secret name or ARN must be text, not {type(secret_id).__name__}.")
    if secret_id.startswith("arn:"):
        if len(secret_id) > 2048 or not _SECRET_ARN.fullmatch(secret_id):
            raise ValidationError(f"{secret_id[:100]!r} is not a valid Secrets Manager ARN.")
        return secret_id
    if len(secret_id) > 512 or not _SECRET_NAME.fullmatch(secret_id):
        raise ValidationError(f"{secret_id[:100]!r} is not a valid secret name (letters, digits and /_+=.@!- only).")
    return secret_id
