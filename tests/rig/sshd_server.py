"""OpenSSH's own sshd on 127.0.0.1 with throw-away keys (used by the fixtures in tests/rig/sshd.py).

:func:`generate_keys` makes host keys (ed25519, ecdsa, rsa) and client keys with ssh-keygen;
:func:`start_sshd` runs ``sshd -D -e -f <config>`` on an OS-chosen free port and waits until it
listens. The returned :class:`SshdServer` knows its keys, known_hosts lines and fingerprints and
builds OpenSSH client command lines (:meth:`SshdServer.ssh_args`).
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from aurora_console.sandbox.postgres_env import free_port

SSHD = (
    shutil.which("sshd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin") or "/usr/sbin/sshd"
)
HOST = "127.0.0.1"
HOST_KEY_TYPES = ("ed25519", "ecdsa", "rsa")
#: name -> (ssh-keygen -t, extra ssh-keygen args). All OpenSSH format unless said otherwise.
CLIENT_KEYS = {
    "ed25519": ("ed25519", []),
    "ecdsa": ("ecdsa", []),
    "rsa": ("rsa", ["-b", "2048"]),
    "rsa_pem": ("rsa", ["-b", "2048", "-m", "PEM"]),  # legacy "BEGIN RSA PRIVATE KEY"
    "ed25519_passphrase": ("ed25519", []),  # protected with SshKeys.passphrase
}


class SshdError(RuntimeError):
    pass


@dataclass(frozen=True)
class SshKeys:
    folder: Path
    host_keys: dict[str, Path]  # key type -> private key file
    client_keys: dict[str, Path]  # CLIENT_KEYS name -> private key file (".pub" next to it)
    passphrase: str

    @property
    def authorized_keys_text(self) -> str:
        return "".join(Path(f"{path}.pub").read_text() for path in self.client_keys.values())


def generate_keys(folder: Path, passphrase: str = "rig-passphrase") -> SshKeys:
    """Host and client keys in ``folder`` (ssh-keygen runs in parallel to keep this quick)."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[list[str], Path]] = []
    host_keys = {t: folder / f"ssh_host_{t}_key" for t in HOST_KEY_TYPES}
    for key_type, path in host_keys.items():
        extra = ["-b", "2048"] if key_type == "rsa" else []
        jobs.append((["-t", key_type, *extra, "-N", "", "-C", f"rig-host-{key_type}"], path))
    client_keys = {name: folder / f"client_{name}" for name in CLIENT_KEYS}
    for name, (key_type, extra) in CLIENT_KEYS.items():
        secret = passphrase if name.endswith("_passphrase") else ""
        jobs.append((["-t", key_type, *extra, "-N", secret, "-C", f"rig-client-{name}"], client_keys[name]))
    procs = []
    for args, path in jobs:
        cmd = ["ssh-keygen", "-q", *args, "-f", str(path)]
        procs.append((subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE), path))
    for proc, path in procs:
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            raise SshdError(f"ssh-keygen for {path.name} failed: {err.decode(errors='replace')}")
    return _keys_in(folder, passphrase)


def _keys_in(folder: Path, passphrase: str) -> SshKeys:
    return SshKeys(
        folder=folder,
        host_keys={t: folder / f"ssh_host_{t}_key" for t in HOST_KEY_TYPES},
        client_keys={name: folder / f"client_{name}" for name in CLIENT_KEYS},
        passphrase=passphrase,
    )


def cached_keys(passphrase: str = "rig-passphrase") -> SshKeys:
    """Test keys made once per user and machine (``<tmp>/aurora-rig-ssh-keys-<uid>-v1``).

    RSA generation is the slow part of the sshd fixture; these keys guard nothing, so test
    sessions share them. Made in a fresh folder and renamed into place (atomic), so concurrent
    sessions never see half-written keys.
    """
    home = Path(tempfile.gettempdir()) / f"aurora-rig-ssh-keys-{os.getuid()}-v1"
    keys = _keys_in(home, passphrase)

    def complete() -> bool:
        paths = [*keys.host_keys.values(), *keys.client_keys.values()]
        return (
            all(p.is_file() and Path(f"{p}.pub").is_file() for p in paths)
            and home.stat().st_uid == os.getuid()
        )

    if home.is_dir() and complete():
        return keys
    fresh = Path(tempfile.mkdtemp(prefix="aurora-rig-ssh-keys-new-"))
    generate_keys(fresh, passphrase)
    if home.exists() and not complete():
        shutil.rmtree(home, ignore_errors=True)  # half-deleted by someone: make it again
    try:
        os.rename(fresh, home)
    except OSError:  # another session was quicker
        shutil.rmtree(fresh, ignore_errors=True)
    if not (home.is_dir() and complete()):
        raise SshdError(f"could not set up the test keys in {home}")
    return keys


