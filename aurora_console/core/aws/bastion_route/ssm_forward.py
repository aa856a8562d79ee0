"""Session Manager port forwarding (``ssm-forward``): no SSH at all.

One ``AWS-StartPortForwardingSessionToRemoteHost`` session (``host`` = the database endpoint,
``portNumber``, ``localPortNumber``) started through the bastion instance, carried by AWS's
``session-manager-plugin`` listening on 127.0.0.1. The tunnel manager keeps one tunnel per
profile name, so every tab of the profile shares this one session (many sessions through one
instance trip the SSM Agent's limits). Closing the tunnel stops the plugin and calls
``TerminateSession``; a session that ends on its own (idle timeout, agent restart) shows as a
dropped tunnel, which the manager reopens with a new session on the same local port.

The plugin reports the port it listens on (``Port N opened for sessionId S.``, as in
aws/session-manager-plugin ``portsession/muxportforwarding.go``), so a taken port is a plain
failure followed by a retry on a port it picks itself.
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
import time

from aurora_console.core.aws.bastion_route.errors import BastionRouteError
from aurora_console.core.aws.bastion_route.instances import InstanceFacts, resolve_instance
from aurora_console.core.aws.bastion_route.plugin import (
    INSTALL_URL,
    PluginExited,
    SessionGrant,
    exit_text,
    find_plugin,
    plugin_version,
    spawn_plugin,
    start_session,
    stop_plugin,
    terminate_session,
)
from aurora_console.core.ssh.backend import OpenTunnel, TunnelBackend
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import TargetUnreachable
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.native_probe import probe_path

log = logging.getLogger(__name__)

FORWARD_DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost"
BACKEND_NAME = "session-manager"
_OPENED_RE = re.compile(r"Port ([0-9]{1,5}) opened for sessionId")
_BIND_RE = re.compile(r"address already in use|only one usage of each socket address|bind:", re.IGNORECASE)


class _Output:
    """The plugin's stdout and stderr lines (recent ones), and the port it opened."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.port: int | None = None
        self.opened = threading.Event()
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True, name="ssm-forward-output").start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            del self.lines[:-200]
            found = _OPENED_RE.search(line)
            if found and self.port is None:
                self.port = int(found.group(1))
                self.opened.set()
        stream.close()

    def text(self) -> str:
        return "".join(self.lines)


class SsmForwardTunnel(OpenTunnel):
    backend_name = BACKEND_NAME

    def __init__(self, spec: TunnelSpec, grant: SessionGrant, proc: subprocess.Popen, output: _Output,
                 local_port: int, instance: str) -> None:
        """``instance``: the bastion as shown in labels (``i-0abc (sandbox-bastion)``)."""
        self.spec = spec
        self.grant = grant
        self.proc = proc
        self.output = output
        self.local_port = local_port
        self.route_label = (f"Session Manager port forwarding \u2192 {instance} \u2192 {spec.target.label} "
                            f"(session {grant.session_id})")
        self._closed = False

    def is_alive(self) -> bool:
        return not self._closed and self.proc.poll() is None

    def failure(self) -> str | None:
        if self._closed or self.proc.poll() is None:
            return None
        return (f"the Session Manager session {self.grant.session_id} ended "
                f"(session-manager-plugin {exit_text(self.proc, self.output.text())})")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        stop_plugin(self.proc)
        aws = self.spec.bastion.aws
        terminate_session(self.spec.aws_clients, aws, self.grant.session_id)


