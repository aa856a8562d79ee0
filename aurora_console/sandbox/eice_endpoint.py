"""The sandbox's EC2 Instance Connect Endpoint: ``DescribeInstanceConnectEndpoints`` on the local
AWS endpoint and a websocket server that opens tunnels to the loopback bastion.

moto has neither, so:

* :class:`EiceWsgi` sits in front of moto's WSGI app and answers the EC2 Query action
  ``DescribeInstanceConnectEndpoints`` (``InstanceConnectEndpointId.N``, ``Filter.N`` on
  ``state``, ``vpc-id``, ``subnet-id``, ``instance-connect-endpoint-id``, ``MaxResults`` /
  ``NextToken``) in the XML shape of botocore's ``ec2`` model; everything else goes on to moto.
* :class:`SandboxEice` runs a websocket server (a thread, 127.0.0.1, an OS-assigned port). Its
  endpoint's ``DnsName`` is that ``127.0.0.1:PORT`` (the console opens ``ws://`` to an AWS
  endpoint without TLS). Before it upgrades ``GET /openTunnel`` it checks the SigV4 query
  signature the way AWS does: recomputed with the sandbox's credentials over the request as
  received (signed headers, query without ``X-Amz-Signature``), ``X-Amz-Date`` +
  ``X-Amz-Expires`` not passed, the endpoint id, ``remotePort`` 22, ``privateIpAddress`` the
  address of the instance it serves and ``maxTunnelDuration`` 1-3600. A refusal is an HTTP
  403 (signature, expiry, access) or 400 (parameters) with an AWS-style JSON body; then it
  forwards the websocket's binary frames to the loopback bastion and back, and closes the
  tunnel after ``maxTunnelDuration`` (times ``duration_scale``, which tests shrink).

``deny_open_tunnel`` makes it answer as AWS does for a caller without
``ec2-instance-connect:OpenTunnel`` (tests of that message).
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from aurora_console.core.validation import not_a_validator
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, SANDBOX_REGION, SandboxCredentials
from aurora_console.sandbox.wsgi_body import query_params, read_body

log = logging.getLogger(__name__)


class _TeardownRace(logging.Filter):
    """websockets' sync connection reports "unexpected internal error" (``EOFError: stream ended``)
    when one thread closes the socket (``ws.close()`` after the bastion hung up) while the receiving
    thread still holds bytes it read just before: the library feeds them to a protocol that has
    already seen the end of the stream. The client sees what it would see anyway (a closed tunnel),
    so the stand-in endpoint logs that one case at debug level; any other error stays an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if (record.levelno >= logging.ERROR and record.getMessage() == "unexpected internal error"
                and isinstance(exc, EOFError) and str(exc) == "stream ended"):
            log.debug("websocket closed while data was arriving (websockets teardown race)")
            return False
        return True


_ws_log = logging.getLogger(__name__ + ".websocket")
_ws_log.addFilter(_TeardownRace())

