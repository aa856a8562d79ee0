"""Plugs the Performance screen into the main window: Database ▸ Performance…, the cluster action
"Performance…" (navigator menu and the fleet's cluster details), and a tab restorer.

A screen is opened for a connection profile (``open_performance(window, profile)``), for a fleet
cluster (``open_for_cluster``: the profile that points at it, the sandbox's blog profile on the
sandbox), or for a typed libpq connection string. The instance picker lists the cluster's writer
and readers (RDS, on a worker); the profile is opened aimed at the chosen instance's own endpoint
(``core.performance.instances.profile_for_instance`` through ``core.connections.opener``), asking
what it needs through the window's ``ConnectionsController``. A profile not tied to a cluster has
one "instance": its own endpoint.
"""

from __future__ import annotations

from typing import Any

from aurora_console.ui.profile_picker import ask_target, cluster_profile_for

MENU = "Database"
TAB_KIND = "performance"
MANUAL = "manual"


def install(window) -> None:
    window.add_menu_action(MENU, "Performance…", lambda: ask_and_open(window), object_name="actionPerformance")
    window.add_cluster_action("Performance…", lambda ref: open_for_cluster(window, ref))
    window.register_tab_restorer(TAB_KIND, lambda spec: open_performance(window, spec["profile"],
                                                                         prefer=spec.get("instance")))
    # on a metrics chart, a dragged time range: the Performance screen explains it
    window.add_time_window_action("Explain this window",
                                  lambda ref, start, end: open_for_cluster(window, ref, explain=(start, end)))
    # the Logs screen's "Find in Top SQL": a logged statement's row, by normalised text
    window.set_top_sql_opener(lambda ref, instance, text: open_top_sql(window, ref, instance, text))
    install_background(window)


#: how often the background recording looks for due snapshots (each profile: one a minute)
BACKGROUND_TICK_MS = 10_000


def install_background(window):
    """Top SQL snapshots in the background for the profiles whose setting is on, while the window
    lives (see ``background.py``): a timer whose first tick (or ``background_of``) makes the
    ``BackgroundRecording``, so start-up does not load the recorder's modules. Returns the timer."""
    from PySide6.QtCore import QTimer

    services = window.services
    made: list = []

    def recording():
        if not made:
            from .background import BackgroundRecording

            made.append(BackgroundRecording(services.runner, settings=lambda: services.settings.settings,
                                            save_settings=services.settings.save,
                                            open_writer=lambda profile: _open_writer(window, profile),
                                            open_store=lambda: _open_store(services)))
        return made[0]

    timer = QTimer(window, objectName=BACKGROUND_TIMER)
    timer.setInterval(BACKGROUND_TICK_MS)
    timer.timeout.connect(lambda: recording().tick())
    window.after_start(0, timer.start)  # ticking once the start's first load ended, not during it
    timer.setProperty("recording", recording)  # background_of(window) makes it or finds it again
    timer.destroyed.connect(lambda *_: made and made[0].close())  # with the window
    return timer


BACKGROUND_TIMER = "performanceBackgroundTimer"


def background_of(window):
    """The window's ``BackgroundRecording`` (None when the feature did not install it)."""
    from PySide6.QtCore import QTimer

    timer = window.findChild(QTimer, BACKGROUND_TIMER)
    return timer.property("recording")() if timer is not None else None


def _open_store(services):
    from aurora_console.core.performance.snapshots import SnapshotStore

    settings = services.settings.settings
    days = getattr(settings, "top_sql_retention_days", 7)
    max_mb = getattr(settings, "top_sql_store_max_mb", 200)
    return SnapshotStore(store_path(services.paths), retention_days=days, max_bytes=max_mb * 2**20)


