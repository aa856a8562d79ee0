"""Connection profile dataclasses (stored without secrets)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from aurora_console.core.errors import ValidationError
from aurora_console.core.ssh.config import BastionConfig, validate_host, validate_port
from aurora_console.core.validation import validator

#: the name of the sandbox's built-in profile (its blog database through its bastion)
SANDBOX_DB_PROFILE = "sandbox-blog"
PASSWORD_KINDS = ("prompt", "keyring", "ssm", "secretsmanager", "iam")
TLS_MODES = ("verify-full", "verify-ca", "require", "prefer", "disable")
ENDPOINT_KINDS = ("writer", "reader", "custom", "instance")
BACKENDS = ("auto", "native", "paramiko")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.@+-]{0,63}")
_DB_RE = re.compile(r"[^\x00]{1,63}")
AWS_SUFFIXES = (".rds.amazonaws.com", ".rds.amazonaws.com.cn", ".rds.amazonaws.eu")
#: the engines a profile can name (``ConnectionProfile.engine``) and the port a new profile gets
DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306}
#: the database and user a new profile of an engine starts with (Aurora's defaults)
DEFAULT_LOGINS = {"postgres": ("postgres", "postgres"), "mysql": ("mysql", "admin")}
ENGINE_LABELS = {"postgres": "PostgreSQL", "mysql": "MySQL"}


def engine_of_cluster(rds_engine: str | None) -> str:
    """The profile engine for an RDS ``Engine`` value: ``aurora-mysql``, ``mysql`` and ``mariadb``
    speak MySQL; everything else (``aurora-postgresql``, ``postgres``, unknown) PostgreSQL."""
    name = (rds_engine or "").strip().lower() if isinstance(rds_engine, str) else ""
    return "mysql" if ("mysql" in name or "mariadb" in name) else "postgres"


def default_port(engine: str | None) -> int:
    """The usual port of ``engine`` (5432 PostgreSQL, 3306 MySQL; unknown engines: 5432)."""
    return DEFAULT_PORTS.get(engine or "postgres", DEFAULT_PORTS["postgres"])


def is_aws_endpoint(host: str) -> bool:
    return (host or "").lower().rstrip(".").endswith(AWS_SUFFIXES)


@validator()
def validate_profile_name(name: str) -> str:
    """1-64 letters, digits, spaces or ``_.@+-``; surrounding whitespace is stripped."""
    name = name.strip() if isinstance(name, str) else ""
    if not _NAME_RE.fullmatch(name):
        raise ValidationError(f"The profile name {name!r} must be 1-64 letters, digits, spaces or _.@+-.")
    return name


@dataclass
class ClusterEndpointRef:
    """Which endpoint of a fleet cluster a connection profile targets (resolved to a host name
    when the profile is saved or refreshed). Not a cluster reference: that is
    ``core.aws.fleet.models.ClusterRef``."""

    aws_profile: str | None
    region: str
    cluster_id: str
    endpoint_kind: str = "writer"  # writer | reader | custom | instance
    endpoint_name: str = ""  # custom endpoint / instance id


@dataclass
class PasswordSource:
    kind: str = "prompt"  # prompt | keyring | ssm | secretsmanager | iam
    parameter: str = ""  # SSM parameter name (SecureString)
    secret_id: str = ""  # Secrets Manager name or ARN
    json_key: str = "password"  # key inside a JSON secret (RDS-managed master secrets use "password")
    aws_profile: str | None = None
    region: str = ""

    def validate(self) -> PasswordSource:
        from aurora_console.core.connections.aws_names import validate_parameter_name, validate_secret_id

        if self.kind not in PASSWORD_KINDS:
            raise ValidationError(f"Unknown password source {self.kind!r}.")
        if self.kind == "ssm":
            validate_parameter_name(self.parameter)
        if self.kind == "secretsmanager":
            validate_secret_id(self.secret_id)
        if self.kind in ("ssm", "secretsmanager", "iam") and not self.region:
            raise ValidationError(f"The {self.kind} password source needs an AWS region.")
        return self


@dataclass
class TlsSettings:
    mode: str = ""  # empty: verify-full for AWS endpoints, prefer otherwise
    ca_bundle: str = ""  # PEM bundle (e.g. the RDS global-bundle.pem)

    def effective_mode(self, host: str) -> str:
        if self.mode:
            return self.mode
        return "verify-full" if is_aws_endpoint(host) else "prefer"


@dataclass
class ConnectionProfile:
    name: str
    host: str  # the database endpoint as the bastion (or we) see it
    port: int = None  # type: ignore[assignment]  # None: the engine's usual port (5432 PostgreSQL, 3306 MySQL), set on creation
    database: str = "postgres"
    user: str = "postgres"
    engine: str = "postgres"  # postgres | mysql
    password: PasswordSource = field(default_factory=PasswordSource)
    tls: TlsSettings = field(default_factory=TlsSettings)
    read_only: bool = False
    bastion: BastionConfig | None = None
    backend: str = "auto"  # tunnel backend
    cluster: ClusterEndpointRef | None = None  # set when the target was picked from the fleet
    builtin: bool = False  # e.g. the sandbox profile (not saved)
    keep_history: bool = True  # False: the SQL history of this profile is never written to disk

    def __post_init__(self) -> None:
        if self.port is None:
            self.port = default_port(self.engine)

    def validate(self) -> ConnectionProfile:
        validate_profile_name(self.name)
        validate_host(self.host, "database host")
        validate_port(self.port, "database port")
        if not _DB_RE.fullmatch(self.database or ""):
            raise ValidationError("The database name must be 1-63 characters.")
        if not self.user or len(self.user) > 63:
            raise ValidationError("The database user must be 1-63 characters.")
        self.password.validate()
        if self.tls.mode and self.tls.mode not in TLS_MODES:
            raise ValidationError(f"Unknown TLS mode {self.tls.mode!r}; choose one of {', '.join(TLS_MODES)}.")
        if self.password.kind == "iam" and self.tls.effective_mode(self.host) in ("disable", "prefer"):
            raise ValidationError("IAM database authentication needs TLS: choose verify-full or require.")
        if self.backend not in BACKENDS:
            raise ValidationError(f"Unknown tunnel backend {self.backend!r}.")
        if self.bastion:
            self.bastion.validate()
        return self

    @property
    def target_label(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("builtin", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConnectionProfile:
        data = dict(data)
        known = set(cls.__dataclass_fields__)
        sub = {
            "password": lambda d: PasswordSource(**_known(PasswordSource, d)),
            "tls": lambda d: TlsSettings(**_known(TlsSettings, d)),
            "bastion": lambda d: BastionConfig.from_dict(d) if d else None,
            "cluster": lambda d: ClusterEndpointRef(**_known(ClusterEndpointRef, d)) if d else None,
        }
        kwargs = {}
        for k, v in data.items():
            if k not in known or k == "builtin":
                continue
            kwargs[k] = sub[k](v) if k in sub and isinstance(v, dict | type(None)) else v
        return cls(**kwargs)


def _known(cls, data: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
