"""SSH bytes over an EC2 Instance Connect Endpoint's websocket, as a socket-like stream.

The endpoint's ``OpenTunnel`` is a websocket upgrade on a SigV4-presigned URL
(``wss://<endpoint dns>/openTunnel?...``, see :mod:`.eice`); once it is up, each binary frame
carries bytes of the TCP connection to the instance's port, in both directions. A text frame
is a protocol error and a close with a code other than 1000 carries the endpoint's reason (how
the AWS CLI's ``ec2-instance-connect open-tunnel`` reads it: aws/aws-cli,
awscli/customizations/ec2instanceconnect/websocket.py, which also caps each frame it sends at
65,000 bytes).

:class:`WebsocketStream` is what ``paramiko.Transport`` needs from a socket (``send``,
``recv``, ``settimeout``, ``close``); the ProxyCommand helper (:mod:`.eice_proxy`) pumps its
stdin/stdout through the same connection. This module is imported by that helper process, so
it stays small (no boto3).
"""

from __future__ import annotations

import errno
import json
import ssl
import threading
from dataclasses import dataclass
from typing import Any

from aurora_console.core.aws.bastion_route.errors import BastionRouteError, RouteAccessDenied

#: the most bytes put in one frame (the AWS CLI's limit)
MAX_FRAME = 65_000
OPEN_TUNNEL = "ec2-instance-connect:OpenTunnel"


