"""The sandbox's local AWS API endpoint: moto's threaded server on 127.0.0.1.

The console reaches it through its ordinary boto3 code with an endpoint override and the
static dummy credentials from :func:`sandbox_credentials`.

moto keeps its state per process (module-level backends), so the server thread shares it with
any in-process ``mock_aws``: never use ``mock_aws`` in a process that runs this server. The
sandbox runs it in a child process of its own (``sandbox/aws_process.py``), through the same
calls (``reset``, ``gate``, ``seed_clusters``, ``seed_surroundings``, ``attach_database``, ``attach_logs``, ``serve_instance``,
``serve_routes``, ``pushed_keys``); the test rig and the benchmarks run it in their own process.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

#: Region the sandbox uses when nothing else is chosen.
SANDBOX_REGION = "us-east-1"
#: moto's default account id (what STS get_caller_identity returns against the endpoint).
SANDBOX_ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class SandboxCredentials:
    """Static dummy credentials for the local endpoint (never valid on real AWS)."""

    access_key_id: str = "AKIASANDBOX000000000"
    secret_access_key: str = "sandbox-secret-access-key-not-a-real-secret"
    region: str = SANDBOX_REGION

    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.Session(...)``."""
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "region_name": self.region,
        }


def sandbox_credentials(region: str = SANDBOX_REGION) -> SandboxCredentials:
    """The dummy credentials the sandbox profile uses together with the endpoint URL."""
    return SandboxCredentials(region=region)


class _UnimplementedApiFilter(logging.Filter):
    """moto's server logs an ERROR with a traceback for each API it does not implement
    (describe_db_cluster_endpoints, describe_pending_maintenance_actions, the backtrack calls).
    The client gets an HTTP 500 and the console shows "not supported by this endpoint" on
    purpose, so the line is kept at INFO, without the traceback, instead of as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, NotImplementedError) or ("NotImplementedError" in text and "not been implemented" in text):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
            record.msg, record.args = "local AWS endpoint: an API it does not implement was called", None
        return True


_UNIMPLEMENTED = _UnimplementedApiFilter()


def _quiet_request_log() -> None:
    """verbose=False only silences moto's banner; werkzeug still logs each request at INFO."""
    werkzeug_log = logging.getLogger("werkzeug")
    if werkzeug_log.level == logging.NOTSET:
        werkzeug_log.setLevel(logging.WARNING)
    if _UNIMPLEMENTED not in werkzeug_log.filters:
        werkzeug_log.addFilter(_UNIMPLEMENTED)


