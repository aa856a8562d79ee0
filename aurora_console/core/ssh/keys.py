"""Load SSH private keys (OpenSSH, PEM and PKCS#8 formats; ed25519, ecdsa, rsa) with clear errors."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from aurora_console.core.ssh.errors import (
    KeyFileError,
    PassphraseRequired,
    UnsupportedKeyFormat,
    WrongPassphrase,
)

CONVERT_HINT = "Convert it with: ssh-keygen -p -f KEYFILE (OpenSSH format), or create an ed25519 key."


@dataclass
class LoadedKey:
    pkey: object  # paramiko.PKey
    key_type: str  # ed25519 | ecdsa | rsa
    file_format: str  # openssh | pem | pkcs8
    encrypted: bool
    fingerprint: str
    crypto_key: object = None  # the cryptography private key object

    def openssh_bytes(self, passphrase: str | None) -> bytes:
        """The key in OpenSSH format (encrypted with ``passphrase`` when given)."""
        from cryptography.hazmat.primitives import serialization

        enc = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
               else serialization.NoEncryption())
        return self.crypto_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, enc)


def detect_format(data: bytes) -> str:
    head = data.lstrip()[:200]
    if b"BEGIN OPENSSH PRIVATE KEY" in head:
        return "openssh"
    if b"BEGIN RSA PRIVATE KEY" in head or b"BEGIN EC PRIVATE KEY" in head or b"BEGIN DSA PRIVATE KEY" in head:
        return "pem"
    if b"BEGIN PRIVATE KEY" in head or b"BEGIN ENCRYPTED PRIVATE KEY" in head:
        return "pkcs8"
    if head.startswith(b"PuTTY-User-Key-File"):
        return "putty"
    if b"BEGIN SSH2 ENCRYPTED PRIVATE KEY" in head:
        return "ssh2"
    if head.startswith((b"ssh-", b"ecdsa-sha2-", b"sk-")) or b"BEGIN SSH2 PUBLIC KEY" in head:
        return "public"
    return "unknown"


def is_encrypted(data: bytes, fmt: str) -> bool:
    if fmt == "pem":
        return b"ENCRYPTED" in data[:400]
    if fmt == "pkcs8":
        return b"BEGIN ENCRYPTED PRIVATE KEY" in data[:200]
    if fmt == "openssh":
        import base64

        body = b"".join(line for line in data.splitlines() if line and not line.startswith(b"-----"))
        try:
            raw = base64.b64decode(body[:120] + b"=" * (-len(body[:120]) % 4))
        except ValueError:
            return False
        return b"none" not in raw[15:40]  # cipher name follows the magic "openssh-key-v1\0"
    return False


def load_private_key(path: str | Path, passphrase: str | None = None) -> LoadedKey:
    """Read and decrypt a private key; raise a specific :class:`KeyFileError` on failure."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"Cannot read the key file {path}: {exc.strerror or exc}.") from None
    fmt = detect_format(data)
    if fmt == "public":
        raise UnsupportedKeyFormat(f"{path} is a public key; choose the private key file (without .pub).")
    if fmt in ("putty", "ssh2", "unknown"):
        what = {"putty": "a PuTTY .ppk key", "ssh2": "an SSH2 (commercial) key"}.get(fmt, "not a known private key format")
        raise UnsupportedKeyFormat(f"{path} is {what}.",
                                   hint="Export it in OpenSSH format (PuTTYgen: Conversions > Export OpenSSH key).")
    encrypted = is_encrypted(data, fmt)
    if encrypted and not passphrase:
        raise PassphraseRequired(f"The key {path} is protected by a passphrase; enter it.")
    pw = passphrase.encode() if (encrypted and passphrase) else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DSA deprecation: we refuse DSA below with advice
            if fmt == "openssh":
                obj = serialization.load_ssh_private_key(data, password=pw)
            else:
                obj = serialization.load_pem_private_key(data, password=pw)
    except TypeError as exc:  # cryptography: password given/missing mismatch
        if "not provided" in str(exc) or "not given" in str(exc):
            raise PassphraseRequired(f"The key {path} is protected by a passphrase; enter it.") from None
        raise UnsupportedKeyFormat(f"Cannot read {path}: {exc}.") from None
    except UnsupportedAlgorithm as exc:
        raise UnsupportedKeyFormat(f"{path} uses an algorithm this console cannot read ({exc}).",
                                   hint=CONVERT_HINT) from None
    except ValueError as exc:
        if encrypted:
            raise WrongPassphrase(f"Wrong passphrase for the key {path}.",
                                  hint="Type it again; the keyring entry may be outdated.") from None
        raise UnsupportedKeyFormat(f"Cannot read {path}: {exc}.", hint=CONVERT_HINT) from None
    if isinstance(obj, ed25519.Ed25519PrivateKey):
        key_type = "ed25519"
    elif isinstance(obj, ec.EllipticCurvePrivateKey):
        if obj.curve.name not in ("secp256r1", "secp384r1", "secp521r1"):
            raise UnsupportedKeyFormat(f"{path} uses the curve {obj.curve.name}, which SSH does not use.")
        key_type = "ecdsa"
    elif isinstance(obj, rsa.RSAPrivateKey):
        if obj.key_size < 2048:
            raise UnsupportedKeyFormat(f"{path} is a {obj.key_size}-bit RSA key; servers refuse keys under 2048 bits.",
                                       hint="Create a new key: ssh-keygen -t ed25519")
        key_type = "rsa"
    elif isinstance(obj, dsa.DSAPrivateKey):
        raise UnsupportedKeyFormat(f"{path} is a DSA key; OpenSSH no longer accepts DSA.",
                                   hint="Create a new key: ssh-keygen -t ed25519")
    else:
        raise UnsupportedKeyFormat(f"{path} holds a {type(obj).__name__}, not an SSH key type.", hint=CONVERT_HINT)
    pkey = _to_paramiko(obj, key_type)
    return LoadedKey(pkey=pkey, key_type=key_type, file_format=fmt, encrypted=encrypted, fingerprint=pkey.fingerprint,
                     crypto_key=obj)


def _to_paramiko(obj, key_type: str):
    """Re-serialise in memory (OpenSSH format, unencrypted) and hand it to paramiko's key class."""
    import paramiko
    from cryptography.hazmat.primitives import serialization

    text = obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode()
    cls = {"ed25519": paramiko.Ed25519Key, "ecdsa": paramiko.ECDSAKey, "rsa": paramiko.RSAKey}[key_type]
    return cls.from_private_key(io.StringIO(text))