def _fingerprint(blob_b64: str) -> str:
    digest = hashlib.sha256(base64.b64decode(blob_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def openssh_version() -> tuple[int, int]:
    out = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr
    match = re.search(r"OpenSSH_(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


@dataclass
class SshdServer:
    """A running sshd. ``user`` is the account the tests run as (the only one sshd lets in)."""

    folder: Path
    keys: SshKeys
    options: dict[str, str]
    host: str = HOST
    port: int = 0
    user: str = field(default_factory=lambda: pwd.getpwuid(os.getuid()).pw_name)
    proc: subprocess.Popen | None = None

    config_file = property(lambda self: self.folder / "sshd_config")
    log_file = property(lambda self: self.folder / "sshd.log")
    pid_file = property(lambda self: self.folder / "sshd.pid")
    authorized_keys_file = property(lambda self: self.folder / "authorized_keys")
    known_hosts_file = property(lambda self: self.folder / "known_hosts")

    @property
    def client_keys(self) -> dict[str, Path]:
        return self.keys.client_keys

    @property
    def passphrase(self) -> str:
        return self.keys.passphrase

    @property
    def host_public_keys(self) -> dict[str, str]:
        """key type -> ``"<algorithm> <base64>"``."""
        result = {}
        for key_type, path in self.keys.host_keys.items():
            algorithm, blob = Path(f"{path}.pub").read_text().split()[:2]
            result[key_type] = f"{algorithm} {blob}"
        return result

    @property
    def host_pattern(self) -> str:
        return f"[{self.host}]:{self.port}"

    @property
    def known_hosts_lines(self) -> list[str]:
        return [f"{self.host_pattern} {key}" for key in self.host_public_keys.values()]

    @property
    def fingerprints(self) -> dict[str, str]:
        """key type -> ``SHA256:...`` as OpenSSH prints it."""
        return {t: _fingerprint(key.split()[1]) for t, key in self.host_public_keys.items()}

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ssh_args(
        self,
        key: str = "ed25519",
        *extra: str,
        command: tuple[str, ...] | list[str] = (),
        batch: bool = True,
        options: dict[str, str] | None = None,
    ) -> list[str]:
        """An OpenSSH client command line (no user config, strict host key checking).

        ``extra`` are client arguments (``-N``, ``-L ...``); ``command`` runs remotely;
        ``options`` override the ``-o`` defaults (ssh keeps the first value it sees).
        """
        args = ["ssh", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.client_keys[key])]
        merged = {
            "IdentitiesOnly": "yes",
            "IdentityAgent": "none",
            "UserKnownHostsFile": str(self.known_hosts_file),
            "GlobalKnownHostsFile": "/dev/null",
            "StrictHostKeyChecking": "yes",
            "ConnectTimeout": "15",
            "BatchMode": "yes" if batch else "no",
            "LogLevel": "ERROR",
            **(options or {}),
        }
        for name, value in merged.items():
            args += ["-o", f"{name}={value}"]
        return [*args, *extra, f"{self.user}@{self.host}", *command]

    def log_text(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def write_config(self) -> None:
        settings = {
            "ListenAddress": self.host,
            "Port": str(self.port),
            "AddressFamily": "inet",
            "PidFile": str(self.pid_file),
            "AuthorizedKeysFile": str(self.authorized_keys_file),
            "UsePAM": "no",
            "PasswordAuthentication": "no",
            "KbdInteractiveAuthentication": "no",
            "PubkeyAuthentication": "yes",
            "AllowTcpForwarding": "yes",
            "StrictModes": "no",
            "PrintMotd": "no",
            "X11Forwarding": "no",
            "LogLevel": "VERBOSE",
            "MaxStartups": "100",
            "MaxSessions": "100",
        }
        if os.geteuid() == 0:
            settings["PermitRootLogin"] = "prohibit-password"
        if openssh_version() >= (9, 8):
            settings["PerSourcePenalties"] = "no"  # rejected-key tests must not lock 127.0.0.1 out
        settings.update(self.options)
        lines = [f"HostKey {path}" for path in self.keys.host_keys.values()]
        lines += [f"{name} {value}" for name, value in settings.items()]
        self.config_file.write_text("\n".join(lines) + "\n")
        self.authorized_keys_file.write_text(self.keys.authorized_keys_text)

    def start(self, timeout: float = 30.0) -> SshdServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privilege separation
        for _attempt in range(3):
            self.port = free_port(HOST)
            self.write_config()
            self.known_hosts_file.write_text("\n".join(self.known_hosts_lines) + "\n")
            self.log_file.write_text("")
            with self.log_file.open("ab") as log:
                self.proc = subprocess.Popen(
                    [SSHD, "-D", "-e", "-f", str(self.config_file)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            if self._wait_listening(timeout):
                return self
            if "Bind to port" not in self.log_text() and "Cannot bind" not in self.log_text():
                break
        self.stop()
        raise SshdError(f"sshd did not start; {self.log_file}:\n{self.log_text()[-3000:]}")

    def _wait_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        marker = f"Server listening on {self.host} port {self.port}"
        while time.monotonic() < deadline:
            if marker in self.log_text():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop sshd and the per-connection sshd processes it forked (and what they run)."""
        if self.proc is None:
            return
        family = _descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        _end_processes(family)
        self.proc = None


def _descendants(pid: int) -> list[int]:
    """Pids below ``pid`` (Linux /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _end_processes(pids: list[int]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = []
        for pid in pids:
            try:
                os.kill(pid, sig)
                alive.append(pid)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 3
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if _running(pid)]
            time.sleep(0.02)
        pids = alive


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_sshd(folder: Path, keys: SshKeys, **options: str) -> SshdServer:
    """Start an sshd in ``folder`` with ``keys``; ``options`` override sshd_config keywords."""
    return SshdServer(folder=folder, keys=keys, options=dict(options)).start()
