"""What the console's fleet listing reads from a seeded endpoint, without what differs from one
seed to the next (random resource ids and host name parts, creation times, moto's random
maintenance window of an instance), so two seeds made different ways can be compared (tests of the seed's faster ways)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import boto3

from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_server import sandbox_credentials

#: random per seed: moto draws it
_RANDOM_KEYS = frozenset({"HostedZoneId"})
_RANDOM_PARTS = (
    (re.compile(r"\.cluster-(ro-|custom-)?[a-z0-9]{12}\."), r".cluster-\1<hash>."),
    (re.compile(r"\b(sg|subnet|vpc)-[0-9a-f]{8,}\b"), r"\1-<id>"),
    (re.compile(r"\b(cluster|db)-[A-Z0-9]{26}\b"), r"\1-<resource-id>"),
)


def normalized(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if k not in _RANDOM_KEYS}
    if isinstance(value, (list, tuple)):
        return [normalized(v) for v in value]
    if isinstance(value, datetime):
        return "<time>"
    if isinstance(value, str):
        for pattern, replacement in _RANDOM_PARTS:
            value = pattern.sub(replacement, value)
    return value


def listing(endpoint_url: str) -> dict[str, Any]:
    """describe_db_clusters and describe_db_instances of every seeded region, normalized."""
    out = {}
    for region in cat.SEEDED_REGIONS:
        rds = boto3.client("rds", endpoint_url=endpoint_url, **sandbox_credentials(region).client_kwargs())
        instances = rds.describe_db_instances()["DBInstances"]
        for instance in instances:  # moto draws an instance's window when none is given
            instance.pop("PreferredMaintenanceWindow")
        out[region] = {"clusters": normalized(rds.describe_db_clusters()["DBClusters"]),
                       "instances": normalized(instances)}
    return out


def seed_view(seed: Any) -> Any:
    """A SeedInfo's fields, normalized (its endpoint URL and timing left out)."""
    from dataclasses import asdict

    fields = asdict(seed)
    for volatile in ("endpoint_url", "seconds", "seeded_at"):
        fields.pop(volatile)
    return normalized(fields)
