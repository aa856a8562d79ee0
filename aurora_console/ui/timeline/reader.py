"""Where the Change timeline of one cluster reads from, given the window's services: the RDS and
CloudTrail clients of the cluster's profile and region (CloudTrail paced per account and region,
shared by every screen), the console's audit log, and the migration history tables of every
connection profile pointing at the cluster (opened without asking for anything: a profile that
needs a typed password says so in its own line and the others still show).

Qt-free apart from what it is given; runs on a worker thread (``reader(task, since, until)``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from aurora_console.core.aws.timeline.cloudtrail import account_of, pacer_for
from aurora_console.core.aws.timeline.gather import Timeline, gather_timeline

log = logging.getLogger(__name__)

APPLICATION_NAME = "aurora-console-timeline"


def cluster_profiles(profiles: Iterable[Any], cluster_id: str, region: str | None = None) -> list[str]:
    """Names of the connection profiles whose cluster is ``cluster_id`` (in ``region`` when a
    profile names one)."""
    names = []
    for profile in profiles:
        target = getattr(profile, "cluster", None)
        if target is None or getattr(target, "cluster_id", None) != cluster_id:
            continue
        if region and getattr(target, "region", None) and target.region != region:
            continue
        names.append(profile.name)
    return names


class ClusterTimelineReader:
    """``reader(task, since, until)`` -> :class:`Timeline` of ``ref``'s cluster."""

    def __init__(self, services: Any, ref: Any, *, sources: Iterable[str] | None = None) -> None:
        self.services = services
        self.ref = ref
        self.sources = None if sources is None else tuple(sources)

    def profile_names(self) -> list[str]:
        names: list[str] = []
        sandbox = self.services.sandbox
        if sandbox is not None and getattr(getattr(sandbox, "seed", None), "blog_cluster_id", None) == self.ref.cluster_id:
            from aurora_console.ui.profile_picker import SANDBOX_PROFILE

            names.append(SANDBOX_PROFILE)
        try:
            names += cluster_profiles(self.services.profiles.list(), self.ref.cluster_id, self.ref.region)
        except Exception as exc:  # noqa: BLE001 - an unreadable profile file leaves migrations out
            log.warning("timeline: connection profiles unreadable: %s", exc)
        return list(dict.fromkeys(names))

    def migration_readers(self) -> dict[str, Callable[[datetime, datetime], list]]:
        controller = self.services.connections.get()
        if controller is None:
            return {}
        return {name: (lambda start, end, n=name: _profile_migrations(controller, n, start, end))
                for name in self.profile_names()}

    def __call__(self, task: Any, since: datetime, until: datetime) -> Timeline:
        aws, ref = self.services.aws, self.ref
        rds = aws.client("rds", ref.target) if aws is not None else None
        cloudtrail = aws.client("cloudtrail", ref.target) if aws is not None else None
        endpoint = ref.endpoint_url or getattr(aws, "endpoint_url", None)
        pacer = pacer_for(ref.profile, ref.region, endpoint, account=self.account_id())
        return gather_timeline(cluster_id=ref.cluster_id, since=since, until=until, rds=rds, cloudtrail=cloudtrail,
                               audit=self.services.audit, migrations=self.migration_readers(), sources=self.sources,
                               pacer=pacer, task=task, profile=ref.profile)

    def account_id(self) -> str | None:
        """Worker thread: the account of the cluster's profile, from the caller identity the audit
        log caches (STS asked once per profile); None when unknown (the pacer falls back to the profile)."""
        caller = getattr(self.services.audit, "caller", None)
        if caller is None:
            return None
        try:
            return account_of(caller(self.ref.target))
        except Exception as exc:  # noqa: BLE001 - pacing by profile is the fallback
            log.info("timeline: caller identity unavailable: %s", exc)
            return None


def _profile_migrations(controller: Any, name: str, start: datetime, end: datetime) -> list:
    """Worker thread: the migration runs in ``[start, end)`` of profile ``name``'s database."""
    from aurora_console.core.connections.opener import open_connection
    from aurora_console.core.performance.explain_window import read_migrations

    opened = open_connection(controller.profile(name), manager=controller.manager, clients=controller.aws_clients(),
                             keep_tunnel=True, application_name=APPLICATION_NAME)
    try:
        conn = opened.connect()
        try:
            return read_migrations(conn, start, end)
        finally:
            conn.close()
    finally:
        opened.close()
