"""The main window: navigator on the left, tabbed workspace, status bar, menus."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabWidget, QWidget

from aurora_console import APP_NAME
from aurora_console.ui.cluster_loader import ClusterLoader
from aurora_console.ui.features import install_all
from aurora_console.ui.icons import decorate, screen_icon
from aurora_console.ui.navigator import NavigatorWidget
from aurora_console.ui.notifications import ToastArea
from aurora_console.ui.services import Services
from aurora_console.ui.status import ConsoleStatusBar
from aurora_console.ui.toolbar_names import name_toolbar_extensions
from aurora_console.ui.window_menus import WindowMenus
from aurora_console.ui.window_state import (
    NEEDS_AWS,
    NEEDS_DATABASE,
    TabRestorer,
    restore_geometry,
    sandbox_settings_for,
    save_window,
)

if TYPE_CHECKING:  # what only the first AWS read or the first screen needs loads then, not at start-up
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.core.aws.session import AwsTarget
    from aurora_console.core.aws.start_config import StartConfig

log = logging.getLogger(__name__)

#: the name the sandbox's AWS account goes by in the window (navigator, status bar, settings keys)
SANDBOX_PROFILE = "sandbox"


class MainWindow(QMainWindow):
    #: the initial load ended: (ok, list of error texts)
    load_finished = Signal(bool, list)
    sandbox_ready = Signal(object)
    #: a start-up stage is over and the tabs waiting for it were reopened: "aws" (the profile or
    #: the sandbox's endpoint is in place) or "database" (the sandbox's database is up or failed)
    stage_ready = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self._default_size()
        self._aws_pending = False  # between start() / open_sandbox() and the profile or sandbox in place
        self._database_settled = False  # the sandbox's database stage ended (up or failed)
        self._followed_sandbox = None  # the sandbox controller whose database stage this window hears
        self._tab_specs: dict[str, dict] = {}
        self.clusters = ClusterLoader(self)
        self._fleet_cluster_actions: list[tuple[str, Callable[[ClusterRef], Any]]] = []
        self._time_window_actions: list[tuple[str, Callable[[ClusterRef, float, float], Any]]] = []
        self._chart_marker_sources: list[tuple[str, Callable[..., list]]] = []
        self._sql_opener: Callable[[str, str], QWidget] | None = None
        self._top_sql_opener: Callable[[ClusterRef, str | None, str], QWidget | None] | None = None
        self._plan_opener: Callable[[str, str, Any], QWidget | None] | None = None
        self._open_home: Callable[[], Any] | None = None
        #: False for scripted smoke tests: a test run never rewrites the user's layout and tabs
        self.persist_layout = True
        #: after_start's callbacks until the start's first load ends (then None)
        self._after_start: list[tuple[int, Callable[[], Any]]] | None = []
        self.load_finished.connect(self._start_over)

        self.tabs = QTabWidget(objectName="workspaceTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self._restorer = TabRestorer(self.tabs)
        self.setCentralWidget(self.tabs)

        # a view of the one cluster model, which self.clusters makes with the first load (after the
        # first paint): a start with no AWS profile never loads the cluster model's modules
        self.navigator = NavigatorWidget()
        self.navigator_dock = QDockWidget("Navigator", self, objectName="navigatorDock")
        self.navigator_dock.setWidget(self.navigator)
        self.navigator_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                        | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigator_dock)
        self.resizeDocks([self.navigator_dock], [385], Qt.Orientation.Horizontal)
        self.navigator.refresh_requested.connect(self.refresh_clusters)
        self.navigator.profile_changed.connect(self.clusters.profile_selected)
        self.navigator.regions_changed.connect(self.clusters.regions_selected)

        self.status = ConsoleStatusBar(services.runner, self)
        self.setStatusBar(self.status)
        self._toasts: ToastArea | None = None  # made with the first notification (see toasts)
        services.notifier.posted.connect(self._show_notification)
        self.menus = WindowMenus(self)
        self.menus.add_window_entries()
        self.feature_errors = install_all(self)
        for err in self.feature_errors:
            services.notifier.error("A screen failed to load", err)

    def _default_size(self) -> None:
        """First start: most of the screen (a saved geometry replaces this)."""
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        area = screen.availableGeometry()
        self.resize(max(1024, int(area.width() * 0.85)), max(700, int(area.height() * 0.85)))

    @property
    def toasts(self) -> ToastArea:
        """The notifications' area in the bottom-right corner, made with the first notification:
        until then the window has no such child to lay out and no filter of its events in Python
        (the area follows the window's resizes through one)."""
        if self._toasts is None:
            self._toasts = ToastArea(self)
        return self._toasts

    def _show_notification(self, notification) -> None:
        self.toasts.show_notification(notification)

    # -- extension points used by features ----------------------------------------------------
    def menu(self, name: str) -> QMenu:
        return self.menus.menu(name)

    def add_menu_action(self, menu_name: str, text: str, callback: Callable[[], Any], shortcut: str | None = None,
                        object_name: str | None = None) -> QAction:
        return self.menus.add_action(menu_name, text, callback, shortcut, object_name)

    def add_cluster_action(self, text: str, callback: Callable[[ClusterRef], Any], *, in_fleet: bool = True) -> None:
        """An action on one cluster: in the navigator's context menu and (``in_fleet``) in the
        fleet view's cluster details."""
        self.navigator.add_cluster_action(text, callback)
        if in_fleet:
            self._fleet_cluster_actions.append((text, callback))

    def cluster_actions(self) -> list[tuple[str, Callable[[ClusterRef], Any]]]:
        """The cluster actions the fleet view's details offer."""
        return list(self._fleet_cluster_actions)

    def add_time_window_action(self, text: str, callback: Callable[[ClusterRef, float, float], Any]) -> None:
        """An action on a time window of one cluster: ``callback(ref, start, end)``, epoch seconds,
        start < end. Offered wherever a screen lets the user select a time range (the metrics
        charts: drag across one, right-click)."""
        self._time_window_actions.append((text, callback))

    def time_window_actions(self) -> list[tuple[str, Callable[[ClusterRef, float, float], Any]]]:
        return list(self._time_window_actions)

    def add_chart_marker_source(self, name: str, source: Callable[..., list]) -> None:
        """Markers on the metrics charts: ``source(ref, start, end, task)``, called on a worker
        thread, returns objects with ``time`` (epoch seconds) and ``text`` (what hovering says),
        e.g. the Change timeline's ``ChartMarker`` rows. The charts offer a toggle named ``name``."""
        self._chart_marker_sources.append((name, source))

    def chart_marker_sources(self) -> list[tuple[str, Callable[..., list]]]:
        return list(self._chart_marker_sources)

    def set_sql_opener(self, opener: Callable[[str, str], QWidget] | None) -> None:
        """The SQL editor registers ``opener(profile, text)``: a new editor tab holding ``text``."""
        self._sql_opener = opener

    def open_sql(self, profile: str, text: str = "") -> QWidget | None:
        """A new SQL editor tab on connection profile ``profile`` holding ``text`` (not run), for
        screens that must not import the SQL editor's. None (and a notification) without one."""
        if self._sql_opener is None:
            self.services.notifier.error("No SQL editor", "The SQL editor screen is not loaded.")
            return None
        return self._sql_opener(profile, text)

    def set_plan_opener(self, opener: Callable[[str, str, Any], QWidget | None] | None) -> None:
        """The SQL editor registers ``opener(profile, text, plan)``: a new editor tab holding
        ``text`` with ``plan`` (a ``core.db.explain.Plan``) in its plan view."""
        self._plan_opener = opener

    def open_plan(self, profile: str, text: str, plan: Any) -> QWidget | None:
        """A new SQL editor tab on ``profile`` holding ``text`` (not run) and showing ``plan`` (a
        ``core.db.explain.Plan``, e.g. one ``auto_explain`` logged) in the plan view. None (and
        a notification) without an SQL editor."""
        if self._plan_opener is None:
            self.services.notifier.error("No SQL editor", "The SQL editor screen is not loaded.")
            return None
        return self._plan_opener(profile, text, plan)

    def set_top_sql_opener(self, opener: Callable[[ClusterRef, str | None, str], QWidget | None] | None) -> None:
        """The Performance screen registers ``opener(ref, instance_id, text)``: Top SQL of the
        cluster's instance (None: the writer) with the statement whose normalised text is
        ``text``'s selected."""
        self._top_sql_opener = opener

    def open_top_sql(self, ref: ClusterRef, instance_id: str | None, text: str) -> QWidget | None:
        """Top SQL (the Performance screen) on the statement ``text`` (as logged: constants or
        ``$n``), for screens that must not import the Performance screen's. None (and a
        notification) without one."""
        if self._top_sql_opener is None:
            self.services.notifier.error("No Performance screen", "The Performance screen is not loaded.")
            return None
        return self._top_sql_opener(ref, instance_id, text)

    def set_home(self, open_home: Callable[[], Any]) -> None:
        """The screen shown when clusters are loaded and the workspace holds nothing else."""
        self._open_home = open_home

    def _show_home_if_empty(self) -> None:
        keys = {self.tabs.widget(i).property("tabKey") for i in range(self.tabs.count())}
        if self._open_home is not None and keys <= {"welcome"}:
            self._open_home()

    def register_tab_restorer(self, kind: str, restore: Callable[[dict], None], needs: str = NEEDS_DATABASE) -> None:
        """``restore(spec)`` re-opens a tab saved with ``open_tab(..., spec={"kind": kind, ...})``.

        ``needs``: what must be ready before it runs after a restart: ``"aws"`` (an AWS session on
        the chosen profile or the sandbox) or ``"database"`` (that, and on the sandbox its
        database too; the default, the safe choice for any tab)."""
        self._restorer.register(kind, restore, needs)

    def open_tab(self, key: str, title: str, factory: Callable[[], QWidget], spec: dict | None = None) -> QWidget:
        for i in range(self.tabs.count()):
            w = self.tabs.widget(i)
            if w.property("tabKey") == key:
                self.tabs.setCurrentIndex(i)
                return w
        widget = factory()
        widget.setProperty("tabKey", key)
        name_toolbar_extensions(widget)
        decorate(widget)
        index = self.tabs.addTab(widget, screen_icon((spec or {}).get("kind") or key.split(":", 1)[0]), title)
        self.tabs.setCurrentIndex(index)
        if spec is not None:
            self._tab_specs[key] = spec
        return widget

    def show_status_message(self, text: str, timeout_ms: int = 0) -> None:
        self.status.showMessage(text, timeout_ms)

    def find_tab(self, key: str) -> QWidget | None:
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).property("tabKey") == key:
                return self.tabs.widget(i)
        return None

    def set_tab_title(self, widget: QWidget, title: str) -> None:
        i = self.tabs.indexOf(widget)
        if i >= 0:
            self.tabs.setTabText(i, title)

    def close_tab(self, index: int) -> bool:
        widget = self.tabs.widget(index)
        if widget is None:
            return False
        can_close = getattr(widget, "can_close", None)
        if callable(can_close) and not can_close():
            return False
        self._tab_specs.pop(widget.property("tabKey"), None)
        self.tabs.removeTab(index)
        widget.deleteLater()
        return True

    # -- start-up ----------------------------------------------------------------------------
    def after_start(self, delay_ms: int, callback: Callable[[], Any]) -> None:
        """Run ``callback`` on the UI thread ``delay_ms`` after the start's first load ended (the
        first ``load_finished``), or ``delay_ms`` from now once it has. For work that would compete
        with the start (a warm-up, a background recorder's ticks): tied to the start's end rather
        than to the clock, it never lands in the middle of a slow start (a busy machine, the
        sandbox's, an instruction count under valgrind), and a smoke test, which ends there, never
        runs it."""
        if self._after_start is None:
            self._run_later(delay_ms, callback)
        else:
            self._after_start.append((delay_ms, callback))

    def _start_over(self, *_args) -> None:
        waiting, self._after_start = self._after_start, None
        for delay_ms, callback in waiting or ():
            self._run_later(delay_ms, callback)

    def _run_later(self, delay_ms: int, callback: Callable[[], Any]) -> None:
        """``callback`` once, ``delay_ms`` from now, unless the window is gone by then: a
        single-shot timer the window owns (``QTimer.singleShot(ms, context, callback)`` does the
        same, but makes PySide6 build QMetaMethod's Python type, two enum classes, at the end of
        every start)."""
        timer = QTimer(self, singleShot=True, interval=max(0, delay_ms))
        timer.timeout.connect(callback)
        timer.timeout.connect(timer.deleteLater)
        timer.start()

    def start(self) -> None:
        """Called once the window is shown: no I/O happens before the first paint."""
        opts = self.services.options
        for w in self.services.settings.warnings:
            self.services.notifier.warning("Settings", w)
        if opts.sandbox:
            self.open_sandbox()
            return
        self._aws_pending = True
        self._start_with_profiles()

    def _start_with_profiles(self) -> None:
        from aurora_console.core.aws.session import AwsSessionFactory

        settings = self.services.settings.settings
        opts = self.services.options
        endpoint = opts.endpoint_url or settings.endpoint_url
        if self.services.aws is None:
            self.services.aws_session.set(AwsSessionFactory(endpoint_url=endpoint))
        aws = self.services.aws
        self.navigator.show_status("Reading AWS profiles…")

        def read_config(ctx):
            # imported here, on the worker: the reader and configparser load beside the UI thread
            from aurora_console.core.aws.start_config import resolve_start_config

            return resolve_start_config(aws, cli_profile=opts.profile, cli_region=opts.region,
                                        saved_profile=settings.aws_profile)

        self.services.runner.submit(read_config, name="Read AWS configuration", on_done=self._config_read,
                                    on_error=self._initial_failure)

    def _config_read(self, result: StartConfig) -> None:
        profiles, profile, region = result.profiles, result.profile, result.region
        self._aws_pending = False
        settings = self.services.settings.settings
        regions = [region] if self.services.options.region else list(settings.aws_regions)
        if region and region not in regions:
            regions = [region]
        self.navigator.set_profiles(profiles, profile)
        self.navigator.set_regions(sorted(set(result.available_regions) | set(regions)), regions)
        if profile:
            settings.aws_profile = profile
        if settings.first_run or not profiles:
            self.show_welcome()
        if not profiles and not profile:
            self.navigator.show_status("No AWS profile configured. Open the sandbox, or create a profile with "
                                       "'aws configure' and press refresh.")
            self.status.set_profile(None)
            self._stage_reached(NEEDS_AWS)
            self.load_finished.emit(True, [])
            return
        self._stage_reached(NEEDS_AWS)
        self.refresh_clusters()

    def _initial_failure(self, exc: BaseException) -> None:
        self.services.notifier.error("Reading the AWS configuration failed", exc)
        self._aws_pending = False
        self._stage_reached(NEEDS_AWS)  # the tabs reopen and say what is wrong
        self.navigator.show_status(str(exc))
        self.load_finished.emit(False, [str(exc)])

    # -- sandbox -----------------------------------------------------------------------------
    def open_sandbox(self) -> None:
        from aurora_console.ui.sandbox_controller import SandboxController

        controller = self.services.sandbox_controller.get()
        if controller is None:
            controller = SandboxController(self)
            self.services.sandbox_controller.set(controller)
        if self._followed_sandbox is not controller:
            self._followed_sandbox = controller
            controller.database_checked.connect(self._sandbox_database_checked)
        self.services.settings.settings.first_run = False
        if self.services.sandbox is None:
            self._aws_pending = True  # the AWS tabs wait for the sandbox's endpoint
        controller.start()

    def use_sandbox(self, info) -> None:
        """Switch the window onto the running sandbox (called by the controller)."""
        own_settings = sandbox_settings_for(self.services) if self.services.sandbox is None else None
        if own_settings is not None:
            # a real session opens the sandbox: its tabs stay open but are saved with the real
            # settings now; from here on the window keeps the sandbox's own settings
            self.save_layout()
            self.services.settings_store.set(own_settings)
            self._tab_specs.clear()
            self._restorer.forget()
        self.services.sandbox_info.set(info)
        self.services.aws_session.set(info.aws_factory())
        self._aws_pending = False
        self.setWindowTitle(f"{APP_NAME} — sandbox")
        self.menus.open_sandbox_action.setEnabled(False)  # it is open: the menu says so
        self.menus.open_sandbox_action.setText("Sandbox running")
        self.navigator.set_profiles([SANDBOX_PROFILE], SANDBOX_PROFILE)
        self.navigator.set_regions(list(info.regions), list(info.regions))
        self.sandbox_ready.emit(info)
        if own_settings is not None:
            self.restore_tabs()  # the sandbox's own tabs from its last session
        self._stage_reached(NEEDS_AWS)
        if info.database_ready:  # a sandbox that is fully up already
            self._stage_reached(NEEDS_DATABASE)
        self.refresh_clusters()

    def _sandbox_database_checked(self, _result: dict) -> None:
        """The sandbox's database stage ended (up, or failed: its tabs then say so)."""
        self._database_settled = True
        self._stage_reached(NEEDS_DATABASE)

    def show_welcome(self) -> None:
        aws = self.services.aws
        profiles = [] if aws is None or aws.is_sandbox else [self.navigator.profile_combo.itemText(i)
                                                             for i in range(self.navigator.profile_combo.count())]

        def make() -> QWidget:
            from aurora_console.ui.welcome import WelcomePage

            page = WelcomePage(profiles)
            page.open_sandbox.connect(self.open_sandbox)
            page.use_profile.connect(self._focus_profiles)
            return page

        self.open_tab("welcome", "Welcome", make)

    def _focus_profiles(self) -> None:
        self.services.settings.settings.first_run = False
        self.navigator_dock.show()
        self.navigator.profile_combo.setFocus()
        self.navigator.profile_combo.showPopup()

    # -- clusters (ui/cluster_loader.py) -----------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.clusters.loading

    @property
    def load_count(self) -> int:
        return self.clusters.load_count

    def current_targets(self) -> list[AwsTarget]:
        return self.clusters.current_targets()

    def refresh_clusters(self) -> None:
        self.clusters.refresh()

    # -- persistence -------------------------------------------------------------------------
    def restore_layout(self) -> None:
        restore_geometry(self, self.services.settings)

    def restore_tabs(self) -> None:
        """Reopen the tabs of the last session. Each waits until what it needs is ready (see
        ``register_tab_restorer``): on the sandbox, built before its endpoint is up, a tab would
        have no AWS session; its SQL tabs need the sandbox's connection profile."""
        self._restorer.start(self.services.settings.settings.open_tabs)
        self._restorer.restore_ready(self._stage_ready)

    def _stage_ready(self, needs: str) -> bool:
        aws_ready = self.services.aws is not None and not self._aws_pending
        if needs == NEEDS_AWS:
            return aws_ready
        if not self._on_sandbox():
            return True  # connection profiles are the user's own: nothing to wait for
        info = self.services.sandbox
        return info is not None and (self._database_settled or info.database_ready)

    def _on_sandbox(self) -> bool:
        return (self.services.sandbox is not None or self.services.options.sandbox
                or self.services.sandbox_controller.get() is not None)

    def _stage_reached(self, stage: str) -> None:
        self._restorer.restore_ready(self._stage_ready)
        self.stage_ready.emit(stage)

    def refresh_all(self) -> None:
        """Ctrl+R: reload the navigator's clusters and the current tab (its ``refresh()``)."""
        self.refresh_clusters()
        refresh = getattr(self.tabs.currentWidget(), "refresh", None)
        if callable(refresh):
            refresh()

    def save_layout(self) -> None:
        if self.persist_layout:
            save_window(self, self.tabs, self._tab_specs, self.services.settings, self._restorer.kept())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for i in range(self.tabs.count()):
            can_close = getattr(self.tabs.widget(i), "can_close", None)
            if callable(can_close) and not can_close():
                event.ignore()
                return
        self.save_layout()
        for i in range(self.tabs.count()):
            shutdown = getattr(self.tabs.widget(i), "shutdown", None)
            if callable(shutdown):
                shutdown()
        self.clusters.shutdown()  # the cluster load stops and gives back its holds now
        event.accept()
