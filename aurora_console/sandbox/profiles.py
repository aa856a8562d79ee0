"""Reach a running sandbox from headless commands (``aurora-console --sandbox tunnel sandbox-blog``,
``aurora-console --sandbox migrate info --profile sandbox-blog``).

The sandbox writes ``sandbox.json`` (no secrets) into its state folder while it runs; these
helpers rebuild its AWS client factory and its built-in connection profile from that file.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aurora_console.core.errors import ConsoleError


def _state(state_dir: Path) -> dict[str, Any]:
    """``state_dir``: the sandbox's state folder (``--sandbox-dir``, or ``AppPaths.sandbox_dir``)."""
    path = Path(state_dir) / "sandbox.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        raise ConsoleError("No sandbox is running.",
                           hint="Start it first: aurora-console --sandbox (the window), then run this again.") from None
    try:
        import psutil  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows

        alive = psutil.pid_exists(int(data["pid"]))
    except (KeyError, ValueError, TypeError):
        alive = False
    if not alive:
        raise ConsoleError("The sandbox that wrote sandbox.json is no longer running.",
                           hint="Start it again: aurora-console --sandbox") from None
    return data


def sandbox_aws_factory(state_dir: Path):
    from aurora_console.core.aws.session import AwsSessionFactory, StaticCredentials
    from aurora_console.sandbox.aws_server import sandbox_credentials

    data = _state(state_dir)
    creds = sandbox_credentials()
    return AwsSessionFactory(endpoint_url=data["endpoint_url"], default_region=data["regions"][0],
                             credentials=StaticCredentials(creds.access_key_id, creds.secret_access_key))


def sandbox_profiles(state_dir: Path) -> list:
    """The sandbox's built-in connection profiles (``sandbox-blog``), if its database is up."""
    from aurora_console.sandbox.runtime import BastionInfo, SandboxInfo

    data = _state(state_dir)
    if not data.get("bastion"):
        return []
    blog, b = data["blog"], data["bastion"]
    seed = SimpleNamespace(blog_writer_host=blog["host"], blog_port=blog["port"], blog_database=blog["database"],
                           blog_master_username=blog["user"], ssm_password_parameter=blog["ssm_parameter"],
                           blog_cluster_id=blog["cluster_id"], bastion_region=b.get("region", ""))
    info = SandboxInfo(Path("."), data["endpoint_url"], "", "", tuple(data["regions"]), seed,
                       bastion=BastionInfo(b["host"], b["port"], b["user"], Path(b["key_file"]),
                                           b["known_hosts_line"], instance_id=b.get("instance_id", "")),
                       ca_file=Path(data["ca_file"]) if data.get("ca_file") else None)
    if data.get("shop"):  # the shop database through the same bastion
        info.mysql_port = 0  # running; its local port is the bastion's business
        seed.shop_writer_host = data["shop"]["host"]
    return [info.connection_profile(), *route_profiles(info), *shop_profiles(info)]


def trust_running_sandbox_bastion(store, state_dir: Path) -> None:
    """Trust the sandbox bastion's host key for this process only (it changes port per run)."""
    from aurora_console.sandbox.checks import trust_sandbox_bastion

    data = _state(state_dir)
    if data.get("bastion"):
        b = data["bastion"]
        trust_sandbox_bastion(store, SimpleNamespace(bastion=SimpleNamespace(
            host=b["host"], port=b["port"], known_hosts_line=b["known_hosts_line"],
            instance_id=b.get("instance_id", ""))))


#: the blog database through the sandbox's EC2 bastion instance with a key pushed by EC2 Instance Connect:
#: straight to its (loopback) address, and through its Instance Connect Endpoint; nothing stored
SANDBOX_PUSH_PROFILE = "sandbox-blog-push"
SANDBOX_EIC_PROFILE = "sandbox-blog-eic"


