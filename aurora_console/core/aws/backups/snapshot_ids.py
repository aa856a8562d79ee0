"""Names and ids the backup screens accept, checked before any AWS call.

RDS identifiers (clusters, snapshots, subscriptions) follow one rule: 1-63 letters, digits or
hyphens, starting with a letter, no two hyphens in a row, no hyphen at the end. RDS compares
them case-insensitively (it stores them in lower case), so duplicates are found that way too.

Every validator matches the whole text (``re.fullmatch``, ASCII digits only), strips surrounding
whitespace (a value pasted with a newline is taken without it) and raises
:class:`ValidationError` for anything else, whatever its type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aurora_console.core.aws.fleet.validation import validate_identifier
from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import VALUE, validator

_ACCOUNT = re.compile(r"[0-9]{12}")
_KMS = re.compile(
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|mrk-[0-9a-f]{32}"
    r"|alias/[A-Za-z0-9/_-]{1,250}"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(?:key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+))"
)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]")


@validator(args=(VALUE, "snapshot identifier", ("blog-final",)))
def validate_new_id(value: object, what: str, existing: Iterable[str] = ()) -> str:
    """A new RDS identifier that must not clash (case-insensitively) with ``existing``
    (stripped, see :func:`validate_identifier`)."""
    v = validate_identifier(value, what)
    taken = {e.lower() for e in existing}
    if v.lower() in taken:
        raise ValidationError(f"The {what} '{v}' is already in use; choose another name.")
    return v


@validator()
def validate_snapshot_id(value: object, existing: Iterable[str] = ()) -> str:
    """A new snapshot identifier (stripped, see :func:`validate_new_id`)."""
    return validate_new_id(value, "snapshot identifier", existing)


@validator()
def validate_cluster_id(value: object, existing: Iterable[str] = ()) -> str:
    """A new cluster identifier (stripped, see :func:`validate_new_id`)."""
    return validate_new_id(value, "new cluster identifier", existing)


@validator()
def validate_account_ids(value: object) -> list[str]:
    """AWS account ids to share with: 12 digits each, separated by commas, spaces or new lines
    (so surrounding whitespace is dropped), or a list of them (each stripped).

    ``all`` (make the snapshot public) is refused: the console never publishes a snapshot."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,;]+", value.strip()) if p]
    elif isinstance(value, (list, tuple, set, frozenset)):
        if not all(isinstance(p, str) for p in value):
            raise ValidationError("AWS account ids must be text (12 digits each, e.g. 123456789012).")
        parts = [p.strip() for p in value if p.strip()]
    else:
        parts = []
    if len(parts) > 1000:
        raise ValidationError("A snapshot can be shared with at most 20 accounts.")
    if not parts:
        raise ValidationError("No AWS account id given; enter one or more 12-digit account ids.")
    out: list[str] = []
    for p in parts:
        if p.lower() == "all":
            raise ValidationError("Sharing with 'all' would make the snapshot public; the console does not do that.")
        if not _ACCOUNT.fullmatch(p):
            raise ValidationError(f"{p[:40]!r} is not an AWS account id (12 digits, e.g. 123456789012).")
        if p not in out:
            out.append(p)
    if len(out) > 20:
        raise ValidationError("A snapshot can be shared with at most 20 accounts.")
    return out


@validator()
def validate_kms_key(value: object) -> str:
    """A KMS key id, key ARN, alias name or alias ARN; '' when none is given (None or blank).
    Surrounding whitespace is stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("The KMS key must be a key id, key ARN or alias (alias/name).")
    v = value.strip()
    if v and (len(v) > 2048 or not _KMS.fullmatch(v)):
        raise ValidationError(f"{v[:100]!r} is not a KMS key id, key ARN or alias (e.g. alias/aws/rds).")
    return v


@validator()
def validate_region(value: object) -> str:
    """An AWS region name such as eu-west-1; surrounding whitespace is stripped."""
    if not isinstance(value, str) or len(value) > 100 or not _REGION.fullmatch(value.strip()):
        shown = repr(value[:100]) if isinstance(value, str) else type(value).__name__
        raise ValidationError(f"{shown} is not an AWS region name (e.g. eu-west-1).")
    return value.strip()
