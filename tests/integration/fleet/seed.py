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


def add_proxy(rds, ec2, cluster_id: str, name: str, region: str = "us-east-1") -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{'ab'[i]}")
               ["Subnet"]["SubnetId"] for i in range(2)]
    rds.create_db_proxy(DBProxyName=name, EngineFamily="POSTGRESQL", RoleArn="arn:aws:iam::123456789012:role/proxy",
                        Auth=[{"AuthScheme": "SECRETS", "IAMAuth": "DISABLED",
                               "SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}],
                        VpcSubnetIds=subnets)
    rds.register_db_proxy_targets(DBProxyName=name, DBClusterIdentifiers=[cluster_id])


def add_global(rds, global_id: str, cluster_arn: str) -> None:
    rds.create_global_cluster(GlobalClusterIdentifier=global_id, SourceDBClusterIdentifier=cluster_arn)
