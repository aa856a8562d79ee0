"""Plain words for a tab whose cluster is gone (deleted since the tab was opened or saved)."""

from __future__ import annotations

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
