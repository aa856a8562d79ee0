"""Seed the sandbox's local AWS endpoint with Aurora clusters, through boto3 only.

Everything is created with ordinary API calls against ``endpoint_url`` (no moto internals), so
what the console later reads is what boto3 returns. moto gaps met here, and what we do:

* custom cluster endpoints (``create_db_cluster_endpoint``) are not implemented: the blog's
  ``blog-analytics`` endpoint is only named in :class:`SeedInfo` (host name built the way AWS
  builds it), so the bastion can map it; ``describe_db_cluster_endpoints`` fails on moto (the
  sandbox's endpoint answers it from the seed: ``sandbox/cluster_endpoints.py``).
* a stopped cluster keeps its instances "available": the seed also stops the instance (AWS
  refuses that call for Aurora instances, but it is the state AWS shows after stop_db_cluster).
* the first instance created in a cluster becomes its writer; PromotionTier is kept as given.

Two stages, so the window lists the clusters sooner: :func:`seed_clusters` (the clusters, their
instances and what they are created with) and :func:`seed_surroundings` (snapshot, events, SSM,
Secrets Manager, the bastion's EC2 instance); :func:`seed_aws` runs both. The seeder's clients
carry :data:`~aurora_console.sandbox.seed_gate.SEEDER_AGENT`, which the endpoint's gate lets
through while other requests wait for the second stage (``sandbox/seed_gate.py``).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import boto3

from aurora_console.core.validation import ValueValidationError, validator
from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, SandboxCredentials, sandbox_credentials
from aurora_console.sandbox.seed_gate import SEEDER_AGENT

if TYPE_CHECKING:
    from aurora_console.sandbox.wsgi_transport import WsgiTransport

_FORBIDDEN_PASSWORD_CHARS = set('/"@ ')
#: the Name tag of the EC2 instance that stands for the loopback bastion, and its OS user
BASTION_NAME = "sandbox-bastion"
BASTION_OS_USER = "ec2-user"
#: the image the bastion's instance runs (Amazon Linux 2023, whose user is ec2-user)
BASTION_IMAGE_NAME = "al2023-ami-2023*-x86_64"


@dataclass(frozen=True)
class SeededCluster:
    region: str
    cluster_id: str
    engine: str
    engine_version: str
    status: str
    port: int
    writer: str | None
    readers: tuple[str, ...]
    endpoint: str
    reader_endpoint: str
    instance_hosts: dict[str, str]


@dataclass(frozen=True)
class SeedInfo:
    """What the seed created; holds no secret (the password lives only in SSM/Secrets Manager)."""

    endpoint_url: str
    account_id: str
    regions: tuple[str, ...]
    empty_regions: tuple[str, ...]
    clusters: tuple[SeededCluster, ...]
    blog_cluster_id: str
    blog_port: int
    blog_master_username: str
    blog_database: str
    blog_writer_host: str
    blog_reader_host: str
    blog_custom_endpoint_host: str
    blog_custom_endpoint_members: tuple[str, ...]
    blog_instance_hosts: dict[str, str]
    ssm_password_parameter: str
    secret_id: str
    snapshot_id: str
    event_subscription: str
    sns_topic_arn: str
    security_group_id: str
    seeded_at: datetime
    seconds: float = field(default=0.0, compare=False)
    #: the EC2 instance standing for the loopback bastion (Name tag ``sandbox-bastion``, private address only)
    bastion_instance_id: str = ""
    bastion_private_ip: str = ""
    bastion_region: str = ""
    #: False after the first stage (:func:`seed_clusters`), True once :func:`seed_surroundings` ran
    surroundings_seeded: bool = False

    def cluster(self, cluster_id: str, region: str | None = None) -> SeededCluster:
        for item in self.clusters:
            if item.cluster_id == cluster_id and (region is None or item.region == region):
                return item
        raise KeyError(cluster_id)

    @property
    def cluster_ids(self) -> tuple[str, ...]:
        return tuple(c.cluster_id for c in self.clusters)

    def blog_host_names(self) -> tuple[str, ...]:
        """Every DNS name that leads to the blog database (cluster, reader, custom, instances)."""
        return (self.blog_writer_host, self.blog_reader_host, self.blog_custom_endpoint_host,
                *self.blog_instance_hosts.values())


@validator(ValueValidationError)
def validate_password(password: str) -> None:
    """Aurora's rules for a master password (moto accepts anything). Nothing is stripped: a
    space or newline anywhere is refused. Raises a ValidationError that is a ValueError."""
    if not isinstance(password, str) or not 8 <= len(password) <= 128:
        raise ValueValidationError("the database password must be 8 to 128 characters long")
    if _FORBIDDEN_PASSWORD_CHARS & set(password) or not (password.isascii() and password.isprintable()):
        raise ValueValidationError('the database password must be printable ASCII without /, ", @ or spaces')


class _Clients(dict):
    """boto3 clients of one region, made on first use (a client costs ~60 ms to build).
    ``transport``: a :class:`~aurora_console.sandbox.wsgi_transport.WsgiTransport` the clients'
    requests go through (the endpoint in this process), else HTTP to ``endpoint_url``."""

    def __init__(self, endpoint_url: str, credentials: SandboxCredentials, region: str,
                 transport: WsgiTransport | None = None) -> None:
        super().__init__()
        self._endpoint_url = endpoint_url
        self._transport = transport
        self._session = boto3.Session(**credentials.client_kwargs() | {"region_name": region})

    def __missing__(self, service: str) -> Any:
        from botocore.config import Config

        # marked as the seeder's: the endpoint answers it while other requests wait for the seed (seed_gate.py)
        client = self[service] = self._session.client(service, endpoint_url=self._endpoint_url,
                                                      config=Config(user_agent_extra=SEEDER_AGENT))
        if self._transport is not None:
            self._transport.attach(client)
        return client


def _tags(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def _blog_network(ec2: Any, rds: Any) -> tuple[str, str]:
    """A security group that admits 5432 from the app subnets, and a DB subnet group."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName=cat.BLOG_SECURITY_GROUP, VpcId=vpc,
                                      Description="blog database: PostgreSQL from the app subnets")
    group_id = group["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": cat.BLOG_PORT, "ToPort": cat.BLOG_PORT,
        "IpRanges": [{"CidrIp": cat.APP_CIDR, "Description": "blog app servers"}],
    }])
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    rds.create_db_subnet_group(
        DBSubnetGroupName=cat.BLOG_SUBNET_GROUP, DBSubnetGroupDescription="blog private subnets",
        SubnetIds=[s["SubnetId"] for s in subnets[:3]],
    )
    return group_id, cat.BLOG_SUBNET_GROUP