def _open_writer(window, profile_name: str):
    """Worker thread: the profile aimed at its cluster's writer (its own endpoint without a
    cluster), opened without asking anything; ``(instance key, DatabaseConnection)``."""
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.core.connections.opener import open_connection
    from aurora_console.core.errors import ConsoleError
    from aurora_console.core.performance.activity import APPLICATION_NAME
    from aurora_console.core.performance.instances import (
        PROFILE,
        cluster_instances,
        profile_endpoint,
        profile_for_instance,
    )

    services = window.services
    controller = services.connections.get()
    if controller is None:
        raise ConsoleError("The connections feature did not load, so profiles cannot be opened.")
    profile = controller.profile(profile_name)
    instance = profile_endpoint(profile)
    target, aws = profile.cluster, services.aws
    if target is not None and target.cluster_id and aws is not None:
        ref = ClusterRef(target.aws_profile, target.region, target.cluster_id, "postgres",
                         getattr(aws, "endpoint_url", None))
        writers = [i for i in cluster_instances(aws.client("rds", ref.target), ref.cluster_id) if i.role == "writer"]
        instance = writers[0] if writers else instance
    source = open_connection(profile_for_instance(profile, instance), manager=controller.manager,
                             clients=controller.aws_clients(), keep_tunnel=instance.role == PROFILE,
                             application_name=APPLICATION_NAME)
    return f"{profile_name}/{instance.instance_id}", source


def tab_key(profile: str) -> str:
    return f"performance:{profile}"


def ask_and_open(window):
    target = ask_target(window, window, "Performance")
    if target is None:
        return None
    profile, conninfo = target
    return open_performance(window, profile, connect=conninfo)


def open_for_cluster(window, ref, **kwargs):
    """The Performance screen of the fleet cluster ``ref`` (a ``ClusterRef``), through the
    connection profile that points at it."""
    profile = cluster_profile_for(window, ref, "Performance")  # PostgreSQL and MySQL clusters alike
    return None if profile is None else open_performance(window, profile, ref=ref, **kwargs)


def open_performance(window, profile: str, *, ref=None, connect=None, read_only: bool | None = None,
                     prefer: str | None = None, readers=None, explain: tuple[float, float] | None = None):
    """Open (or focus) the Performance screen of ``profile`` and return it.

    ``connect``: a conninfo string or psycopg kwargs dict (tests, "Connection string…"): one
    instance, that server. ``ref``: the cluster (else the profile's own cluster target, if it has
    one). ``prefer``: the instance id to open first (default: the writer). ``explain``: a window
    ``(start, end)`` (epoch seconds) to explain once the instance is open ("Explain this window").
    ``readers``: stand-ins for the core readers (``LiveReaders``), for tests only.
    """
    services = window.services
    label = "connection string" if connect is not None and profile == MANUAL else profile
    key = tab_key(label)
    existing = window.find_tab(key)
    if existing is not None:
        screen = window.open_tab(key, "", lambda: existing)
        if explain is not None:
            explain_when_open(screen, *explain)
        return screen
    from .controller import PerformanceController
    from .recorder import PerformanceRecorder
    from .screen import PerformanceScreen

    ro = services.is_read_only(label) if read_only is None else read_only
    where = _Where(window, label, ref, connect)
    recorder = PerformanceRecorder(services.runner, open_store=where.open_store, sources=where.window_sources())
    controller = PerformanceController(
        services.runner, ref.cluster_id if ref is not None else label, list_instances=where.instances,
        open_instance=where.open_instance, read_only=bool(ro), audit=services.audit, audit_target=where.audit_target,
        readers=readers, cloudwatch_lag=where.cloudwatch_lag, recorder=recorder, history_name=label)
    spec = None if connect is not None else {"kind": TAB_KIND, "profile": label}

    def open_sql(text: str):
        if connect is None:
            return window.open_sql(label, text)
        if isinstance(connect, str):
            return window.open_sql(connect, text)  # the SQL editor takes a connection string too
        services.notifier.warning("Performance", "This screen was opened on connection parameters the SQL editor "
                                  "cannot take; copy the statement instead.")
        return None

    def make():
        return PerformanceScreen(services.runner, controller, title=label, open_sql=open_sql,
                                 background=background_of(window) if connect is None else None)

    title = f"Performance · {ref.cluster_id if ref is not None else label}"
    screen = window.open_tab(key, title, make, spec=spec)
    controller.start(prefer=prefer)
    if explain is not None:
        explain_when_open(screen, *explain)
    return screen


def open_top_sql(window, ref, instance_id: str | None, text: str):
    """The Performance screen of cluster ``ref`` on Top SQL, ``instance_id`` first (a new
    screen; an open one stays on its instance), selecting the statement ``text`` (as the log
    shows it) by its normalised text once the window's statements are read."""
    screen = open_for_cluster(window, ref, prefer=instance_id)
    if screen is not None:
        select_when_read(screen, text, window.services.notifier)
    return screen


