"""The native backend's ``ProxyCommand`` for SSH over Session Manager.

ssh runs ``python -m aurora_console.core.aws.bastion_route.ssm_proxy PORT`` (a frozen app:
``aurora-console --ssm-proxy PORT``), which connects to the ``ssm`` carrier's relay on
127.0.0.1:PORT (:class:`~aurora_console.core.aws.bastion_route.ssm.SessionRelay`) and copies
stdin/stdout to it. The relay starts the Session Manager session in the console's process, so
this helper holds no AWS credentials and no session token. The relay's first byte says whether
the session started (0) or not (1, then the reason, which goes to stderr for ssh to report).

Imports only the standard library: it starts once per SSH connection.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

FLAG = "--ssm-proxy"
MODULE = "aurora_console.core.aws.bastion_route.ssm_proxy"
CHUNK = 64 * 1024


def proxy_argv(port: int, *, frozen: bool | None = None, executable: str | None = None) -> list[str]:
    """The ProxyCommand argv reaching the relay on ``port``."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = executable or sys.executable
    if frozen:
        from aurora_console.core.ssh.askpass import WINDOWS_CLI_EXE

        cli = Path(executable).with_name(WINDOWS_CLI_EXE)  # Windows: the console twin has a stdout
        return [str(cli if cli.is_file() else executable), FLAG, str(int(port))]
    return [executable, "-m", MODULE, str(int(port))]


def run(args: list[str]) -> int:
    """``args``: ``[PORT]``. Returns the exit code."""
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        print("usage: ssm-proxy PORT", file=sys.stderr)
        return 2
    try:
        conn = socket.create_connection(("127.0.0.1", int(args[0])), timeout=60)
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

    threading.Thread(target=down, daemon=True).start()
    stdin = getattr(sys.stdin.buffer, "raw", sys.stdin.buffer)
    try:
        while data := stdin.read(CHUNK):
            conn.sendall(data)
    except OSError:
        pass
    try:
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
