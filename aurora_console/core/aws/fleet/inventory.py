"""The cluster inventory: Aurora clusters, instances, endpoints, proxies and global clusters for
profiles x regions, loaded concurrently; each region delivered as soon as it is read. The one
loader and the one cache (:class:`ClusterInventory`) behind the navigator and the fleet view, and
the one "describe one cluster" call (:func:`describe_cluster`).

A failing region (AccessDenied, region not enabled, throttling after botocore's retries, endpoint
error) is recorded on that region's :class:`RegionInventory`; it never stops the others. An
optional call that the endpoint does not implement (HTTP 500, unknown action) becomes a warning
on the region and the rest of that region is still shown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Protocol

from aurora_console.core.aws import errors as aws_errors
from aurora_console.core.aws.fleet.build import build_region
from aurora_console.core.aws.fleet.models import Cluster, ClusterRef, RegionInventory
from aurora_console.core.tasks import Cancelled, TaskContext

log = logging.getLogger(__name__)


class ClientFactory(Protocol):
    def client(self, service: str, target: Any) -> Any: ...


RegionCallback = Callable[[RegionInventory], None]

#: (operation, result key) of the paginated calls that every region needs.
REQUIRED_CALLS = (
    ("describe_db_clusters", "DBClusters"),
    ("describe_db_instances", "DBInstances"),
)
#: Calls whose failure only costs a part of the picture (a warning on the region).
OPTIONAL_CALLS = (
    ("describe_db_cluster_endpoints", "DBClusterEndpoints"),
    ("describe_global_clusters", "GlobalClusters"),
    ("describe_db_proxies", "DBProxies"),
    ("describe_pending_maintenance_actions", "PendingMaintenanceActions"),
)


#: Calls of one region made at the same time. 1 (one after the other) by default: parallel calls
#: did not pay against moto, and several threads parsing at once starve the UI thread of the GIL.
CALLS_IN_PARALLEL = 1


class UnsupportedCalls:
    """Remembers (endpoint, operation) pairs an endpoint answered "not supported" for, so a
    refresh does not pay botocore's retries on them again. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: set[tuple[str, str]] = set()

    def add(self, where: str, operation: str) -> None:
        with self._lock:
            self._seen.add((where, operation))

    def __contains__(self, item: tuple[str, str]) -> bool:
        with self._lock:
            return item in self._seen


#: The fields the fleet models read; the rest of each item is dropped as its page arrives, so a
#: large fleet keeps far fewer objects alive (less work for the garbage collector, which stalls
#: every thread while it runs).
KEEP_FIELDS = {
    "describe_db_clusters": frozenset((
        "DBClusterIdentifier", "Engine", "EngineVersion", "Status", "DBClusterArn", "Port", "Endpoint",
        "ReaderEndpoint", "CustomEndpoints", "DBClusterMembers", "MultiAZ", "StorageEncrypted", "KmsKeyId",
        "IAMDatabaseAuthenticationEnabled", "DeletionProtection", "DBClusterParameterGroup", "VpcSecurityGroups",
        "BackupRetentionPeriod", "PreferredBackupWindow", "PreferredMaintenanceWindow", "EarliestRestorableTime",
        "LatestRestorableTime", "TagList")),
    "describe_db_instances": frozenset((
        "DBInstanceIdentifier", "DBClusterIdentifier", "PromotionTier", "DBInstanceClass", "AvailabilityZone",
        "DBInstanceStatus", "Engine", "EngineVersion", "Endpoint", "DBParameterGroups", "PerformanceInsightsEnabled",
        "MonitoringInterval", "PubliclyAccessible", "DBInstanceArn")),
}


#: KEEP_FIELDS by the structure the answers hold them in: botocore parses only those members
#: (core/aws/fleet/sliced_parse.py), not every field only to drop it here.
KEEP_MEMBERS = {"DBCluster": KEEP_FIELDS["describe_db_clusters"], "DBInstance": KEEP_FIELDS["describe_db_instances"]}


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """All items of ``key`` over every page (botocore paginator; follows Marker)."""
    items: list[dict[str, Any]] = []
    keep = KEEP_FIELDS.get(operation)
    for page in client.get_paginator(operation).paginate(**kwargs):
        if keep is None:
            items.extend(page.get(key, []))
        else:
            items.extend({k: v for k, v in item.items() if k in keep} for item in page.get(key, []))
    return items


def describe_cluster(rds: Any, cluster_id: str) -> dict[str, Any] | None:
    """One cluster as DescribeDBClusters reports it now (None when the answer lists none). AWS
    errors, "not found" included, are raised for the caller to word."""
    clusters = rds.describe_db_clusters(DBClusterIdentifier=cluster_id).get("DBClusters", [])
    return clusters[0] if clusters else None


