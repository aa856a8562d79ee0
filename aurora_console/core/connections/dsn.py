"""psycopg connection arguments for a profile (direct or through a tunnel's local port)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aurora_console.core.connections.profile import ConnectionProfile, is_aws_endpoint
from aurora_console.core.errors import ValidationError
from aurora_console.core.ssh.secret import Secret

RDS_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"


def connect_kwargs(profile: ConnectionProfile, password: Secret | str | None, *, local_port: int | None = None,
                   connect_timeout: int = 10, application_name: str = "aurora-console") -> dict[str, Any]:
    """Keyword arguments for ``psycopg.connect``.

    Through a tunnel, ``host`` stays the real endpoint (so ``verify-full`` checks the certificate
    against it) while ``hostaddr``/``port`` point at 127.0.0.1:local_port.
    """
    mode = profile.tls.effective_mode(profile.host)
    kw: dict[str, Any] = {
        "host": profile.host, "port": int(profile.port), "dbname": profile.database, "user": profile.user,
        "connect_timeout": connect_timeout, "application_name": application_name, "sslmode": mode,
    }
    if local_port:
        kw["hostaddr"] = "127.0.0.1"
        kw["port"] = int(local_port)
    if password is not None:
        kw["password"] = password.reveal() if isinstance(password, Secret) else password
    if mode in ("verify-full", "verify-ca"):
        bundle = profile.tls.ca_bundle
        if not bundle:
            if is_aws_endpoint(profile.host):
                raise ValidationError(
                    f"TLS mode {mode} needs the RDS CA bundle for {profile.host}.",
                    hint=f"Download {RDS_BUNDLE_URL} and choose it as the CA bundle in the profile "
                         "(or pick 'require' knowingly: encrypted, but the server is not verified).")
            kw["sslrootcert"] = "system"
        else:
            if not Path(bundle).expanduser().is_file():
                raise ValidationError(f"The CA bundle {bundle} does not exist.")
            kw["sslrootcert"] = str(Path(bundle).expanduser())
    if profile.read_only:
        kw["options"] = "-c default_transaction_read_only=on"
    return kw
