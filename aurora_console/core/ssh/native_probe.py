"""Check the path through a freshly started forward: 127.0.0.1:port -> bastion -> target."""

from __future__ import annotations

import socket
import struct

SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def probe_path(port: int, kind: str, timeout: float = 10.0) -> str:
    """'down' (nothing listens yet), 'up' (the target answered or the channel stayed open),
    or 'closed' (the listener accepted, then the bastion dropped the channel)."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=1.0)
    except OSError:
        return "down"
    try:
        if kind == "none":
            return "up"
        sock.settimeout(timeout)
        if kind == "postgres":
            sock.sendall(SSL_REQUEST)
            try:
                data = sock.recv(1)
            except TimeoutError:
                return "up"
            return "up" if data else "closed"
        # generic TCP: a greeting (MySQL) or a quiet open channel both mean "up"
        sock.settimeout(min(timeout, 1.5))
        try:
            data = sock.recv(1)
        except TimeoutError:
            return "up"
        return "up" if data else "closed"
    except OSError:
        return "closed"
    finally:
        sock.close()
