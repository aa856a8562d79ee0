"""Hand a key passphrase to ssh's askpass helper exactly once, never through an environment variable.

The ssh process and its helper get only a *handle* in their environment (:data:`HANDLE_ENV`):

* POSIX: the path of a named pipe (FIFO, mode 0600) in the tunnel's private folder (0700). A
  thread in the console opens its write end; the open returns when the helper opens the read end;
  the pipe is unlinked at once (nobody can open it again), the passphrase is written, the write
  end closed and the console drops its copy. The helper is ``cat PIPE`` (no Python start-up).
* Windows (no FIFOs): a named pipe served by ``multiprocessing.connection.Listener`` that answers
  one client which proves it knows a random one-time key (:data:`KEY_ENV`, not the passphrase;
  worthless once the pipe is closed), then closes.

Either way the handle is spent after one read, and :meth:`OneShotHandover.close` (called as soon
as ssh is up, or failed) ends it even when nobody read it.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

HANDLE_ENV = "AURORA_CONSOLE_ASKPASS_HANDLE"
KEY_ENV = "AURORA_CONSOLE_ASKPASS_KEY"


class HandoverSpent(Exception):
    """The handle was already used (or closed): no secret behind it any more."""


class OneShotHandover:
    """Serve ``secret`` once through a handle; ``env()`` is what the helper's environment needs."""

    def __init__(self, folder: Path, secret: str, *, family: str | None = None) -> None:
        import secrets  # here, not at the top: the helper process imports this module and stays quick
        import threading

        self._secret: bytes | None = (secret + "\n").encode("utf-8")
        self._cancelled = threading.Event()
        self.family = family or ("AF_PIPE" if sys.platform == "win32" else "fifo")
        self._listener = None
        self._key = b""
        if self.family == "fifo":
            self.address = str(Path(folder) / f"askpass-{secrets.token_hex(8)}.pipe")
            os.mkfifo(self.address, 0o600)
            target = self._serve_fifo
        else:
            from multiprocessing.connection import Listener

            self._key = secrets.token_bytes(32)
            address = (rf"\\.\pipe\aurora-askpass-{secrets.token_hex(16)}" if self.family == "AF_PIPE"
                       else str(Path(folder) / f"askpass-{secrets.token_hex(8)}.sock"))
            self._listener = Listener(address, family=self.family, authkey=self._key)
            self.address = str(self._listener.address)
            target = self._serve_listener
        self._thread = threading.Thread(target=target, name="askpass-handover", daemon=True)
        self._thread.start()

    def env(self) -> dict[str, str]:
        env = {HANDLE_ENV: self.address}
        if self._key:
            env[KEY_ENV] = self._key.hex()
        return env

    @property
    def served(self) -> bool:
        """True once the secret was handed over (or the handover was closed)."""
        return self._secret is None

    def _forget(self) -> None:
        self._secret = None

    def _serve_fifo(self) -> None:
        try:
            fd = os.open(self.address, os.O_WRONLY)  # returns when a reader opened the pipe
        except OSError:
            self._forget()
            return
        try:
            try:
                os.unlink(self.address)  # one reader only: nobody can open it after this
            except FileNotFoundError:
                pass
            data, self._secret = self._secret, None  # dropped before the reader can see the end of it
            if data and not self._cancelled.is_set():
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
        except OSError as exc:
            log.debug("askpass handover: the helper went away: %s", exc)
        finally:
            os.close(fd)
            self._forget()

    def _serve_listener(self) -> None:
        from multiprocessing import AuthenticationError

        try:
            while not self._cancelled.is_set():
                try:
                    conn = self._listener.accept()
                except AuthenticationError:  # someone without the key: refused, keep waiting
                    continue
                except OSError:
                    return
                with conn:
                    data, self._secret = self._secret, None  # dropped before the client has it
                    if data and not self._cancelled.is_set():
                        conn.send_bytes(data)
                return
        finally:
            self._forget()
            try:
                self._listener.close()
            except OSError:
                pass

    def close(self) -> None:
        """End the handover: served or not, the handle is dead and the secret dropped afterwards."""
        self._cancelled.set()
        if self.family == "fifo":
            try:  # a reader end of our own lets a writer still waiting in open() return and quit
                rfd = os.open(self.address, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                rfd = None
            self._thread.join(timeout=5)
            if rfd is not None:
                os.close(rfd)
            try:
                os.unlink(self.address)
            except FileNotFoundError:
                pass
        elif self._thread.is_alive():
            from multiprocessing.connection import Client

            try:  # wake the accept() with a client of our own (it gets nothing: cancelled)
                Client(self.address, family=self.family, authkey=self._key).close()
            except (OSError, EOFError):
                pass
            self._thread.join(timeout=5)
        self._forget()


def read_handover(environ: Mapping[str, str]) -> str:
    """The helper's side: read the secret behind the handle once (raises :class:`HandoverSpent`)."""
    address = environ.get(HANDLE_ENV, "")
    if not address:
        raise HandoverSpent("no askpass handle in the environment")
    key = environ.get(KEY_ENV)
    if key:
        from multiprocessing.connection import Client

        family = "AF_PIPE" if address.startswith("\\\\") else "AF_UNIX"
        try:
            with Client(address, family=family, authkey=bytes.fromhex(key)) as conn:
                data = conn.recv_bytes()
        except (OSError, EOFError, ValueError) as exc:
            raise HandoverSpent(f"the askpass handle is spent ({exc.__class__.__name__})") from None
    else:
        try:
            fd = os.open(address, os.O_RDONLY)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENXIO):
                raise HandoverSpent("the askpass handle is spent") from None
            raise HandoverSpent(f"the askpass handle cannot be read: {exc.strerror}") from None
        chunks = []
        try:
            while chunk := os.read(fd, 4096):
                chunks.append(chunk)
        finally:
            os.close(fd)
        data = b"".join(chunks)
    if not data:
        raise HandoverSpent("the askpass handle was closed before it was read")
    return data.decode("utf-8").removesuffix("\n")
