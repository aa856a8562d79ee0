"""Which protocol a port speaks, from its first bytes: a MySQL server greets first (a protocol-10
handshake packet); a PostgreSQL server says nothing until asked, and answers an SSLRequest with
one byte, 'S' or 'N'. The engines use it to tell a user whose profile names the wrong engine for
a port ("this port speaks PostgreSQL, the profile says MySQL") instead of a handshake error.

References (protocol documentation, not code): the MySQL client/server protocol's Initial
Handshake packet (dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake.html)
and PostgreSQL's SSLRequest message (postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL).
"""

from __future__ import annotations

import socket
import struct
import time

#: PostgreSQL's SSLRequest: length 8, code 80877103
PG_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def peek_greeting(sock: socket.socket, timeout: float) -> bytes:
    """Up to the first 5 bytes the server sends, left in the socket (``MSG_PEEK``) for the driver
    to read; b"" when nothing came within ``timeout`` seconds or the server closed."""
    deadline = time.monotonic() + timeout
    data = b""
    while len(data) < 5:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data = sock.recv(5, socket.MSG_PEEK)
        except TimeoutError:
            break
        if not data:  # closed
            break
        if len(data) < 5:
            time.sleep(0.01)
    return data


def is_mysql_greeting(head: bytes) -> bool:
    """A MySQL packet header (3-byte length, sequence 0) followed by protocol version 10, or by an
    error packet (0xff: "Host is blocked", "Too many connections" are sent instead of a greeting)."""
    return len(head) >= 5 and head[3] == 0 and head[4] in (10, 0xFF)


def speaks_postgres(host: str, port: int, timeout: float = 3.0) -> bool:
    """Whether ``host:port`` answers a PostgreSQL SSLRequest ('S' or 'N') on a fresh connection."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(PG_SSL_REQUEST)
            answer = sock.recv(1)
    except OSError:
        return False
    return answer in (b"S", b"N")


def speaks_mysql(host: str, port: int, timeout: float = 3.0) -> bool:
    """Whether ``host:port`` greets like a MySQL server on a fresh connection."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            return is_mysql_greeting(peek_greeting(sock, timeout))
    except OSError:
        return False
