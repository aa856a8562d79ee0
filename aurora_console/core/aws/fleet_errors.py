"""Fleet-view wording on top of :mod:`aurora_console.core.aws.errors`: a kind and one plain
sentence (with what to do next) for a region's node or an action's failure.

Adds what the shared classifier leaves generic: an endpoint that answers HTTP 500 or something
that is not an AWS response at all (moto for an API it lacks) is "not supported by this endpoint".
"""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.aws.errors import classify as classify_aws

UNSUPPORTED = "not-supported"
NOT_FOUND = "not-found"
INVALID_STATE = "invalid-state"
NOT_SUPPORTED_TEXT = "not supported by this endpoint"


@dataclass(frozen=True)
class AwsFailure:
    kind: str
    message: str
    code: str = ""


def classify(exc: BaseException, *, profile: str | None = None, region: str | None = None, operation: str = "") -> AwsFailure:
    """What kind of failure ``exc`` is and what to tell the DBA (never a traceback)."""
    from botocore import exceptions as bex  # here: the window starts without botocore
    from botocore.parsers import ResponseParserError

    op = operation or getattr(exc, "operation_name", "") or ""
    if isinstance(exc, (ResponseParserError, NotImplementedError)):
        return AwsFailure(UNSUPPORTED, f"{op or 'this call'}: {NOT_SUPPORTED_TEXT}")
    if isinstance(exc, bex.ClientError):
        err = exc.response.get("Error", {}) or {}
        code = str(err.get("Code", "") or "")
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if status in (500, 501) and code in ("", "500", "501", "InternalFailure", "InternalError", "NotImplemented"):
            return AwsFailure(UNSUPPORTED, f"{op or 'this call'}: {NOT_SUPPORTED_TEXT} (HTTP {status})", code)
        if code.endswith(("NotFound", "NotFoundFault")):
            return AwsFailure(NOT_FOUND, str(err.get("Message", "") or code), code)
        if "State" in code:
            return AwsFailure(INVALID_STATE, str(err.get("Message", "") or code), code)
    err = classify_aws(exc, profile=profile, operation=op)
    kind = UNSUPPORTED if err.kind == "not-supported" else err.kind
    text = err.message if not err.hint else f"{err.message} {err.hint}"
    if kind == UNSUPPORTED and NOT_SUPPORTED_TEXT not in text:
        text = f"{op or 'this call'}: {NOT_SUPPORTED_TEXT}"
    return AwsFailure(kind, text, getattr(err, "code", ""))
