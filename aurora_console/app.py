"""Builds the QApplication, the services and the main window; runs the smoke test."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from argparse import Namespace

log = logging.getLogger("aurora_console")


def build_services(opts: Namespace, app):
    from aurora_console.core.paths import app_paths, settings_file_for
    from aurora_console.core.settings import SettingsStore
    from aurora_console.ui.notifications import Notifier
    from aurora_console.ui.services import Services
    from aurora_console.ui.start_options import StartOptions
    from aurora_console.ui.tasks import TaskRunner

    paths = app_paths().ensure()
    notifier = Notifier(app)
    runner = TaskRunner(notify_error=lambda name, exc: notifier.error(f"{name} failed", exc), parent=app)
    # a sandbox session keeps its own settings (tabs, regions, layouts) in the sandbox's folder:
    # it never reads or changes those of real AWS use
    sandbox = bool(getattr(opts, "sandbox", False))
    settings_file = settings_file_for(paths, sandbox=sandbox, sandbox_dir=getattr(opts, "sandbox_dir", None))
    store = SettingsStore(settings_file, inherit_from=paths.settings_file if sandbox else None)
    return Services.create(paths=paths, settings=store, runner=runner, notifier=notifier,
                           options=StartOptions.from_namespace(opts))


def shutdown_services(services) -> None:
    """Stop every background worker and service (tunnels, sandbox): nothing is left running.

    Tasks are cancelled first; services are stopped even if some workers are still busy (a stage
    of the sandbox start, a slow AWS call), which also unblocks those workers; then they are
    waited for once more.
    """
    idle = services.runner.shutdown(3000)
    for name, exc in services.shutdown_features():
        log.error("shutting down %s failed", name, exc_info=exc)
    if not idle and not services.runner.shutdown(10000):
        log.warning("some background work was still running at exit: %s",
                    ", ".join(h.name for h in services.runner.active()) or "unknown")


def install_qt_message_handler() -> None:
    """Route Qt's own messages into our (redacted) log instead of stderr."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    ignored = ("This plugin does not support propagateSizeHints",)  # offscreen platform, harmless

    def handler(mode, context, message) -> None:
        if not message.startswith(ignored):
            qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def skip_pyside_source_scans() -> bool:
    """Spare start-up PySide6's source scan of every module imported after it.

    PySide6's ``__feature__`` support (``shibokensupport/feature.py``, ``feature_imported``)
    reads the source of each newly imported module (``inspect.getsource``, through linecache) to
    learn whether it mentions "PySide6" and so might say ``from __feature__ import snake_case``:
    14-20 ms of CPU over the ~120 modules a start imports after PySide6. The answer is known
    without reading a file: a standard-library module never uses PySide6, and the console's own
    may (none selects a feature: tests/unit/test_app.py checks). Any other module is still read.
    Marking all of ours as PySide6 users is what the scan gives those that import it; for the
    Qt-free rest it only matters once some module selects a feature, which none does.

    Returns whether the scan was replaced (False if this PySide6 has no such scan).
    """
    feature = sys.modules.get("shibokensupport.feature")
    scan = getattr(feature, "_mod_uses_pyside", None)
    if scan is None or getattr(scan, "knows_stdlib_and_console", False):
        return False
    stdlib = sys.stdlib_module_names

    def uses_pyside(module) -> bool:
        top = str(getattr(module, "__name__", "")).partition(".")[0]
        if top == "aurora_console":
            return True
        if top in stdlib:
            return False
        return scan(module)

    uses_pyside.knows_stdlib_and_console = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside
    return True


class _FirstPaint:
    """Calls ``callback`` once, after the window's first paint event.

    It looks at the window's events only until then: the filter is removed with the first paint,
    so the window's later events (every resize, move, paint, hover of the session) never call
    into Python for it."""

    def __init__(self, window, callback) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self._done = False
        callback_ref = callback
        paint = QEvent.Type.Paint

        class Filter(QObject):
            def eventFilter(inner, obj, event):  # noqa: N802, N805
                if not self._done and event.type() == paint:
                    self._done = True
                    self._stop_listening()
                    QTimer.singleShot(0, callback_ref)
                return False

        self._window = window
        self._filter: QObject | None = Filter(window)
        window.installEventFilter(self._filter)
        # offscreen platforms may not paint an empty main window: fall back after the first loop turn
        QTimer.singleShot(250, self._fallback(callback))

    @property
    def listening(self) -> bool:
        """Whether the window's events still go through the filter (until the first paint)."""
        return self._filter is not None

    def _stop_listening(self) -> None:
        if self._filter is not None:
            self._window.removeEventFilter(self._filter)
            self._filter.deleteLater()
            self._filter = None

    def _fallback(self, callback):
        def run():
            if not self._done:
                self._done = True
                self._stop_listening()
                callback()
        return run


