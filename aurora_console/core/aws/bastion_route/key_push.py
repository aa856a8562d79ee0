"""EC2 Instance Connect: a fresh ed25519 key made in memory, its public half pushed with
``ec2-instance-connect:SendSSHPublicKey`` (the instance's sshd accepts it for 60 s)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aurora_console.core.aws.bastion_route.errors import BastionRouteError, aws_call_failed
from aurora_console.core.aws.bastion_route.instances import ClientFactory, InstanceFacts
from aurora_console.core.ssh.config import AwsBastion

SEND_KEY = "ec2-instance-connect:SendSSHPublicKey"
#: how long a pushed key is accepted (fixed by EC2 Instance Connect)
KEY_WINDOW_SECONDS = 60.0


class EphemeralKey:
    """An ed25519 key pair that lives in this process only (``pushed_at``: ``time.monotonic()`` of
    the last successful push, None before)."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._private = Ed25519PrivateKey.generate()
        self.pushed_at: float | None = None

    def __repr__(self) -> str:  # never the private half
        return f"EphemeralKey({self.fingerprint})"

    def public_openssh(self, comment: str = "aurora-console") -> str:
        """``ssh-ed25519 AAAA... comment`` (what SendSSHPublicKey takes)."""
        from cryptography.hazmat.primitives import serialization

        raw = self._private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                      serialization.PublicFormat.OpenSSH).decode("ascii")
        return f"{raw} {comment}" if comment else raw

    @property
    def fingerprint(self) -> str:
        """``SHA256:...`` as ssh-keygen -l shows it."""
        import base64
        import hashlib

        blob = base64.b64decode(self.public_openssh("").split()[1])
        return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")

    def _openssh_private(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                           serialization.NoEncryption())

    def paramiko_key(self):
        """The key for paramiko, built in memory (no file)."""
        import paramiko

        return paramiko.Ed25519Key(file_obj=io.StringIO(self._openssh_private().decode("ascii")))

    @contextlib.contextmanager
    def private_file(self, folder: str | Path | None = None) -> Iterator[Path]:
        """The private key in an owner-only (0600) file for ``ssh -i``, removed when the block ends.

        ``folder``: where (an owner-only folder such as the tunnel's work folder); default: a new
        private temporary folder, removed with the file."""
        own = folder is None
        where = Path(tempfile.mkdtemp(prefix="aurora-key-")) if own else Path(folder)
        path = where / f"pushed-{os.getpid()}-{id(self):x}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(self._openssh_private())
            yield path
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            if own:
                with contextlib.suppress(OSError):
                    where.rmdir()

    @contextlib.contextmanager
    def in_agent(self, folder: str | Path, agent_socket: str, ssh_add: str = "ssh-add") -> Iterator[Path]:
        """The private key held by the ssh-agent at ``agent_socket`` instead of a file: handed to
        ``ssh-add`` on its stdin (with a 2-minute lifetime as a backstop) and removed from the agent
        when the block ends. Yields the public key's file in ``folder`` (ssh's ``IdentityFile``
        with ``IdentitiesOnly``: ssh then signs with the agent's copy). Raises ``BastionRouteError``
        when the agent refuses it."""
        public = Path(folder) / f"pushed-{os.getpid()}-{id(self):x}.pub"
        env = {**_child_env(), "SSH_AUTH_SOCK": agent_socket}
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            public.write_text(self.public_openssh() + "\n", encoding="ascii")
            done = subprocess.run([ssh_add, "-q", "-t", "120", "-"], input=self._openssh_private(), env=env,
                                  capture_output=True, timeout=15, check=False, creationflags=flags)
        except (OSError, subprocess.TimeoutExpired) as exc:
            public.unlink(missing_ok=True)
            raise BastionRouteError(f"ssh-add could not hand the pushed key to ssh-agent: {exc}.") from None
        if done.returncode != 0:
            public.unlink(missing_ok=True)
            raise BastionRouteError(f"ssh-agent did not take the pushed key: "
                                    f"{done.stderr.decode('utf-8', 'replace').strip() or done.returncode}.",
                                    hint="Check that ssh-agent runs (SSH_AUTH_SOCK), or turn off 'Use ssh-agent'.")
        try:
            yield public
        finally:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run([ssh_add, "-q", "-d", str(public)], env=env, capture_output=True, timeout=15,
                               check=False, creationflags=flags)
            public.unlink(missing_ok=True)

    def fresh(self, now: float | None = None, margin: float = 15.0) -> bool:
        """Pushed less than ``KEY_WINDOW_SECONDS - margin`` seconds ago."""
        now = time.monotonic() if now is None else now
        return self.pushed_at is not None and now - self.pushed_at < KEY_WINDOW_SECONDS - margin


def _child_env() -> dict[str, str]:
    """ssh-add's environment: the console's, less anything secret-looking (it needs none)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_SECRET", "AWS_SESSION", "SSH_ASKPASS", "AURORA_CONSOLE_ASKPASS"))}


def push_key(clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, os_user: str, key: EphemeralKey) -> None:
    """Push ``key``'s public half for ``os_user`` on ``facts``'s instance (accepted for 60 s).

    Raises ``RouteAccessDenied`` naming ``ec2-instance-connect:SendSSHPublicKey`` and the instance,
    or ``BastionRouteError`` (AWS's reason) when the push fails otherwise."""
    params = dict(InstanceId=facts.instance_id, InstanceOSUser=os_user, SSHPublicKey=key.public_openssh())
    if facts.availability_zone:
        params["AvailabilityZone"] = facts.availability_zone
    try:
        answer = clients("ec2-instance-connect", aws.aws_profile, aws.region).send_ssh_public_key(**params)
    except Exception as exc:  # noqa: BLE001 - every AWS failure becomes a plain message
        raise aws_call_failed(exc, action=SEND_KEY, resource=f"{facts.arn(aws.region)} (OS user {os_user})",
                              aws_profile=aws.aws_profile, region=aws.region) from None
    if answer.get("Success") is False:
        raise BastionRouteError(f"EC2 Instance Connect did not accept the key for {os_user} on {facts.instance_id}.",
                                hint="Check that the instance runs the EC2 Instance Connect agent.")
    key.pushed_at = time.monotonic()
