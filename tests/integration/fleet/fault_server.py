"""A loopback HTTP endpoint in front of the moto server that injects AWS faults per action:
throttling, AccessDenied, HTTP 500 (HTML body, as a gateway or moto answers an API it lacks).
Everything else is forwarded to moto unchanged. It counts requests per action, so a test can
see botocore's retries really happened."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ERROR = (
    '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>'
    "<Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-1</RequestId></ErrorResponse>"
)
FAULTS = {
    "throttle": (400, _ERROR.format(code="Throttling", message="Rate exceeded"), "text/xml"),
    "deny": (403, _ERROR.format(code="AccessDenied", message="User is not authorized to perform rds:Describe*"), "text/xml"),
    "500": (500, "<html><title>500 Internal Server Error</title></html>", "text/html"),
}


class FaultServer:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.faults: dict[str, str] = {}  # Action -> fault name
        self.counts: Counter[str] = Counter()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                action = urllib.parse.parse_qs(body.decode()).get("Action", [""])[0]
                outer.counts[action] += 1
                fault = outer.faults.get(action) or outer.faults.get("*")
                if fault:
                    status, text, ctype = FAULTS[fault]
                    return self._send(status, text.encode(), ctype)
                req = urllib.request.Request(outer.upstream + self.path, data=body, method="POST",
                                             headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                try:
                    with urllib.request.urlopen(req, timeout=30) as resp:
                        self._send(resp.status, resp.read(), resp.headers.get("Content-Type", "text/xml"))
                except urllib.error.HTTPError as err:
                    self._send(err.code, err.read(), err.headers.get("Content-Type", "text/xml"))

            def _send(self, status, payload, ctype):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
