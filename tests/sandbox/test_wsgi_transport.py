"""boto3 clients that reach the sandbox's endpoint in their own process without a socket
(sandbox/wsgi_transport.py): the application sees the request werkzeug's server would have made
of it, the client gets the answer it would have got over HTTP, and the endpoint's layers (the
seed gate) treat it as any request."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.config import Config
from werkzeug.serving import make_server

from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.seed_gate import SEEDER_AGENT
from aurora_console.sandbox.wsgi_transport import WsgiTransport, wsgi_environ

pytestmark = pytest.mark.integration

#: what a WSGI layer in front of moto may read; werkzeug's own extras (its socket, its server name)
#: have no use without the socket
COMPARED = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI", "REMOTE_ADDR",
            "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "CONTENT_TYPE", "CONTENT_LENGTH", "wsgi.url_scheme")


class _Recorder:
    """A WSGI application that keeps each request's environment and body and answers 200."""

    def __init__(self) -> None:
        self.seen: list[tuple[dict, bytes]] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.seen.append((dict(environ), body))
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b"<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters/>"
                b"</DescribeDBClustersResult></DescribeDBClustersResponse>"]


def _comparable(environ: dict) -> dict:
    out = {k: environ.get(k) for k in COMPARED}
    out.update({k: v for k, v in environ.items() if k.startswith("HTTP_")})
    return out