def _target_label(target: Any, label: str | None = None) -> tuple[str, str, str | None]:
    profile = getattr(target, "profile", None) or label or "default"
    return (profile, target.region, getattr(target, "endpoint_url", None))


def load_region(
    factory: ClientFactory,
    target: Any,
    *,
    task: TaskContext | None = None,
    unsupported: UnsupportedCalls | None = None,
    profile_label: str | None = None,
    parallel_calls: int = CALLS_IN_PARALLEL,
) -> RegionInventory:
    """Read one profile x region. Never raises except :class:`Cancelled`. ``profile_label``
    names a target whose profile is None (the default chain, or the sandbox). ``parallel_calls``
    1 makes the calls one after the other, in a fixed order."""
    profile, region, endpoint_url = _target_label(target, profile_label)
    now = datetime.now(timezone.utc)
    try:
        rds = factory.client("rds", target)
        # botocore's, loaded with the client
        from aurora_console.core.aws.fleet.sliced_parse import parse_in_slices

        parse_in_slices(rds)  # a 3 MB page no longer holds the GIL for its whole parse
        where = str(getattr(getattr(rds, "meta", None), "endpoint_url", None) or endpoint_url or region)
        raw: dict[str, list[dict[str, Any]]] = {}
        warnings: list[str] = []
        skipped = {op for op, _ in OPTIONAL_CALLS if unsupported is not None and (where, op) in unsupported}
        calls = [(op, key) for op, key in REQUIRED_CALLS + OPTIONAL_CALLS if op not in skipped]
        # the region's calls are independent: run them side by side (a region costs its slowest
        # call, not the sum); results are read back in a fixed order
        workers = max(1, min(parallel_calls, len(calls)))
        from concurrent.futures import ThreadPoolExecutor  # with the first load, not at start-up

        with (ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inventory-call") if workers > 1
              else _InOrder()) as pool:
            futures = {op: pool.submit(_fetch, rds, op, key, task) for op, key in calls}
            try:
                for op, _key in REQUIRED_CALLS:
                    raw[op] = futures[op].result()  # a failing required call fails the region
            except BaseException:
                for f in futures.values():
                    f.cancel()
                raise
            for op, _key in OPTIONAL_CALLS:
                raw[op] = []
                if op in skipped:
                    warnings.append(f"{op}: {aws_errors.NOT_SUPPORTED_TEXT}")
                    continue
                try:
                    raw[op] = futures[op].result()
                except Cancelled:
                    raise
                except Exception as exc:  # noqa: BLE001 - recorded as a warning on the region
                    failure = aws_errors.classify_failure(exc, profile=profile, region=region, operation=op)
                    if failure.kind == aws_errors.UNSUPPORTED:
                        if unsupported is not None:
                            unsupported.add(where, op)
                        warnings.append(f"{op}: {aws_errors.NOT_SUPPORTED_TEXT}")
                    else:
                        warnings.append(failure.message)
        raw["proxy_targets"] = _proxy_targets(rds, raw.get("describe_db_proxies", []), warnings, task)
        inv = build_region(profile, region, endpoint_url, raw, warnings=tuple(warnings), loaded_at=now)
        return replace(inv, target=target)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - a region's failure stays on that region
        failure = aws_errors.classify_failure(exc, profile=profile, region=region)
        log.info("inventory %s/%s failed: %s", profile, region, failure.message)
        return RegionInventory(
            profile=profile,
            region=region,
            error=failure.message,
            error_kind=failure.kind,
            endpoint_url=endpoint_url,
            loaded_at=now,
            target=target,
            failure=aws_errors.classify(exc, profile=getattr(target, "profile", None), operation="DescribeDBClusters"),
        )


class _Later:
    """A call made when its result is first asked for (what :class:`_InOrder` hands out)."""

    def __init__(self, fn: Callable[..., Any], args: tuple) -> None:
        self._fn, self._args, self._done, self._value, self._error = fn, args, False, None, None

    def result(self) -> Any:
        if not self._done:
            self._done = True
            try:
                self._value = self._fn(*self._args)
            except BaseException as exc:  # noqa: BLE001 - re-raised to whoever asks
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> bool:
        """Never made from here on (a required call failed)."""
        if not self._done:
            self._done, self._error = True, Cancelled()
        return True


class _InOrder:
    """The executor for one call at a time: each call runs on this thread when its result is
    read, so a failing required call stops the region before any other call is made."""

    def __enter__(self) -> _InOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Later:
        return _Later(fn, args)


def _fetch(rds: Any, op: str, key: str, task: TaskContext | None) -> list[dict[str, Any]]:
    if task is not None:
        task.check()
    with _parsing(task):
        return paginate(rds, op, key)