class LocalAwsServer:
    """moto's ``ThreadedMotoServer`` on 127.0.0.1 with an OS-assigned port.

    >>> with LocalAwsServer() as endpoint_url:   # doctest: +SKIP
    ...     boto3.client("rds", endpoint_url=endpoint_url, ...)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server = None
        self._endpoint_url: str | None = None
        from aurora_console.sandbox.performance_insights import SandboxInsights

        #: answers the ``pi`` calls moto lacks (attach the sandbox's PostgreSQL to it)
        self.insights = SandboxInsights()
        from aurora_console.sandbox.rds_logs import InstanceLogs

        #: the instances whose log files are served from a real PostgreSQL log folder
        self.rds_logs = InstanceLogs()
        from aurora_console.sandbox.cloudtrail import ControlPlaneTrail

        #: the control-plane calls received, answered back by CloudTrail LookupEvents
        self.trail = ControlPlaneTrail()
        from aurora_console.sandbox.log_export import LogExport

        #: the blog cluster's PostgreSQL log, exported to CloudWatch Logs before each Logs request
        self.log_export = LogExport()
        from aurora_console.sandbox.ssm_sessions import SsmSessions

        #: Session Manager's StartSession/TerminateSession (moto lacks them) and the sessions' data channel
        self.ssm_sessions = SsmSessions()
        from aurora_console.sandbox.bastion_keys import PushedKeys

        #: keys pushed with EC2 Instance Connect's SendSSHPublicKey (the loopback bastion accepts them for 60 s)
        self.pushed_keys = PushedKeys()
        from aurora_console.sandbox.eice_endpoint import SandboxEice

        #: EC2 Instance Connect Endpoints (DescribeInstanceConnectEndpoints, moto lacks it) and their websocket
        self.eice = SandboxEice()
        from aurora_console.sandbox.seed_gate import SeedGate

        #: holds what the first fleet listing does not need while the sandbox is seeded (open otherwise)
        self.gate = SeedGate()
        from aurora_console.sandbox.cluster_endpoints import ClusterEndpoints

        #: DescribeDBClusterEndpoints and DescribePendingMaintenanceActions (moto lacks both), answered
        #: once the sandbox's seed ran on this endpoint (the seed names the custom endpoint)
        self.cluster_endpoints = ClusterEndpoints(SANDBOX_ACCOUNT_ID)

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise RuntimeError("the local AWS server is not running")
        return self._endpoint_url

    @property
    def running(self) -> bool:
        return self._endpoint_url is not None

    @property
    def wsgi_app(self) -> Callable:
        """The endpoint's WSGI application, every layer in front of moto included (what a request
        that reaches the socket is answered by)."""
        if self._server is None:
            raise RuntimeError("the local AWS server is not running")
        return self._server._server.app

    def transport(self) -> Any:
        """A :class:`~.wsgi_transport.WsgiTransport` into this endpoint: boto3 clients in this
        process that it is attached to reach the endpoint without a socket; while the seed gate is
        closed, each request waits for the fleet listing's requests being answered (``seed_gate.py``)."""
        from aurora_console.sandbox.wsgi_transport import WsgiTransport

        return WsgiTransport(self.wsgi_app, before_send=self.gate.give_way)

    def start(self) -> str:
        """Start the server thread and return its endpoint URL (``http://127.0.0.1:PORT``)."""
        if self._endpoint_url is not None:
            return self._endpoint_url
        from moto.server import ThreadedMotoServer

        from aurora_console.sandbox import moto_speedups, shared_loader

        shared_loader.install()  # before moto's backends make their sessions (each decoded botocore's data)
        moto_speedups.install()
        _quiet_request_log()
        server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        server.start()
        from aurora_console.sandbox.cloudtrail import CloudTrailWsgi
        from aurora_console.sandbox.cluster_endpoints import ClusterEndpointsWsgi
        from aurora_console.sandbox.log_export import LogExportWsgi
        from aurora_console.sandbox.performance_insights import InsightsWsgi
        from aurora_console.sandbox.rds_logs import RdsLogsWsgi

        # pi requests, then the log file calls of attached instances, then moto (control-plane
        # calls recorded for CloudTrail's LookupEvents on the way; the log exported to CloudWatch
        # Logs before a Logs request; the cluster endpoints and pending maintenance moto lacks
        # answered in front of it once the seed ran)
        server._server.app = LogExportWsgi(
            InsightsWsgi(RdsLogsWsgi(CloudTrailWsgi(ClusterEndpointsWsgi(server._server.app, self.cluster_endpoints),
                                                    self.trail), self.rds_logs), self.insights),
            self.log_export)
        from aurora_console.sandbox.ssm_sessions import SsmSessionsWsgi

        server._server.app = SsmSessionsWsgi(server._server.app, self.ssm_sessions)
        from aurora_console.sandbox.instance_connect import InstanceConnectWsgi

        server._server.app = InstanceConnectWsgi(server._server.app, self.pushed_keys)
        from aurora_console.sandbox.eice_endpoint import EiceWsgi

        server._server.app = EiceWsgi(server._server.app, self.eice)
        from aurora_console.sandbox.seed_gate import SeedGateWsgi

        # in front of all: while the sandbox is seeded, only the fleet listing is answered (seed_gate.py)
        server._server.app = SeedGateWsgi(server._server.app, self.gate)
        host, port = server.get_host_and_port()
        self._server = server
        self._endpoint_url = f"http://{host}:{port}"
        log.info("local AWS endpoint listening on %s", self._endpoint_url)
        return self._endpoint_url

    def stop(self) -> None:
        """Stop the server thread (idempotent)."""
        server, self._server = self._server, None
        self._endpoint_url = None
        if server is not None:
            self.gate.open()  # a request held for the seed is answered (or refused) now
            self.insights.detach_database()
            self.eice.stop()
            server.stop()
            log.info("local AWS endpoint stopped")

    # the sandbox's seed (sandbox/aws_seed.py), through boto3 against this endpoint (in this
    # process: its requests reach the endpoint's application without a socket, wsgi_transport.py)
    def seed_clusters(self, db_password: str, *, just_started: bool = False) -> Any:
        """The first seed stage (``aws_seed.seed_clusters``) on this (empty) endpoint; its SeedInfo.
        ``just_started``: nothing can be on it yet (``aws_process``'s seed at start: no one but that
        process knows its address yet), so the seed does not check."""
        from aurora_console.sandbox import aws_seed
        from aurora_console.sandbox.cluster_endpoints import CustomEndpoint
        from aurora_console.sandbox.seed_catalog import BLOG_CUSTOM_ENDPOINT

        seed = aws_seed.seed_clusters(self.endpoint_url, credentials=sandbox_credentials(), db_password=db_password,
                                      transport=self.transport(), known_empty=just_started)
        blog = seed.cluster(seed.blog_cluster_id)
        self.cluster_endpoints.serve([CustomEndpoint(blog.region, blog.cluster_id, BLOG_CUSTOM_ENDPOINT,
                                                     seed.blog_custom_endpoint_host, seed.blog_custom_endpoint_members)])
        return seed

    def seed_surroundings(self, seed: Any, db_password: str, *, check: Callable[[], None] | None = None) -> Any:
        """The second seed stage (``aws_seed.seed_surroundings``); ``seed`` completed. ``check`` is
        called between its steps (it raises to stop the stage)."""
        from aurora_console.sandbox import aws_seed

        return aws_seed.seed_surroundings(self.endpoint_url, seed, credentials=sandbox_credentials(),
                                          db_password=db_password, check=check, transport=self.transport())

    # what the sandbox attaches once its parts run (the same calls as on aws_process.AwsEndpointProcess)
    def attach_database(self, conninfo: dict) -> None:
        """Performance Insights samples the database ``conninfo`` (``psycopg.connect`` keyword
        arguments, with the password) reaches, from now on."""
        from aurora_console.sandbox.performance_insights import APPLICATION_NAME

        def connect():
            import psycopg

            return psycopg.connect(**conninfo, autocommit=True, application_name=APPLICATION_NAME)

        self.insights.attach_database(connect)

    def attach_logs(self, cluster_id: str, region: str, instance_ids: list[str], folder: Path | str) -> None:
        """The cluster's instances list and download the log files in ``folder`` (a PostgreSQL log
        folder), which are exported to CloudWatch Logs too."""
        self.rds_logs.attach(instance_ids, folder)
        self.log_export.attach(cluster_id, region, instance_ids, folder)

    def serve_instance(self, region: str, instance_id: str, target: tuple[str, int]) -> None:
        """The instance's VPC gets an EC2 Instance Connect Endpoint whose tunnels reach ``target``."""
        self.eice.serve_instance(self.endpoint_url, region, instance_id, tuple(target))

    def serve_routes(self, ssh: tuple[str, int] | None, routes: dict) -> None:
        """Session Manager's data channel reaches the bastion's SSH server ``ssh`` and, for port
        forwarding, ``routes`` ({(host, port): (host, port)}, host names in lower case)."""
        table = dict(routes)
        self.ssm_sessions.attach(ssh=None if ssh is None else tuple(ssh),
                                 route=lambda host, port: table.get((host.lower().rstrip("."), port)))

    def reset(self) -> None:
        """Forget every resource in every moto backend (POST /moto-api/reset)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        self.ssm_sessions.reset()
        self.cluster_endpoints.reset()
        self.pushed_keys.clear()
        self.eice.reset()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
