"""Hand-built fleet dataclasses for tests with no I/O."""

from __future__ import annotations

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.core.aws.session import AwsTarget

TARGET = AwsTarget("prod", "us-east-1")


def inst(iid, cid, role="reader", tier=1, status="available", az="us-east-1a"):
    return Instance(iid, cid, role, tier, "db.r6g.large", az, status, engine="aurora-postgresql")


def cluster(cid="orders", readers=2, status="available", **kw):
    members = (inst(f"{cid}-1", cid, "writer", 1),) + tuple(
        inst(f"{cid}-{n + 2}", cid, "reader", n + 2, az=f"us-east-1{'bc'[n % 2]}") for n in range(readers))
    return Cluster(cid, "aurora-postgresql", "15.4", status, instances=members, port=5432, **kw)


def region(*clusters):
    return RegionInventory("prod", "us-east-1", clusters=tuple(clusters), target=TARGET)
