"""Endpoints of a fleet cluster for the profile editor (writer, reader, custom, instances)."""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.connections.profile import (
    DEFAULT_LOGINS,
    ClusterEndpointRef,
    ConnectionProfile,
    PasswordSource,
    default_port,
    engine_of_cluster,
)


@dataclass(frozen=True)
class EndpointChoice:
    kind: str  # writer | reader | custom | instance
    name: str
    address: str
    port: int

    @property
    def label(self) -> str:
        return f"{self.kind}: {self.address}:{self.port}" if self.kind in ("writer", "reader") else (
            f"{self.kind} {self.name}: {self.address}:{self.port}")


def cluster_endpoints(clients, aws_profile: str | None, region: str, cluster_id: str) -> list[EndpointChoice]:
    """``clients(service, aws_profile, region)`` as in ``passwords.clients_from_factory``."""
    from aurora_console.core.aws.errors import classify
    from aurora_console.core.aws.fleet.inventory import describe_cluster

    rds = clients("rds", aws_profile, region)
    try:
        c = describe_cluster(rds, cluster_id)
    except Exception as exc:
        raise classify(exc, profile=aws_profile, operation=f"Reading the endpoints of {cluster_id}") from None
    if c is None:
        return []
    port = int(c.get("Port") or default_port(engine_of_cluster(c.get("Engine"))))
    found = []
    if c.get("Endpoint"):
        found.append(EndpointChoice("writer", "writer", c["Endpoint"], port))
    if c.get("ReaderEndpoint"):
        found.append(EndpointChoice("reader", "reader", c["ReaderEndpoint"], port))
    try:
        for ep in rds.describe_db_cluster_endpoints(DBClusterIdentifier=cluster_id).get("DBClusterEndpoints", []):
            if ep.get("EndpointType", "").upper() == "CUSTOM" and ep.get("Endpoint"):
                found.append(EndpointChoice("custom", ep.get("DBClusterEndpointIdentifier", ""), ep["Endpoint"], port))
    except Exception:  # optional: some endpoints (the sandbox) do not implement it
        pass
    try:
        members = [m["DBInstanceIdentifier"] for m in c.get("DBClusterMembers", [])]
        if members:
            resp = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
            for inst in resp.get("DBInstances", []):
                ep = inst.get("Endpoint") or {}
                if ep.get("Address"):
                    found.append(EndpointChoice("instance", inst["DBInstanceIdentifier"], ep["Address"],
                                                int(ep.get("Port") or port)))
    except Exception:
        pass
    return found


def profile_for_cluster(ref, endpoints: list[EndpointChoice]) -> ConnectionProfile:
    """A new profile for the fleet cluster ``ref`` (``core.aws.fleet.models.ClusterRef``) on its
    writer endpoint (else the first one): the engine comes from the cluster (Aurora MySQL: engine
    "mysql", port 3306, user admin), the password from Secrets Manager in the cluster's region."""
    engine = engine_of_cluster(getattr(ref, "engine", ""))
    writer = next((e for e in endpoints if e.kind == "writer"), endpoints[0] if endpoints else None)
    database, user = DEFAULT_LOGINS[engine]
    return ConnectionProfile(
        name=ref.cluster_id[:64], host=writer.address if writer else "",
        port=writer.port if writer else default_port(engine), engine=engine, database=database, user=user,
        password=PasswordSource("secretsmanager", region=ref.region, aws_profile=ref.profile),
        cluster=ClusterEndpointRef(ref.profile, ref.region, ref.cluster_id, writer.kind if writer else "writer",
                                   writer.name if writer and writer.kind in ("custom", "instance") else ""))
