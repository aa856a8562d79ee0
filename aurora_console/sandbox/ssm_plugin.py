"""A stand-in for AWS's ``session-manager-plugin`` that carries sandbox sessions locally.

It honours the real plugin's command line (aws/session-manager-plugin
``src/sessionmanagerplugin/session/session.go``, as aws/aws-cli
``awscli/customizations/sessionmanager.py`` calls it)::

    session-manager-plugin RESPONSE REGION StartSession PROFILE PARAMETERS ENDPOINT_URL

``RESPONSE``: the StartSession answer's JSON, or the name of an environment variable starting
``AWS_SSM_START_SESSION_RESPONSE`` holding it (read, then removed); ``--version`` prints a
version newer than 1.2.497.0, so callers use the variable. Instead of the ``StreamUrl`` websocket
it opens the sandbox's data channel (``POST ENDPOINT_URL/sandbox-ssm/data-channel/<SessionId>``
with the ``TokenValue``), which answers where the agent on the bastion would connect, and then:

* port forwarding (``AWS-StartPortForwarding*`` documents, parameters ``host``, ``portNumber``,
  ``localPortNumber``): listens on 127.0.0.1:``localPortNumber`` (0: any), prints
  ``Port N opened for sessionId S.`` and ``Waiting for connections...`` as the real one does, and
  forwards every connection;
* SSH (``AWS-StartSSHSession``): prints ``Starting session with SessionId: S`` on stdout (the real
  one does too; SSH clients skip lines before the server's banner), then pumps stdin/stdout to
  the bastion's SSH port.

It exits when stdin closes (SSH), on SIGTERM/SIGINT, or when the session is terminated
(``TerminateSession``, polled once a second), like the real one. Failures go to stderr with a
non-zero exit code. Run it as ``python -m aurora_console.sandbox.ssm_plugin``; :func:`write_launcher`
makes an executable named ``session-manager-plugin`` for PATH.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

VERSION = "1.2.650.0"
RESPONSE_ENV = "AWS_SSM_START_SESSION_RESPONSE"
DATA_CHANNEL_PATH = "/sandbox-ssm/data-channel/"
CHUNK = 64 * 1024


class PluginFailure(Exception):
    pass


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read())
            raise PluginFailure(f"{error.get('__type')}: {error.get('message')}") from None
        except ValueError:
            raise PluginFailure(f"HTTP {exc.code} from the data channel") from None
    except (OSError, ValueError) as exc:
        raise PluginFailure(f"cannot reach the data channel: {exc}") from None


def _terminated(endpoint: str, session_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}{DATA_CHANNEL_PATH}status/{session_id}", timeout=5) as answer:
            return bool(json.loads(answer.read()).get("terminated"))
    except (OSError, ValueError):
        return False


def _watch_session(endpoint: str, session_id: str) -> None:
    stop = threading.Event()
    while not stop.wait(1.0):
        if _terminated(endpoint, session_id):
            print(f"\n\nSessionId: {session_id} : Session terminated.", file=sys.stderr, flush=True)
            os._exit(0)


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for action in (lambda: dst.shutdown(socket.SHUT_WR), src.close):
            try:
                action()
            except OSError:
                pass


def _serve_forward(address: tuple[str, int], local_port: int, session_id: str) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name != "nt":
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", local_port))
    except OSError as exc:
        raise PluginFailure(f"listen tcp 127.0.0.1:{local_port}: bind: {exc.strerror or exc}") from None
    listener.listen(16)
    port = listener.getsockname()[1]
    sys.stdout.write(f"\nStarting session with SessionId: {session_id}\n")
    sys.stdout.write(f"Port {port} opened for sessionId {session_id}.\nWaiting for connections...\n")
    sys.stdout.flush()
    while True:
        client, _ = listener.accept()
        try:
            upstream = socket.create_connection(address, timeout=10)
            upstream.settimeout(None)
        except OSError:
            sys.stdout.write("\nConnection to destination port failed, check SSM Agent logs.\n")
            sys.stdout.flush()
            client.close()
            continue
        sys.stdout.write(f"Connection accepted for session [{session_id}]\n")
        sys.stdout.flush()
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(a, b), daemon=True).start()


def _serve_stream(address: tuple[str, int], session_id: str) -> None:
    try:
        upstream = socket.create_connection(address, timeout=10)
    except OSError as exc:
        raise PluginFailure(f"Connection to destination port failed: {exc}") from None
    upstream.settimeout(None)
    out = sys.stdout.buffer
    out.write(f"\nStarting session with SessionId: {session_id}\n".encode())
    out.flush()

    def down() -> None:  # bastion -> stdout
        try:
            while True:
                data = upstream.recv(CHUNK)
                if not data:
                    break
                out.write(data)
                out.flush()
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=down, daemon=True).start()
    stdin = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
    while True:  # stdin -> bastion; stdin closed: the session ends
        data = stdin.read(CHUNK)
        if not data:
            break
        upstream.sendall(data)
    os._exit(0)


def run(argv: list[str]) -> int:
    if len(argv) == 1:
        print("\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n")
        return 0
    if len(argv) == 2 and argv[1] == "--version":
        print(VERSION)
        return 0
    if len(argv) < 7:
        print(f"\nUnknown operation {argv[1]}. \nUse session-manager-plugin --version to check the version.\n")
        return 1
    response_arg, region, operation, _profile, parameters, endpoint = argv[1:7]
    if response_arg.startswith(RESPONSE_ENV):
        raw = os.environ.pop(response_arg, "")
    else:
        raw = response_arg
    if operation != "StartSession":
        print("Invalid Operation", file=sys.stderr)
        return 1
    try:
        response = json.loads(raw)
        request = json.loads(parameters)
        session_id, token = response["SessionId"], response["TokenValue"]
        target = request["Target"]
    except (ValueError, KeyError, TypeError) as exc:
        print(f"Cannot perform start session: {exc!r}", file=sys.stderr)
        return 1
    try:
        channel = _post(f"{endpoint}{DATA_CHANNEL_PATH}{session_id}", {"TokenValue": token})
        address = (channel["connect"][0], int(channel["connect"][1]))
        threading.Thread(target=_watch_session, args=(endpoint, session_id), daemon=True).start()
        if channel["kind"] == "ssh":
            _serve_stream(address, session_id)
        else:
            local = int(((request.get("Parameters") or {}).get("localPortNumber") or ["0"])[0] or 0)
            _serve_forward(address, local, session_id)
    except PluginFailure as exc:
        print(f"Cannot perform start session on {target} ({region}): {exc}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    def stop(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        os._exit(0)

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    sys.exit(run(sys.argv))


def write_launcher(folder: Path, python: str | None = None) -> Path:
    """An executable ``session-manager-plugin`` in ``folder`` that runs this module (POSIX: a
    script; Windows: a ``.cmd``, which ``shutil.which`` finds through PATHEXT)."""
    python = python or sys.executable
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "nt":
        path = folder / "session-manager-plugin.cmd"
        path.write_text(f'@"{python}" -m aurora_console.sandbox.ssm_plugin %*\r\n', encoding="utf-8")
        return path
    path = folder / "session-manager-plugin"
    path.write_text(f"#!/bin/sh\nexec '{python}' -m aurora_console.sandbox.ssm_plugin \"$@\"\n", encoding="utf-8")
    path.chmod(0o700)
    return path


if __name__ == "__main__":
    main()