def _set_window_icon(app) -> None:
    """The app icon (resources/icons: the sizes a window system asks for, ui/icons.window_icon) for
    every window."""
    from aurora_console.ui.icons import window_icon

    icon = window_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)


def run_gui(opts: Namespace, qt_args: list[str], *, t0: float) -> int:
    import gc

    from aurora_console.core.logs import hold_early_records

    # what start-up makes (modules, Qt types, the window) lives as long as the app: no collection
    # until the first paint, which freezes it all and turns the collector back on
    gc.disable()
    hold_early_records()  # the log file opens after the first paint; what comes before waits for it
    if getattr(opts, "sandbox", False):  # its processes start while Qt loads and the window is built
        from aurora_console.core.paths import app_paths
        from aurora_console.sandbox.early_start import launch_for_options, spawn_endpoint

        spawn_endpoint(opts, app_paths())  # first: a process (no thread), ahead of everything below
        # shiboken6's import puts its support importer at the front of sys.meta_path and takes it
        # off again: done while the sandbox's threads import, a thread's search of sys.meta_path
        # could skip a finder and fail ("No module named 'datetime'", 1 start in ~20). So it is
        # loaded before any thread starts (its 70-90 ms are then no longer beside the sandbox's).
        import shiboken6  # noqa: F401

        launch_for_options(opts, app_paths())
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    skip_pyside_source_scans()  # before the console's own modules load
    from aurora_console import APP_NAME, __version__
    from aurora_console.ui.crash import install_excepthook
    from aurora_console.ui.main_window import MainWindow
    from aurora_console.ui.theme import apply_theme, follow_system

    t_imports = time.perf_counter()
    install_qt_message_handler()
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("aurora-console")
    app.setApplicationVersion(__version__)
    _set_window_icon(app)
    services = build_services(opts, app)
    theme = getattr(opts, "theme", None) or services.settings.settings.theme
    apply_theme(app, theme)
    follow_system(app, lambda: getattr(opts, "theme", None) or services.settings.settings.theme)

    window = MainWindow(services)
    install_excepthook(window, services.paths.log_file)
    window.restore_layout()

    # Ctrl+C / SIGTERM: quit cleanly (the sandbox and tunnels are stopped below)
    def _quit(*_):
        log.info("signal received, closing the window")
        window.close()  # asks like the close button (an open transaction); the app quits when it closes

    signal.signal(signal.SIGINT, _quit)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _quit)
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)  # lets Python run signal handlers while Qt's loop runs
    wake.start(200)

    timings: dict[str, float] = {"imports": round(t_imports - t0, 3)}
    smoke = SmokeTest(window, services, timings, t0, opts) if opts.smoke_test else None

    def first_paint() -> None:
        timings["first_paint"] = round(time.perf_counter() - t0, 3)
        # everything made so far lives as long as the app: keep it out of the garbage collector's
        # full passes, which otherwise stall the UI thread for tens of milliseconds
        gc.freeze()
        gc.enable()
        log.info("starting %s %s (sandbox=%s)", APP_NAME, __version__, opts.sandbox)
        # the AWS configuration read (or the sandbox start) first: it runs on a worker while this
        # thread opens the log file
        window.start()
        # the log file after the first paint: nothing before it needs a file, and the window
        # appears sooner; what was logged before (the line above first) is written first
        from aurora_console.core.logs import setup_logging

        setup_logging(services.paths.log_file)
        window.restore_tabs()

    _FirstPaint(window, first_paint)
    window.show()
    code = app.exec()
    window.close()
    shutdown_services(services)
    if getattr(opts, "sandbox", False):  # begun before the window and never taken over by it
        from aurora_console.sandbox.early_start import discard

        discard()
    if smoke is not None:
        code = smoke.report()
    log.info("exit %s", code)
    return code


def platform_text() -> str:
    """The smoke test's platform line, e.g. ``Linux-6.8.0-x86_64-with-glibc2.36``.

    On Linux it is read from ``os.uname()`` and the C library's own version string, as
    ``platform.platform()`` prints it, without what that costs a start: the platform module
    (~5 ms to import) and the ``uname -p`` child process it runs. Elsewhere (macOS names its
    product version, Windows its build) ``platform.platform()`` itself.
    """
    libc = ""
    if sys.platform.startswith("linux"):
        try:
            libc = os.confstr("CS_GNU_LIBC_VERSION") or ""  # "glibc 2.36"
        except (ValueError, OSError):
            libc = ""
    if not libc:
        import platform

        return platform.platform()
    u = os.uname()
    return "-".join(p.replace(" ", "_") for p in (u.sysname, u.release, u.machine, "with", libc.replace(" ", "")) if p)


