"""Create Aurora clusters on the moto server with plain boto3 calls (test data only)."""

from __future__ import annotations


def make_cluster(rds, cluster_id: str, instances: int = 2, engine: str = "aurora-postgresql", *,
                 region: str = "us-east-1", tags: dict | None = None, **extra) -> list[str]:
    rds.create_db_cluster(
        DBClusterIdentifier=cluster_id, Engine=engine, MasterUsername="admin",
        MasterUserPassword="not-a-real-password-1", Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        **extra,
    )
    ids = []
    for n in range(instances):
        iid = f"{cluster_id}-{n + 1}"
        rds.create_db_instance(
            DBInstanceIdentifier=iid, DBClusterIdentifier=cluster_id, Engine=engine,
            DBInstanceClass="db.r6g.large", AvailabilityZone=f"{region}{'abc'[n % 3]}", PromotionTier=n + 1,
        )
        ids.append(iid)
    return ids
