"""The native backend's ``ProxyCommand`` for SSH over Session Manager.

ssh runs ``python -m aurora_console.core.aws.bastion_route.ssm_proxy PORT COOKIE_FILE`` (a frozen
app: ``aurora-console ssm-proxy PORT COOKIE_FILE``), which connects to the ``ssm`` carrier's relay
on 127.0.0.1:PORT (:class:`~aurora_console.core.aws.bastion_route.ssm.SessionRelay`), sends the
relay's cookie from the owner-only COOKIE_FILE, and copies stdin/stdout to it. The relay starts
the Session Manager session in the console's process, so this helper holds no AWS credentials and
no session token. The relay's first byte says whether the session started (0) or not (1, then
the reason, which goes to stderr for ssh to report).

Imports only the standard library: it starts once per SSH connection.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

COMMAND = "ssm-proxy"
MODULE = "aurora_console.core.aws.bastion_route.ssm_proxy"
CHUNK = 64 * 1024


def proxy_argv(port: int, cookie_file: Path | str, *, platform: str | None = None, frozen: bool | None = None,
               executable: str | None = None) -> list[str]:
    """The ProxyCommand argv reaching the relay on ``port`` with the cookie in ``cookie_file`` (``platform``/``frozen``/``executable``:
    this process's by default; tests pass others)."""
    platform = platform or sys.platform
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    if frozen:
        from aurora_console.core.ssh.askpass import WINDOWS_CLI_EXE

        exe = Path(executable)
        if platform == "win32" and exe.with_name(WINDOWS_CLI_EXE).is_file():  # the console twin has a stdout
            exe = exe.with_name(WINDOWS_CLI_EXE)
        return [str(exe), COMMAND, str(int(port)), str(cookie_file)]
    return [executable, "-m", MODULE, str(int(port)), str(cookie_file)]


def main(args: list[str]) -> int:
    """``args``: ``[PORT, COOKIE_FILE]``. Returns the exit code."""
    if len(args) != 2 or not args[0].isascii() or not args[0].isdigit():
        print("usage: ssm-proxy PORT COOKIE_FILE", file=sys.stderr)
        return 2
    try:
        cookie = Path(args[1]).read_bytes()
        conn = socket.create_connection(("127.0.0.1", int(args[0])), timeout=60)
        conn.sendall(cookie)
    except OSError as exc:
        print(f"aurora-console ssm-proxy: the console's Session Manager relay is gone ({exc}).", file=sys.stderr)
        return 1
    status = conn.recv(1)
    if status != b"\x00":
        reason = b""
        while chunk := conn.recv(CHUNK):
            reason += chunk
        print(f"Session Manager: {reason.decode('utf-8', 'replace') or 'the relay closed'}", file=sys.stderr)
        return 1
    conn.settimeout(None)
    out = sys.stdout.buffer

    def down() -> None:
        try:
            while data := conn.recv(CHUNK):
                out.write(data)
                out.flush()
        except OSError:
            pass
        os._exit(0)  # the bastion side ended: ssh sees EOF on our stdout

    reader = threading.Thread(target=down, daemon=True)
    reader.start()
    stdin = getattr(sys.stdin.buffer, "raw", sys.stdin.buffer)
    try:
        while data := stdin.read(CHUNK):
            conn.sendall(data)
    except OSError:
        pass
    try:
        conn.shutdown(socket.SHUT_WR)  # the relay then ends the session; what it still sends comes through
    except OSError:
        pass
    reader.join(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
