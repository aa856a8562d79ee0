"""Native backend: the OpenSSH client (``ssh -N -L 127.0.0.1:PORT:HOST:PORT``).

Fastest path (the forwarding runs in C). The console verifies host keys itself and pins them in
a private known_hosts file; the passphrase reaches ssh through an askpass helper.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from aurora_console.core.aws.bastion_route.route import prepare_route
from aurora_console.core.secrets import reveal
from aurora_console.core.ssh.backend import OpenTunnel, TunnelBackend, ssh_binary
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import TunnelError
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.keys import load_private_key
from aurora_console.core.ssh.listener import free_loopback_port
from aurora_console.core.ssh.native_config import (
    BASTION_ALIAS,
    JUMP_ALIAS,
    build_ssh_config,
    known_hosts_lines,
    ssh_command,
)
from aurora_console.core.ssh.native_errors import channel_failure, classify_exit, is_bind_race
from aurora_console.core.ssh.native_probe import probe_path
from aurora_console.core.ssh.pinning import verified_host_keys

log = logging.getLogger(__name__)
BIND_ATTEMPTS = 4


class NativeTunnel(OpenTunnel):
    backend_name = "native"

    def __init__(self, spec: TunnelSpec, proc: subprocess.Popen, local_port: int, workdir: Path,
                 stderr_lines: list[str]) -> None:
        self.spec = spec
        self.proc = proc
        self.local_port = local_port
        self.workdir = workdir
        self.stderr_lines = stderr_lines
        self._closed = False
        self.route = None
        self.route_label = ""
        self.expires_at: float | None = None

    def stderr_text(self) -> str:
        return "".join(self.stderr_lines)

    def is_alive(self) -> bool:
        return not self._closed and self.proc.poll() is None

    def failure(self) -> str | None:
        if self._closed or self.proc.poll() is None:
            return None
        return classify_exit(self.stderr_text(), self.spec, self.proc.returncode).message

    def attach_route(self, route) -> None:
        """The opening's ``PreparedRoute``: its label, the carrier's end, cleaned up on close."""
        self.route = route
        self.route_label = route.label
        self.expires_at = route.expires_at

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        _stop(self.proc)
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.route is not None:
            self.route.cleanup()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _read_stderr(proc: subprocess.Popen, lines: list[str], name: str) -> None:
    for raw in iter(proc.stderr.readline, b""):
        line = raw.decode("utf-8", "replace")
        lines.append(line)
        if len(lines) > 400:  # a long-lived tunnel keeps only the recent lines
            del lines[:200]
        log.debug("ssh[%s]: %s", name, line.rstrip())
    proc.stderr.close()


class NativeBackend(TunnelBackend):
    name = "native"

    def __init__(self, ssh: str | None = None) -> None:
        self.ssh = ssh or ssh_binary() or "ssh"

    def open(self, spec: TunnelSpec, store: HostKeyStore, *, local_port: int = 0) -> OpenTunnel:
        cfg = spec.bastion.validate()
        spec.target.validate()
        encrypted = False
        loaded = None
        if cfg.key_file and cfg.needs_ssh_key:  # clear errors for wrong passphrase / unsupported format before ssh runs
            loaded = load_private_key(cfg.key_file, reveal(spec.passphrase))
            encrypted = loaded.encrypted
        route = prepare_route(spec)
        workdir: Path | None = None
        try:
            pins = verified_host_keys(spec, store, route)
            workdir = Path(tempfile.mkdtemp(prefix="aurora-tunnel-"))  # owner-only (0700)
            if loaded is not None and loaded.file_format == "pkcs8":
                # OpenSSH cannot read PKCS#8 ed25519 keys: hand it an OpenSSH-format copy, encrypted with the
                # same passphrase, in the private temp folder (removed when the tunnel closes).
                copy = workdir / "identity"
                fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(loaded.openssh_bytes(reveal(spec.passphrase) if encrypted else None))
                spec = replace(spec, bastion=replace(cfg, key_file=str(copy)))
            known = workdir / "known_hosts"
            known.write_text(known_hosts_lines(pins), encoding="utf-8")
            hops = {hop.alias: hop for hop in pins}
            jump = hops.get(JUMP_ALIAS)
            config = workdir / "ssh_config"
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SSH_ASKPASS", "AURORA_CONSOLE_ASKPASS"))}
            helper = None
            if encrypted:
                from aurora_console.core.ssh.askpass import write_helper

                helper = write_helper(workdir)

            def start(identity: Path | None) -> NativeTunnel:
                config.write_text(build_ssh_config(
                    spec, known_hosts=known, bastion_key_type=hops[BASTION_ALIAS].key_type,
                    jump_key_type=jump.key_type if jump else None, batch=not encrypted,
                    agent_socket=os.environ.get("SSH_AUTH_SOCK"), bastion_certified=hops[BASTION_ALIAS].certified,
                    jump_certified=bool(jump and jump.certified), route=route, identity_file=identity),
                    encoding="utf-8")
                return self._start(spec, config, env, workdir, local_port, helper)

            agent_socket = os.environ.get("SSH_AUTH_SOCK") if cfg.use_agent else None
            if route.key is not None:
                # the pushed key's private half is held by ssh-agent (when the profile uses one) or is an
                # owner-only file, either only until ssh has logged in
                holder = (route.key.in_agent(workdir, agent_socket) if agent_socket
                          else route.key.private_file(workdir))
                with holder as identity:
                    route.ensure_key_fresh()
                    tunnel = route.login(lambda: start(identity))
            else:
                tunnel = start(None)
        except BaseException:
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)
            route.cleanup()
            raise
        tunnel.attach_route(route)
        return tunnel

    def _start(self, spec: TunnelSpec, config: Path, env: dict, workdir: Path, local_port: int,
               askpass_helper: Path | None) -> NativeTunnel:
        last: TunnelError | None = None
        for attempt in range(BIND_ATTEMPTS):
            port = local_port if (attempt == 0 and local_port) else free_loopback_port()
            cmd = ssh_command(self.ssh, config, port, spec)
            handover = None
            child_env = env
            if askpass_helper is not None:
                from aurora_console.core.ssh.askpass import askpass_env
                from aurora_console.core.ssh.askpass_handover import OneShotHandover

                # the passphrase goes through a one-shot pipe; ssh's environment holds only its handle
                handover = OneShotHandover(workdir, reveal(spec.passphrase) or "")
                child_env = {**env, **askpass_env(askpass_helper, handover.env())}
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, env=child_env, start_new_session=True,
                                        # Windows: no console window for ssh (and its askpass helper)
                                        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
                lines: list[str] = []
                threading.Thread(target=_read_stderr, args=(proc, lines, spec.name), daemon=True,
                                 name=f"tunnel-{spec.name}-stderr").start()
                try:
                    self._wait_up(spec, proc, port, lines)
                except _BindRace as exc:
                    last = TunnelError(f"Local port {port} was taken: {exc}")
                    continue
                except BaseException:
                    _stop(proc)
                    raise
            finally:
                if handover is not None:  # up or failed: ssh has logged in already, the handle dies now
                    handover.close()
            log.info("tunnel %s up (native ssh pid %d): 127.0.0.1:%d -> %s -> %s", spec.name, proc.pid, port,
                     spec.bastion.label, spec.target.label)
            return NativeTunnel(spec, proc, port, workdir, lines)
        raise last or TunnelError("Could not find a free local port.")

    def _wait_up(self, spec: TunnelSpec, proc: subprocess.Popen, port: int, lines: list[str]) -> None:
        deadline = time.monotonic() + spec.bastion.connect_timeout * (2 if spec.bastion.jump else 1) + 5
        while True:
            if proc.poll() is not None:
                time.sleep(0.05)  # let the reader collect the last lines
                text = "".join(lines)
                if is_bind_race(text):
                    raise _BindRace(text.strip())
                raise classify_exit(text, spec, proc.returncode)
            result = probe_path(port, spec.target.probe, timeout=spec.bastion.connect_timeout)
            if result == "up":
                return
            if result == "closed":  # the bastion refused the channel: say why
                end = time.monotonic() + 3
                while time.monotonic() < end:
                    found = channel_failure("".join(lines), spec)
                    if found:
                        raise found
                    if proc.poll() is not None:
                        break
                    time.sleep(0.05)
                text = "".join(lines)
                if proc.poll() is not None and is_bind_race(text):
                    raise _BindRace(text.strip())
                raise classify_exit(text, spec, proc.returncode) if proc.poll() is not None else TunnelError(
                    f"The forward to {spec.target.label} was closed by the bastion without a reason.")
            if time.monotonic() > deadline:
                raise classify_exit("".join(lines) or "connection timed out", spec, None)
            time.sleep(0.05)


class _BindRace(Exception):
    pass