def _create_cluster(rds: Any, spec: cat.ClusterSpec, password: str, network: tuple[str, str] | None) -> None:
    if spec.parameter_group:
        rds.create_db_cluster_parameter_group(
            DBClusterParameterGroupName=spec.parameter_group, DBParameterGroupFamily=spec.parameter_group_family,
            Description=f"{spec.cluster_id} cluster parameters", Tags=_tags(spec.tags),
        )
        rds.modify_db_cluster_parameter_group(
            DBClusterParameterGroupName=spec.parameter_group,
            Parameters=[{"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"}
                        for k, v in spec.parameters],
        )
    kwargs: dict[str, Any] = {
        "DBClusterIdentifier": spec.cluster_id, "Engine": spec.engine, "EngineVersion": spec.engine_version,
        "Port": spec.port, "MasterUsername": spec.master_username, "MasterUserPassword": password,
        "BackupRetentionPeriod": spec.backup_retention, "PreferredBackupWindow": spec.backup_window,
        "PreferredMaintenanceWindow": spec.maintenance_window, "DeletionProtection": spec.deletion_protection,
        "StorageEncrypted": spec.storage_encrypted, "EnableIAMDatabaseAuthentication": spec.iam_auth,
        "Tags": _tags(spec.tags), "CopyTagsToSnapshot": True,
        "AvailabilityZones": sorted({i.availability_zone for i in spec.instances}),
    }
    if spec.database_name:
        kwargs["DatabaseName"] = spec.database_name
    if spec.parameter_group:
        kwargs["DBClusterParameterGroupName"] = spec.parameter_group
    if spec.backtrack_window:
        kwargs["BacktrackWindow"] = spec.backtrack_window
    if spec.cluster_id == cat.BLOG_CLUSTER:  # its real PostgreSQL log goes to CloudWatch Logs (sandbox/log_export.py)
        kwargs["EnableCloudwatchLogsExports"] = ["postgresql"]
    if network:
        kwargs["VpcSecurityGroupIds"] = [network[0]]
        kwargs["DBSubnetGroupName"] = network[1]
    rds.create_db_cluster(**kwargs)
    # The first instance created becomes the writer, so the writer goes first.
    for inst in spec.instances:
        rds.create_db_instance(
            DBInstanceIdentifier=inst.instance_id, DBClusterIdentifier=spec.cluster_id, Engine=spec.engine,
            DBInstanceClass=inst.instance_class, AvailabilityZone=inst.availability_zone,
            PromotionTier=inst.promotion_tier, Tags=_tags(spec.tags), PubliclyAccessible=False,
            # the blog's instances reach the sandbox's real PostgreSQL, whose load the endpoint's
            # Performance Insights answers from (sandbox/performance_insights.py); the others have none
            EnablePerformanceInsights=spec.cluster_id == cat.BLOG_CLUSTER,
        )
    if spec.state == "stopped":
        rds.stop_db_cluster(DBClusterIdentifier=spec.cluster_id)
        for inst in spec.instances:
            rds.stop_db_instance(DBInstanceIdentifier=inst.instance_id)


