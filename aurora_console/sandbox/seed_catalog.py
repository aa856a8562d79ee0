"""What the sandbox's local AWS endpoint holds: the Aurora clusters, as plain data.

``aws_seed.seed_aws`` turns these specs into boto3 calls; ``metrics_seed`` reads the resulting
topology back through boto3, so nothing here is needed at query time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Regions that get clusters, and one region left empty on purpose (a fleet view shows it as such).
SEEDED_REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1")
EMPTY_REGIONS: tuple[str, ...] = ("us-west-2",)

BLOG_CLUSTER = "blog"
BLOG_DATABASE = "blog"
BLOG_MASTER_USER = "blog_admin"
BLOG_PORT = 5432
BLOG_CUSTOM_ENDPOINT = "blog-analytics"
BLOG_CUSTOM_ENDPOINT_MEMBERS: tuple[str, ...] = ("blog-2", "blog-3")
BLOG_SSM_PARAMETER = "/web/blog/database/secret"
BLOG_SECRET_ID = "blog/database"
BLOG_SNAPSHOT = "blog-before-pg16-upgrade"
BLOG_EVENT_SUBSCRIPTION = "blog-events"
BLOG_SNS_TOPIC = "rds-events"
BLOG_PARAMETER_GROUP = "blog-aurora-pg15"
BLOG_SECURITY_GROUP = "blog-db"
BLOG_SUBNET_GROUP = "blog-private"
#: The Aurora MySQL cluster whose database the sandbox serves (MariaDB/MySQL, sandbox/shop.py).
SHOP_CLUSTER = "shop"
SHOP_DATABASE = "shop"
SHOP_MASTER_USER = "shop_admin"
SHOP_PORT = 3306
SHOP_SSM_PARAMETER = "/web/shop/database/secret"
SHOP_SECRET_ID = "shop/database"
#: Where the application servers live: the only source allowed into the blog database.
APP_CIDR = "10.20.0.0/16"


@dataclass(frozen=True)
class InstanceSpec:
    instance_id: str
    instance_class: str
    availability_zone: str
    promotion_tier: int


@dataclass(frozen=True)
class ClusterSpec:
    region: str
    cluster_id: str
    engine: str
    engine_version: str
    port: int
    master_username: str
    instances: tuple[InstanceSpec, ...]
    backup_retention: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "mon:05:00-mon:05:30"
    deletion_protection: bool = False
    storage_encrypted: bool = True
    iam_auth: bool = False
    backtrack_window: int | None = None
    database_name: str | None = None
    parameter_group: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: "available" or "stopped" (stopped clusters publish no metrics).
    state: str = "available"

    @property
    def parameter_group_family(self) -> str:
        if self.engine == "aurora-mysql":
            return "aurora-mysql8.0"
        return f"aurora-postgresql{self.engine_version.split('.')[0]}"


CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec(
        region="us-east-1",
        cluster_id=BLOG_CLUSTER,
        engine="aurora-postgresql",
        engine_version="15.4",
        port=BLOG_PORT,
        master_username=BLOG_MASTER_USER,
        database_name=BLOG_DATABASE,
        instances=(
            InstanceSpec("blog-1", "db.r6g.large", "us-east-1a", 0),
            InstanceSpec("blog-2", "db.r6g.large", "us-east-1b", 1),
            InstanceSpec("blog-3", "db.r6g.large", "us-east-1c", 2),
        ),
        backup_retention=5,
        backup_window="19:00-22:00",
        maintenance_window="sun:23:00-sun:23:30",
        deletion_protection=True,
        iam_auth=True,
        parameter_group=BLOG_PARAMETER_GROUP,
        parameters=(("rds.force_ssl", "1"), ("log_min_duration_statement", "500")),
        tags=(("project", "blog"), ("env", "sandbox")),
    ),
    ClusterSpec(
        region="us-east-1",
        cluster_id=SHOP_CLUSTER,
        engine="aurora-mysql",
        engine_version="8.0.mysql_aurora.3.05.2",
        port=SHOP_PORT,
        master_username=SHOP_MASTER_USER,
        database_name=SHOP_DATABASE,
        instances=(
            InstanceSpec("shop-1", "db.r6g.xlarge", "us-east-1a", 1),
            InstanceSpec("shop-2", "db.r6g.xlarge", "us-east-1b", 1),
        ),
        backtrack_window=86400,
        parameter_group="shop-aurora-mysql80",
        parameters=(("require_secure_transport", "ON"),),
        tags=(("project", "shop"), ("env", "sandbox")),
    ),
    ClusterSpec(
        region="us-east-1",
        cluster_id="reports-archive",
        engine="aurora-postgresql",
        engine_version="14.9",
        port=5432,
        master_username="reports_admin",
        instances=(InstanceSpec("reports-archive-1", "db.t4g.medium", "us-east-1a", 1),),
        backup_retention=1,
        tags=(("project", "reports"), ("env", "sandbox")),
        state="stopped",
    ),
    ClusterSpec(
        region="eu-west-1",
        cluster_id="analytics-eu",
        engine="aurora-postgresql",
        engine_version="16.2",
        port=5432,
        master_username="analytics_admin",
        database_name="analytics",
        instances=(InstanceSpec("analytics-eu-1", "db.r6g.xlarge", "eu-west-1a", 1),),
        backup_window="01:00-02:00",
        maintenance_window="sat:03:00-sat:03:30",
        tags=(("project", "analytics"), ("env", "sandbox")),
    ),
    ClusterSpec(
        region="eu-west-1",
        cluster_id="orders-eu",
        engine="aurora-mysql",
        engine_version="8.0.mysql_aurora.3.04.1",
        port=3306,
        master_username="orders_admin",
        database_name="orders",
        instances=(
            InstanceSpec("orders-eu-1", "db.r6g.large", "eu-west-1a", 1),
            InstanceSpec("orders-eu-2", "db.r6g.large", "eu-west-1b", 2),
        ),
        backtrack_window=3600,
        tags=(("project", "orders"), ("env", "sandbox")),
    ),
)
