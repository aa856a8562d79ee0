"""The Performance screen's state, Qt-free: which instance it looks at, the latest sessions,
blocking tree and replica lag, how often it refreshes (1-10 s) or whether it is paused, the
filters and thresholds, whether the connection is lost, and cancel / terminate with their typed
confirmation. ``PerformanceScreen`` renders it; this class imports no PySide6, so it is tested
without a QApplication (``tests/unit/ui/performance/test_controller.py``).

Every database call runs through the task runner (``owner=`` the screen) on the queue
``performance:<target>:<instance>``: one at a time per instance, on one connection kept by an
:class:`~aurora_console.ui.performance.instance_link.InstanceLink`. The widget's timer calls
:meth:`PerformanceController.tick` each second; a refresh starts when the interval has passed,
the screen is not paused and the previous refresh has ended (a slow server never piles refreshes
up). A lost connection pauses the views (the last data stays, marked), is said on the screen,
and each tick tries again; the first refresh that succeeds says the views resumed.

Observers (:class:`~aurora_console.ui.observers.Observers`): ``changed()`` re-render;
``instances_loaded(list)``; ``signalled(SignalResult)`` a cancel/terminate ended.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aurora_console.core.db.connection_engine import connect_engine
from aurora_console.core.errors import ConsoleError, ReadOnlyError, error_message
from aurora_console.ui.observers import Observers

from .instance_link import ConnectionLost, InstanceLink

MIN_INTERVAL_S, MAX_INTERVAL_S = 1, 10
STATE_FILTERS = ("all", "active", "idle in transaction", "waiting", "idle")
ACTIONS = ("cancel", "terminate")


@dataclass(frozen=True)
class LiveReading:
    """What one refresh read from the instance."""

    sessions: Any  # SessionsSnapshot
    blocking: tuple  # BlockingNode roots, root blockers first
    replicas: tuple  # ReplicaLag
    taken_at: float
    replication_note: str = ""  # why the server reports no lag (e.g. "not available on MySQL")


@dataclass(frozen=True)
class SignalRequest:
    """A cancel / terminate waiting for the user's typed confirmation."""

    pid: int
    action: str  # cancel | terminate
    text: str  # names pid, user and query
    word: str  # what the user must type
    backend_start: Any = None  # the session confirmed: another one under the same pid is refused


@dataclass(frozen=True)
class LiveReaders:
    """The core functions the controller calls (``core.performance``); tests pass stand-ins."""

    read_sessions: Callable[..., Any]
    read_blocking_tree: Callable[..., Any]
    read_replica_lag: Callable[..., Any]
    signal_backend: Callable[..., Any]
    confirmation_text: Callable[[Any, str], str]
    confirmation_word: Callable[[Any], str]
    flag: Callable[..., set]
    check_signal: Callable[..., None] = lambda row, action, *, own_pid=None, read_only=False: None

    @classmethod
    def from_core(cls) -> LiveReaders:
        # engines picks PostgreSQL's or MySQL's reader by the connection (or the session row)
        from aurora_console.core.performance import activity, backends, engines

        return cls(engines.read_sessions, engines.read_blocking_tree, engines.read_replica_lag,
                   engines.signal_backend, engines.confirmation_text, backends.confirmation_word, activity.flag,
                   engines.check_signal)