def select_when_read(screen, text: str, notifier=None) -> None:
    """Show Top SQL and select the row whose ``normalised_sql`` is ``text``'s: now if it is shown,
    else when a later read shows it (the first snapshots of a new screen may not have it yet).
    Statements read without it: ``notifier`` says so, once. Watching stops at the match or when
    the user selects another row."""
    from aurora_console.core.db.normalised_sql import normalised_sql

    view, key = screen.top_sql_view, normalised_sql(text)
    screen.show_tab("Top SQL")
    view.state.select(None)  # a row selected before is not the one asked for
    warned: list[bool] = []

    def attempt(*_args) -> None:
        state = view.state
        if state.selected_key is not None:  # the user chose a row: theirs stays
            state.changed.disconnect(attempt)
            return
        match = next((st for st in state.visible if st.query and normalised_sql(st.query) == key), None)
        if match is not None:
            state.changed.disconnect(attempt)
            view.select_statement(match.queryid)
        elif state.rows and not warned and notifier is not None:
            warned.append(True)
            notifier.warning("Top SQL", "The statement is not among this window's Top SQL statements.",
                             hint="Widen the window (it may have run before the first snapshot), or read "
                                  "pg_stat_statements' text: it may have been evicted.")

    view.state.changed.connect(attempt)  # before the first attempt, which may disconnect it
    attempt()


def explain_when_open(screen, start: float, end: float) -> None:
    """Explain the window on ``screen`` now if its instance is open, else as soon as it is."""
    c = screen.controller
    if c.link is not None and c.reading is not None:
        screen.explain(start, end)
        return

    def check() -> None:
        if c.link is not None and c.reading is not None:
            c.changed.disconnect(check)
            screen.explain(start, end)
        elif c.closed or (c.last_error is not None and c.link is None and not c.connecting):
            c.changed.disconnect(check)  # opening failed: the screen says why

    c.changed.connect(check)


