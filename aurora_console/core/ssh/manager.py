"""TunnelManager (Qt-free): open/close/reconnect tunnels, watch them, reconnect with backoff.

States: connecting -> up -> (reconnecting -> up | failed) ; closed. Listeners get a
:class:`TunnelStatus` on every change, from whichever thread made it (the UI re-emits it as a
Qt signal). A dropped tunnel is reopened on the same local port when it is still free, so
clients can simply reconnect.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from aurora_console.core.aws.bastion_route.errors import (
    InstanceAmbiguous,
    InstanceNotFound,
    RouteAccessDenied,
)
from aurora_console.core.errors import error_message
from aurora_console.core.ssh.backend import OpenTunnel, TunnelBackend, backend_for, make_backend
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import (
    AuthenticationRejected,
    HostKeyError,
    KeyFileError,
    TunnelError,
)
from aurora_console.core.ssh.hostkeys import HostKeyStore

log = logging.getLogger(__name__)
BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: a tunnel whose carrier ends (an Instance Connect Endpoint's maximum duration) is reopened this many
#: seconds before (at most a tenth of its life)
RENEW_MARGIN = 60.0
#: failures that retrying cannot fix (the user must act)
PERMANENT = (HostKeyError, KeyFileError, AuthenticationRejected, RouteAccessDenied, InstanceNotFound,
             InstanceAmbiguous)


class TunnelState(str, Enum):
    CONNECTING = "connecting"
    UP = "up"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass(frozen=True)
class TunnelStatus:
    name: str
    state: TunnelState
    bastion: str
    target: str
    backend: str = ""
    local_port: int = 0
    reason: str = ""
    up_since: float | None = None  # time.time() when it came up
    attempts: int = 0
    #: the route spelled out once up, e.g. "endpoint eice-… → i-… (ec2-user, pushed key) → blog…:5432"
    route: str = ""

    def uptime(self, now: float | None = None) -> float:
        if self.state != TunnelState.UP or self.up_since is None:
            return 0.0
        return max(0.0, (now or time.time()) - self.up_since)


class _Entry:
    def __init__(self, spec: TunnelSpec) -> None:
        self.spec = spec
        self.tunnel: OpenTunnel | None = None
        self.status = TunnelStatus(spec.name, TunnelState.CONNECTING, spec.bastion.label, spec.target.label)
        self.stop = threading.Event()
        self.reconnecting = False
        self.lock = threading.Lock()
        self.renew_at: float | None = None  # time.monotonic(): reconnect before the carrier's end


_managers: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _close_everything() -> None:  # no ssh child outlives the console
    for manager in list(_managers):
        manager.close_all()


class TunnelManager:
    def __init__(self, store: HostKeyStore, *, backend_factory: Callable[[str], TunnelBackend] = make_backend,
                 backoff: tuple[float, ...] = BACKOFF, max_attempts: int = 20, poll_interval: float = 0.5,
                 renew_margin: float = RENEW_MARGIN) -> None:
        self.store = store
        self.renew_margin = renew_margin
        self.backend_factory = backend_factory
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self._entries: dict[str, _Entry] = {}
        self._listeners: list[Callable[[TunnelStatus], None]] = []
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._shutdown = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="tunnel-watch", daemon=True)
        self._watcher.start()
        _managers.add(self)

    # listeners -------------------------------------------------------------------------
    def add_listener(self, callback: Callable[[TunnelStatus], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[TunnelStatus], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _set(self, entry: _Entry, **changes) -> TunnelStatus:
        entry.status = replace(entry.status, **changes)
        status = entry.status
        for cb in list(self._listeners):
            try:
                cb(status)
            except Exception:  # a broken listener never breaks a tunnel
                log.exception("tunnel status listener failed")
        return status

    # queries ---------------------------------------------------------------------------
    def status(self, name: str) -> TunnelStatus | None:
        entry = self._entries.get(name)
        return entry.status if entry else None

    def statuses(self) -> list[TunnelStatus]:
        with self._lock:
            return [e.status for e in self._entries.values()]

    def open_count(self) -> int:
        return sum(1 for s in self.statuses() if s.state == TunnelState.UP)

    # actions (blocking: call from a worker thread) -----------------------------------------
    def open(self, spec: TunnelSpec) -> TunnelStatus:
        """Open (or return the already-open) tunnel ``spec.name``. Raises TunnelError on failure."""
        return self.open_at(spec, 0)

    def open_at(self, spec: TunnelSpec, local_port: int) -> TunnelStatus:
        """Like :meth:`open`, preferring ``local_port`` (0: OS-assigned)."""
        with self._lock:
            entry = self._entries.get(spec.name)
            if entry and entry.tunnel and entry.tunnel.is_alive() and entry.status.state == TunnelState.UP:
                return entry.status
            if entry:
                self._discard(entry)
            entry = _Entry(spec)
            self._entries[spec.name] = entry
        return self._connect(entry, TunnelState.CONNECTING, local_port=local_port)

    def _connect(self, entry: _Entry, state: TunnelState, local_port: int, *, mark_failed: bool = True) -> TunnelStatus:
        spec = entry.spec
        if not mark_failed:
            self._set(entry, state=state, up_since=None)
        else:
            self._set(entry, state=state, reason="", up_since=None)
        try:
            backend = backend_for(spec, self.backend_factory)  # ssm-forward: Session Manager, no SSH
            tunnel = backend.open(spec, self.store, local_port=local_port)
        except Exception as exc:
            if mark_failed:
                self._set(entry, state=TunnelState.FAILED, reason=error_message(exc) or type(exc).__name__)
            raise
        with entry.lock:
            if entry.stop.is_set():  # closed while connecting
                tunnel.close()
                return entry.status
            entry.tunnel = tunnel
            expires_at = getattr(tunnel, "expires_at", None)
            now = time.monotonic()
            entry.renew_at = (None if expires_at is None
                              else expires_at - min(self.renew_margin, max(0.0, expires_at - now) / 10))
        return self._set(entry, state=TunnelState.UP, local_port=tunnel.local_port, backend=tunnel.backend_name,
                         up_since=time.time(), reason="", attempts=0, route=getattr(tunnel, "route_label", ""))

    def close(self, name: str) -> None:
        with self._lock:
            entry = self._entries.pop(name, None)
        if entry:
            self._discard(entry)
            self._set(entry, state=TunnelState.CLOSED, up_since=None, reason="", route="")

    def _discard(self, entry: _Entry) -> None:
        entry.stop.set()
        with entry.lock:
            tunnel, entry.tunnel = entry.tunnel, None
        if tunnel:
            tunnel.close()

    def close_all(self) -> None:
        for name in list(self._entries):
            self.close(name)

    def shutdown(self) -> None:
        self.close_all()
        self._shutdown.set()
        self._wake.set()

    def reconnect(self, name: str) -> TunnelStatus:
        """Drop and reopen now (same local port when free)."""
        with self._lock:
            entry = self._entries.get(name)
        if entry is None:
            raise TunnelError(f"No tunnel named {name!r} is open.")
        with entry.lock:
            tunnel, entry.tunnel = entry.tunnel, None
        port = tunnel.local_port if tunnel else entry.status.local_port
        if tunnel:
            tunnel.close()
        return self._connect(entry, TunnelState.RECONNECTING, local_port=port)

    # watching --------------------------------------------------------------------------
    def _watch(self) -> None:
        while not self._shutdown.is_set():
            self._wake.wait(self.poll_interval)
            self._wake.clear()
            with self._lock:
                entries = list(self._entries.values())
            for entry in entries:
                tunnel = entry.tunnel
                if (tunnel is None or entry.reconnecting or entry.stop.is_set()
                        or entry.status.state != TunnelState.UP):
                    continue
                if tunnel.is_alive():
                    if entry.renew_at is not None and time.monotonic() >= entry.renew_at:
                        entry.reconnecting = True
                        threading.Thread(target=self._renew, args=(entry, tunnel), daemon=True,
                                         name=f"tunnel-{entry.spec.name}-renew").start()
                    continue
                reason = tunnel.failure() or "the tunnel stopped"
                log.warning("tunnel %s dropped: %s; reconnecting", entry.spec.name, reason)
                entry.reconnecting = True
                threading.Thread(target=self._reconnect_loop, args=(entry, reason), daemon=True,
                                 name=f"tunnel-{entry.spec.name}-reconnect").start()

    def _renew(self, entry: _Entry, tunnel: OpenTunnel) -> None:
        """Before the carrier's end: renew in place when the tunnel can (paramiko: new connections
        take a new route at once, open ones keep the old route until it ends), else reopen it
        (the OpenSSH client: the database sessions through it reconnect)."""
        route = getattr(tunnel, "route_label", "") or "its carrier"
        try:
            renewed = tunnel.renew(self.store)
        except Exception as exc:  # noqa: BLE001 - reopening below says what fails
            log.info("tunnel %s: renewing in place failed: %s", entry.spec.name, getattr(exc, "message", exc))
            renewed = False
        if renewed:
            entry.reconnecting = False
            if entry.stop.is_set():
                return
            expires_at = getattr(tunnel, "expires_at", None)
            now = time.monotonic()
            entry.renew_at = (None if expires_at is None
                              else expires_at - min(self.renew_margin, max(0.0, expires_at - now) / 10))
            self._set(entry, route=getattr(tunnel, "route_label", ""),
                      reason="renewed before the endpoint's maximum duration; connections opened earlier end "
                             "with the old route")
            return
        if entry.stop.is_set():  # closed while renewing (the renewal closed what it made): nothing to reopen
            entry.reconnecting = False
            return
        reason = (f"renewing the tunnel before {route} reaches its maximum duration; database sessions through it "
                  "reconnect")
        log.info("tunnel %s: %s", entry.spec.name, reason)
        self._reconnect_loop(entry, reason, 0.0)

    def _reconnect_loop(self, entry: _Entry, reason: str, first_delay: float | None = None) -> None:
        """Reopen ``entry``'s tunnel with backoff; ``first_delay``: the first attempt's wait (0 for a
        planned renewal before the carrier's end), default the backoff's first step."""
        try:
            with entry.lock:
                old, entry.tunnel = entry.tunnel, None
            entry.renew_at = None
            port = old.local_port if old else 0
            if old:
                old.close()
            for attempt in range(1, self.max_attempts + 1):
                self._set(entry, state=TunnelState.RECONNECTING, reason=reason, attempts=attempt, up_since=None)
                delay = self.backoff[min(attempt - 1, len(self.backoff) - 1)]
                if attempt == 1 and first_delay is not None:
                    delay = first_delay
                if entry.stop.wait(delay):
                    return
                try:
                    self._connect(entry, TunnelState.RECONNECTING, local_port=port, mark_failed=False)
                    return
                except PERMANENT as exc:
                    self._set(entry, state=TunnelState.FAILED, reason=error_message(exc))
                    return
                except Exception as exc:
                    reason = error_message(exc)  # an expired SSO login keeps its `aws sso login`
                    log.info("tunnel %s reconnect attempt %d failed: %s", entry.spec.name, attempt, reason)
                    if entry.stop.is_set():
                        return
            self._set(entry, state=TunnelState.FAILED, reason=f"gave up after {self.max_attempts} attempts: {reason}")
        finally:
            entry.reconnecting = False
