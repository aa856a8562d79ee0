"""The console's own ``ProxyCommand`` for SSH through an EC2 Instance Connect Endpoint.

The native backend's ssh runs ``<console> eice-proxy <ticket file>`` (from source:
``python -m aurora_console.core.aws.bastion_route.eice_proxy <ticket file>``; frozen on
Windows: the console twin ``aurora-console-cli.exe``, since a windowed executable has no
stdin/stdout). The helper claims the ticket file, opens the endpoint's websocket and pumps its
stdin to the websocket and the websocket to its stdout until either side ends.

No credential reaches the helper's argv or environment: the console presigns the URL (valid
60 s) and hands it over through :class:`UrlHandout`, an owner-only file in an owner-only folder
that the helper renames away (so no two helpers share a URL), reads and deletes; the console
then writes a fresh one for the next ssh start, rewrites it before it would expire, and removes
the folder when the tunnel closes. Failures go to stderr as one line starting with
:data:`ERROR_PREFIX` (ssh passes its ProxyCommand's stderr on; the backend shows that line).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from aurora_console.core.own_program import WINDOWS_CLI_EXE, own_program_argv  # noqa: F401 - re-exported

COMMAND = "eice-proxy"
MODULE = "aurora_console.core.aws.bastion_route.eice_proxy"
ERROR_PREFIX = "aurora-console eice-proxy: "
TICKET_NAME = "tunnel-ticket.json"
#: a ticket is rewritten this often (its URL is valid for 60 s from signing)
REFRESH_SECONDS = 30.0


def proxy_argv(ticket_path: Path | str, *, platform: str | None = None, frozen: bool | None = None,
               executable: str | None = None) -> list[str]:
    """The ProxyCommand argv for a ticket file (``platform``/``frozen``/``executable``: this
    process's by default; tests pass others)."""
    return own_program_argv(MODULE, COMMAND, str(ticket_path), platform=platform, frozen=frozen,
                            executable=executable)


class UrlHandout:
    """Keeps one fresh ticket (``tickets()`` -> :class:`.eice_stream.TunnelTicket`) in an owner-only
    file for the next helper to claim. ``path``: the file; ``close()`` stops and removes all."""

    def __init__(self, tickets: Callable[[], object], folder: Path | None = None, *,
                 refresh_seconds: float = REFRESH_SECONDS, poll_seconds: float = 0.05,
                 idle_poll_seconds: float = 2.0, busy_seconds: float = 120.0) -> None:
        import tempfile

        self._tickets = tickets
        self.folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="aurora-eice-"))
        self.folder.chmod(0o700)
        self.path = self.folder / TICKET_NAME
        self._refresh = refresh_seconds
        # a claimed ticket is replaced within poll_seconds while ssh may start again (an opening, a
        # retry); once nothing was claimed for busy_seconds, the file is only looked at every
        # idle_poll_seconds (a tunnel that is up needs nothing until its next opening)
        self._poll = poll_seconds
        self._idle_poll = idle_poll_seconds
        self._busy = busy_seconds
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self.claimed_at = time.monotonic()  # of the last claim (or of the start)
        self.written = 0
        self._write()  # the first one now: a failure to sign is the carrier's failure
        self._thread = threading.Thread(target=self._run, name="eice-url-handout", daemon=True)
        self._thread.start()

    def pace(self, now: float) -> float:
        """Seconds until the next look at the file: quick within ``busy_seconds`` of the last claim."""
        return self._poll if now - self.claimed_at < self._busy else self._idle_poll

    def _write(self) -> None:
        import secrets

        text = self._tickets().to_json()
        tmp = self.folder / f".{secrets.token_hex(8)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path)
        self.written += 1

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.pace(time.monotonic())):
            present = self.path.exists()
            if present and time.monotonic() - last < self._refresh:
                continue
            if not present:
                self.claimed_at = time.monotonic()
            try:
                self._write()
                self.error = None
            except Exception as exc:  # noqa: BLE001 - e.g. expired credentials: the next opening says so
                self.error = exc
                self._stop.wait(1.0)
            last = time.monotonic()

    def close(self) -> None:
        import shutil

        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)
        shutil.rmtree(self.folder, ignore_errors=True)


def take_ticket(path: Path | str):
    """Claim the ticket file (rename it away), read it, delete it. Raises ``OSError``/``ValueError``."""
    from aurora_console.core.aws.bastion_route.eice_stream import TunnelTicket

    path = Path(path)
    claimed = path.with_name(f".{path.name}.{os.getpid()}.claimed")
    os.replace(path, claimed)
    try:
        return TunnelTicket.from_json(claimed.read_text(encoding="utf-8"))
    finally:
        claimed.unlink(missing_ok=True)


def pump(stream, read_input: Callable[[int], bytes], write_output: Callable[[bytes], object]) -> int:
    """Copy input to the websocket (a thread) and the websocket to output until one side ends.
    Returns 0, or 1 when the endpoint cut the tunnel with an error (reported on stderr)."""
    from aurora_console.core.aws.bastion_route.eice_stream import MAX_FRAME

    def upstream() -> None:
        try:
            while True:
                data = read_input(MAX_FRAME)
                if not data:
                    break
                stream.sendall(data)
        except OSError:
            pass
        finally:
            stream.close()  # ssh closed our stdin: end the tunnel, which ends the downstream loop

    threading.Thread(target=upstream, name="eice-proxy-upstream", daemon=True).start()
    try:
        while True:
            data = stream.recv_message()
            if not data:
                return 0
            view = memoryview(data)
            while view:
                written = write_output(view)
                view = view[written if isinstance(written, int) and written > 0 else len(view):]
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if stream.closed:
            return 0
        print(f"{ERROR_PREFIX}{exc}", file=sys.stderr, flush=True)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """``eice-proxy TICKET_FILE``: SSH on stdin/stdout through the endpoint's websocket."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(f"{ERROR_PREFIX}usage: eice-proxy TICKET_FILE (ssh runs this as its ProxyCommand)", file=sys.stderr)
        return 2
    from aurora_console.core.aws.bastion_route.eice_stream import open_websocket
    from aurora_console.core.errors import ConsoleError

    try:
        ticket = take_ticket(args[0])
    except (OSError, ValueError) as exc:
        print(f"{ERROR_PREFIX}no tunnel URL to use ({type(exc).__name__}: {exc}); the console hands one to "
              "each ssh it starts", file=sys.stderr, flush=True)
        return 1
    try:
        stream = open_websocket(ticket)
    except ConsoleError as exc:
        print(f"{ERROR_PREFIX}{exc.message}" + (f" {exc.hint}" if exc.hint else ""), file=sys.stderr, flush=True)
        return 1
    with stream:
        return pump(stream, lambda n: os.read(0, n), lambda data: os.write(1, data))


if __name__ == "__main__":  # pragma: no cover - run as ssh's ProxyCommand
    raise SystemExit(main())
