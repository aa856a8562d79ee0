"""Helpers for the Session Manager tests: the stand-in plugin on PATH, a bastion instance in moto
tagged sandbox-bastion, the sandbox's Session Manager wired to the rig's peers, and specs."""

from __future__ import annotations

import os
from pathlib import Path

from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.sandbox.ssm_plugin import write_launcher

REGION = "us-east-1"
BLOG_HOST = "blog.cluster-ssm0test.us-east-1.rds.amazonaws.com"


def put_plugin_on_path(folder: Path, monkeypatch) -> Path:
    """The stand-in ``session-manager-plugin`` first on PATH (and nowhere else to find a real one)."""
    launcher = write_launcher(folder)
    monkeypatch.setenv("PATH", f"{launcher.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return launcher


def run_bastion(aws_factory, *, name: str = "sandbox-bastion") -> str:
    ec2 = clients_from_factory(aws_factory)("ec2", None, REGION)
    answer = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                               TagSpecifications=[{"ResourceType": "instance",
                                                   "Tags": [{"Key": "Name", "Value": name}]}])
    return answer["Instances"][0]["InstanceId"]


def wire_sessions(moto_server, *, db_port: int | None = None, ssh: tuple[str, int] | None = None):
    """The sandbox's SsmSessions: port forwarding reaches the rig's PostgreSQL as BLOG_HOST:5432,
    an SSH session the rig's sshd."""
    sessions = moto_server.ssm_sessions
    routes = {(BLOG_HOST, 5432): ("127.0.0.1", db_port)} if db_port else {}
    sessions.attach(ssh=ssh, route=lambda host, port: routes.get((host, port)))
    return sessions


def forward_spec(aws_factory, instance: str, *, name: str = "blog-ssm", timeout: float = 10.0) -> TunnelSpec:
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm-forward")
    bastion = BastionConfig(host=instance, user="ec2-user", aws=aws, connect_timeout=timeout)
    return TunnelSpec(name=name, bastion=bastion, target=TunnelTarget(BLOG_HOST, 5432, probe="postgres"),
                      aws_clients=clients_from_factory(aws_factory))
