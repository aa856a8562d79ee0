"""The Performance screen's connection to one instance, used on the screen's serial task queue.

One DB-API connection is made on first use (``source.connect()``: the profile aimed at the
instance, opened through ``core.connections.opener``) and reused by every refresh, so a refresh
each second costs the server one query round, not a new backend. When the connection breaks
(the server restarted, a failover, the network, someone terminated our backend), :meth:`run`
drops it and raises :class:`ConnectionLost`; the next :meth:`run` connects again. Qt-free and
driver-free: "broken" is read from the connection's own ``closed``/``broken`` flags (psycopg 3),
so this module imports no database driver.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aurora_console.core.errors import ConsoleError


class ConnectionLost(ConsoleError):
    """The instance cannot be reached (or the connection broke during a refresh)."""


def _is_broken(conn: Any) -> bool:
    # psycopg 3: closed / broken; PyMySQL (MySQL profiles): open goes False when the socket is gone
    return bool(getattr(conn, "closed", False) or getattr(conn, "broken", False) or getattr(conn, "open", True) is False)


class InstanceLink:
    def __init__(self, source: Any) -> None:
        self.source = source  # a DatabaseConnection: connect(), close()
        self._conn: Any = None
        self._lock = threading.Lock()
        self.connects = 0  # how many connections were made (a reconnect adds one)

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.source, "read_only", False))

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """``fn(conn)`` on the link's connection (made if needed); a broken connection raises
        :class:`ConnectionLost` and is dropped, any other error is raised as it is."""
        with self._lock:
            conn = self._conn
            if conn is None:
                try:
                    conn = self.source.connect()
                except Exception as exc:
                    raise ConnectionLost(f"Cannot connect: {_first_line(exc)}") from exc
                self._conn = conn
                self.connects += 1
            try:
                return fn(conn)
            except Exception as exc:
                if _is_broken(conn):
                    self._drop_locked()
                    raise ConnectionLost(f"The connection was lost: {_first_line(exc)}") from exc
                raise

    def drop(self) -> None:
        with self._lock:
            self._drop_locked()

    def _drop_locked(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection is best effort
                pass

    def close(self) -> None:
        """Close the connection and what the source opened for it (its tunnel)."""
        self.drop()
        try:
            self.source.close()
        except Exception:  # noqa: BLE001 - best effort, as the source's own close
            pass


def _first_line(exc: BaseException) -> str:
    from aurora_console.core.errors import error_message  # an expired SSO login keeps its `aws sso login`

    text = error_message(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
