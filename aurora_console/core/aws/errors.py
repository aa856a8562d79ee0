"""Turn boto/botocore exceptions into plain messages with what to do next.

``classify`` maps any exception to an :class:`AwsError`; ``classify_failure`` adds what a
fleet node or an action needs on top (an endpoint answering HTTP 500 or not an AWS response
at all, as moto for an API it lacks, is "not supported by this endpoint"; not found; invalid
state); ``cluster_gone_text`` words a cluster deleted since its tab was opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.errors import ConsoleError

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
                 "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
NOT_SUPPORTED = {"InvalidAction", "UnknownOperationException", "NotImplemented", "UnsupportedOperation",
                 "InvalidParameterCombination:NotSupported"}
OPT_IN = {"OptInRequired", "AuthFailure"}


#: ``AwsError.kind`` of credentials that ran out mid-work (an SSO session, temporary keys): the
#: hint is the login to run, and it is shown even where a screen shows only the message
CREDENTIALS_EXPIRED_KINDS = frozenset({"sso-expired", "expired"})
SSO_ERROR_NAMES = ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError", "SSOError")


class AwsError(ConsoleError):
    """A classified AWS failure. ``kind``: credentials, sso-expired, access-denied, expired,
    throttled, not-supported, opt-in, endpoint, config, aws."""

    def __init__(self, message: str, *, kind: str, hint: str = "", code: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.kind = kind
        self.code = code
        self.essential_hint = kind in CREDENTIALS_EXPIRED_KINDS


def _sso_types() -> tuple[type, ...]:
    from botocore import exceptions as bex

    return tuple(t for t in (getattr(bex, n, None) for n in SSO_ERROR_NAMES) if t is not None)


def credentials_expired(exc: BaseException) -> bool:
    """True when ``exc`` says the AWS credentials ran out (an SSO token expired or missing, or
    temporary keys refused as expired): the cure is a new login, after which the same profile
    works again (``AwsSessionFactory`` drops its cached session for it)."""
    if isinstance(exc, AwsError):
        return exc.kind in CREDENTIALS_EXPIRED_KINDS
    try:
        from botocore import exceptions as bex
    except ImportError:  # pragma: no cover
        return False
    if isinstance(exc, _sso_types()):
        return True
    if isinstance(exc, bex.ClientError):
        err = exc.response.get("Error", {}) or {}
        code, msg = str(err.get("Code", "")), str(err.get("Message", "")).lower()
        return code in EXPIRED or ("sso" in msg and ("expired" in msg or "token" in msg))
    return False


def _tagged_profile(exc: BaseException) -> str | None:
    """The AWS profile ``AwsSessionFactory`` tagged on what its clients raised (or None)."""
    tagged = getattr(exc, "aws_profile", None)
    if isinstance(tagged, str) and tagged:
        return tagged
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        from aurora_console.core.aws.session import PROFILE_METADATA

        tagged = (response.get("ResponseMetadata") or {}).get(PROFILE_METADATA)
        return tagged if isinstance(tagged, str) and tagged else None
    return None


def login_hint(name: str) -> str:
    """What to do about an expired SSO session of AWS profile ``name``."""
    return f"Run: aws sso login --profile {name} (then try again: no restart needed)"


class NotSupportedByEndpoint(AwsError):
    def __init__(self, operation: str, detail: str = "") -> None:
        super().__init__(f"{operation} is not supported by this endpoint.", kind="not-supported", detail=detail)


def classify(exc: BaseException, *, profile: str | None = None, operation: str = "") -> AwsError:
    """Map any exception from a boto3 call to an :class:`AwsError` (never raises)."""
    if isinstance(exc, AwsError):
        return exc
    try:
        from botocore import exceptions as bex
        from botocore.parsers import ResponseParserError
    except ImportError:  # pragma: no cover
        return AwsError(str(exc), kind="aws")

    # the profile the failing session was made for (AwsSessionFactory tags what its clients raise)
    name = profile or _tagged_profile(exc) or "default"
    what = f"{operation}: " if operation else ""
    sso_types = _sso_types()
    if sso_types and isinstance(exc, sso_types):
        return AwsError(
            f"{what}the AWS SSO session for profile '{name}' has expired or was never started." if what else
            f"The AWS SSO session for profile '{name}' has expired or was never started.",
            kind="sso-expired", hint=login_hint(name), detail=str(exc))
    if isinstance(exc, bex.ProfileNotFound):
        return AwsError(f"AWS profile '{name}' is not defined in your AWS config.", kind="config",
                        hint="Check ~/.aws/config (or AWS_CONFIG_FILE), or pick another profile.", detail=str(exc))
    if isinstance(exc, bex.NoCredentialsError | bex.PartialCredentialsError):
        return AwsError(f"No AWS credentials found for profile '{name}'.", kind="credentials",
                        hint=f"Configure it with 'aws configure --profile {name}' (or 'aws sso login --profile {name}'), "
                             "or open the sandbox.", detail=str(exc))
    if isinstance(exc, bex.NoRegionError):
        return AwsError("No AWS region is configured.", kind="config",
                        hint="Choose a region in the navigator or set AWS_REGION.", detail=str(exc))
    if isinstance(exc, bex.EndpointConnectionError | bex.ConnectTimeoutError | bex.ReadTimeoutError
                  | bex.ConnectionClosedError):
        return AwsError(f"{what}cannot reach the AWS endpoint ({exc}).", kind="endpoint",
                        hint="Check the network, the region, or --endpoint-url.", detail=str(exc))
    if isinstance(exc, bex.OperationNotPageableError | bex.UnknownServiceError | NotImplementedError):
        return NotSupportedByEndpoint(operation or "This operation", detail=str(exc))
    if isinstance(exc, ResponseParserError):
        # not an AWS answer at all (an endpoint without this API returns an HTML error page)
        return NotSupportedByEndpoint(operation or "This operation", detail=str(exc)[:300])
    if isinstance(exc, bex.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        msg = str(err.get("Message", "")) or str(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in EXPIRED:
            return AwsError(f"{what}the AWS credentials for profile '{name}' have expired." if what else
                            f"The AWS credentials for profile '{name}' have expired.", kind="expired", code=code,
                            hint=f"Refresh them (for SSO: aws sso login --profile {name}), then try again: "
                                 "no restart needed.", detail=msg)
        if "sso" in msg.lower() and ("expired" in msg.lower() or "token" in msg.lower()):
            return AwsError(f"{what}the AWS SSO session for profile '{name}' has expired." if what else
                            f"The AWS SSO session for profile '{name}' has expired.", kind="sso-expired", code=code,
                            hint=login_hint(name), detail=msg)
        if code in OPT_IN:
            return AwsError(f"{what}this region is not enabled for the account.", kind="opt-in", code=code,
                            hint="Enable the region in the AWS account settings, or deselect it.", detail=msg)
        if code in ACCESS_DENIED:
            return AwsError(f"{what}access denied: {msg}", kind="access-denied", code=code,
                            hint="Ask for the IAM permission named above, or use another profile.", detail=msg)
        if code in THROTTLED:
            return AwsError(f"{what}AWS is throttling requests (still after retries).", kind="throttled", code=code,
                            hint="Wait a minute and refresh, or lower the auto-refresh rate.", detail=msg)
        if code.endswith(("NotFound", "NotFoundFault")):
            return AwsError(f"{what}{msg}", kind="not-found", code=code, detail=msg)
        if code in NOT_SUPPORTED or (status in (500, 501) and code in ("", "500", "501", "InternalFailure",
                                                                        "InternalError", "NotImplemented")):
            return NotSupportedByEndpoint(operation or "This operation", detail=f"{code} {msg}".strip())
        return AwsError(f"{what}{code}: {msg}" if code else f"{what}{msg}", kind="aws", code=code, detail=msg)
    if isinstance(exc, bex.BotoCoreError):
        return AwsError(f"{what}{exc}", kind="aws", detail=str(exc))
    return AwsError(f"{what}{type(exc).__name__}: {exc}", kind="aws", detail=repr(exc))


# Failure kinds for a fleet node or an action's failure (fleet and backups)

UNSUPPORTED = "not-supported"
NOT_FOUND = "not-found"
INVALID_STATE = "invalid-state"
NOT_SUPPORTED_TEXT = "not supported by this endpoint"


@dataclass(frozen=True)
class AwsFailure:
    """An AWS call's failure sorted into a kind the screens explain (with the service's message and code)."""

    kind: str
    message: str
    code: str = ""


def classify_failure(exc: BaseException, *, profile: str | None = None, region: str | None = None, operation: str = "") -> AwsFailure:
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
    err = classify(exc, profile=profile, operation=op)
    kind = UNSUPPORTED if err.kind == "not-supported" else err.kind
    text = err.message if not err.hint else f"{err.message} {err.hint}"
    if kind == UNSUPPORTED and NOT_SUPPORTED_TEXT not in text:
        text = f"{op or 'this call'}: {NOT_SUPPORTED_TEXT}"
    return AwsFailure(kind, text, getattr(err, "code", ""))


# A cluster that is gone (deleted since the tab was opened or saved)

#: RDS error codes meaning "no such cluster" (botocore's ClientError code, or AwsError.code)
CLUSTER_NOT_FOUND = frozenset({"DBClusterNotFoundFault", "DBClusterNotFound"})


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError or a classified AwsError ('' if none)."""
    code = getattr(exc, "code", "")
    if isinstance(code, str) and code:
        return code
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def cluster_gone_text(exc: BaseException, cluster_id: str, region: str, profile: str) -> str | None:
    """The message for a cluster that does not exist (any more), or None for any other failure."""
    if error_code(exc) not in CLUSTER_NOT_FOUND:
        return None
    return (f"Cluster {cluster_id} does not exist in {region} (profile {profile}): it was deleted or renamed. "
            "Close this tab, or press Refresh if it comes back.")