def test_the_application_sees_the_request_werkzeugs_server_would_make():
    over_socket, in_process = _Recorder(), _Recorder()
    server = make_server("127.0.0.1", 0, over_socket, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        config = Config(user_agent_extra=SEEDER_AGENT, retries={"max_attempts": 1})
        http = boto3.client("rds", endpoint_url=url, config=config, **sandbox_credentials().client_kwargs())
        direct = WsgiTransport(in_process).attach(
            boto3.client("rds", endpoint_url=url, config=config, **sandbox_credentials().client_kwargs()))
        for client in (http, direct):
            assert client.describe_db_clusters(DBClusterIdentifier="blog é/x")["DBClusters"] == []
    finally:
        server.shutdown()
        thread.join(10)
    (socket_env, socket_body), (direct_env, direct_body) = over_socket.seen[0], in_process.seen[0]
    assert direct_body == socket_body and b"blog" in direct_body
    socket_view, direct_view = _comparable(socket_env), _comparable(direct_env)
    for volatile in ("HTTP_X_AMZ_DATE", "HTTP_AUTHORIZATION", "HTTP_AMZ_SDK_INVOCATION_ID", "HTTP_ACCEPT_ENCODING"):
        socket_view.pop(volatile, None)  # signed at another second; urllib3 adds Accept-Encoding on the wire
        direct_view.pop(volatile, None)
    assert direct_view == socket_view
    assert "rds/aws4_request" in direct_env["HTTP_AUTHORIZATION"] and SEEDER_AGENT in direct_env["HTTP_USER_AGENT"]


def test_environ_of_a_query_string_and_an_encoded_path():
    environ = wsgi_environ("GET", "http://127.0.0.1:4566/a%20b/%C3%A9?x=1&y=%2F", [("X-Amz-Target", "T"),
                                                                                    ("X_Underscored", "dropped")], b"")
    assert environ["PATH_INFO"] == "/a b/\u00c3\u00a9"  # UTF-8 bytes as latin-1 characters (PEP 3333)
    assert environ["QUERY_STRING"] == "x=1&y=%2F" and environ["HTTP_HOST"] == "127.0.0.1:4566"
    assert environ["HTTP_X_AMZ_TARGET"] == "T" and "HTTP_X_UNDERSCORED" not in environ
    assert environ["SERVER_PORT"] == "4566" and "CONTENT_LENGTH" not in environ


def _client(service: str, endpoint: str, transport: WsgiTransport | None = None, seeder: bool = True):
    config = Config(user_agent_extra=SEEDER_AGENT if seeder else "", retries={"max_attempts": 1})
    client = boto3.client(service, endpoint_url=endpoint, config=config, **sandbox_credentials().client_kwargs())
    return transport.attach(client) if transport is not None else client


def test_calls_through_the_transport_answer_as_over_http(moto_server, moto_endpoint):
    transport = moto_server.transport()
    direct, http = _client("rds", moto_endpoint, transport), _client("rds", moto_endpoint)
    direct.create_db_cluster(DBClusterIdentifier="wsgi-made", Engine="aurora-postgresql", EngineVersion="15.4",
                             MasterUsername="admin_user", MasterUserPassword="Transport-pw-1")
    assert transport.requests == 1
    over_http = http.describe_db_clusters()["DBClusters"]
    in_process = direct.describe_db_clusters()["DBClusters"]
    assert [c["DBClusterIdentifier"] for c in over_http] == ["wsgi-made"]
    for answer in (over_http, in_process):
        answer[0].pop("LatestRestorableTime")  # "now", at each call
    assert in_process == over_http
    with pytest.raises(direct.exceptions.DBClusterNotFoundFault):  # an error answer parses as over HTTP
        direct.describe_db_clusters(DBClusterIdentifier="missing")
    ssm = _client("ssm", moto_endpoint, transport)  # a JSON protocol service too
    ssm.put_parameter(Name="/wsgi/transport", Value="v", Type="String")
    assert _client("ssm", moto_endpoint).get_parameter(Name="/wsgi/transport")["Parameter"]["Value"] == "v"


def test_the_seed_gate_holds_a_non_seeder_request_that_comes_through_the_transport(moto_server, moto_endpoint):
    transport = moto_server.transport()
    held = threading.Event()
    moto_server.gate.close(on_hold=held.set)
    try:
        assert _client("ssm", moto_endpoint, transport).describe_parameters()["Parameters"] == []  # the seeder's
        answered: list[object] = []
        screen = _client("ssm", moto_endpoint, transport, seeder=False)
        thread = threading.Thread(target=lambda: answered.append(screen.describe_parameters()["Parameters"]),
                                  daemon=True)
        thread.start()
        assert held.wait(30) and not answered
    finally:
        moto_server.gate.open()
    thread.join(30)
    assert answered == [[]]


def test_the_seed_through_the_transport_makes_what_the_seed_over_http_makes(moto_server, moto_endpoint):
    from aurora_console.sandbox import aws_seed
    from tests.sandbox.seed_answers import listing, seed_view

    transport = moto_server.transport()
    over_http = aws_seed.seed_clusters(moto_endpoint, db_password="Transport-seed-pw-1")
    http_listing = listing(moto_endpoint)
    assert transport.requests == 0
    moto_server.reset()
    in_process = aws_seed.seed_clusters(moto_endpoint, db_password="Transport-seed-pw-1", transport=transport)
    assert transport.requests > 20  # the whole stage went through it
    assert listing(moto_endpoint) == http_listing
    assert seed_view(in_process) == seed_view(over_http)
    assert http_listing["us-east-1"]["clusters"] and http_listing["eu-west-1"]["instances"]


def test_the_seeders_requests_give_way_to_a_listing_request_being_answered(moto_server, moto_endpoint):
    """The endpoint's transport asks the seed gate before each request (seed_gate.SeedGate.give_way):
    while a listing request is being answered, the seeder's next request waits for it."""
    gate = moto_server.gate
    saved = gate.linger, gate.give_way_max
    gate.linger, gate.give_way_max = 0.0, 30.0  # longer than the test waits below
    seeder = _client("ssm", moto_endpoint, moto_server.transport())
    answered: list[object] = []
    gate.close()
    try:
        gate.listing_began()  # as SeedGateWsgi does while it answers a listing request
        thread = threading.Thread(target=lambda: answered.append(seeder.describe_parameters()["Parameters"]),
                                  daemon=True)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive() and not answered
        gate.listing_ended()
        thread.join(30)
        assert answered == [[]]
    finally:
        gate.open()
        gate.linger, gate.give_way_max = saved