class _Where:
    """Where the screen's data comes from: the profile, its cluster (for the instance list, the
    audit entries and CloudWatch) and how an instance is opened."""

    def __init__(self, window, profile: str, ref, connect) -> None:
        self.window, self.services = window, window.services
        self.profile, self.ref, self.connect = profile, ref, connect
        self._cluster_ref = ref

    # -- the cluster ---------------------------------------------------------------------------------
    def cluster_ref(self):
        """The ``ClusterRef`` of the profile's cluster (worker thread: reads the profile)."""
        if self._cluster_ref is None and self.connect is None:
            from aurora_console.core.aws.fleet.models import ClusterRef

            target = getattr(self._profile(), "cluster", None)
            if target is not None and target.cluster_id:
                aws = self.services.aws
                self._cluster_ref = ClusterRef(target.aws_profile, target.region, target.cluster_id, "postgres",
                                               getattr(aws, "endpoint_url", None))
        return self._cluster_ref

    def _profile(self):
        controller = self.services.connections.get()
        if controller is None:
            return None
        try:
            return controller.profile(self.profile)
        except Exception:  # noqa: BLE001 - an unknown profile fails later, where it is opened
            return None

    def _client(self, service: str):
        ref, aws = self.cluster_ref(), self.services.aws
        if ref is None or aws is None:
            return None
        return aws.client(service, ref.target)

    @property
    def audit_target(self):
        from aurora_console.core.aws.session import AwsTarget

        ref = self._cluster_ref
        return ref if ref is not None else AwsTarget(self.profile, "")

    def instances(self) -> list:
        """Worker thread: the cluster's writer and readers, else the profile's own endpoint."""
        from aurora_console.core.performance.instances import (
            InstanceEndpoint,
            cluster_instances,
            profile_endpoint,
        )

        if self.connect is not None:
            return [InstanceEndpoint(self.profile, "profile", _conninfo_host(self.connect), 0)]
        rds = self._client("rds")
        if rds is not None:
            found = cluster_instances(rds, self.cluster_ref().cluster_id)
            if found:
                return found
        profile = self._profile()
        if profile is None:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError(f"No connection profile named {self.profile!r}.")
        return [profile_endpoint(profile)]

    # -- what the recorder reads ----------------------------------------------------------------------------
    def open_store(self):
        """Worker thread: the console's Top SQL snapshot store (owner-only SQLite in the data
        folder), bounded by the retention and size settings."""
        return _open_store(self.services)

    def window_sources(self):
        from .recorder import WindowSources

        def cluster_id() -> str:
            ref = self._cluster_ref  # found with the instances (worker); no I/O here
            return ref.cluster_id if ref is not None else ""

        return WindowSources(cluster_id=cluster_id, load_target=self.load_target,
                             pi_client=lambda: self._client("pi"), rds_events=self.rds_events, audit=self.audit_entries)

    def load_target(self, instance):
        """Worker thread: the instance as RDS describes it (Performance Insights on or off, its
        class for the vCPU line); None without a cluster."""
        from aurora_console.core.performance.load import describe_load_target

        rds = self._client("rds") if instance is not None and instance.role != "profile" else None
        return describe_load_target(rds, instance.instance_id) if rds is not None else None

    def rds_events(self, start: float, end: float, instance_ids: list[str]) -> list:
        from aurora_console.core.performance.explain_window import read_rds_events

        rds = self._client("rds")
        if rds is None:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError("No cluster is known for this profile, so there are no RDS events to read.")
        return read_rds_events(rds, self.cluster_ref().cluster_id, start, end, instance_ids=instance_ids)

    def audit_entries(self, start: float, end: float, instance_ids: list[str]) -> list:
        from aurora_console.core.performance.explain_window import audit_in_window

        ref = self.cluster_ref()
        return audit_in_window(self.services.audit, start, end, cluster_id=ref.cluster_id if ref else self.profile,
                               instance_ids=instance_ids, profile=ref.profile if ref else self.profile)

    def cloudwatch_lag(self, instance_ids: list[str]) -> dict:
        """Worker thread: CloudWatch ``AuroraReplicaLag`` of the readers (nothing without a cluster)."""
        from aurora_console.core.performance.replication import cloudwatch_replica_lag

        cw = self._client("cloudwatch")
        return cloudwatch_replica_lag(cw, instance_ids) if cw is not None else {}

    # -- opening an instance -------------------------------------------------------------------------------
    def open_instance(self, instance, on_done, on_error) -> None:
        from aurora_console.core.performance.activity import APPLICATION_NAME

        if self.connect is not None:
            from aurora_console.core.db.migrations.engine import connection_factory

            on_done(_DirectSource(connection_factory(self.connect, application_name=APPLICATION_NAME)))
            return
        controller = self.services.connections.get()
        if controller is None:
            on_error(RuntimeError("the connections feature did not load, so profiles cannot be opened"))
            return

        def work(profile, secrets: dict, ctx):
            from aurora_console.core.connections.opener import open_connection
            from aurora_console.core.performance.instances import PROFILE, profile_for_instance

            return open_connection(profile_for_instance(profile, instance), manager=controller.manager,
                                   clients=controller.aws_clients(), password=secrets.get("password"),
                                   passphrase=secrets.get("passphrase"), task=ctx,
                                   keep_tunnel=instance.role == PROFILE, application_name=APPLICATION_NAME)

        def declined(what: str, _exc: BaseException) -> None:
            from aurora_console.core.errors import ConsoleError
            from aurora_console.ui.connections.controller import declined_text

            on_error(ConsoleError(f"Not connected to {instance.label}: {declined_text(what)}."))

        controller.connect_profile(self.profile, work, title=f"Connect {self.profile} ({instance.instance_id})",
                                   queue=f"performance-connect:{self.profile}", on_done=on_done, on_error=on_error,
                                   on_declined=declined)


def store_path(paths):
    """Where the Top SQL snapshots are kept (one store for every profile and instance)."""
    return paths.data_dir / "performance" / "top_sql.sqlite3"


class _DirectSource:
    """A typed connection string: connections made from it, nothing to close."""

    read_only = False

    def __init__(self, connect) -> None:
        self._connect = connect

    def connect(self) -> Any:
        return self._connect()

    def close(self) -> None:
        pass


def _conninfo_host(connect) -> str:
    if isinstance(connect, dict):
        return str(connect.get("host", ""))
    for part in str(connect).split():
        if part.startswith("host="):
            return part[5:]
    return ""
