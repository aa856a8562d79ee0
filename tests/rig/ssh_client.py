"""Client-side helpers for tests that tunnel through an SSH server with the OpenSSH client."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aurora_console.sandbox.postgres_env import free_port  # noqa: F401 - the rig's tests import it from here


@contextmanager
def openssh_forward(
    ssh_args: list[str], local_port: int, timeout: float = 30.0
) -> Iterator[subprocess.Popen]:
    """Run ``ssh -N -L ...`` (``ssh_args``), wait until ``local_port`` listens, stop it at exit.

    The readiness probe opens one connection through the tunnel and closes it at once.
    Raises ``RuntimeError`` with ssh's stderr if ssh exits first (for example a rejected key).
    """
    proc = subprocess.Popen(
        ssh_args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"ssh exited with {proc.returncode}: {proc.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", local_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"ssh did not open 127.0.0.1:{local_port} in {timeout} s") from None
                time.sleep(0.05)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stderr.close()


def stop_and_read_stderr(proc: subprocess.Popen) -> str:
    """Terminate ``proc`` (if running) and return what it wrote to stderr."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:  # seen once under a loaded machine: don't fail on it
            proc.kill()
            proc.wait()
    return proc.stderr.read()