class EndpointRefused(BastionRouteError):
    """The endpoint refused the websocket upgrade (expired or tampered URL, wrong port...)."""

    kind = "eice-refused"

    def __init__(self, message: str, *, status: int, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.status = status


class EndpointUnreachable(BastionRouteError):
    kind = "eice-unreachable"


class TunnelCut(OSError):
    """The endpoint closed the tunnel with an error (its reason is the message).

    Made like a socket's own errors, ``(errno, message)``: paramiko's transport thread formats a
    socket error as ``args[1] (args[0])``, and with a message alone that raised IndexError in its
    handler, so the thread died before marking the transport inactive: the tunnel looked up for
    ever and was never reconnected. ``str()`` is the message alone."""

    def __init__(self, message: str, code: int = errno.ECONNRESET) -> None:
        super().__init__(code, message)

    def __str__(self) -> str:
        return self.strerror


class EndpointClosed(BrokenPipeError):
    """The endpoint's side of the tunnel went away without an error reason (see :class:`TunnelCut`
    for why it carries an errno)."""

    def __init__(self, message: str = "The Instance Connect Endpoint closed the tunnel.") -> None:
        super().__init__(errno.EPIPE, message)

    def __str__(self) -> str:
        return self.strerror


@dataclass(frozen=True)
class TunnelTicket:
    """What one websocket opening needs: the presigned URL (a credential for its 60 s: never
    logged, never in argv or an environment), the endpoint named in messages (its id and ARN),
    and the CA bundle the parent's AWS clients trust (``""``: the system's)."""

    url: str
    endpoint_id: str
    endpoint_arn: str = ""
    ca_file: str = ""

    def __repr__(self) -> str:  # the URL is a credential
        return f"TunnelTicket({self.endpoint_id})"

    def to_json(self) -> str:
        return json.dumps({"url": self.url, "endpoint_id": self.endpoint_id, "endpoint_arn": self.endpoint_arn,
                           "ca_file": self.ca_file})

    @classmethod
    def from_json(cls, text: str) -> TunnelTicket:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            raise ValueError("not a tunnel ticket")
        return cls(str(data["url"]), str(data.get("endpoint_id", "")), str(data.get("endpoint_arn", "")),
                   str(data.get("ca_file", "")))


def refusal(status: int, body: bytes, ticket: TunnelTicket) -> BastionRouteError:
    """The error for an upgrade the endpoint answered with HTTP ``status`` and ``body``: an expired
    URL and a signature mismatch say so; any other 403 is AWS denying ``OpenTunnel`` (naming the
    action and the endpoint)."""
    text = body.decode("utf-8", "replace").strip()
    try:  # AWS-style JSON error bodies: {"Code"/"__type": ..., "Message"/"message": ...}
        data = json.loads(text)
        if isinstance(data, dict):
            text = str(data.get("Message") or data.get("message") or text)
    except ValueError:
        pass
    text = text[:500].rstrip(".")
    resource = ticket.endpoint_arn or ticket.endpoint_id
    lowered = text.lower()
    if status == 403 and "expired" in lowered:
        return EndpointRefused(
            f"The Instance Connect Endpoint {ticket.endpoint_id} refused the tunnel: its signed URL has "
            f"expired ({text}).", status=status, detail=text,
            hint="Check that this computer's clock is right (the URL is valid for 60 s), then connect again.")
    if status == 403 and "signature" in lowered:
        return EndpointRefused(
            f"The Instance Connect Endpoint {ticket.endpoint_id} refused the tunnel: the URL's signature does "
            f"not match ({text}).", status=status, detail=text,
            hint="The request was altered on the way, or the AWS credentials are not the ones the signature "
                 "was made with; connect again.")
    if status == 403:
        return RouteAccessDenied(
            f"AWS denied {OPEN_TUNNEL} on {resource}" + (f": {text}" if text else "."),
            action=OPEN_TUNNEL, resource=resource, detail=text,
            hint=f"Allow {OPEN_TUNNEL} on {resource} (with ec2-instance-connect:remotePort 22 and the "
                 "bastion's private address) in the IAM policy of the role or user behind the AWS profile.")
    return EndpointRefused(
        f"The Instance Connect Endpoint {ticket.endpoint_id} refused the tunnel (HTTP {status})"
        + (f": {text}" if text else "."), status=status, detail=text,
        hint="Check the endpoint's state and that the bastion's security group allows SSH from the endpoint.")


def _ssl_context(ticket: TunnelTicket) -> ssl.SSLContext | None:
    if not ticket.url.startswith("wss://"):
        return None
    return ssl.create_default_context(cafile=ticket.ca_file or None)


def open_websocket(ticket: TunnelTicket, timeout: float = 10.0) -> WebsocketStream:
    """Open the endpoint's websocket for ``ticket`` (raises a ``BastionRouteError`` saying why not)."""
    from websockets.exceptions import InvalidHandshake, InvalidStatus
    from websockets.sync.client import connect

    try:
        ws = connect(ticket.url, ssl=_ssl_context(ticket), open_timeout=timeout, compression=None, max_size=None,
                     ping_interval=None,  # SSH keeps the connection alive (and a starved pong must not cut it)
                     user_agent_header="aurora-console")
        ws = ws.__enter__()  # a long-lived connection, closed by WebsocketStream.close (websockets >= 17 asks for it)
    except InvalidStatus as exc:
        raise refusal(exc.response.status_code, bytes(exc.response.body or b""), ticket) from None
    except (InvalidHandshake, OSError, TimeoutError) as exc:
        host = ticket.url.split("/")[2].split("?")[0] if "//" in ticket.url else "?"
        raise EndpointUnreachable(
            f"Cannot open the Instance Connect Endpoint {ticket.endpoint_id} ({host}): "
            f"{exc or type(exc).__name__}.",
            hint="Check the network path to the endpoint (it is reached over HTTPS, port 443).") from None
    return WebsocketStream(ws, ticket.endpoint_id)


class WebsocketStream:
    """A socket-like view of one open tunnel websocket (what ``paramiko.Transport`` needs).

    ``recv(n)`` returns at most ``n`` bytes of the next binary frame(s), ``b""`` once the
    endpoint closed normally, raises ``socket.timeout`` after ``settimeout`` seconds without
    data and :class:`TunnelCut` when the endpoint closed with an error. ``send`` may be called
    from another thread than ``recv``."""

    def __init__(self, ws: Any, endpoint_id: str = "") -> None:
        self._ws = ws
        self.endpoint_id = endpoint_id
        self._buf = b""
        self._pos = 0
        self._timeout: float | None = None
        self._closed = False
        self._send_lock = threading.Lock()

    # -- socket-like -------------------------------------------------------------------------
    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def gettimeout(self) -> float | None:
        return self._timeout

    def send(self, data: bytes) -> int:
        chunk = bytes(data[:MAX_FRAME])
        if not chunk:
            return 0
        from websockets.exceptions import ConnectionClosed

        try:
            with self._send_lock:
                self._ws.send(chunk)
        except ConnectionClosed as exc:
            raise self._cut(exc) from None
        return len(chunk)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.send(view):]

    def recv(self, size: int) -> bytes:
        if self._pos >= len(self._buf):
            message = self.recv_message()
            if not message:
                return b""
            self._buf, self._pos = message, 0
        end = self._pos + max(1, size)
        out = self._buf[self._pos:end]
        self._pos = end
        return out

    def recv_message(self) -> bytes:
        """The next whole binary frame (b"" at a normal close); what the ProxyCommand pump uses."""
        from websockets.exceptions import ConnectionClosed, ConnectionClosedOK

        while True:
            try:
                message = self._ws.recv(timeout=self._timeout)
            except TimeoutError:
                raise TimeoutError("timed out") from None  # socket.timeout, as paramiko expects
            except ConnectionClosedOK:
                return b""
            except ConnectionClosed as exc:
                raise self._cut(exc) from None
            if isinstance(message, str):
                self.close()
                raise TunnelCut("The Instance Connect Endpoint sent text instead of tunnel data; the tunnel was "
                                "closed.")
            if message:
                return message

    def _cut(self, exc: Any) -> OSError:
        rcvd = getattr(exc, "rcvd", None)
        if rcvd is not None and rcvd.code not in (1000, 1001):
            return TunnelCut(f"The Instance Connect Endpoint closed the tunnel: {rcvd.reason or rcvd.code}")
        return EndpointClosed()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._ws.close()
        except Exception:  # noqa: BLE001 - closing an already broken connection
            pass

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> WebsocketStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"WebsocketStream({self.endpoint_id}, {'closed' if self._closed else 'open'})"
