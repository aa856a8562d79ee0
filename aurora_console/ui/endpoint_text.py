"""DBA wording for "this endpoint does not implement that API" (the sandbox's local AWS API lacks
a few RDS calls): the feature's name instead of the API operation's, and why.

On the sandbox: "Pending maintenance: not available from this endpoint (the sandbox's local AWS
API does not model it)". On AWS (or another endpoint) the classified error text stays as it is:
it names the call, which is what a support ticket needs.
"""

from __future__ import annotations

from aurora_console.core.aws.errors import NOT_SUPPORTED_TEXT

SANDBOX_REASON = "the sandbox's local AWS API does not model it"

#: API operation (snake_case or CamelCase) -> what a DBA calls it
FEATURES = {
    "describe_pending_maintenance_actions": "Pending maintenance",
    "describe_events": "Events",
    "describe_event_subscriptions": "Event notifications",
    "describe_db_proxies": "RDS Proxy",
    "describe_db_proxy_targets": "RDS Proxy targets",
    "describe_global_clusters": "Global databases",
    "describe_db_cluster_endpoints": "Cluster endpoints",
    "describe_db_cluster_parameters": "Cluster parameters",
    "describe_db_cluster_backtracks": "Backtrack",
    "backtrack_db_cluster": "Backtrack",
    "describe_security_groups": "Security groups",
    "describe_db_cluster_snapshots": "Snapshots",
    "describe_db_cluster_automated_backups": "Automated backups",
}


def _snake(op: str) -> str:
    out = []
    for i, ch in enumerate(op):
        if ch.isupper() and i and not op[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def feature_name(operation: str) -> str:
    """``describe_pending_maintenance_actions`` / ``DescribePendingMaintenanceActions`` ->
    "Pending maintenance"; an operation not listed: its words ("Describe db foo")."""
    op = operation.strip()
    if "(" in op:  # "Backtrack (DescribeDBClusterBacktracks)"
        op = op.split("(", 1)[1].rstrip(")").strip()
    key = _snake(op.replace("DB", "Db"))
    if key in FEATURES:
        return FEATURES[key]
    return operation.strip().replace("_", " ").capitalize() or "This feature"


def is_unsupported(text: str) -> bool:
    return NOT_SUPPORTED_TEXT in (text or "")


def readable(text: str, *, sandbox: bool, feature: str | None = None) -> str:
    """``text`` (a classified error or warning) for display. Only "not supported by this endpoint"
    texts on the sandbox are reworded; everything else is returned unchanged."""
    if not sandbox or not is_unsupported(text):
        return text
    if feature is None:
        head = text.split(":", 1)[0] if ":" in text else text.split(" is not supported", 1)[0]
        feature = feature_name(head)
    return f"{feature}: not available from this endpoint ({SANDBOX_REASON})"
