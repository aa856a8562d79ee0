"""Bastion settings (no secrets): host, port, user, key file, agent, passphrase source, jump host."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import shown, validator

PASSPHRASE_SOURCES = ("none", "prompt", "keyring")
#: how the SSH connection (or, for ``ssm-forward``, the database connection itself) reaches an
#: EC2 bastion: ``direct`` TCP to its address, ``eice`` through an EC2 Instance Connect Endpoint's
#: websocket, ``ssm`` SSH carried by a Session Manager session (AWS-StartSSHSession), ``ssm-forward``
#: Session Manager port forwarding to the database (AWS-StartPortForwardingSessionToRemoteHost, no SSH)
AWS_TRANSPORTS = ("direct", "eice", "ssm", "ssm-forward")
_INSTANCE_ID_RE = re.compile(r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?")
_NAME_TAG_RE = re.compile(r"[^\x00-\x1f]{1,255}")
_ENDPOINT_ID_RE = re.compile(r"eice-[0-9a-f]{8,17}")
_REGION_RE = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]")
_AWS_PROFILE_RE = re.compile(r"[A-Za-z0-9_.@+=,/-]{1,128}")
MAX_EICE_SECONDS = 3600
_HOST_RE = re.compile(r"\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.:-]+")
_USER_RE = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}")
_PORT_RE = re.compile(r"[0-9]{1,5}")
DEFAULT_KEEPALIVE = 15


@validator()
def validate_host(host: str, what: str = "host") -> str:
    """A host name or address (IPv6 in brackets); surrounding whitespace is stripped."""
    host = host.strip() if isinstance(host, str) else ""
    if not host or len(host) > 253 or not _HOST_RE.fullmatch(host):
        raise ValidationError(f"The {what} {host!r} is not a valid host name or address.")
    return host


@validator()
def validate_port(port: Any, what: str = "port") -> int:
    """A whole number 1-65535, or its text in ASCII digits (surrounding whitespace is stripped)."""
    if isinstance(port, str) and _PORT_RE.fullmatch(port.strip()):
        value = int(port.strip())
    elif isinstance(port, int) and not isinstance(port, bool):
        value = port
    elif isinstance(port, float) and port.is_integer():  # a JSON number written as 22.0
        value = int(port)
    else:
        raise ValidationError(f"The {what} {shown(port)} is not a number.")
    if not 1 <= value <= 65535:
        raise ValidationError(f"The {what} {shown(value)} is outside 1-65535.")
    return value


@validator()
def validate_user(user: str, what: str = "SSH user") -> str:
    """A user name; surrounding whitespace is stripped."""
    user = user.strip() if isinstance(user, str) else ""
    if not _USER_RE.fullmatch(user):
        raise ValidationError(f"The {what} {user!r} is not a valid user name.")
    return user


@dataclass
class JumpHost:
    host: str
    port: int = 22
    user: str = ""  # empty: the bastion's user
    key_file: str = ""  # empty: the bastion's key

    def validate(self) -> JumpHost:
        validate_host(self.host, "jump host")
        validate_port(self.port, "jump host port")
        if self.user:
            validate_user(self.user, "jump host user")
        return self


@dataclass
class AwsBastion:
    """A bastion that is an EC2 instance reached through AWS rather than a standing address/key.

    ``instance`` is an instance id or the value of its ``Name`` tag (resolved with
    DescribeInstances on every connect). ``push_key``: EC2 Instance Connect pushes a fresh
    in-memory ed25519 key (valid 60 s) before each connect, so nothing is stored. ``transport``:
    see ``AWS_TRANSPORTS``. Nothing here is secret; credentials come from ``aws_profile``.
    """

    instance: str
    region: str
    aws_profile: str | None = None
    push_key: bool = False
    transport: str = "direct"  # direct | eice | ssm | ssm-forward
    endpoint_id: str = ""  # eice: a chosen endpoint; empty: the one for the instance's VPC/subnet
    max_tunnel_seconds: int = MAX_EICE_SECONDS  # eice: maxTunnelDuration (the carrier is renewed before it)

    @property
    def is_instance_id(self) -> bool:
        return bool(_INSTANCE_ID_RE.fullmatch(self.instance or ""))

    def validate(self) -> AwsBastion:
        """Every field checked whole (``fullmatch``); nothing is stripped: the dialog strips what the
        user typed, and the values are used exactly as stored. Raises ``ValidationError`` for any input."""
        inst = self.instance
        if not isinstance(inst, str) or not (_INSTANCE_ID_RE.fullmatch(inst) or _NAME_TAG_RE.fullmatch(inst)):
            raise ValidationError(f"The bastion instance {shown(inst)} is neither an instance id (i-...) nor a "
                                  "Name tag.")
        if not isinstance(self.region, str) or not _REGION_RE.fullmatch(self.region):
            raise ValidationError(f"The bastion's AWS region {shown(self.region)} is not a region name "
                                  "(e.g. us-east-1).")
        if self.aws_profile not in (None, "") and (not isinstance(self.aws_profile, str)
                                             or not _AWS_PROFILE_RE.fullmatch(self.aws_profile)):
            raise ValidationError(f"The AWS profile name {shown(self.aws_profile)} is not valid.")
        if not isinstance(self.transport, str) or self.transport not in AWS_TRANSPORTS:
            raise ValidationError(f"Unknown bastion transport {shown(self.transport)}; choose one of "
                                  f"{', '.join(AWS_TRANSPORTS)}.")
        if not isinstance(self.endpoint_id, str) or (self.endpoint_id and not _ENDPOINT_ID_RE.fullmatch(self.endpoint_id)):
            raise ValidationError(f"The Instance Connect Endpoint id {shown(self.endpoint_id)} is not of the form "
                                  "eice-....")
        seconds = self.max_tunnel_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 60 <= seconds <= MAX_EICE_SECONDS:
            raise ValidationError(f"The endpoint tunnel duration must be 60-{MAX_EICE_SECONDS} seconds "
                                  f"(not {shown(seconds)}).")
        if not isinstance(self.push_key, bool):
            raise ValidationError(f"'push key' must be true or false, not {shown(self.push_key)}.")
        if self.transport == "ssm-forward" and self.push_key:
            raise ValidationError("Session Manager port forwarding uses no SSH, so no key is pushed; "
                                  "choose SSH over Session Manager (ssm) to push a key.")
        return self


@dataclass
class BastionConfig:
    host: str
    user: str
    port: int = 22
    key_file: str = ""  # OpenSSH or PEM private key; empty: agent only
    passphrase_source: str = "none"  # none | prompt | keyring
    use_agent: bool = False
    jump: JumpHost | None = None
    keepalive_seconds: int = DEFAULT_KEEPALIVE
    connect_timeout: float = 10.0
    ssh_config_host: str = ""  # the ~/.ssh/config Host it came from, if any
    aws: AwsBastion | None = None  # an EC2 bastion reached through AWS (key push, endpoint, Session Manager)

    @property
    def needs_ssh_key(self) -> bool:
        """A standing key (file or agent) is needed: not for a pushed key or SSM port forwarding."""
        return not (self.aws and (self.aws.push_key or self.aws.transport == "ssm-forward"))

    @property
    def label(self) -> str:
        if self.aws is not None:  # before connecting: what the profile names (the route label comes at connect)
            via = {"direct": "", "eice": " via Instance Connect Endpoint", "ssm": " via Session Manager",
                   "ssm-forward": " via Session Manager port forwarding"}.get(self.aws.transport, "")
            where = f"{self.user}@{self.aws.instance}{via}"
            return where + (" (pushed key)" if self.aws.push_key else "") + (f" via {self.jump.host}" if self.jump else "")
        where = f"{self.user}@{self.host}" + (f":{self.port}" if self.port != 22 else "")
        return where + (f" via {self.jump.host}" if self.jump else "")

    def keyring_name(self) -> str:
        """Keyring entry for this key's passphrase."""
        return f"ssh-passphrase:{self.key_file}"

    def validate(self) -> BastionConfig:
        if not (self.aws and (self.host or "").strip() in ("", (self.aws.instance or "").strip())):
            validate_host(self.host, "bastion host")  # an EC2 bastion's host may be its id/Name (resolved at connect)
        validate_port(self.port, "bastion port")
        validate_user(self.user)
        if self.passphrase_source not in PASSPHRASE_SOURCES:
            raise ValidationError(f"Unknown passphrase source {self.passphrase_source!r}.")
        if self.needs_ssh_key and not self.key_file and not self.use_agent:
            raise ValidationError("Choose a key file or enable ssh-agent for the bastion.")
        if self.aws:
            self.aws.validate()
            if self.jump and self.aws.transport != "direct":
                raise ValidationError("A jump host works only with the direct transport; the Instance Connect "
                                      "Endpoint and Session Manager reach the instance themselves.")
        if not 0 <= int(self.keepalive_seconds) <= 3600:
            raise ValidationError("Keepalive must be between 0 and 3600 seconds.")
        if self.jump:
            self.jump.validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BastionConfig:
        data = dict(data)
        jump = data.pop("jump", None)
        aws = data.pop("aws", None)
        known = {f for f in cls.__dataclass_fields__}
        obj = cls(**{k: v for k, v in data.items() if k in known})
        if aws:
            obj.aws = AwsBastion(**{k: v for k, v in aws.items() if k in AwsBastion.__dataclass_fields__})
        if jump:
            obj.jump = JumpHost(**{k: v for k, v in jump.items() if k in JumpHost.__dataclass_fields__})
        return obj


@dataclass
class TunnelTarget:
    """Where the bastion forwards to (the database endpoint as seen from the bastion)."""

    host: str
    port: int
    probe: str = "postgres"  # postgres | tcp | none: how the end-to-end path is checked

    def validate(self) -> TunnelTarget:
        validate_host(self.host, "target host")
        validate_port(self.port, "target port")
        return self

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass
class TunnelSpec:
    """Everything one tunnel needs. Secrets are held in memory only (for reconnects)."""

    name: str
    bastion: BastionConfig
    target: TunnelTarget
    passphrase: Any = None  # core.secrets.Secret or None
    backend: str = "auto"  # auto | native | paramiko
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``clients(service, aws_profile, region)`` -> boto3 client, for an EC2 bastion (``bastion.aws``)
    aws_clients: Any = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"TunnelSpec({self.name!r}, {self.bastion.label} -> {self.target.label}, backend={self.backend})"
