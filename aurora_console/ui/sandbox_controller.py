"""Starts the sandbox off the UI thread, in stages, and switches the window onto it; runs and
stops its workload (Tools ▸ Sandbox ▸ Run a workload / Stop the workload)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class SandboxController(QObject):
    aws_ready = Signal(object)
    database_checked = Signal(dict)  # {"database": bool, "error": str|None, ...}
    metrics_ready = Signal(object)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.services = window.services
        self.sandbox = None
        self.started = False
        self.workload = None  # the sandbox workload while it runs (sandbox.workload.Workload)
        self.workload_report = None  # how the last one ended (sandbox.workload.WorkloadReport)
        self._database_settled = False  # the database stage ended (no warm-up for its check then)

    def start(self) -> None:
        if self.started:
            if self.sandbox is not None and self.sandbox.info is not None:
                self.window.use_sandbox(self.sandbox.info)
            return
        self.started = True
        from aurora_console.sandbox.early_start import adopt
        from aurora_console.sandbox.runtime import Sandbox

        opts = self.services.options
        state_dir = self.services.paths.sandbox_state_dir(opts.sandbox_dir)  # where its settings live too
        reset = opts.sandbox_reset
        from aurora_console.sandbox.preflight import SandboxExtraMissing, check_sandbox_extra

        try:  # before anything claims to start: is the 'sandbox' extra installed?
            check_sandbox_extra()
        except SandboxExtraMissing as exc:
            self._aws_failed(exc)
            return
        self.window.navigator.show_status("Starting the sandbox…")
        self.window.show_status_message("Starting the sandbox: local AWS endpoint, PostgreSQL, bastion…")

        def create_and_start_aws(ctx):
            # the one the app began before the window was built (sandbox/early_start.py), else a new one
            self.sandbox = adopt(state_dir)
            if self.sandbox is None:
                self.sandbox = Sandbox(state_dir, reset=reset, cache_dir=self.services.paths.cache_dir)
                self.sandbox.mark_phase("sandbox made")
                # the second seed stage right after the first: the database check needs it
                self.sandbox.seed_rest_at_once = True
            return self.sandbox.start_aws(ctx)

        self.services.runner.submit(create_and_start_aws, name="Start the sandbox (AWS endpoint)",
                                    queue="sandbox-aws", on_done=self._aws_started, on_error=self._aws_failed)

    def _aws_failed(self, exc: BaseException) -> None:
        self.started = False  # File > Open the sandbox may try again
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
        self.services.notifier.error("The sandbox could not start", exc)
        self.window.navigator.show_status(f"The sandbox could not start: {exc}")
        self.window.show_status_message(f"The sandbox could not start: {exc}")  # no longer "Starting…"
        self.window.show_welcome()  # the main area says it too, instead of staying blank
        self.window.load_finished.emit(False, [f"sandbox: {exc}"])
        self.database_checked.emit({"database": False, "error": f"sandbox: {exc}"})

    def _aws_started(self, info) -> None:
        """The clusters are seeded: list them, start the database stage, and after the first listing
        seed the rest (snapshot, events, secrets, the bastion's instance). The CloudWatch history,
        the heaviest part, waits until the clusters are listed and the database is checked, so
        neither competes with it for the CPU."""
        from aurora_console.sandbox.checks import warm_database_check

        sandbox = self.sandbox
        waiting = {"listing", "database"}
        self._database_settled = False

        def metrics_after(done: str) -> None:
            if done not in waiting:
                return
            waiting.discard(done)
            if waiting:
                return
            self.services.runner.submit(lambda ctx: sandbox.start_metrics(ctx), name="Sandbox: CloudWatch history",
                                        queue="sandbox-metrics", on_done=self.metrics_ready.emit,
                                        on_error=lambda exc: self.services.notifier.warning(
                                            "Sandbox metrics", f"The CloudWatch history could not be seeded: {exc}"))

        def listed(*_) -> None:  # once, after the first cluster listing
            if "listing" not in waiting:
                return
            self.window.load_finished.disconnect(listed)
            sandbox.mark_phase("clusters listed")
            # the rest of the seed: until it is in, the endpoint holds the requests of the screens
            # that need it (sandbox/seed_gate.py); the database stage waits for it before the bastion
            self.services.runner.submit(lambda ctx: sandbox.seed_surroundings(ctx), name="Sandbox: seeding the rest",
                                        queue="sandbox-seed", on_error=lambda exc: self.services.notifier.warning(
                                            "Sandbox", f"Snapshots, events, secrets or the bastion's instance could "
                                            f"not be seeded: {exc}"))
            metrics_after("listing")
            if not self._database_settled:  # the database check's code and SSM client, while it waits
                self.services.runner.submit(lambda ctx: warm_database_check(info, self.services.aws),
                                            name="Sandbox: preparing the database check", queue="sandbox-warm",
                                            on_error=lambda exc: log.debug("warming the database check: %s", exc))

        def database_done(result: dict) -> None:
            self._database_settled = True
            self._database_done(result)
            metrics_after("database")

        self.window.load_finished.connect(listed)
        self.window.use_sandbox(info)
        self.aws_ready.emit(info)
        self.services.runner.submit(lambda ctx: self._start_database(ctx), name="Sandbox: PostgreSQL and bastion",
                                    queue="sandbox-db", on_done=database_done,
                                    on_error=lambda exc: database_done({"database": False, "error": str(exc)}))

    def _start_database(self, ctx) -> dict:
        sandbox = self.sandbox
        info = sandbox.start_database(ctx, shop=False)  # the shop's MariaDB after the check below
        try:
            result: dict = {"database": info.database_ready, "error": info.db_error}
            if info.database_ready:
                from aurora_console.sandbox.checks import check_database_through_bastion

                result.update(check_database_through_bastion(
                    info, self.services.aws, ctx, known_hosts=self.services.paths.known_hosts_file))
                sandbox.mark_phase("database checked")
            return result
        finally:
            sandbox.start_shop()

    def _database_done(self, result: dict) -> None:
        info = self.sandbox.info if self.sandbox is not None else None
        if result.get("error"):
            self.services.notifier.warning(
                "Sandbox database unavailable",
                f"The AWS screens work; the database features are unavailable: {result['error']}")
        elif info is not None:
            self.window.show_status_message(
                f"Sandbox ready: PostgreSQL on 127.0.0.1:{info.db_port}, bastion on "
                f"{info.bastion.host}:{info.bastion.port}", 10000)
        self.database_checked.emit(result)
        sandbox = self.sandbox
        if sandbox is not None:  # the shop's MariaDB starts beside PostgreSQL and may still be starting
            self.services.runner.submit(lambda ctx: sandbox.wait_for_mysql(), name="Sandbox: MariaDB (shop)",
                                        queue="sandbox-mysql", on_done=self._mysql_done, owner=self)

    def _mysql_done(self, info) -> None:
        """Say why the sandbox-shop profile is missing, or list it where profiles are shown."""
        if info.mysql_error:
            self.services.notifier.warning(
                "Sandbox MySQL unavailable", f"The sandbox-shop profile (MariaDB) is unavailable: {info.mysql_error}")
        elif info.mysql_port is not None:
            connections = self.services.connections.get()
            if connections is not None:
                connections.profiles_changed.emit()
            self.window.show_status_message("Sandbox: sandbox-shop (MariaDB) is ready through the bastion", 10000)

    # -- the workload ------------------------------------------------------------------------
    @property
    def database_ready(self) -> bool:
        sandbox = self.sandbox
        return sandbox is not None and sandbox.info is not None and sandbox.info.database_ready

    @property
    def workload_running(self) -> bool:
        return self.workload is not None

    def run_workload(self, plan=None) -> None:
        """Start the workload on the blog database (a runner task for its whole duration; its
        progress shows in the status bar, and cancelling the task stops it). ``plan``: a
        :class:`~aurora_console.sandbox.workload.WorkloadPlan` (default: 10 minutes)."""
        if self.workload is not None:
            self.window.show_status_message("The sandbox workload is already running.", 5000)
            return
        if not self.database_ready:
            self.services.notifier.warning("Sandbox workload", "The sandbox's database is not running: open the "
                                           "sandbox (File ▸ Open the sandbox) and wait until it is ready.")
            return
        from aurora_console.sandbox.workload import Workload, WorkloadPlan

        plan = plan or WorkloadPlan()
        workload = Workload(self.sandbox.database_conninfo(), plan)
        self.workload = workload
        minutes = plan.duration_s / 60
        self.services.runner.submit(workload.run, name=f"Sandbox workload ({minutes:g} min)", queue="sandbox-workload",
                                    on_done=lambda report: self._workload_ended(workload, report),
                                    on_error=lambda exc: self._workload_failed(workload, exc),
                                    on_cancelled=lambda: self._workload_ended(workload, None), owner=self)
        self.window.show_status_message(
            f"Sandbox workload started for {minutes:g} min: blog queries, a slow statement and a row lock "
            "others wait for (Tools ▸ Sandbox ▸ Stop the workload ends it).", 10000)

    def stop_workload(self) -> None:
        """Ask the running workload to stop (never blocks: its task cancels what runs, closes its
        sessions and ends once the server has ended their backends)."""
        if self.workload is None:
            return
        self.workload.request_stop()
        self.window.show_status_message("Stopping the sandbox workload…", 5000)

    def _workload_ended(self, workload, report) -> None:
        if self.workload is workload:
            self.workload = None
        self.workload_report = report if report is not None else workload.report
        text = self.workload_report.summary() if self.workload_report is not None else "stopped"
        self.window.show_status_message(f"Sandbox workload ended: {text}", 10000)
        if self.workload_report is not None and self.workload_report.leftover_backends:
            self.services.notifier.warning(
                "Sandbox workload", f"{self.workload_report.leftover_backends} of its sessions are still "
                "connected; they end when the sandbox stops.")

    def _workload_failed(self, workload, exc: BaseException) -> None:
        if self.workload is workload:
            self.workload = None
        self.workload_report = workload.report
        self.services.notifier.error("The sandbox workload failed", exc)

    def shutdown(self) -> None:
        if self.workload is not None:
            self.workload.request_stop()
            self.workload.wait(5.0)  # its task closes the sessions before the server stops
        if self.sandbox is not None:
            self.sandbox.stop()
