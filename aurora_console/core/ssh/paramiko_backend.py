"""Pure-Python backend: a paramiko transport plus a small forwarding server on 127.0.0.1.

(sshtunnel's forwarder logs and swallows authentication and host-key failures, so the console
drives paramiko directly to give each failure its own message.)
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time

from aurora_console.core.aws.bastion_route.route import prepare_route
from aurora_console.core.ssh.auth import connect_bastion
from aurora_console.core.ssh.backend import OpenTunnel, TunnelBackend
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import ForwardingRefused, TargetUnreachable, TunnelError
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.listener import bind_loopback

log = logging.getLogger(__name__)
CHUNK = 256 * 1024


def open_target_channel(transport, spec: TunnelSpec, src=("127.0.0.1", 0), timeout: float = 10.0):
    import paramiko

    t = spec.target
    try:
        return transport.open_channel("direct-tcpip", (t.host, t.port), src, timeout=timeout)
    except paramiko.ChannelException as exc:
        if exc.code == paramiko.common.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED:
            raise ForwardingRefused(
                f"The bastion {spec.bastion.host} refuses TCP forwarding (AllowTcpForwarding no, or a "
                f"permitopen restriction for {t.label}).",
                hint="Ask the bastion's administrator to allow forwarding to the database endpoint.") from None
        if exc.code == paramiko.common.OPEN_FAILED_CONNECT_FAILED:
            raise TargetUnreachable(
                f"The bastion {spec.bastion.host} cannot reach {t.label} ({exc.text or 'connect failed'}).",
                hint="Check the endpoint, port and the database's security group (it must allow the bastion).") from None
        raise TunnelError(f"The bastion refused the forward to {t.label}: {exc.text or exc.code}.") from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise TunnelError(f"Opening the forward to {t.label} failed: {exc}.") from None


class ParamikoTunnel(OpenTunnel):
    backend_name = "paramiko"

    def __init__(self, spec: TunnelSpec, transport, jump_transport, listen: socket.socket, *, route=None) -> None:
        self.spec = spec
        self.route = route  # bastion_route.route.PreparedRoute: cleaned up on close
        self.route_label = route.label if route else ""
        self.expires_at = route.expires_at if route else None
        self.transport = transport
        self.jump_transport = jump_transport
        self.listen = listen
        self.local_port = listen.getsockname()[1]
        self._closed = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._retired: list[tuple] = []  # (transport, jump, route) replaced by renew(), ended at their carrier's end
        self._thread = threading.Thread(target=self._accept_loop, name=f"tunnel-{spec.name}-accept", daemon=True)
        self._thread.start()
        self._dead_reason: str | None = None
        interval = int(spec.bastion.keepalive_seconds or 0)
        if interval > 0:
            threading.Thread(target=self._watchdog, args=(interval,), name=f"tunnel-{spec.name}-keepalive",
                             daemon=True).start()

    def _watchdog(self, interval: int) -> None:
        """Like ssh's ServerAliveInterval/CountMax 3: a bastion that stops answering (a silent network
        partition keeps TCP 'up' for many minutes) is declared dead, so the manager reconnects."""
        while not self._closed.wait(interval):
            if not self.transport.is_active():
                return
            answered = threading.Event()

            def ping(done: threading.Event = answered) -> None:
                try:
                    self.transport.global_request("keepalive@openssh.com", wait=True)
                except Exception:  # noqa: BLE001 - any failure means no answer
                    return
                done.set()

            threading.Thread(target=ping, daemon=True, name=f"tunnel-{self.spec.name}-ping").start()
            if not answered.wait(interval * 3) and not self._closed.is_set():
                self._dead_reason = (f"the bastion {self.spec.bastion.label} stopped answering keepalives "
                                     f"for {interval * 3} s")
                log.warning("tunnel %s: %s", self.spec.name, self._dead_reason)
                self.transport.close()
                return

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                conn, addr = self.listen.accept()
            except OSError:
                break
            threading.Thread(target=self._serve, args=(conn, addr), name=f"tunnel-{self.spec.name}-conn",
                             daemon=True).start()

    def _serve(self, conn: socket.socket, addr) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._conns.add(conn)
        chan = None
        transport = self.transport  # this connection stays on the route it started on (see renew)
        try:
            chan = open_target_channel(transport, self.spec, src=addr)
            self._pump(conn, chan, transport)
        except TunnelError as exc:
            log.warning("tunnel %s: %s", self.spec.name, exc.message)
        except Exception as exc:  # noqa: BLE001 - a dropped transport or client ends this connection only
            log.debug("tunnel %s: connection ended: %r", self.spec.name, exc)
        finally:
            if chan is not None:
                try:
                    chan.close()
                except Exception:  # noqa: BLE001 - EOFError or OSError: the transport is already gone
                    pass
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _pump(self, conn: socket.socket, chan, transport) -> None:
        while not self._closed.is_set():
            readable, _, _ = select.select([conn, chan], [], [], 1.0)
            if conn in readable:
                data = conn.recv(CHUNK)
                if not data:
                    chan.shutdown_write()
                    break
                chan.sendall(data)
            if chan in readable:
                data = chan.recv(CHUNK)
                if not data:
                    break
                conn.sendall(data)
            if not transport.is_active():
                break
        # drain what the server still sends after the client half-closed
        while not self._closed.is_set() and transport.is_active():
            data = chan.recv(CHUNK)
            if not data:
                break
            conn.sendall(data)

    def renew(self, store: HostKeyStore) -> bool:
        """A new route (a new key pushed, a new carrier) logged in while the old one still runs; new
        connections take it at once, the open ones stay on the old route until its carrier ends.
        False (and the new route closed) when the tunnel was closed while the new route logged in."""
        route = prepare_route(self.spec)
        try:
            transport, jump = route.login(lambda: connect_bastion(self.spec, store, route))
        except BaseException:
            route.cleanup()
            raise
        with self._lock:
            # close() snapshots the routes under this lock after setting _closed: a renewal that ends
            # after that must not leave its new SSH connection (and carrier) open in a closed tunnel
            closed = self._closed.is_set()
            if not closed:
                old = (self.transport, self.jump_transport, self.route)
                self.transport, self.jump_transport, self.route = transport, jump, route
                self.route_label, self.expires_at = route.label, route.expires_at
                self._retired.append(old)
        if closed:
            _close_route(transport, jump, route)
            log.info("tunnel %s closed while renewing: the new route through %s is closed too", self.spec.name,
                     route.label)
            return False
        old_route = old[2]
        ends = old_route.expires_at if old_route is not None else None
        delay = max(0.0, ends - time.monotonic()) if ends is not None else 0.0
        timer = threading.Timer(delay, self._retire, args=(old,))
        timer.daemon = True
        timer.start()
        log.info("tunnel %s renewed: new connections through %s; open ones stay on the old route for %.0f s",
                 self.spec.name, route.label, delay)
        return True

    def _retire(self, old: tuple) -> None:
        with self._lock:
            if old not in self._retired:
                return
            self._retired.remove(old)
        _close_route(*old)

    def is_alive(self) -> bool:
        return not self._closed.is_set() and self.transport.is_active()

    def failure(self) -> str | None:
        if self._closed.is_set() or self.transport.is_active():
            return None
        return self._dead_reason or f"the SSH connection to {self.spec.bastion.label} was lost"

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self.listen.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() so the port is released now
        except OSError:
            pass
        try:
            self.listen.close()
        except OSError:
            pass
        self._thread.join(timeout=2)
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            routes, self._retired = [(self.transport, self.jump_transport, self.route), *self._retired], []
        for old in routes:
            _close_route(*old)


def _close_route(transport, jump_transport, route) -> None:
    transport.close()
    if jump_transport:
        jump_transport.close()
    if route is not None:
        route.cleanup()


class ParamikoBackend(TunnelBackend):
    name = "paramiko"

    def open(self, spec: TunnelSpec, store: HostKeyStore, *, local_port: int = 0) -> OpenTunnel:
        spec.bastion.validate()
        spec.target.validate()
        route = prepare_route(spec)
        try:
            transport, jump = route.login(lambda: connect_bastion(spec, store, route))
        except BaseException:
            route.cleanup()
            raise
        try:
            if spec.target.probe != "none":
                open_target_channel(transport, spec, timeout=spec.bastion.connect_timeout).close()
            listen = bind_loopback(local_port)
        except BaseException:
            transport.close()
            if jump:
                jump.close()
            route.cleanup()
            raise
        tunnel = ParamikoTunnel(spec, transport, jump, listen, route=route)
        log.info("tunnel %s up (paramiko): 127.0.0.1:%d -> %s", spec.name, tunnel.local_port, route.label)
        return tunnel
