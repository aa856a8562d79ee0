"""Local listening sockets: 127.0.0.1 only, OS-assigned or reused ports."""

from __future__ import annotations

import errno
import os
import socket

LOOPBACK = "127.0.0.1"


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1:port; if ``port`` is taken, on a new OS-assigned port."""
    for candidate in ([port, 0] if port else [0]):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if os.name != "nt":  # POSIX: lets a reconnect rebind while old connections sit in TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, candidate))
            sock.listen(16)
            return sock
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE or candidate == 0:
                raise
    raise OSError("no free local port")  # pragma: no cover


def free_loopback_port() -> int:
    """A port that was free a moment ago (for programs that bind it themselves; callers retry on a race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]
    finally:
        sock.close()
