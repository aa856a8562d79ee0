"""Open the console window for scripted tests (used by the ``console`` fixture)."""

from __future__ import annotations

from argparse import Namespace


def console_options(*, sandbox: bool, profile: str | None = None, region: str | None = None,
                    endpoint_url: str | None = None) -> Namespace:
    from aurora_console.cli import build_parser

    argv = ["--sandbox"] if sandbox else []
    if profile:
        argv += ["--profile", profile]
    if region:
        argv += ["--region", region]
    if endpoint_url:
        argv += ["--endpoint-url", endpoint_url]
    opts, _ = build_parser().parse_known_args(argv)
    return opts


def open_console(qtbot, *, sandbox_info=None, profile: str | None = None, region: str | None = None,
                 endpoint_url: str | None = None, timeout_ms: int = 60000, persist_layout: bool = False):
    """Build services and the main window; wait for the first cluster load. Returns the window."""
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services
    from aurora_console.ui.main_window import MainWindow

    opts = console_options(sandbox=sandbox_info is not None, profile=profile, region=region,
                           endpoint_url=endpoint_url)
    services = build_services(opts, QApplication.instance())
    window = MainWindow(services)
    window.persist_layout = persist_layout
    qtbot.addWidget(window)
    window.restore_layout()
    window.show()
    with qtbot.waitSignal(window.load_finished, timeout=timeout_ms):
        if sandbox_info is not None:
            window.use_sandbox(sandbox_info)
        else:
            window.start()
    window.restore_tabs()
    return window


def close_console(window) -> None:
    from aurora_console.app import shutdown_services

    services = window.services
    services.sandbox_controller.set(None)  # the session's sandbox outlives one window
    window.close()
    shutdown_services(services)
