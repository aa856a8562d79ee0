"""The AWS endpoint every test's environment points at: a loopback listener that refuses each call
at once and remembers it, so a call nobody pointed at moto never leaves the machine.

The rig sets ``AWS_ENDPOINT_URL`` to it (botocore >= 1.31 reads it for every service; an
explicit ``endpoint_url``, as the factory's ``--endpoint-url``, the sandbox and ``moto_endpoint``
pass, wins over it: botocore/args.py ``_compute_configured_endpoint_url``). Child processes
inherit the variable, so a CLI started by a test is covered too. STS and SSO calls made while
resolving credentials go through clients botocore creates the same way, so they land here as
well; instance metadata is off (``AWS_EC2_METADATA_DISABLED``).

Each call gets a non-retryable AWS error (HTTP 403, code ``TestRigRefusedAwsCall``) in the
body format of its protocol, so botocore fails on the first attempt instead of backing off as it
would on a closed port. The isolation fixture fails the test that made a call;
a test that makes one on purpose takes it with :meth:`AwsTripwire.take`.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_CODE = "TestRigRefusedAwsCall"
MESSAGE = "tests never call AWS: point this call at the moto server (moto_endpoint / aws_factory)"


@dataclass(frozen=True)
class RefusedCall:
    method: str
    path: str
    operation: str  # Action=... (query protocols), X-Amz-Target (JSON protocols), else ""
    user_agent: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.operation or '(no operation name)'}"


def _operation(headers, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target
    if "x-www-form-urlencoded" in (headers.get("Content-Type") or ""):
        return urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return ""


def _error_body(headers) -> tuple[str, bytes]:
    if headers.get("X-Amz-Target") or "json" in (headers.get("Content-Type") or ""):
        return "application/x-amz-json-1.1", json.dumps({"__type": ERROR_CODE, "message": MESSAGE}).encode()
    xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{ERROR_CODE}</Code><Message>{MESSAGE}</Message>"
           f"</Error><RequestId>test-rig</RequestId></ErrorResponse>")
    return "text/xml", xml.encode()


class AwsTripwire:
    """A loopback HTTP listener (its own thread) that refuses and records every request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[RefusedCall] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _refuse(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = RefusedCall(self.command, self.path, _operation(self.headers, body),
                                   self.headers.get("User-Agent", ""))
                with outer._lock:
                    outer._calls.append(call)
                content_type, payload = _error_body(self.headers)
                self.send_response(403)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", "test-rig")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _refuse  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-tripwire", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def take(self) -> list[RefusedCall]:
        """The calls refused since the last take (and forget them)."""
        with self._lock:
            calls, self._calls = self._calls, []
        return calls

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