class SsmForwardBackend(TunnelBackend):
    """Opens :class:`SsmForwardTunnel`\\ s (chosen for ``transport == "ssm-forward"``)."""

    name = BACKEND_NAME

    def open(self, spec: TunnelSpec, store: HostKeyStore, *, local_port: int = 0) -> OpenTunnel:
        aws = spec.bastion.aws
        if aws is None or aws.transport != "ssm-forward":
            raise BastionRouteError(f"The tunnel {spec.name!r} is not a Session Manager port forwarding.")
        aws.validate()
        spec.target.validate()
        if spec.aws_clients is None:
            raise BastionRouteError(f"No AWS session for the bastion of {spec.name!r}.",
                                    hint="Sign in to AWS (or start the sandbox), then connect again.")
        plugin = find_plugin()  # before StartSession: a missing plugin costs no session
        version = plugin_version(plugin)
        facts = resolve_instance(spec.aws_clients, aws)
        try:
            return self._start(spec, plugin, version, facts, local_port)
        except PluginExited as exc:
            if local_port and _BIND_RE.search(exc.detail or ""):  # our old port was taken meanwhile
                log.info("tunnel %s: local port %d is taken; the plugin picks another", spec.name, local_port)
                return self._start(spec, plugin, version, facts, 0)
            raise

    def _start(self, spec: TunnelSpec, plugin: str, version, facts: InstanceFacts,
               local_port: int) -> SsmForwardTunnel:
        aws = spec.bastion.aws
        instance_id = facts.instance_id
        target = spec.target
        grant = start_session(spec.aws_clients, aws, target=instance_id, document=FORWARD_DOCUMENT, parameters={
            "host": [target.host], "portNumber": [str(target.port)], "localPortNumber": [str(local_port)]},
            target_arn=facts.arn(aws.region))
        proc = None
        try:
            proc = spawn_plugin(plugin, grant, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, version=version)
            output = _Output(proc)
            port = self._wait_listening(spec, proc, output, grant)
            self._check_path(spec, proc, output, port, instance_id)
        except BaseException:
            if proc is not None:
                stop_plugin(proc)
            terminate_session(spec.aws_clients, aws, grant.session_id)
            raise
        tunnel = SsmForwardTunnel(spec, grant, proc, output, port, facts.shown)
        log.info("tunnel %s up (Session Manager %s, plugin pid %d): 127.0.0.1:%d -> %s -> %s", spec.name,
                 grant.session_id, proc.pid, port, instance_id, target.label)
        return tunnel

    @staticmethod
    def _wait_listening(spec: TunnelSpec, proc: subprocess.Popen, output: _Output, grant: SessionGrant) -> int:
        deadline = time.monotonic() + spec.bastion.connect_timeout + 20
        while not output.opened.wait(0.05):
            if proc.poll() is not None:
                time.sleep(0.1)  # the readers' last lines
                if output.opened.is_set():
                    break
                text = output.text()
                raise PluginExited(
                    f"session-manager-plugin stopped before it opened the local port for session "
                    f"{grant.session_id} ({exit_text(proc, text)}).",
                    hint=f"Check the instance's SSM Agent; update the plugin if it is old ({INSTALL_URL}).",
                    detail=text)
            if time.monotonic() > deadline:
                raise PluginExited(f"session-manager-plugin did not open a local port for session "
                                   f"{grant.session_id} in time.", detail=output.text())
        return int(output.port)

    @staticmethod
    def _check_path(spec: TunnelSpec, proc: subprocess.Popen, output: _Output, port: int, instance_id: str) -> None:
        """The end-to-end path (127.0.0.1:port -> agent on the instance -> database) answers."""
        deadline = time.monotonic() + spec.bastion.connect_timeout + 5
        while True:
            result = probe_path(port, spec.target.probe, timeout=spec.bastion.connect_timeout)
            if result == "up":
                return
            if result == "closed" or proc.poll() is not None:
                time.sleep(0.1)
                said = " ".join(output.text().split()[-30:])
                raise TargetUnreachable(
                    f"The instance {instance_id} cannot reach {spec.target.label} through Session Manager"
                    + (f" (the plugin said: {said})" if said else "") + ".",
                    hint="Check the endpoint, the port and the database's security group (it must allow "
                         "the instance).")
            if time.monotonic() > deadline:
                raise TargetUnreachable(f"{spec.target.label} did not answer through Session Manager in time.")
            time.sleep(0.05)
