"""Tunnel throughput and open time (run by hand: .venv/bin/python benchmarks/tunnels.py).

Same run, same machine: a real PostgreSQL with a 1M-row table, a real OpenSSH sshd on
127.0.0.1; fetch the whole table directly, through the native (OpenSSH client) backend, the
paramiko backend, and a plain ``ssh -L`` started here. Then the tunnel open time per key type
and backend. Medians of several interleaved runs; ratios to the direct fetch / to ed25519 native.
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
from benchmarks.common import report  # noqa: E402

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


def main() -> int:
    import psycopg

    from aurora_console.core.ssh.backend import make_backend
    from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.sandbox.postgres import PostgresServer

    tmp = Path(tempfile.mkdtemp(prefix="aurora-bench-tunnels-"))
    pg = PostgresServer(tmp / "pg" / "data", password=secrets.token_urlsafe(12),
                        settings={"fsync": "off", "synchronous_commit": "off"})
    pg.start()
    sshd, ssh_port, user = start_sshd(tmp / "sshd")
    ssh_procs = []
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
        cases = {"direct": info["port"], "native backend (ssh -N -L)": native.local_port,
                 "paramiko backend": pmk.local_port, "plain ssh -L (started here)": plain_port}
        assert all(fetch_all(info, p) == ROWS for p in cases.values())  # warm-up and correctness
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(REPEAT):  # interleaved, so drift hits every case alike
            for name, port in cases.items():
                t0 = time.perf_counter()
                fetch_all(info, port)
                times[name].append(time.perf_counter() - t0)
        report(f"fetch {ROWS:,} rows (select * from big), median of {REPEAT}",
               [(name, values, None if name == "direct" else "direct") for name, values in times.items()])
        native.close()
        pmk.close()

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
        for p in ssh_procs:
            p.terminate()
        sshd.terminate()
        pg.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
