"""A private CA and a server certificate for the sandbox PostgreSQL.

The certificate names the blog cluster's endpoint host names (as RDS certificates do), so the
console connects with ``sslmode=verify-full`` through the tunnel exactly as against Aurora:
``host`` is the endpoint name, ``hostaddr`` the tunnel's 127.0.0.1 listener.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from aurora_console.core.private_files import atomic_write_bytes, atomic_write_text, private_dir


@dataclass(frozen=True)
class SandboxTls:
    ca_file: Path
    cert_file: Path
    key_file: Path


def ensure_certificates(folder: Path, host_names: tuple[str, ...] | list[str]) -> SandboxTls:
    """Create (or re-create when the names changed) the CA and server certificate in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private_dir(folder)
    tls = SandboxTls(folder / "sandbox-ca.pem", folder / "server.crt", folder / "server.key")
    names = sorted(set(host_names) | {"localhost"})
    names_file = folder / "names.txt"
    if all(p.exists() for p in (tls.ca_file, tls.cert_file, tls.key_file)) and names_file.exists() \
            and names_file.read_text().split() == names:
        return tls

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Aurora Console sandbox CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    # owner-only, the key from its creation (it was written world-readable, then narrowed)
    atomic_write_bytes(tls.ca_file, ca_cert.public_bytes(serialization.Encoding.PEM))
    atomic_write_bytes(tls.cert_file, cert.public_bytes(serialization.Encoding.PEM))
    atomic_write_bytes(tls.key_file, key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                                       serialization.NoEncryption()))
    atomic_write_text(names_file, "\n".join(names))
    return tls