ACTION = "DescribeInstanceConnectEndpoints"
EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
SIGNING_SERVICE = "ec2-instance-connect"
MAX_TUNNEL_SECONDS = 3600
#: seconds a signature's date may lie in the future (clock skew AWS tolerates)
MAX_SKEW = 300
CHUNK = 65_000


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class SandboxEndpoint:
    endpoint_id: str
    vpc_id: str
    subnet_id: str
    availability_zone: str
    dns_name: str
    region: str
    private_ip: str  # the instance it reaches (the sandbox bastion's)
    target: tuple[str, int]  # where that instance's port 22 really is (the loopback bastion)
    state: str = "create-complete"
    security_group_ids: tuple[str, ...] = ()
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:{SANDBOX_ACCOUNT_ID}:instance-connect-endpoint/{self.endpoint_id}"

    def xml(self) -> str:
        def tag(name: str, value: str) -> str:
            return f"<{name}>{escape(value)}</{name}>"

        groups = "".join(tag("item", g) for g in self.security_group_ids)
        return ("<item>" + tag("ownerId", SANDBOX_ACCOUNT_ID) + tag("instanceConnectEndpointId", self.endpoint_id)
                + tag("instanceConnectEndpointArn", self.arn) + tag("state", self.state) + tag("stateMessage", "")
                + tag("dnsName", self.dns_name) + tag("fipsDnsName", self.dns_name)
                + "<networkInterfaceIdSet><item>eni-0eice0sandbox0001</item></networkInterfaceIdSet>"
                + tag("vpcId", self.vpc_id) + tag("availabilityZone", self.availability_zone)
                + tag("createdAt", self.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")) + tag("subnetId", self.subnet_id)
                + tag("preserveClientIp", "false") + f"<securityGroupIdSet>{groups}</securityGroupIdSet>"
                + "<tagSet/></item>")


def _indexed(params: dict[str, str], prefix: str) -> list[str]:
    """``Prefix.1``, ``Prefix.2``... in index order."""
    found = []
    for key, value in params.items():
        head, _, index = key.rpartition(".")
        if head == prefix and index.isdigit():
            found.append((int(index), value))
    return [v for _, v in sorted(found)]


def _filters(params: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    n = 1
    while f"Filter.{n}.Name" in params:
        out.setdefault(params[f"Filter.{n}.Name"], []).extend(_indexed(params, f"Filter.{n}.Value"))
        n += 1
    return out


@not_a_validator("checks a whole signed request (path, headers, credentials, time) and answers with an HTTP "
                 "refusal; its own property test feeds it malformed requests")
def check_signature(path: str, headers: Callable[[str], str | None], credentials: SandboxCredentials,
                    now: float) -> dict[str, str]:
    """The query parameters of a presigned ``path`` (``/openTunnel?...``) whose SigV4 signature,
    credential scope and expiry are right at ``now`` (epoch seconds); else :class:`Refusal`.
    ``headers(name)``: the received request's header values (for the signed headers)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    parts = urlsplit(path)
    raw_pairs = [p for p in parts.query.split("&") if p]
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    needed = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
              "X-Amz-Signature")
    missing = [n for n in needed if not params.get(n)]
    if missing:
        raise Refusal(403, "AccessDeniedException", f"The request is not signed (missing {', '.join(missing)}).")
    if params["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise Refusal(403, "AccessDeniedException", "Unsupported signature algorithm.")
    scope = params["X-Amz-Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise Refusal(403, "AccessDeniedException", "The credential scope is malformed.")
    key_id, day, region, service, _ = scope
    if key_id != credentials.access_key_id:
        raise Refusal(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    if service != SIGNING_SERVICE:
        raise Refusal(403, "AccessDeniedException", f"Credential should be scoped to correct service: "
                                                    f"'{SIGNING_SERVICE}'.")
    try:
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        expires = int(params["X-Amz-Expires"])
    except ValueError:
        raise Refusal(403, "AccessDeniedException", "X-Amz-Date or X-Amz-Expires is malformed.") from None
    if not params["X-Amz-Date"].startswith(day):
        raise Refusal(403, "AccessDeniedException", "The credential date does not match X-Amz-Date.")
    if not 1 <= expires <= 604800:
        raise Refusal(403, "AccessDeniedException", "X-Amz-Expires must be 1-604800 seconds.")
    signed_names = params["X-Amz-SignedHeaders"].split(";")
    if "host" not in signed_names:
        raise Refusal(403, "AccessDeniedException", "The host header must be signed.")
    request = AWSRequest(method="GET", url=f"wss://placeholder{parts.path}?"
                         + "&".join(p for p in raw_pairs if not p.startswith("X-Amz-Signature=")),
                         headers={name: headers(name) or "" for name in signed_names})
    request.context["timestamp"] = params["X-Amz-Date"]
    auth = SigV4Auth(Credentials(credentials.access_key_id, credentials.secret_access_key), service, region)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
        raise Refusal(403, "AccessDeniedException", "The request signature we calculated does not match the "
                                                    "signature you provided.")
    if now > signed_at + expires:
        stamp = datetime.fromtimestamp(signed_at + expires, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        raise Refusal(403, "AccessDeniedException", f"Request has expired (at {stamp}).")
    if signed_at > now + MAX_SKEW:
        raise Refusal(403, "AccessDeniedException", "Signature not yet current: X-Amz-Date is in the future.")
    return params


class SandboxEice:
    """The sandbox's Instance Connect Endpoints and their websocket server (see the module docstring).

    ``credentials``: what signatures are checked against; ``clock``: epoch seconds for the expiry
    check (tests move it); ``duration_scale``: a tunnel is closed after ``maxTunnelDuration *
    duration_scale`` seconds."""

    def __init__(self, credentials: SandboxCredentials | None = None, *, clock: Callable[[], float] = time.time,
                 duration_scale: float = 1.0) -> None:
        self.credentials = credentials or SandboxCredentials()
        self.clock = clock
        self.duration_scale = duration_scale
        self.deny_open_tunnel = False
        self._endpoints: dict[str, SandboxEndpoint] = {}
        self._lock = threading.Lock()
        self._server = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None
        #: tunnels opened / refused (status, code) so far: what tests look at
        self.opened = 0
        self.refused: list[tuple[int, str]] = []
        #: tunnels closed because they reached their maximum duration
        self.cut = 0
        self._live: set[Any] = set()
        #: bumped by reset(): a tunnel opened before it is not counted in ``cut`` after it
        self._generation = 0

    # -- endpoints ------------------------------------------------------------------------------
    @property
    def endpoints(self) -> list[SandboxEndpoint]:
        with self._lock:
            return list(self._endpoints.values())

    def add_endpoint(self, *, vpc_id: str, subnet_id: str, availability_zone: str, private_ip: str,
                     target: tuple[str, int], region: str = SANDBOX_REGION, endpoint_id: str = "",
                     state: str = "create-complete") -> SandboxEndpoint:
        """Serve tunnels to ``private_ip`` port 22 (really ``target``) from an endpoint in ``vpc_id``."""
        import secrets

        self.start()
        endpoint = SandboxEndpoint(endpoint_id or f"eice-{secrets.token_hex(8)}{secrets.token_hex(1)[0]}", vpc_id,
                                   subnet_id, availability_zone, f"127.0.0.1:{self.port}", region, private_ip,
                                   target, state, security_group_ids=("sg-0eice0sandbox0001",))
        with self._lock:
            self._endpoints[endpoint.endpoint_id] = endpoint
        log.info("sandbox Instance Connect Endpoint %s in %s -> %s:%s", endpoint.endpoint_id, vpc_id, *target)
        return endpoint

    def serve_instance(self, endpoint_url: str, region: str, instance: str, target: tuple[str, int]) -> SandboxEndpoint:
        """An endpoint in the VPC of instance ``instance`` (an id or Name tag, looked up on the
        local endpoint ``endpoint_url``) whose tunnels to its private address reach ``target``.
        Idempotent per VPC (a restarted bastion's new port replaces the old target)."""
        import boto3

        ec2 = boto3.client("ec2", endpoint_url=endpoint_url, **{**self.credentials.client_kwargs(),
                                                                 "region_name": region})
        flt = ({"InstanceIds": [instance]} if instance.startswith("i-")
               else {"Filters": [{"Name": "tag:Name", "Values": [instance]}]})
        found = [i for r in ec2.describe_instances(**flt)["Reservations"] for i in r["Instances"]
                 if i["State"]["Name"] not in ("terminated", "shutting-down")]
        if not found:
            raise LookupError(f"no instance {instance!r} in the sandbox's {region}")
        inst = found[0]
        with self._lock:
            for e in self._endpoints.values():
                if e.vpc_id == inst["VpcId"] and e.region == region:
                    e.private_ip, e.target, e.subnet_id = inst["PrivateIpAddress"], target, inst["SubnetId"]
                    return e
        return self.add_endpoint(vpc_id=inst["VpcId"], subnet_id=inst["SubnetId"],
                                 availability_zone=inst["Placement"]["AvailabilityZone"],
                                 private_ip=inst["PrivateIpAddress"], target=target, region=region)

    def reset(self) -> None:
        """Forget every endpoint (the moto state they stood in was reset); the server keeps running."""
        with self._lock:
            self._endpoints.clear()
        self.deny_open_tunnel = False
        self.refused.clear()
        self.opened = self.cut = 0
        self._generation += 1

    def describe(self, params: dict[str, str], region: str) -> str:
        """The XML answer to ``DescribeInstanceConnectEndpoints`` (raises :class:`Refusal`)."""
        wanted = _indexed(params, "InstanceConnectEndpointId")
        filters = _filters(params)
        with self._lock:
            items = [e for e in self._endpoints.values() if e.region == region]
        unknown = [i for i in wanted if i not in {e.endpoint_id for e in items}]
        if unknown:
            raise Refusal(400, "InvalidInstanceConnectEndpointId.NotFound",
                          f"The instanceConnectEndpoint ID '{unknown[0]}' does not exist")
        if wanted:
            items = [e for e in items if e.endpoint_id in wanted]
        fields = {"state": "state", "vpc-id": "vpc_id", "subnet-id": "subnet_id",
                  "instance-connect-endpoint-id": "endpoint_id", "availability-zone": "availability_zone"}
        for name, values in filters.items():
            attr = fields.get(name)
            if attr is None:
                raise Refusal(400, "InvalidParameterValue", f"The filter '{name}' is invalid")
            items = [e for e in items if getattr(e, attr) in values]
        items.sort(key=lambda e: e.endpoint_id)
        start = int(params.get("NextToken") or 0) if (params.get("NextToken") or "0").isdigit() else 0
        size = int(params["MaxResults"]) if str(params.get("MaxResults", "")).isdigit() else 50
        page = items[start:start + max(1, size)]
        token = f"<nextToken>{start + len(page)}</nextToken>" if start + len(page) < len(items) else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{ACTION}Response xmlns="{EC2_XMLNS}">'
                f"<requestId>sandbox-eice-{time.monotonic_ns()}</requestId>"
                f"<instanceConnectEndpointSet>{''.join(e.xml() for e in page)}</instanceConnectEndpointSet>"
                f"{token}</{ACTION}Response>")

    # -- the websocket server -------------------------------------------------------------------
    def start(self) -> int:
        """Start the websocket server (idempotent); returns its port."""
        if self._server is not None:
            return self.port
        from websockets.sync.server import serve

        server = serve(self._tunnel, "127.0.0.1", 0, process_request=self._check, compression=None, max_size=None,
                       ping_interval=None, server_header="sandbox-eice", logger=_ws_log)
        self.port = server.socket.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="sandbox-eice", daemon=True)
        self._thread.start()
        log.info("sandbox Instance Connect Endpoint websocket on 127.0.0.1:%s", self.port)
        return self.port

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        for ws in list(self._live):
            try:
                ws.close()
            except Exception:  # noqa: BLE001
                pass
        if self._thread is not None:
            self._thread.join(5)
        self.port = None

    def _cut(self, ws: Any, generation: int) -> None:
        """The tunnel's maximum duration is over: close it (counted in ``cut`` unless it was opened
        before the last :meth:`reset`, e.g. by an earlier test whose tunnel outlived it)."""
        if generation == self._generation:
            self.cut += 1
        ws.close(1000, "maximum tunnel duration reached")

    def _refuse(self, connection: Any, refusal: Refusal):
        self.refused.append((refusal.status, refusal.code))
        log.info("sandbox endpoint refused a tunnel: %s %s", refusal.status, refusal.code)
        body = json.dumps({"Code": refusal.code, "Message": refusal.message})
        response = connection.respond(refusal.status, body + "\n")
        response.headers["Content-Type"] = "application/json"
        return response

    def _check(self, connection: Any, request: Any):
        try:
            connection.eice_target = self.authorize(request.path, request.headers.get)
        except Refusal as refusal:
            return self._refuse(connection, refusal)
        return None

    def authorize(self, path: str, headers: Callable[[str], str | None]) -> tuple[tuple[str, int], float]:
        """``((host, port) to forward to, seconds until the tunnel is cut)`` for an upgrade request
        of ``path``; :class:`Refusal` otherwise."""
        if urlsplit(path).path != "/openTunnel":
            raise Refusal(404, "NotFound", "Only /openTunnel is served here.")
        params = check_signature(path, headers, self.credentials, self.clock())
        with self._lock:
            endpoint = self._endpoints.get(params.get("instanceConnectEndpointId", ""))
        if endpoint is None or endpoint.state not in ("create-complete", "update-complete", "update-in-progress",
                                                       "update-failed"):
            raise Refusal(400, "InvalidInstanceConnectEndpointId.NotFound",
                          f"The instance connect endpoint '{params.get('instanceConnectEndpointId', '')}' does not "
                          "exist or is not available.")
        if self.deny_open_tunnel:
            raise Refusal(403, "AccessDeniedException",
                          f"User: arn:aws:iam::{SANDBOX_ACCOUNT_ID}:user/sandbox is not authorized to perform: "
                          f"ec2-instance-connect:OpenTunnel on resource: {endpoint.arn} because no identity-based "
                          "policy allows the ec2-instance-connect:OpenTunnel action")
        if params.get("remotePort") != "22":
            raise Refusal(400, "InvalidParameter", f"remotePort {params.get('remotePort')!r} is not allowed: this "
                                                   "endpoint opens tunnels to port 22 only.")
        if params.get("privateIpAddress") != endpoint.private_ip:
            raise Refusal(400, "InvalidParameter", f"No instance of {endpoint.vpc_id} has the private address "
                                                   f"{params.get('privateIpAddress')!r}.")
        duration = params.get("maxTunnelDuration", str(MAX_TUNNEL_SECONDS))
        if not duration.isdigit() or not 1 <= int(duration) <= MAX_TUNNEL_SECONDS:
            raise Refusal(400, "InvalidParameter", f"maxTunnelDuration must be 1-{MAX_TUNNEL_SECONDS} seconds.")
        return endpoint.target, int(duration) * self.duration_scale

    def _tunnel(self, ws: Any) -> None:
        (host, port), seconds = ws.eice_target
        try:
            sock = socket.create_connection((host, port), timeout=10)
        except OSError as exc:
            ws.close(1011, f"cannot reach the instance: {exc}")
            return
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.opened += 1
        self._live.add(ws)
        cutter = threading.Timer(seconds, self._cut, args=(ws, self._generation))
        cutter.daemon = True
        cutter.start()

        def downstream() -> None:
            try:
                while True:
                    data = sock.recv(CHUNK)
                    if not data:
                        break
                    ws.send(data)
            except Exception:  # noqa: BLE001 - either side went away
                pass
            finally:
                try:
                    ws.close()
                except Exception:  # noqa: BLE001
                    pass

        thread = threading.Thread(target=downstream, name="sandbox-eice-down", daemon=True)
        thread.start()
        try:
            for message in ws:
                if isinstance(message, str):
                    ws.close(1003, "text frames are not tunnel data")
                    break
                sock.sendall(message)
        except Exception:  # noqa: BLE001 - the client or the bastion went away
            pass
        finally:
            cutter.cancel()
            self._live.discard(ws)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
            thread.join(5)


@not_a_validator("runs a helper process through a websocket endpoint")
def check_proxy_command(argv_for: Callable[[Any], list[str]], *, payload_size: int = 200_000,
                        timeout: float = 60.0) -> dict[str, Any]:
    """Run a ProxyCommand helper (``argv_for(ticket_file)``: e.g. the frozen app's ``eice-proxy``)
    as ssh does, through a sandbox endpoint to a TCP echo server: what goes in on stdin must come
    back on stdout, the helper must exit 0 when stdin closes and claim its ticket file. Returns
    ``{"ok", "echoed", "returncode", "tickets_claimed", "stderr_tail"}`` (what packaging/build.py
    reports for the frozen app)."""
    import os
    import subprocess

    import boto3

    from aurora_console.core.aws.bastion_route.eice import Endpoint, presign_open_tunnel
    from aurora_console.core.aws.bastion_route.eice_proxy import UrlHandout
    from aurora_console.core.aws.bastion_route.eice_stream import TunnelTicket

    echo = socket.create_server(("127.0.0.1", 0))

    def serve_echo() -> None:
        try:
            conn, _ = echo.accept()
        except OSError:
            return
        with conn:
            while data := conn.recv(CHUNK):
                conn.sendall(data)

    threading.Thread(target=serve_echo, name="eice-check-echo", daemon=True).start()
    eice = SandboxEice()
    handout = None
    try:
        e = eice.add_endpoint(vpc_id="vpc-check", subnet_id="subnet-check", availability_zone="us-east-1a",
                              private_ip="10.0.0.9", target=echo.getsockname())
        client = boto3.client("ec2-instance-connect", endpoint_url="http://127.0.0.1:1",
                              **eice.credentials.client_kwargs())
        core = Endpoint(e.endpoint_id, e.arn, e.dns_name, e.vpc_id, e.subnet_id, e.state)
        handout = UrlHandout(lambda: TunnelTicket(presign_open_tunnel(
            client._request_signer, core, e.private_ip, max_tunnel_seconds=600, scheme="ws"), e.endpoint_id, e.arn))
        payload = os.urandom(payload_size)
        proc = subprocess.Popen(argv_for(handout.path), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        def feed() -> None:
            try:
                proc.stdin.write(payload)
                proc.stdin.flush()
            except OSError:  # the helper is gone: the missing echo says so
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        got = b""
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            while len(got) < len(payload):
                chunk = os.read(proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    break
                got += chunk
            writer.join(timeout)
            try:
                proc.stdin.close()
            except OSError:
                pass
            returncode = proc.wait(timeout)
        finally:
            timer.cancel()
        stderr = proc.stderr.read().decode("utf-8", "replace")
        echoed = got == payload
        claimed = eice.opened
        return {"ok": echoed and returncode == 0 and claimed == 1, "echoed": echoed, "returncode": returncode,
                "tickets_claimed": claimed, "stderr_tail": stderr[-500:]}
    except (OSError, subprocess.SubprocessError) as exc:
        return {"ok": False, "echoed": False, "returncode": None, "tickets_claimed": eice.opened,
                "stderr_tail": f"{type(exc).__name__}: {exc}"}
    finally:
        if handout is not None:
            handout.close()
        eice.stop()
        echo.close()


def _region_of(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    if marker in auth:
        scope = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 3:
            return scope[2]
    return SANDBOX_REGION


class EiceWsgi:
    """WSGI layer in front of moto: ``DescribeInstanceConnectEndpoints`` to :class:`SandboxEice`."""

    def __init__(self, app: Callable, eice: SandboxEice) -> None:
        self.app = app
        self.eice = eice

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or "x-www-form-urlencoded" not in environ.get("CONTENT_TYPE", ""):
            return self.app(environ, start_response)
        params = query_params(read_body(environ)) or {}
        if params.get("Action") != ACTION:
            return self.app(environ, start_response)
        try:
            status, body = "200 OK", self.eice.describe(params, _region_of(environ))
        except Refusal as refusal:
            status = f"{refusal.status} Bad Request"
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{escape(refusal.code)}'
                    f"</Code><Message>{escape(refusal.message)}</Message></Error></Errors>"
                    f"<RequestID>sandbox-eice</RequestID></Response>")
        data = body.encode()
        start_response(status, [("Content-Type", "text/xml;charset=UTF-8"), ("Content-Length", str(len(data)))])
        return [data]


__all__ = ["EiceWsgi", "Refusal", "SandboxEice", "SandboxEndpoint", "check_proxy_command", "check_signature"]
