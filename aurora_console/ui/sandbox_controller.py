"""Starts the sandbox off the UI thread, in stages, and switches the window onto it."""

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

    def start(self) -> None:
        if self.started:
            if self.sandbox is not None and self.sandbox.info is not None:
                self.window.use_sandbox(self.sandbox.info)
            return
        self.started = True
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
            self.sandbox = Sandbox(state_dir, reset=reset)
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
        self.window.use_sandbox(info)
        self.aws_ready.emit(info)
        sandbox = self.sandbox
        self.services.runner.submit(lambda ctx: sandbox.start_metrics(ctx), name="Sandbox: CloudWatch history",
                                    queue="sandbox-metrics", on_done=self.metrics_ready.emit,
                                    on_error=lambda exc: self.services.notifier.warning(
                                        "Sandbox metrics", f"The CloudWatch history could not be seeded: {exc}"))
        self.services.runner.submit(lambda ctx: self._start_database(ctx), name="Sandbox: PostgreSQL and bastion",
                                    queue="sandbox-db", on_done=self._database_done,
                                    on_error=lambda exc: self._database_done({"database": False, "error": str(exc)}))

    def _start_database(self, ctx) -> dict:
        info = self.sandbox.start_database(ctx)
        result: dict = {"database": info.database_ready, "error": info.db_error}
        if info.database_ready:
            from aurora_console.sandbox.checks import check_database_through_bastion

            result.update(check_database_through_bastion(
                info, self.services.aws, ctx, known_hosts=self.services.paths.known_hosts_file))
        return result

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

    def shutdown(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
