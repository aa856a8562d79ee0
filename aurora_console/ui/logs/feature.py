"""Plugs the Logs screen into the main window: the cluster action "Database logs…" (navigator
menu and the fleet's cluster details), Database ▸ Logs… (asks which cluster, and which instance:
writer or a reader) and a tab restorer.

The screen reads through the window's AWS session (the profile or the sandbox's endpoint): RDS
for the instances and their log files, CloudWatch Logs for the cluster-wide search. A slow
statement opens in the SQL editor through ``window.open_sql`` (an ``auto_explain`` plan through
``window.open_plan``, in the editor's plan view) on the connection profile that points at the
cluster, and its row in Top SQL through ``window.open_top_sql`` (this screen imports neither the
editor's nor the Performance screen's).
"""

from __future__ import annotations

MENU = "Database"
TAB_KIND = "logs"


def install(window) -> None:
    window.add_menu_action(MENU, "Logs…", lambda: ask_and_open(window), object_name="actionDatabaseLogs")
    window.add_cluster_action("Database logs…", lambda ref: open_logs(window, ref))
    window.register_tab_restorer(TAB_KIND, lambda spec: _restore(window, spec), needs="aws")


def tab_key(ref) -> str:
    return f"logs:{ref.profile or ''}:{ref.region}:{ref.cluster_id}"


def cluster_refs(window) -> list:
    """The clusters the navigator lists (PostgreSQL-compatible ones: the log is PostgreSQL's)."""
    return [s.ref for s in window.navigator.model.summaries() if "mysql" not in (s.ref.engine or "")]


def ref_for(window, instance_or_cluster: str):
    """``(ClusterRef, instance id or None)`` of a cluster id or one of its instances' ids."""
    for summary in window.navigator.model.summaries():
        if summary.ref.cluster_id == instance_or_cluster:
            return summary.ref, None
        if any(i.id == instance_or_cluster for i in summary.cluster.instances):
            return summary.ref, instance_or_cluster
    return None, None


def ask_and_open(window):
    """Database ▸ Logs…: which cluster (then which instance, when it has more than one)."""
    from PySide6.QtWidgets import QInputDialog

    refs = cluster_refs(window)
    if not refs:
        window.services.notifier.warning("Database logs", "No cluster is listed yet.",
                                         hint="Choose an AWS profile (or start the sandbox) so the navigator lists clusters.")
        return None
    labels = [f"{r.cluster_id} ({r.region})" for r in refs]
    choice, ok = QInputDialog.getItem(window, "Database logs", "Cluster:", labels, 0, False)
    if not ok:
        return None
    ref = refs[labels.index(choice)]
    summary = next(s for s in window.navigator.model.summaries() if s.ref == ref)
    instances = _instance_labels(summary)
    prefer = None
    if len(instances) > 1:
        picked, ok = QInputDialog.getItem(window, "Database logs", "Instance:", [label for _, label in instances], 0,
                                          False)
        if not ok:
            return None
        prefer = next(i for i, label in instances if label == picked)
    return open_logs(window, ref, prefer=prefer)


def _instance_labels(summary) -> list[tuple[str, str]]:
    """``(instance id, "writer: id" | "reader: id")``, the writer first."""
    writer = summary.writer
    ids = sorted((i.id for i in summary.cluster.instances), key=lambda i: (i != writer, i))
    return [(i, f"{'writer' if i == writer else 'reader'}: {i}") for i in ids]


def _restore(window, spec: dict) -> None:
    from aurora_console.core.aws.fleet.models import ClusterRef

    ref = ClusterRef(spec.get("profile"), spec["region"], spec["cluster_id"], spec.get("engine", ""),
                     spec.get("endpoint_url"))
    open_logs(window, ref)


def open_logs(window, ref, *, prefer: str | None = None, sources=None, follow_interval: float | None = None):
    """Open (or focus) the Logs screen of the cluster ``ref`` (a ``ClusterRef``) and return it.
    ``prefer``: the instance to show first (default: the writer). ``sources``: stand-ins for
    the AWS clients (tests only)."""
    services = window.services
    key = tab_key(ref)
    existing = window.find_tab(key)
    if existing is not None:
        screen = window.open_tab(key, "", lambda: existing)
        if prefer is not None and screen.controller.instance is not None \
                and screen.controller.instance.instance_id != prefer:
            screen.controller.select_instance(prefer)
        return screen
    from .controller import LogsController
    from .screen import LogsScreen

    kwargs = {} if follow_interval is None else {"follow_interval": follow_interval}
    controller = LogsController(services.runner, ref.cluster_id, sources or AwsLogSources(services, ref),
                                prefer=prefer, **kwargs)
    profile = _profile(window, ref)

    def open_sql(text: str):
        return window.open_sql(profile, text)

    def open_plan(text: str, plan):
        return window.open_plan(profile, text, plan)

    def open_top_sql(text: str):
        instance = controller.instance
        return window.open_top_sql(ref, instance.instance_id if instance is not None else None, text)

    def make():
        return LogsScreen(services.runner, controller, open_sql=open_sql if profile is not None else None,
                          open_plan=open_plan if profile is not None else None,
                          open_top_sql=open_top_sql if profile is not None else None)

    screen = window.open_tab(key, f"Logs · {ref.cluster_id}", make,
                             spec={"kind": TAB_KIND, "profile": ref.profile, "region": ref.region,
                                   "cluster_id": ref.cluster_id, "engine": ref.engine,
                                   "endpoint_url": ref.endpoint_url})
    controller.start()
    return screen


def _profile(window, ref) -> str | None:
    from aurora_console.ui.profile_picker import profile_for_cluster

    return profile_for_cluster(window, ref.cluster_id)


class AwsLogSources:
    """The screen's data through the window's AWS session (every method runs on a worker)."""

    def __init__(self, services, ref) -> None:
        self.services = services
        self.ref = ref

    def _client(self, service: str):
        aws = self.services.aws
        if aws is None:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError("No AWS session: choose an AWS profile (or start the sandbox).")
        return aws.client(service, self.ref.target)

    def instances(self) -> list:
        from aurora_console.core.performance.instances import cluster_instances

        return cluster_instances(self._client("rds"), self.ref.cluster_id)

    def exports_to_cloudwatch(self) -> bool:
        from aurora_console.core.aws.db_logs.cloudwatch import exports_postgresql_log
        from aurora_console.core.aws.fleet.inventory import describe_cluster

        cluster = describe_cluster(self._client("rds"), self.ref.cluster_id)
        return cluster is not None and exports_postgresql_log(cluster)

    def rds(self):
        return self._client("rds")

    def logs(self):
        return self._client("logs")