def _parsing(task: TaskContext | None):
    """This thread's answers: only the kept members parsed, the task's pause between slices."""
    from aurora_console.core.aws.fleet.sliced_parse import parsing_for  # botocore's, with the client

    return parsing_for(KEEP_MEMBERS, getattr(task, "pause", None))


def _proxy_targets(
    rds: Any, proxies: Sequence[dict[str, Any]], warnings: list[str], task: TaskContext | None
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for proxy in proxies:
        if task is not None:
            task.check()
        name = proxy.get("DBProxyName", "")
        try:
            with _parsing(task):
                out[name] = paginate(rds, "describe_db_proxy_targets", "Targets", DBProxyName=name)
        except Cancelled:  # the task's pause in the parse: a Stop, not a failed call
            raise
        except Exception as exc:  # noqa: BLE001
            warnings.append(f"{name}: {aws_errors.classify_failure(exc, operation='describe_db_proxy_targets').message}")
            out[name] = []
    return out


def load_inventory(
    factory: ClientFactory,
    targets: Iterable[Any],
    *,
    on_region: RegionCallback | None = None,
    task: TaskContext | None = None,
    max_workers: int = 8,
    unsupported: UnsupportedCalls | None = None,
    profile_label: str | None = None,
) -> list[RegionInventory]:
    """Load every target concurrently; ``on_region`` is called (on a worker thread) as each
    region arrives. Returns the regions in the order of ``targets``."""
    targets = list(targets)
    if not targets:
        return []
    from concurrent.futures import ThreadPoolExecutor, as_completed  # with the first load, not at start-up

    results: dict[int, RegionInventory] = {}
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(targets))), thread_name_prefix="inventory") as pool:
        futures = {pool.submit(load_region, factory, t, task=task, unsupported=unsupported, profile_label=profile_label): n for n, t in enumerate(targets)}
        try:
            for fut in as_completed(futures):
                region_inv = fut.result()
                results[futures[fut]] = region_inv
                done += 1
                if on_region is not None:
                    on_region(region_inv)
                if task is not None:
                    task.progress(100 * done / len(targets), f"{region_inv.key} loaded ({done}/{len(targets)})")
        except Cancelled:
            for f in futures:
                f.cancel()
            raise
    return [results[n] for n in range(len(targets))]


class ClusterInventory:
    """What is known of every (profile, region) shown: the one cache the navigator and the fleet
    view read (through one Qt model), and the endpoint quirks learnt while loading it.

    Plain Python. Loads run on worker threads (:meth:`load`); their regions are applied on one
    thread (the UI's) with :meth:`apply`."""

    def __init__(self) -> None:
        self.regions: dict[str, RegionInventory] = {}
        self.unsupported = UnsupportedCalls()

    def load(self, factory: ClientFactory, targets: Iterable[Any], *, on_region: RegionCallback | None = None,
             task: TaskContext | None = None, profile_label: str | None = None) -> list[RegionInventory]:
        """Read ``targets`` (see :func:`load_inventory`); nothing is applied here."""
        return load_inventory(factory, targets, on_region=on_region, task=task, unsupported=self.unsupported,
                              profile_label=profile_label)

    def merged(self, inv: RegionInventory) -> RegionInventory:
        """``inv`` as it should be kept: a failed refresh keeps the clusters read before, with
        the error on the region."""
        old = self.regions.get(inv.key)
        if inv.error and not inv.clusters and old is not None and old.clusters:
            return replace(old, error=inv.error, error_kind=inv.error_kind, warnings=inv.warnings,
                           loaded_at=inv.loaded_at, failure=inv.failure)
        return inv

    def apply(self, inv: RegionInventory) -> RegionInventory:
        inv = self.merged(inv)
        self.regions[inv.key] = inv
        return inv

    def remove(self, key: str) -> None:
        self.regions.pop(key, None)

    def clear(self) -> None:
        self.regions.clear()

    def clusters(self) -> list[tuple[RegionInventory, Cluster]]:
        return [(inv, c) for inv in self.regions.values() for c in inv.clusters]

    def refs(self) -> list[ClusterRef]:
        return [inv.ref(c) for inv, c in self.clusters()]

    def find(self, cluster: str | ClusterRef) -> tuple[RegionInventory, Cluster] | None:
        """The region and cluster named by a :class:`ClusterRef` (or, loosely, by an id alone)."""
        if isinstance(cluster, ClusterRef):
            return next(((inv, c) for inv, c in self.clusters()
                         if c.id == cluster.cluster_id and inv.region == cluster.region
                         and (cluster.profile is None or inv.target is None or inv.target.profile == cluster.profile)),
                        None)
        return next(((inv, c) for inv, c in self.clusters() if c.id == cluster), None)
