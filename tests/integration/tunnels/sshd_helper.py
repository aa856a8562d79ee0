"""A throw-away OpenSSH sshd on 127.0.0.1 for the tunnel tests (own config per test when needed).

Runs ``/usr/sbin/sshd -D`` in its own process group so a test can kill the server *and* its
per-connection children (a dropped bastion), then start it again on the same port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from aurora_console.sandbox.postgres_env import free_port
from tests.rig.sshd_server import _descendants

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def keygen(path: Path, key_type: str, *, passphrase: str = "", fmt: str = "") -> Path:
    args = ["ssh-keygen", "-q", "-t", key_type, "-N", passphrase, "-f", str(path), "-C", "test"]
    if fmt:
        args += ["-m", fmt]
    subprocess.run(args, check=True, capture_output=True)
    return path


class Sshd:
    def __init__(self, folder: Path, *, allow_tcp_forwarding: str = "yes", host_key_types=("ed25519",),
                 port: int | None = None, extra: str = "") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.user = os.environ.get("USER") or "root"
        import pwd

        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.authorized_keys = folder / "authorized_keys"
        self.authorized_keys.touch()
        self.host_keys = []
        for t in host_key_types:
            p = folder / f"ssh_host_{t}_key"
            if not p.exists():
                keygen(p, t)
            self.host_keys.append(p)
        self.allow_tcp_forwarding = allow_tcp_forwarding
        self.extra = extra
        self.proc: subprocess.Popen | None = None
        Path("/run/sshd").mkdir(exist_ok=True)

    def authorize(self, pub_path: Path) -> None:
        with self.authorized_keys.open("a") as fh:
            fh.write(pub_path.read_text())

    def write_config(self) -> Path:
        cfg = self.folder / "sshd_config"
        lines = [f"Port {self.port}", "ListenAddress 127.0.0.1", "AddressFamily inet",
                 *[f"HostKey {k}" for k in self.host_keys],
                 f"AuthorizedKeysFile {self.authorized_keys}", "StrictModes no", "PermitRootLogin prohibit-password",
                 "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
                 f"AllowTcpForwarding {self.allow_tcp_forwarding}", f"PidFile {self.folder}/sshd.pid",
                 "LogLevel VERBOSE", "MaxStartups 100", "MaxSessions 100", "ClientAliveInterval 0", self.extra]
        cfg.write_text("\n".join(lines) + "\n")
        return cfg

    def host_public_key(self, key_type: str = "ed25519") -> str:
        return (self.folder / f"ssh_host_{key_type}_key.pub").read_text().split()[1]

    def start(self) -> Sshd:
        cfg = self.write_config()
        log = (self.folder / "sshd.log").open("ab")
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)], stdout=log, stderr=log,
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("sshd exited: " + (self.folder / "sshd.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not start")

    def kill(self) -> None:
        """SIGKILL the server and every per-connection sshd it forked (they call setsid, so we walk
        /proc for the descendants of our own sshd, by pid)."""
        if self.proc is None:
            return
        family = [self.proc.pid, *_descendants(self.proc.pid)]
        for pid in family:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)
        self.proc = None

    stop = kill

    def log_text(self) -> str:
        p = self.folder / "sshd.log"
        return p.read_text(errors="replace") if p.exists() else ""


