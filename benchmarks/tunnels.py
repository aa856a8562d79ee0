"""Tunnel throughput and open time (run by hand: .venv/bin/python benchmarks/tunnels.py).

Same run, same machine: a real PostgreSQL with a 1M-row table, a real OpenSSH sshd on
127.0.0.1; fetch the whole table directly, through the native (OpenSSH client) backend, the
paramiko backend, and a plain ``ssh -L`` started here. Then the tunnel open time per key type
and backend. Medians of several interleaved runs; ratios to the direct fetch / to ed25519 native.

EC2 bastions (issue 18), on the sandbox's local AWS endpoint (an EC2 instance in moto, the
sandbox's Instance Connect Endpoint websocket server, its loopback bastion that accepts pushed
keys): the 1M-row fetch through the endpoint websocket (each backend) against the same backend's
direct bastion tunnel to the same sshd (goal: at most 1.3x), and the tunnel open time per route:
direct bastion, EC2 Instance Connect key push, endpoint websocket, both.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aurora_console.sandbox.postgres_env import free_port  # noqa: E402
from benchmarks.common import machine, report, summary  # noqa: E402

ROWS = int(os.environ.get("TUNNEL_BENCH_ROWS", "1000000"))
REPEAT = int(os.environ.get("TUNNEL_BENCH_REPEAT", "5"))
KEYS = ("ed25519", "ecdsa", "rsa")


def start_sshd(folder: Path):
    import pwd

    folder.mkdir(parents=True)
    for t in KEYS:
        subprocess.run(["ssh-keygen", "-q", "-t", t, "-N", "", "-f", str(folder / f"host_{t}")], check=True)
        subprocess.run(["ssh-keygen", "-q", "-t", t, "-N", "", "-f", str(folder / f"client_{t}")], check=True)
    (folder / "authorized_keys").write_text("".join((folder / f"client_{t}.pub").read_text() for t in KEYS))
    port = free_port()
    cfg = folder / "sshd_config"
    cfg.write_text("\n".join([f"Port {port}", "ListenAddress 127.0.0.1", *[f"HostKey {folder}/host_{t}" for t in KEYS],
                              f"AuthorizedKeysFile {folder}/authorized_keys", "StrictModes no", "UsePAM no",
                              "PasswordAuthentication no", "PermitRootLogin prohibit-password",
                              "AllowTcpForwarding yes", f"PidFile {folder}/sshd.pid", "MaxStartups 100"]) + "\n")
    Path("/run/sshd").mkdir(exist_ok=True)
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(cfg)], stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port, pwd.getpwuid(os.getuid()).pw_name


def fetch_all(info: dict, port: int) -> int:
    import psycopg

    with psycopg.connect(**{**info, "host": "127.0.0.1", "port": port}) as conn:
        return len(conn.execute("select * from big").fetchall())


REGION = "us-east-1"
ROUTES = ("direct bastion", "key push", "endpoint websocket", "endpoint + key push")


class Ec2Bastion:
    """The sandbox's local AWS endpoint with an EC2 instance standing for the bastion, its Instance
    Connect Endpoint, and the loopback bastion that accepts keys pushed for that instance."""

    def __init__(self, folder: Path, pg_port: int) -> None:
        import boto3

        from aurora_console.core.aws.session import AwsSessionFactory, StaticCredentials
        from aurora_console.core.connections.passwords import clients_from_factory
        from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials
        from aurora_console.sandbox.bastion import Bastion

        creds = sandbox_credentials(REGION)
        self.server = LocalAwsServer()
        url = self.server.start()
        ec2 = boto3.client("ec2", endpoint_url=url, **creds.client_kwargs())
        self.instance_id = ec2.run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "bench-bastion"}]}],
        )["Instances"][0]["InstanceId"]
        self.clients = clients_from_factory(AwsSessionFactory(
            endpoint_url=url, default_region=REGION,
            credentials=StaticCredentials(creds.access_key_id, creds.secret_access_key)))
        self.loopback = Bastion(folder, {("127.0.0.1", pg_port): ("127.0.0.1", pg_port)},
                                pushed_keys=self.server.pushed_keys, instance_id=self.instance_id)
        self.loopback.start()

    def endpoint_to(self, address: tuple[str, int]) -> None:
        """The endpoint's tunnels to the instance's port 22 reach ``address``."""
        self.server.eice.serve_instance(self.server.endpoint_url, REGION, self.instance_id, address)

    def trust(self, store, line: str) -> None:
        """Trust a host key line's key under the instance id (how an EC2 bastion's key is checked)."""
        for port in (22, self.loopback.port):
            store.trust_line(self.instance_id, port, line)

    def spec(self, route: str, backend: str, target_port: int, *, user: str = "", key_file: str = ""):
        from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget

        push = "key push" in route
        eice = route.startswith("endpoint")
        aws = AwsBastion(self.instance_id, REGION, push_key=push, transport="eice" if eice else "direct")
        if route == "direct bastion":
            bastion = BastionConfig("127.0.0.1", "bastion", self.loopback.port, str(self.loopback.client_key_path))
        elif eice:
            bastion = BastionConfig(self.instance_id, user or ("ec2-user" if push else "bastion"), 22,
                                    "" if push else (key_file or str(self.loopback.client_key_path)), aws=aws)
        else:  # pushed key, straight to the loopback bastion's address
            bastion = BastionConfig("127.0.0.1", "ec2-user", self.loopback.port, "", aws=aws)
        return TunnelSpec(f"bench-{route}-{backend}".replace(" ", "-"), bastion, TunnelTarget("127.0.0.1", target_port),
                          backend=backend, aws_clients=self.clients)

    def close(self) -> None:
        self.loopback.stop()
        self.server.stop()


def main() -> int:
    import psycopg

    from aurora_console.core.ssh.backend import make_backend
    from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.sandbox.postgres import PostgresServer

    print(machine())
    tmp = Path(tempfile.mkdtemp(prefix="aurora-bench-tunnels-"))
    pg = PostgresServer(tmp / "pg" / "data", password=secrets.token_urlsafe(12),
                        settings={"fsync": "off", "synchronous_commit": "off"})
    pg.start()
    sshd, ssh_port, user = start_sshd(tmp / "sshd")
    ssh_procs = []
    ec2 = None
    try:
        info = pg.create_database("bench")
        with psycopg.connect(**info, autocommit=True) as conn:
            conn.execute("create table big (id int, title text, body text)")
            conn.execute("insert into big select g, 'title ' || g, md5(g::text) from generate_series(1, %s) g",
                         (ROWS,))
        store = HostKeyStore(tmp / "known_hosts", user_files=[])
        for t, algo in (("ed25519", "ssh-ed25519"), ("ecdsa", "ecdsa-sha2-nistp256"), ("rsa", "ssh-rsa")):
            blob = (tmp / "sshd" / f"host_{t}.pub").read_text().split()[1]
            store.trust("127.0.0.1", ssh_port, algo, blob, always=True)

        def spec(key: str, backend: str) -> TunnelSpec:
            return TunnelSpec(f"bench-{backend}", BastionConfig("127.0.0.1", user, ssh_port,
                                                                str(tmp / "sshd" / f"client_{key}")),
                              TunnelTarget("127.0.0.1", info["port"]), backend=backend)

        native = make_backend("native").open(spec("ed25519", "native"), store)
        pmk = make_backend("paramiko").open(spec("ed25519", "paramiko"), store)
        plain_port = free_port()
        kh = tmp / "plain_known_hosts"
        kh.write_text("".join(f"[127.0.0.1]:{ssh_port} " + " ".join((tmp / "sshd" / f"host_{t}.pub").read_text()
                                                                         .split()[:2]) + "\n" for t in KEYS))
        plain = subprocess.Popen(["ssh", "-F", "/dev/null", "-N", "-L", f"127.0.0.1:{plain_port}:127.0.0.1:{info['port']}",
                                  "-p", str(ssh_port), "-i", str(tmp / "sshd" / "client_ed25519"),
                                  "-o", "IdentitiesOnly=yes", "-o", f"UserKnownHostsFile={kh}",
                                  "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", f"{user}@127.0.0.1"])
        ssh_procs.append(plain)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", plain_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        # the same sshd through the sandbox's Instance Connect Endpoint websocket
        ec2 = Ec2Bastion(tmp / "bastion", info["port"])
        ec2.endpoint_to(("127.0.0.1", ssh_port))
        for t in KEYS:
            ec2.trust(store, f"x {(tmp / 'sshd' / f'host_{t}.pub').read_text().split()[0]} "
                             f"{(tmp / 'sshd' / f'host_{t}.pub').read_text().split()[1]}")
        via = {b: make_backend(b).open(ec2.spec("endpoint websocket", b, info["port"], user=user,
                                                key_file=str(tmp / "sshd" / "client_ed25519")), store)
               for b in ("native", "paramiko")}
        cases = {"direct": info["port"], "native backend (ssh -N -L)": native.local_port,
                 "paramiko backend": pmk.local_port, "plain ssh -L (started here)": plain_port,
                 "native via endpoint websocket": via["native"].local_port,
                 "paramiko via endpoint websocket": via["paramiko"].local_port}
        assert all(fetch_all(info, p) == ROWS for p in cases.values())  # warm-up and correctness
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(REPEAT):  # interleaved, so drift hits every case alike
            for name, port in cases.items():
                t0 = time.perf_counter()
                fetch_all(info, port)
                times[name].append(time.perf_counter() - t0)
        medians = report(f"fetch {ROWS:,} rows (select * from big), median of {REPEAT}",
                         [(name, values, None if name == "direct" else "direct") for name, values in times.items()])
        native.close()
        pmk.close()
        for t in via.values():
            t.close()
        for backend, base in (("native", "native backend (ssh -N -L)"), ("paramiko", "paramiko backend")):
            ratio = medians[f"{backend} via endpoint websocket"] / medians[base]
            summary(f"fetch {ROWS:,} rows through the Instance Connect Endpoint websocket vs the direct bastion "
                    f"tunnel ({backend} backend)", f"{medians[f'{backend} via endpoint websocket']:.2f} s",
                    f"{ratio:.2f}x", "<= 1.3x", ratio <= 1.3)

        # tunnel open time per route, to the loopback bastion (which accepts pushed keys)
        ec2.endpoint_to((ec2.loopback.host, ec2.loopback.port))
        line = ec2.loopback.known_hosts_line
        route_store = HostKeyStore(tmp / "known_hosts_routes", user_files=[])  # the instance id now names another key
        route_store.trust_line("127.0.0.1", ec2.loopback.port, line)
        ec2.trust(route_store, line)
        routes: dict[str, list[float]] = {}
        for _ in range(REPEAT):
            for route in ROUTES:
                for backend in ("native", "paramiko"):
                    t0 = time.perf_counter()
                    t = make_backend(backend).open(ec2.spec(route, backend, info["port"]), route_store)
                    routes.setdefault(f"{backend}, {route}", []).append(time.perf_counter() - t0)
                    t.close()
        report("tunnel open time per route (instance lookup, key push, endpoint, SSH, path probe)",
               [(name, values, None if name.endswith(", direct bastion") else f"{name.split(',')[0]}, direct bastion")
                for name, values in routes.items()])

        opens: dict[str, list[float]] = {}
        for _ in range(REPEAT):
            for key in KEYS:
                for backend in ("native", "paramiko"):
                    t0 = time.perf_counter()
                    t = make_backend(backend).open(spec(key, backend), store)
                    opens.setdefault(f"{backend} {key}", []).append(time.perf_counter() - t0)
                    t.close()
        report("tunnel open time (connect, host key check, auth, path probe)",
               [(name, values, None if name == "native ed25519" else "native ed25519") for name, values in opens.items()])
    finally:
        if ec2 is not None:
            ec2.close()
        for p in ssh_procs:
            p.terminate()
        sshd.terminate()
        pg.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