class PerformanceController:
    """``open_instance(instance, on_done(source), on_error(exc))`` opens the profile aimed at an
    instance (asking what it needs; UI thread); ``list_instances()`` runs on a worker and returns
    the ``InstanceEndpoint`` list (writer first). ``audit``/``audit_target``: where cancel and
    terminate are recorded."""

    def __init__(self, runner, title: str, *, list_instances: Callable[[], list], open_instance: Callable,
                 read_only: bool = False, audit: Any = None, audit_target: Any = None,
                 readers: LiveReaders | None = None, owner: object | None = None,
                 clock: Callable[[], float] = time.time, interval_s: int = 2, long_xact_s: float = 300.0,
                 idle_in_xact_s: float = 60.0, cloudwatch_lag: Callable[[list[str]], dict] | None = None,
                 cloudwatch_every_s: float = 60.0, recorder: Any = None, history_name: str | None = None) -> None:
        self.runner = runner
        self.title = title
        self.list_instances = list_instances
        self.open_instance = open_instance
        self.read_only = read_only
        self.audit, self.audit_target = audit, audit_target
        self._readers = readers
        self.owner = owner
        self.clock = clock
        self.interval_s = interval_s
        self.long_xact_s, self.idle_in_xact_s = long_xact_s, idle_in_xact_s
        self.cloudwatch_lag_fn = cloudwatch_lag
        self.cloudwatch_every_s = cloudwatch_every_s
        self.instances: list = []
        self.instance = None
        self.link: InstanceLink | None = None
        self.connecting = False
        self.paused = False
        self.lost: str | None = None  # why the connection is lost (views paused until it is back)
        self.lost_since: float | None = None
        self.notice = ""  # a one-line message: resumed, signalled, refused...
        self.last_error: BaseException | None = None
        self.reading: LiveReading | None = None
        self.cloudwatch_lag: dict = {}
        self._cloudwatch_at: float | None = None
        self.filter_text = ""
        self.state_filter = "all"
        self.selected_pid: int | None = None
        self.refresh_handle = None
        self.signal_handle = None
        self.last_signal = None
        self._last_refresh_at: float | None = None
        self.refreshes = 0
        self.closed = False
        self.engine = "postgres"  # the open instance's engine (core.db.connection_engine)
        #: the PerformanceRecorder (Top SQL snapshots, active-session samples, windows), if any
        self.recorder = recorder
        #: what the recorded history of an instance is kept under: "<history_name>/<instance id>"
        #: (the profile's name, as the background recording keys it)
        self.history_name = history_name or title
        self.changed = Observers()
        self.instances_loaded = Observers()
        self.signalled = Observers()

    @property
    def readers(self) -> LiveReaders:
        if self._readers is None:
            self._readers = LiveReaders.from_core()
        return self._readers

    # -- derived state ------------------------------------------------------------------------------
    @property
    def queue(self) -> str:
        inst = self.instance.instance_id if self.instance is not None else "-"
        return f"performance:{self.title}:{inst}"

    @property
    def refreshing(self) -> bool:
        return self.refresh_handle is not None and not self.refresh_handle.done

    @property
    def live(self) -> bool:
        """Connected, not paused, not lost: the views follow the server."""
        return self.link is not None and not self.paused and self.lost is None

    @property
    def status_text(self) -> str:
        where = self.instance.label if self.instance is not None else "no instance"
        if self.connecting:
            return f"Connecting to {where}…"
        if self.lost is not None:
            since = time.strftime("%H:%M:%S", time.localtime(self.lost_since or self.clock()))
            return (f"Connection to {where} lost at {since}: {self.lost}. The views are paused and show the last "
                    f"data read; trying again every {self.interval_s} s.")
        if self.link is None:
            return f"Not connected to {where}."
        if self.paused:
            return f"Paused ({where}); press Resume to refresh again."
        return f"{where}: refreshing every {self.interval_s} s."

    # -- instances -----------------------------------------------------------------------------------
    def start(self, prefer: str | None = None) -> None:
        """Read the cluster's instances, then open the writer (or ``prefer``, an instance id)."""

        def done(found: list) -> None:
            self.instances = list(found)
            self.instances_loaded.emit(self.instances)
            if not self.instances:
                self.last_error = ConsoleError(f"{self.title} has no instance with an endpoint yet.")
                self.changed.emit()
                return
            chosen = next((i for i in self.instances if i.instance_id == prefer), self.instances[0])
            self.select(chosen)

        self.runner.submit(lambda ctx: self.list_instances(), name=f"Instances of {self.title}", on_done=done,
                           on_error=self._failed, owner=self.owner)

    def select(self, instance) -> None:
        """Look at ``instance`` (an ``InstanceEndpoint``): the old connection closes, the profile
        aimed at this instance's endpoint opens."""
        if self.instance is not None and instance == self.instance and (self.link is not None or self.connecting):
            return
        self._close_link()
        self.instance = instance
        self.reading, self.lost, self.lost_since, self.last_error = None, None, None, None
        self.cloudwatch_lag, self._cloudwatch_at, self._last_refresh_at = {}, None, None
        self.connecting = True
        self.changed.emit()

        def opened(source) -> None:
            if self.closed or instance != self.instance:  # closed, or another instance picked meanwhile
                _close_quietly(self.runner, source)
                return
            self.connecting = False
            self.link = InstanceLink(source)
            self.engine = connect_engine(getattr(source, "connect", None))  # "postgres" / "mysql": what the views say
            self.read_only = self.read_only or bool(getattr(source, "read_only", False))
            if self.recorder is not None:
                self.recorder.attach(instance, f"{self.history_name}/{instance.instance_id}", self.link, self.queue,
                                     on_lost=self._failed, members=[i.instance_id for i in self.instances])
            self.refresh()

        def failed(exc: BaseException) -> None:
            if instance != self.instance:
                return
            self.connecting = False
            self._failed(exc)

        self.open_instance(instance, opened, failed)

    def _close_link(self) -> None:
        link, self.link = self.link, None
        if self.recorder is not None:
            self.recorder.detach()
        if self.refresh_handle is not None and not self.refresh_handle.done:
            self.refresh_handle.cancel()
        self.refresh_handle = None
        if link is not None:
            queue = self.queue  # after the refresh in flight on this instance's queue
            self.runner.submit(lambda ctx: link.close(), name=f"Close {self.title} ({self.instance.instance_id})",
                               queue=queue)

    # -- refresh ---------------------------------------------------------------------------------------
    def set_interval(self, seconds: int) -> None:
        """1 to 10 whole seconds; anything else is refused with ``ValueError``."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
            raise ValueError(f"The refresh interval must be a whole number of seconds from {MIN_INTERVAL_S} to "
                             f"{MAX_INTERVAL_S}.")
        self.interval_s = seconds
        self.changed.emit()

    def set_paused(self, paused: bool) -> None:
        self.paused = bool(paused)
        self.notice = "Paused." if self.paused else ""
        self.changed.emit()
        if not self.paused:
            self.refresh()

    def tick(self) -> None:
        """Called by the screen's timer (each second): refresh when due; the recorder samples
        (also while paused, not while the connection is lost)."""
        if self.closed or self.link is None:
            return
        if self.recorder is not None and self.lost is None:
            self.recorder.tick()
        if self.paused or self.refreshing:
            return
        now = self.clock()
        if self._last_refresh_at is None or now - self._last_refresh_at >= self.interval_s - 0.05:
            self.refresh()

    def refresh(self) -> None:
        """Read sessions, the blocking tree and replica lag now (unless one refresh runs already)."""
        if self.closed or self.link is None or self.refreshing:
            return
        self._last_refresh_at = self.clock()
        link, readers, clock = self.link, self.readers, self.clock
        want_cw = self.cloudwatch_lag_fn is not None and (
            self._cloudwatch_at is None or clock() - self._cloudwatch_at >= self.cloudwatch_every_s)
        cw_fn = self.cloudwatch_lag_fn
        reader_ids = [i.instance_id for i in self.instances if i.role == "reader"]
        if want_cw:
            self._cloudwatch_at = clock()

        def read(conn) -> LiveReading:
            sessions = readers.read_sessions(conn)
            tree = tuple(readers.read_blocking_tree(conn, sessions))  # from this snapshot: no second read
            note = ""
            try:
                replicas = tuple(readers.read_replica_lag(conn))
            except Exception as exc:  # noqa: BLE001 - replication is optional; a reader's error must not hide sessions
                if getattr(conn, "closed", False) or getattr(conn, "broken", False):
                    raise
                replicas = ()
                note = exc.message if isinstance(exc, ConsoleError) else ""
            return LiveReading(sessions, tree, replicas, clock(), note)

        def work(ctx):
            reading = link.run(read)
            cw = None
            if want_cw and reader_ids:
                try:
                    cw = cw_fn(reader_ids)
                except Exception:  # noqa: BLE001 - CloudWatch lag is shown as unknown then
                    cw = {}
            return reading, cw

        self.refresh_handle = self.runner.submit(work, name=f"Refresh {self.title} sessions", queue=self.queue,
                                                 on_done=lambda r: self._show(link, r), on_error=self._failed,
                                                 owner=self.owner)
        self.changed.emit()

    def _show(self, link, result) -> None:
        if link is not self.link:
            return
        reading, cw = result
        if self.lost is not None:
            self.notice = f"Connection back at {time.strftime('%H:%M:%S', time.localtime(self.clock()))}; resumed."
        self.lost, self.lost_since, self.last_error = None, None, None
        self.reading = reading
        if cw is not None:
            self.cloudwatch_lag = dict(cw)
        self.refreshes += 1
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConnectionLost):
            if self.lost is None:
                self.lost_since = self.clock()
            self.lost = error_message(exc)
            self.notice = ""
        else:
            self.last_error = exc
        self.changed.emit()

    # -- filters and thresholds ----------------------------------------------------------------------------
    def set_filter(self, text: str = "", state: str = "all") -> None:
        if state not in STATE_FILTERS:
            raise ValueError(f"Unknown state filter {state!r}; choose one of {', '.join(STATE_FILTERS)}.")
        self.filter_text, self.state_filter = str(text or ""), state
        self.changed.emit()

    def set_thresholds(self, *, long_xact_s: float | None = None, idle_in_xact_s: float | None = None) -> None:
        """Seconds after which a transaction is long / an idle transaction is highlighted (> 0)."""
        for name, value in (("long transaction", long_xact_s), ("idle in transaction", idle_in_xact_s)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
                                      or value != value or value == float("inf")):
                raise ValueError(f"The {name} threshold must be a number of seconds above 0.")
        if long_xact_s is not None:
            self.long_xact_s = float(long_xact_s)
        if idle_in_xact_s is not None:
            self.idle_in_xact_s = float(idle_in_xact_s)
        self.changed.emit()

    def all_sessions(self) -> Sequence:
        return tuple(self.reading.sessions.rows) if self.reading is not None else ()

    def visible_sessions(self) -> list:
        """The sessions the filters let through, in the server's order."""
        needle = self.filter_text.strip().lower()
        out = []
        for row in self.all_sessions():
            if not _state_matches(row, self.state_filter):
                continue
            if needle and needle not in _haystack(row):
                continue
            out.append(row)
        return out

    def flags(self, row) -> set[str]:
        """"long transaction" / "idle in transaction" beyond the thresholds."""
        return set(self.readers.flag(row, long_xact_s=self.long_xact_s, idle_in_xact_s=self.idle_in_xact_s))

    def session(self, pid: int):
        return next((r for r in self.all_sessions() if r.pid == pid), None)

    def select_session(self, pid: int | None) -> None:
        self.selected_pid = pid
        self.changed.emit()

    @property
    def privilege_hint(self) -> str | None:
        return getattr(self.reading.sessions, "privilege_hint", None) if self.reading is not None else None

    # -- cancel / terminate -----------------------------------------------------------------------------------
    def request_signal(self, pid: int, action: str) -> SignalRequest:
        """What the user must confirm before ``action`` on ``pid``; refused (``ReadOnlyError``,
        ``ConsoleError``) on a read-only profile, while the connection is lost, for a pid the
        screen does not show, and (``check_signal``) for the console's own backends, replication
        and background processes, before any dialog opens."""
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}; choose cancel or terminate.")
        if self.read_only:
            raise ReadOnlyError(f"{action.capitalize()} a backend")
        if self.link is None or self.lost is not None:
            raise ConsoleError(f"Not connected to {self.instance.label if self.instance else self.title}; "
                               f"cannot {action} a backend now.")
        row = self.session(pid)
        if row is None:
            raise ConsoleError(f"No session with pid {pid} on {self.instance.label}; refresh and try again.")
        self.readers.check_signal(row, action, own_pid=getattr(self.reading.sessions, "own_pid", None))
        return SignalRequest(pid, action, self.readers.confirmation_text(row, action),
                             str(self.readers.confirmation_word(row)), getattr(row, "backend_start", None))

    def signal(self, request: SignalRequest, typed: str | None) -> bool:
        """Run the confirmed ``request`` when ``typed`` is its word exactly; False otherwise."""
        if typed is None or str(typed).strip() != request.word or self.read_only or self.link is None:
            if typed is not None and str(typed).strip() != request.word:
                self.notice = f"Not sent: the confirmation did not match {request.word!r}."
                self.changed.emit()
            return False
        link, readers = self.link, self.readers
        audit, target, read_only = self.audit, self.audit_target, self.read_only
        instance_id = self.instance.instance_id if self.instance is not None else None

        def work(ctx):
            return link.run(lambda conn: readers.signal_backend(conn, request.pid, request.action, read_only=read_only,
                                                                audit=audit, target=target, instance=instance_id,
                                                                expect_backend_start=request.backend_start))

        def done(result) -> None:
            self.last_signal = result
            self.notice = _signal_notice(request, result)
            self.signalled.emit(result)
            self.changed.emit()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.last_signal = exc
            self.notice = f"{request.action.capitalize()} of pid {request.pid} refused or failed: {error_message(exc)}"
            self.signalled.emit(exc)
            self._failed(exc) if isinstance(exc, ConnectionLost) else self.changed.emit()

        self.signal_handle = self.runner.submit(work, name=f"{request.action.capitalize()} backend {request.pid}",
                                                queue=self.queue, on_done=done, on_error=failed, owner=self.owner)
        return True

    # -- end ---------------------------------------------------------------------------------------------------
    def close(self) -> None:
        """The screen closes: stop refreshing and close the connection (and its tunnel) off the UI thread."""
        if self.closed:
            return
        self.closed = True
        self._close_link()
        if self.recorder is not None:
            self.recorder.close()


def _close_quietly(runner, source) -> None:
    runner.submit(lambda ctx: source.close(), name="Close an unused performance connection")


def _state_matches(row, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "waiting":
        return bool(row.wait_event_type) and row.wait_event_type != "Activity" and row.state == "active" or bool(
            getattr(row, "blocked_by", ()))
    if wanted == "idle in transaction":
        return (row.state or "").startswith("idle in transaction")
    return row.state == wanted


def _haystack(row) -> str:
    parts = (row.pid, row.user, row.database, row.application, row.client, row.state, row.wait_event_type,
             row.wait_event, row.query, row.backend_type)
    return " ".join("" if p is None else str(p) for p in parts).lower()


def _signal_notice(request: SignalRequest, result) -> str:
    message = getattr(result, "message", "")
    if message:
        return message
    sent = bool(getattr(result, "signalled", result))
    verb = "Cancelled the query of" if request.action == "cancel" else "Terminated"
    if sent:
        return f"{verb} pid {request.pid}."
    past = "cancelled" if request.action == "cancel" else "terminated"
    return f"pid {request.pid} was not {past}: the server answered false (the backend had already ended)."
