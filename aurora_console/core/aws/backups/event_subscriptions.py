"""RDS event subscriptions: list, and prepare create / delete (SNS topic, source type cluster
or instance, categories, source ids)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aurora_console.core.aws.backups.operations import BackupAction, Step
from aurora_console.core.aws.fleet.validation import validate_identifier
from aurora_console.core.errors import ReadOnlyError, ValidationError
from aurora_console.core.validation import VALUE, validator

SOURCE_TYPES = ("db-cluster", "db-instance")
#: Event categories per source type (AWS RDS user guide, "Amazon RDS event categories").
CATEGORIES: dict[str, tuple[str, ...]] = {
    "db-cluster": ("configuration change", "creation", "deletion", "failover", "failure", "global-failover",
                   "maintenance", "migration", "notification", "serverless"),
    "db-instance": ("availability", "backup", "configuration change", "creation", "deletion", "failover",
                    "failure", "low storage", "maintenance", "notification", "read replica", "recovery",
                    "restoration", "security", "security patching"),
}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,254}")
_SNS_ARN = re.compile(r"arn:aws[a-z-]*:sns:([a-z0-9-]+):([0-9]{12}):[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True)
class EventSubscription:
    name: str
    topic_arn: str
    source_type: str
    source_ids: tuple[str, ...]
    categories: tuple[str, ...]  # empty: all categories
    enabled: bool
    status: str


def _from_raw(raw: dict) -> EventSubscription:
    return EventSubscription(
        name=raw.get("CustSubscriptionId", ""), topic_arn=raw.get("SnsTopicArn", ""),
        source_type=raw.get("SourceType", "") or "", source_ids=tuple(raw.get("SourceIdsList", []) or []),
        categories=tuple(raw.get("EventCategoriesList", []) or []), enabled=bool(raw.get("Enabled", False)),
        status=raw.get("Status", ""),
    )


def list_subscriptions(factory: Any, target: Any) -> list[EventSubscription]:
    """All event subscriptions of the region (filter with :func:`covers`)."""
    rds = factory.client("rds", target)
    out: list[EventSubscription] = []
    for page in rds.get_paginator("describe_event_subscriptions").paginate():
        out.extend(_from_raw(r) for r in page.get("EventSubscriptionsList", []))
    out.sort(key=lambda s: s.name)
    return out


def list_topics(factory: Any, target: Any) -> list[str]:
    sns = factory.client("sns", target)
    arns: list[str] = []
    for page in sns.get_paginator("list_topics").paginate():
        arns.extend(t["TopicArn"] for t in page.get("Topics", []))
    return sorted(arns)


@validator(args=(VALUE, "us-east-1"))
def validate_topic_arn(value: Any, region: str) -> str:
    """An SNS topic ARN in ``region`` (any region when ``region`` is ''). The whole text must be
    the ARN; surrounding whitespace is stripped."""
    v = value.strip() if isinstance(value, str) else ""
    m = _SNS_ARN.fullmatch(v) if len(v) <= 2048 else None
    if not m:
        raise ValidationError(f"{v[:100]!r} is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME).")
    if region and m.group(1) != region:
        raise ValidationError(f"The SNS topic is in {m.group(1)}; RDS needs a topic in the same region ({region}).")
    return v


def prepare_create(target: Any, name: Any, topic_arn: Any, source_type: str, categories: Iterable[str] = (),
                   source_ids: Iterable[str] = (), *, existing: Iterable[str] = (), enabled: bool = True,
                   read_only: bool = False) -> BackupAction:
    if read_only:
        raise ReadOnlyError("Creating an event subscription")
    n = (name or "").strip() if isinstance(name, str) else ""
    if not _NAME.fullmatch(n) or "--" in n or n.endswith("-"):
        raise ValidationError(f"The subscription name {n[:80]!r} is malformed: 1-255 letters, digits and single hyphens, "
                              "starting with a letter, not ending with a hyphen.")
    if n.lower() in {e.lower() for e in existing}:
        raise ValidationError(f"An event subscription named '{n}' already exists.")
    arn = validate_topic_arn(topic_arn, getattr(target, "region", ""))
    if source_type not in SOURCE_TYPES:
        raise ValidationError(f"The source type must be one of {', '.join(SOURCE_TYPES)} (got '{source_type}').")
    cats = list(dict.fromkeys(c.strip() for c in categories if c and c.strip()))
    unknown = [c for c in cats if c not in CATEGORIES[source_type]]
    if unknown:
        raise ValidationError(f"Unknown event categories for {source_type}: {', '.join(unknown)}.")
    what = "cluster identifier" if source_type == "db-cluster" else "instance identifier"
    ids = list(dict.fromkeys(validate_identifier(s, what) for s in source_ids if s and s.strip()))
    params: dict[str, Any] = {"SubscriptionName": n, "SnsTopicArn": arn, "SourceType": source_type,
                              "Enabled": bool(enabled)}
    if cats:
        params["EventCategories"] = cats
    if ids:
        params["SourceIds"] = ids
    scope = ", ".join(ids) if ids else f"every {source_type}"
    return BackupAction("create-event-subscription", f"Create event subscription {n} ({scope} -> {arn.split(':')[-1]})",
                        target, n, (Step("create_event_subscription", params),))


def prepare_delete(sub: EventSubscription, target: Any, confirmation: str, *, read_only: bool = False) -> BackupAction:
    if read_only:
        raise ReadOnlyError("Deleting an event subscription")
    if (confirmation or "").strip() != sub.name:
        raise ValidationError(f"Type the subscription name '{sub.name}' exactly to confirm the deletion.")
    return BackupAction("delete-event-subscription", f"Delete event subscription {sub.name}", target, sub.name,
                        (Step("delete_event_subscription", {"SubscriptionName": sub.name}),), confirm_text=sub.name)


def covers(sub: EventSubscription, cluster_id: str, instance_ids: Iterable[str] = ()) -> bool:
    """Does ``sub`` send events about the cluster (or one of its instances)?"""
    if sub.source_type not in ("", *SOURCE_TYPES):
        return False
    if not sub.source_ids:
        return True
    ids = {s.lower() for s in sub.source_ids}
    return cluster_id.lower() in ids or any(i.lower() in ids for i in instance_ids)