class SmokeTest:
    """``--smoke-test``: wait for the initial load (and, on the sandbox, the database checks)."""

    def __init__(self, window, services, timings: dict, t0: float, opts) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        self.window, self.services, self.timings, self.t0, self.opts = window, services, timings, t0, opts
        # a smoke run checks the start, it is no session of the user's: their saved layout and
        # tabs stay as they were (as with the pytest kit's console fixture)
        window.persist_layout = False
        self.errors: list[str] = []
        self.checks: dict[str, object] = {}
        self.ok = False
        self._clusters_done = False
        self._sandbox_done = not opts.sandbox
        window.load_finished.connect(self._loaded)
        window.sandbox_ready.connect(self._sandbox_up)
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._finish(False, f"timed out after {opts.smoke_timeout:.0f} s"))
        self._timer.start(int(opts.smoke_timeout * 1000))
        self._quit = QApplication.quit

    def _sandbox_up(self, info) -> None:
        controller = self.services.sandbox_controller.get()
        if controller is not None:
            controller.database_checked.connect(self._db_checked)

    def _db_checked(self, result: dict) -> None:
        self.checks.update(result)
        if result.get("error"):
            self.errors.append(f"sandbox database: {result['error']}")
        self._sandbox_done = True
        self._maybe_done()

    def _loaded(self, ok: bool, errors: list) -> None:
        if "ready" in self.timings:
            return
        self.timings["ready"] = round(time.perf_counter() - self.t0, 3)
        self.errors.extend(errors)
        self._clusters_done = True
        self.ok_clusters = ok
        if self.opts.sandbox and self.services.sandbox is None:
            self._sandbox_done = True  # the sandbox itself failed to start: nothing more will come
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self._clusters_done and self._sandbox_done:
            if self.opts.sandbox or getattr(sys, "frozen", False):
                self._check_plot()  # the frozen app must carry it; normal mode stays a start-up measure
                self._check_text()
            self._finish(self.ok_clusters and not self.errors, None)

    def _check_plot(self) -> None:
        """Draw one small pyqtgraph plot: a frozen app must carry pyqtgraph, numpy and QtOpenGLWidgets."""
        try:
            import pyqtgraph as pg

            plot = pg.PlotWidget()
            plot.plot([0.0, 1.0, 2.0], [1.0, 3.0, 2.0], connect="finite")
            plot.resize(200, 120)
            drawn = not plot.grab().isNull()
            plot.deleteLater()
            self.checks["pyqtgraph"] = pg.__version__ if drawn else None
            if not drawn:
                self.errors.append("pyqtgraph: the test plot did not render")
        except Exception as exc:  # noqa: BLE001 - reported in the smoke test's JSON line
            self.errors.append(f"pyqtgraph: {exc}")

    def _check_text(self) -> None:
        """Qt's locale-aware text services, which on Linux run on ICU's data (the frozen Linux app
        ships a trimmed copy of it, packaging/icu_trim.py): collation, Turkish upper case, a
        legacy-encoding converter and a time-zone display name."""
        from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

        text = {
            "collation": QCollator(QLocale("de_DE")).compare("\u00e4", "b") < 0,  # ä sorts before b in German
            "upper_tr": QLocale("tr_TR").toUpper("i"),
            "shift_jis": QStringDecoder("Shift_JIS").isValid(),
            "zone_name": QTimeZone(b"Europe/Berlin").displayName(
                QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_US")),
        }
        self.checks["text"] = text
        if sys.platform.startswith("linux"):
            wrong = [k for k, good in (("collation", text["collation"]), ("upper_tr", text["upper_tr"] == "\u0130"),
                                       ("shift_jis", text["shift_jis"]),
                                       ("zone_name", text["zone_name"] == "Central European Standard Time"))
                     if not good]
            if wrong:
                self.errors.append(f"text services (ICU data): {', '.join(wrong)} wrong: {text}")

    def _finish(self, ok: bool, error: str | None) -> None:
        if error:
            self.errors.append(error)
        self.ok = ok
        self.timings["total"] = round(time.perf_counter() - self.t0, 3)
        self.window.close()
        self._quit()

    def report(self) -> int:
        from aurora_console import __version__

        summaries = self.window.navigator.model.summaries()
        line = {
            "ok": self.ok,
            "version": __version__,
            "platform": platform_text(),
            "python": "{}.{}.{}".format(*sys.version_info[:3]),
            "mode": "sandbox" if self.opts.sandbox else "normal",
            "frozen": bool(getattr(sys, "frozen", False)),
            "timings": self.timings,
            "clusters": len(summaries),
            "engines": sorted({s.ref.engine for s in summaries}),
            "checks": self.checks,
            "errors": self.errors,
        }
        print(json.dumps(line), flush=True)
        return 0 if self.ok else 1
