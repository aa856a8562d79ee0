"""A sandbox Instance Connect Endpoint in front of a TCP echo server, and tickets signed for it."""

from __future__ import annotations

import socket
import threading

import boto3

from aurora_console.core.aws.bastion_route.eice import Endpoint, presign_open_tunnel
from aurora_console.core.aws.bastion_route.eice_stream import TunnelTicket
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.eice_endpoint import SandboxEice

PRIVATE_IP = "10.0.1.25"


class EchoServer:
    """Echoes every byte back; ``connections`` counts accepted connections."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.address = self.sock.getsockname()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def close(self) -> None:
        self.sock.close()


class EndpointRig:
    """A running SandboxEice with one endpoint that forwards to an echo server."""

    def __init__(self, **eice_options) -> None:
        self.echo = EchoServer()
        self.eice = SandboxEice(**eice_options)
        self.endpoint = self.eice.add_endpoint(vpc_id="vpc-1", subnet_id="subnet-b", availability_zone="us-east-1a",
                                               private_ip=PRIVATE_IP, target=self.echo.address)
        creds = sandbox_credentials()
        self.client = boto3.client("ec2-instance-connect", region_name="us-east-1", endpoint_url="http://127.0.0.1:1",
                                   aws_access_key_id=creds.access_key_id,
                                   aws_secret_access_key=creds.secret_access_key)

    @property
    def core_endpoint(self) -> Endpoint:
        e = self.endpoint
        return Endpoint(e.endpoint_id, e.arn, e.dns_name, e.vpc_id, e.subnet_id, e.state)

    def url(self, *, port: int = 22, private_ip: str = PRIVATE_IP, seconds: int = 600) -> str:
        return presign_open_tunnel(self.client._request_signer, self.core_endpoint, private_ip, remote_port=port,
                                   max_tunnel_seconds=seconds, scheme="ws")

    def ticket(self, **kw) -> TunnelTicket:
        return TunnelTicket(self.url(**kw), self.endpoint.endpoint_id, self.endpoint.arn)

    def close(self) -> None:
        self.eice.stop()
        self.echo.close()
