"""The pieces an EC2 Instance Connect test needs: the sandbox's bastion instance in the rig's moto
server, the loopback bastion standing for it (accepting keys pushed to that server for 60 s),
and a tunnel spec that reaches the rig's PostgreSQL through it with a pushed key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.sandbox.aws_seed import BASTION_NAME, create_bastion_instance
from aurora_console.sandbox.bastion import Bastion
from aurora_console.sandbox.profiles import trust_bastion_instance

DB_HOST = "blog.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
REGION = "us-east-1"


class SettableClock:
    """A clock for ``PushedKeys`` that tests move on instead of waiting a minute."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Ec2Bastion:
    bastion: Bastion
    instance_id: str
    private_ip: str
    keys: object  # sandbox.bastion_keys.PushedKeys
    clock: SettableClock
    factory: object  # AwsSessionFactory
    store: HostKeyStore

    def ec2(self):
        return self.factory.client("ec2", AwsTarget(None, REGION))

    def spec(self, backend: str, *, user: str = "ec2-user", instance: str = BASTION_NAME, name: str = "eic",
             probe: str = "postgres") -> TunnelSpec:
        cfg = BastionConfig(host=self.bastion.host, port=self.bastion.port, user=user, connect_timeout=10,
                            aws=AwsBastion(instance=instance, region=REGION, push_key=True))
        return TunnelSpec(name=f"{name}-{backend}", bastion=cfg, target=TunnelTarget(DB_HOST, 5432, probe=probe),
                          backend=backend, aws_clients=clients_from_factory(self.factory))


def start_ec2_bastion(moto_server, aws_factory, pg_port: int, folder: Path) -> Ec2Bastion:
    ec2 = aws_factory.client("ec2", AwsTarget(None, REGION))
    instance_id, private_ip = create_bastion_instance(ec2)
    clock = SettableClock()
    keys = moto_server.pushed_keys
    keys.clock = clock
    bastion = Bastion(folder / "bastion", {(DB_HOST, 5432): ("127.0.0.1", pg_port)}, pushed_keys=keys,
                      instance_id=instance_id)
    bastion.start()
    store = HostKeyStore(folder / "known_hosts", user_files=[])
    trust_bastion_instance(store, SimpleNamespace(instance_id=instance_id, port=bastion.port,
                                                  known_hosts_line=bastion.known_hosts_line))
    return Ec2Bastion(bastion, instance_id, private_ip, keys, clock, aws_factory, store)