#: the faults AWS answers a create of something that exists with (RDS, SSM, Secrets Manager)
_ALREADY_EXISTS = frozenset({"DBClusterSnapshotAlreadyExistsFault", "SubscriptionAlreadyExist",
                             "ParameterAlreadyExists", "ResourceExistsException"})


def _unless_exists(call: Callable[..., Any], **kwargs: Any) -> bool:
    """``call(**kwargs)``; False instead of the error when what it creates already exists (a second
    run of a stage that failed partway: :func:`seed_surroundings`)."""
    from botocore.exceptions import ClientError

    try:
        call(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _ALREADY_EXISTS:
            return False
        raise
    return True


def _blog_extras(c: _Clients, password: str, check: Callable[[], None]) -> tuple[str, str]:
    """The blog's snapshot, SNS topic, event subscription, SSM parameter and secret; each step
    leaves what an earlier run made (SNS's CreateTopic returns the existing topic by itself)."""
    rds = c["rds"]
    _unless_exists(rds.create_db_cluster_snapshot, DBClusterIdentifier=cat.BLOG_CLUSTER,
                   DBClusterSnapshotIdentifier=cat.BLOG_SNAPSHOT,
                   Tags=_tags((("project", "blog"), ("reason", "before major upgrade"))))
    check()
    topic_arn = c["sns"].create_topic(Name=cat.BLOG_SNS_TOPIC)["TopicArn"]
    check()
    _unless_exists(rds.create_event_subscription,
                   SubscriptionName=cat.BLOG_EVENT_SUBSCRIPTION, SnsTopicArn=topic_arn, SourceType="db-cluster",
                   SourceIds=[cat.BLOG_CLUSTER], EventCategories=["failover", "maintenance", "notification"],
                   Enabled=True)
    check()
    _unless_exists(c["ssm"].put_parameter, Name=cat.BLOG_SSM_PARAMETER, Type="SecureString", Value=password,
                   Description="blog database master password")
    check()
    _unless_exists(c["secretsmanager"].create_secret,
                   Name=cat.BLOG_SECRET_ID, Description="blog database credentials",
                   SecretString=json.dumps({"username": cat.BLOG_MASTER_USER, "password": password}))
    return topic_arn, cat.BLOG_SNAPSHOT


def _shop_extras(c: _Clients, password: str, check: Callable[[], None]) -> None:
    """The shop database's password where a profile finds it (SSM SecureString, Secrets Manager)."""
    _unless_exists(c["ssm"].put_parameter, Name=cat.SHOP_SSM_PARAMETER, Type="SecureString", Value=password,
                   Description="shop database master password")
    check()
    _unless_exists(c["secretsmanager"].create_secret,
                   Name=cat.SHOP_SECRET_ID, Description="shop database credentials",
                   SecretString=json.dumps({"username": cat.SHOP_MASTER_USER, "password": password}))


def _read_back(rds: Any, region: str) -> list[SeededCluster]:
    """The topology as boto3 sees it (writer from DBClusterMembers, hosts from the API)."""
    hosts = {i["DBInstanceIdentifier"]: i.get("Endpoint", {}).get("Address", "")
             for i in rds.describe_db_instances()["DBInstances"]}
    out = []
    for cl in rds.describe_db_clusters()["DBClusters"]:
        members = cl.get("DBClusterMembers", [])
        writers = [m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"]]
        readers = sorted((m for m in members if not m["IsClusterWriter"]), key=lambda m: m.get("PromotionTier", 15))
        out.append(SeededCluster(
            region=region, cluster_id=cl["DBClusterIdentifier"], engine=cl["Engine"],
            engine_version=cl["EngineVersion"], status=cl["Status"], port=cl["Port"],
            writer=writers[0] if writers else None, readers=tuple(m["DBInstanceIdentifier"] for m in readers),
            endpoint=cl["Endpoint"], reader_endpoint=cl["ReaderEndpoint"],
            instance_hosts={m["DBInstanceIdentifier"]: hosts.get(m["DBInstanceIdentifier"], "") for m in members},
        ))
    return out


def create_bastion_instance(ec2: Any) -> tuple[str, str]:
    """The bastion's EC2 instance: ``Name=sandbox-bastion`` in the blog's VPC, a private address
    only (it is reached through EC2 Instance Connect, an endpoint or Session Manager)."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    # an Amazon Linux 2023 image (ec2-user), asked for by name: listing all of moto's ~1,400
    # images takes seconds, on the sandbox's start-up path
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [BASTION_IMAGE_NAME]}])["Images"]
    image = (images or ec2.describe_images(Owners=["amazon"])["Images"])[0]["ImageId"]
    inst = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.nano",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": False}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": _tags((("Name", BASTION_NAME), ("project", "blog")))}],
    )["Instances"][0]
    return inst["InstanceId"], inst["PrivateIpAddress"]


def _bastion_instance(ec2: Any) -> tuple[str, str]:
    """The bastion's instance an earlier run of :func:`seed_surroundings` made (pending or
    running), else a new one (:func:`create_bastion_instance`)."""
    reservations = ec2.describe_instances(Filters=[
        {"Name": "tag:Name", "Values": [BASTION_NAME]},
        {"Name": "instance-state-name", "Values": ["pending", "running"]},
    ])["Reservations"]
    made = [i for r in reservations for i in r["Instances"]]
    if made:
        return made[0]["InstanceId"], made[0]["PrivateIpAddress"]
    return create_bastion_instance(ec2)


def custom_endpoint_host(cluster_endpoint: str, name: str) -> str:
    """``blog.cluster-abc.us-east-1.rds.amazonaws.com`` -> ``NAME.cluster-custom-abc.us-east-1...``."""
    _, _, rest = cluster_endpoint.partition(".cluster-")
    return f"{name}.cluster-custom-{rest}"


def _check_empty(region_clients: dict[str, _Clients]) -> None:
    for region, c in region_clients.items():
        existing = [cl["DBClusterIdentifier"] for cl in c["rds"].describe_db_clusters()["DBClusters"]]
        if existing:
            raise RuntimeError(f"the endpoint already holds clusters in {region} ({', '.join(existing)}); "
                               "reset it (LocalAwsServer.reset) before seeding")


def seed_clusters(
    endpoint_url: str,
    *,
    credentials: SandboxCredentials | None = None,
    db_password: str,
    now: datetime | None = None,
    transport: WsgiTransport | None = None,
    known_empty: bool = False,
) -> SeedInfo:
    """The first stage, what the fleet listing shows: every cluster with its instances, parameter
    groups and (the blog's) security group and subnet group, on an empty endpoint. The returned
    info has ``surroundings_seeded`` False: :func:`seed_surroundings` completes it. ``transport``:
    the endpoint's application in this process, which the requests reach without a socket.
    ``known_empty``: the caller knows nothing was made on the endpoint yet (its process has just
    started it, and nobody else knows its address), so the regions are not listed first to check
    (a request a region on the first listing's path)."""
    validate_password(db_password)
    credentials = credentials or sandbox_credentials()
    started = time.perf_counter()
    seeded_at = (now or datetime.now(timezone.utc)).replace(second=0, microsecond=0)
    clusters: list[SeededCluster] = []
    group_id = ""
    region_clients = {region: _Clients(endpoint_url, credentials, region, transport) for region in cat.SEEDED_REGIONS}
    if not known_empty:
        _check_empty(region_clients)
    for region, c in region_clients.items():
        for spec in (s for s in cat.CLUSTERS if s.region == region):
            network = None
            if spec.cluster_id == cat.BLOG_CLUSTER:
                network = _blog_network(c["ec2"], c["rds"])
                group_id = network[0]
            served = (cat.BLOG_CLUSTER, cat.SHOP_CLUSTER)  # the clusters whose databases the sandbox runs
            password = db_password if spec.cluster_id in served else secrets.token_urlsafe(18)
            _create_cluster(c["rds"], spec, password, network)
        clusters.extend(_read_back(c["rds"], region))
    blog = next((c for c in clusters if c.cluster_id == cat.BLOG_CLUSTER), None)
    if blog is None:
        raise RuntimeError("the catalog has no blog cluster")
    return SeedInfo(
        endpoint_url=endpoint_url, account_id=SANDBOX_ACCOUNT_ID, regions=cat.SEEDED_REGIONS,
        empty_regions=cat.EMPTY_REGIONS, clusters=tuple(clusters), blog_cluster_id=blog.cluster_id,
        blog_port=blog.port, blog_master_username=cat.BLOG_MASTER_USER, blog_database=cat.BLOG_DATABASE,
        blog_writer_host=blog.endpoint, blog_reader_host=blog.reader_endpoint,
        blog_custom_endpoint_host=custom_endpoint_host(blog.endpoint, cat.BLOG_CUSTOM_ENDPOINT),
        blog_custom_endpoint_members=cat.BLOG_CUSTOM_ENDPOINT_MEMBERS,
        blog_instance_hosts=dict(blog.instance_hosts), ssm_password_parameter=cat.BLOG_SSM_PARAMETER,
        secret_id=cat.BLOG_SECRET_ID, snapshot_id="", event_subscription="", sns_topic_arn="",
        security_group_id=group_id, seeded_at=seeded_at, seconds=time.perf_counter() - started,
    )


def seed_surroundings(
    endpoint_url: str,
    seed: SeedInfo,
    *,
    credentials: SandboxCredentials | None = None,
    db_password: str,
    check: Callable[[], None] | None = None,
    transport: WsgiTransport | None = None,
) -> SeedInfo:
    """The second stage, around the clusters :func:`seed_clusters` made: the blog's snapshot, SNS
    topic and event subscription, both databases' passwords in SSM and Secrets Manager, the
    bastion's EC2 instance. Returns ``seed`` completed (``surroundings_seeded`` True).

    Safe to run again after it failed partway (the sandbox's bastion stage does): each step keeps
    what an earlier run made instead of failing on it (the AlreadyExists faults, the bastion's
    instance found by its Name tag). ``check`` is called between steps (it raises to stop the
    stage, e.g. the sandbox stopping). ``transport``: as for :func:`seed_clusters`."""
    validate_password(db_password)
    if seed.surroundings_seeded:
        return seed
    credentials = credentials or sandbox_credentials()
    started = time.perf_counter()
    blog_region = next(c.region for c in cat.CLUSTERS if c.cluster_id == cat.BLOG_CLUSTER)
    shop_region = next((c.region for c in cat.CLUSTERS if c.cluster_id == cat.SHOP_CLUSTER), None)
    region_clients = {region: _Clients(endpoint_url, credentials, region, transport) for region in cat.SEEDED_REGIONS}
    check = check or (lambda: None)
    c = region_clients[blog_region]
    topic_arn, snapshot_id = _blog_extras(c, db_password, check)
    check()
    if shop_region is not None:
        _shop_extras(region_clients[shop_region], db_password, check)
        check()
    instance_id, private_ip = _bastion_instance(c["ec2"])
    return replace(
        seed, snapshot_id=snapshot_id, event_subscription=cat.BLOG_EVENT_SUBSCRIPTION, sns_topic_arn=topic_arn,
        bastion_instance_id=instance_id, bastion_private_ip=private_ip, bastion_region=blog_region,
        surroundings_seeded=True, seconds=seed.seconds + time.perf_counter() - started,
    )


def seed_aws(
    endpoint_url: str,
    *,
    credentials: SandboxCredentials | None = None,
    db_password: str,
    now: datetime | None = None,
    transport: WsgiTransport | None = None,
) -> SeedInfo:
    """Create the sandbox's clusters and their surroundings on an empty endpoint; return what was
    made (both stages, :func:`seed_clusters` then :func:`seed_surroundings`)."""
    seed = seed_clusters(endpoint_url, credentials=credentials, db_password=db_password, now=now, transport=transport)
    return seed_surroundings(endpoint_url, seed, credentials=credentials, db_password=db_password, transport=transport)
