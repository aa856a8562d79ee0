"""A local stand-in for the AWS SSO portal, for tests of an SSO session that expires mid-work.

``sso_portal`` (fixture): a loopback HTTP server answering GetRoleCredentials
(``GET /federation/credentials``) with role credentials for the bearer token ``VALID_TOKEN``
and ``UnauthorizedException`` (HTTP 401) for any other, as the real portal answers an expired
token (botocore then raises ``UnauthorizedSSOTokenError``); ``AWS_ENDPOINT_URL_SSO`` points
botocore's SSO client at it. ``sso_login(token)`` (fixture): what ``aws sso login`` leaves, the
token in ``~/.aws/sso/cache/<sha1(start url)>.json`` under the HOME botocore saw when it was
imported (a temporary folder of the rig), removed afterwards. ``sso_config(name)``: an AWS config
profile using that start URL.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

START_URL = "https://example.awsapps.com/start"
VALID_TOKEN = "token-after-login"
ACCESS_KEY = "SSOKEY"


class _Portal(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_GET(self):  # noqa: N802
        token = self.headers.get("x-amz-sso_bearer_token", "")
        type(self).calls.append(token)
        headers = {"Content-Type": "application/json"}
        if token == VALID_TOKEN:
            status, body = 200, {"roleCredentials": {"accessKeyId": ACCESS_KEY, "secretAccessKey": "s",
                                                     "sessionToken": "t", "expiration": 4102444800000}}
        else:
            status, body = 401, {"message": "Session token not found or invalid"}
            headers["x-amzn-ErrorType"] = "UnauthorizedException"
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def sso_config(name: str, region: str = "us-east-1") -> str:
    return (f"[profile {name}]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
            f"sso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = {region}\n")


@pytest.fixture
def sso_portal(monkeypatch):
    """The portal; ``.calls`` lists the bearer tokens it was asked with."""
    _Portal.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", f"http://127.0.0.1:{server.server_address[1]}")
    yield _Portal
    server.shutdown()
    server.server_close()


def _token_file() -> Path:
    from botocore.credentials import SSOProvider

    cache = Path(SSOProvider._SSO_TOKEN_CACHE_DIR)
    assert cache.is_relative_to(Path(tempfile.gettempdir()).resolve()) or cache.is_relative_to(
        tempfile.gettempdir()), cache
    return cache / (hashlib.sha1(START_URL.encode()).hexdigest() + ".json")


@pytest.fixture
def sso_login():
    path = _token_file()

    def login(token: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"startUrl": START_URL, "region": "us-east-1", "accessToken": token,
                                    "expiresAt": "2099-01-01T00:00:00Z"}))

    yield login
    path.unlink(missing_ok=True)