def route_profiles(info) -> list:
    """``sandbox-blog-push`` and ``sandbox-blog-eic``: ``info.connection_profile()`` (a running
    ``SandboxInfo``) reached through the bastion's EC2 instance (Name tag ``sandbox-bastion``) as
    OS user ec2-user with a pushed key, no key file. The push profile connects to the loopback
    bastion's address (its ``host``, since the instance has only a private address); the eic
    profile through the sandbox's Instance Connect Endpoint to port 22. Empty before the bastion runs."""
    from dataclasses import replace

    from aurora_console.core.ssh.config import AwsBastion, BastionConfig
    from aurora_console.sandbox.aws_seed import BASTION_NAME, BASTION_OS_USER

    b = info.bastion
    if b is None or not getattr(b, "instance_id", ""):
        return []
    base = info.connection_profile()
    region = getattr(info.seed, "bastion_region", "") or info.regions[0]
    push = BastionConfig(host=b.host, port=b.port, user=BASTION_OS_USER,
                         aws=AwsBastion(instance=BASTION_NAME, region=region, push_key=True, transport="direct"))
    eic = BastionConfig(host=BASTION_NAME, port=22, user=BASTION_OS_USER,
                        aws=AwsBastion(instance=BASTION_NAME, region=region, push_key=True, transport="eice"))
    return [replace(base, name=SANDBOX_PUSH_PROFILE, bastion=push), replace(base, name=SANDBOX_EIC_PROFILE, bastion=eic)]


def trust_bastion_instance(store, bastion) -> None:
    """Trust the loopback bastion's host key under its EC2 instance's id (how an EC2 bastion's key
    is checked), at its loopback port and at port 22 (through the endpoint), for this session only."""
    instance_id = getattr(bastion, "instance_id", "")
    if instance_id:
        for port in {bastion.port, 22}:
            store.trust_line(instance_id, port, bastion.known_hosts_line)


#: the shop database (Aurora MySQL cluster ``shop``, sandbox/shop.py) through the loopback bastion
SANDBOX_SHOP_PROFILE = "sandbox-shop"


def shop_writer_host(info) -> str:
    """The shop cluster's writer endpoint in ``info`` (a ``SandboxInfo``, or one rebuilt from sandbox.json)."""
    from aurora_console.sandbox.seed_catalog import SHOP_CLUSTER

    seed = info.seed
    return getattr(seed, "shop_writer_host", "") or seed.cluster(SHOP_CLUSTER).endpoint


def shop_profiles(info) -> list:
    """``sandbox-shop``: the shop database as its master user, through the loopback bastion, TLS
    verify-full against the sandbox CA, the password from SSM, as a DBA reaches Aurora MySQL.
    Empty until the shop's server and the bastion run."""
    from aurora_console.core.connections.profile import (
        ClusterEndpointRef,
        ConnectionProfile,
        PasswordSource,
        TlsSettings,
    )
    from aurora_console.core.ssh.config import BastionConfig
    from aurora_console.sandbox import seed_catalog as cat

    b = info.bastion
    if getattr(info, "mysql_port", None) is None or b is None:
        return []
    region = next(c.region for c in cat.CLUSTERS if c.cluster_id == cat.SHOP_CLUSTER)
    return [ConnectionProfile(
        name=SANDBOX_SHOP_PROFILE, host=shop_writer_host(info), port=cat.SHOP_PORT, engine="mysql",
        database=cat.SHOP_DATABASE, user=cat.SHOP_MASTER_USER,
        password=PasswordSource(kind="ssm", parameter=cat.SHOP_SSM_PARAMETER, region=region),
        tls=TlsSettings(mode="verify-full", ca_bundle=str(info.ca_file or "")),
        bastion=BastionConfig(host=b.host, port=b.port, user=b.user, key_file=str(b.key_file)),
        cluster=ClusterEndpointRef(None, region, cat.SHOP_CLUSTER, "writer"), builtin=True,
    )]
