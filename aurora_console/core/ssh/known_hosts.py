"""known_hosts files read the way OpenSSH reads them.

The format is sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"; the parsing follows OpenSSH's own reader
(openssh-portable ``hostfile.c``: ``hostkeys_foreach_file``, ``check_markers``,
``match_maybe_hashed``; ``match.c``: ``match_pattern_list``, ``match_hostname``):

* ``[@cert-authority|@revoked] HOSTS KEYTYPE BASE64 [comment]``; blank lines and ``#`` comments
  are skipped; at most one marker.
* HOSTS is a comma list of patterns (``*`` any run of characters, ``?`` one character,
  case-insensitive) or one hashed name ``|1|base64(salt)|base64(HMAC-SHA1(salt, name))``.
  A name on a port other than 22 is ``[host]:port``. A line applies to a name when a pattern
  matches it and no negated pattern (``!pattern``) does: a negated match makes the line not
  apply at all.
* A line that cannot be read (unknown marker, missing fields, unknown key type, bad base64, a key
  blob that does not name its own type, a bad hash) is skipped with a warning naming the file and
  line number; the rest of the file still counts (OpenSSH does the same).

Nothing here imports paramiko: entries hold the key type and the raw key blob, which is what
host key comparison needs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CA_MARKER = "@cert-authority"
REVOKED_MARKER = "@revoked"
MARKERS = {CA_MARKER: "cert-authority", REVOKED_MARKER: "revoked"}
HASH_MAGIC = "|1|"
#: public key types OpenSSH writes in known_hosts (sshkey.c keytypes without the -cert variants)
KEY_TYPES = frozenset({
    "ssh-ed25519", "ssh-rsa", "ssh-dss",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-xmss@openssh.com",
})
_SUBPATTERN_MAX = 1023  # match.c: a longer sub-pattern never matches
_FIELD_SPLIT = re.compile(r"[ \t]+")


def host_entry(host: str, port: int) -> str:
    """The name OpenSSH looks up for host:port (``put_host_port``: port 22 is written bare)."""
    return host if port in (22, 0) else f"[{host}]:{port}"


def fingerprint_blob(blob: bytes) -> str:
    """``SHA256:...`` exactly as ``ssh-keygen -l`` prints it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def hash_name(name: str, salt: bytes) -> str:
    """The hashed form of ``name`` with ``salt`` (what ``ssh-keygen -H`` writes)."""
    digest = hmac.new(salt, name.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
    return f"{HASH_MAGIC}{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def pattern_matches(name: str, pattern: str) -> bool:
    """OpenSSH's ``match_pattern``: ``*`` and ``?`` wildcards, everything else literal."""
    if len(pattern) > _SUBPATTERN_MAX:
        return False
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name, re.DOTALL) is not None


def match_pattern_list(name: str, patterns: str) -> int:
    """1 if a pattern of the comma list matches ``name``, -1 if a negated one does, else 0
    (``match_pattern_list`` with ``dolower``: names and patterns compare case-insensitively)."""
    name = name.lower()
    positive = 0
    for sub in patterns.split(","):
        negated = sub.startswith("!")
        if negated:
            sub = sub[1:]
        if pattern_matches(name, sub.lower()):
            if negated:
                return -1
            positive = 1
    return positive


class MalformedLine(ValueError):
    """Why a known_hosts line was skipped (the caller adds the file and line number)."""


def _decode_b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedLine(f"{what} is not valid base64") from None


def _blob_type(blob: bytes) -> str:
    if len(blob) < 4:
        raise MalformedLine("the key data is too short")
    (length,) = struct.unpack(">I", blob[:4])
    if length > len(blob) - 4:
        raise MalformedLine("the key data is truncated")
    try:
        return blob[4:4 + length].decode("ascii")
    except UnicodeDecodeError:
        raise MalformedLine("the key data does not start with a key type") from None


@dataclass(frozen=True)
class KnownHost:
    """One readable known_hosts line."""

    path: str
    lineno: int
    marker: str | None  # None, "cert-authority" or "revoked"
    hosts: str  # the host field as written (patterns or a hashed name)
    key_type: str
    key_base64: str
    blob: bytes

    @property
    def where(self) -> str:
        return f"{self.path}:{self.lineno}"

    @property
    def fingerprint(self) -> str:
        return fingerprint_blob(self.blob)

    @property
    def hashed(self) -> bool:
        return self.hosts.startswith("|")

    def applies_to(self, name: str) -> bool:
        """Whether this line is about ``name`` (``host`` or ``[host]:port``)."""
        if self.hashed:
            salt, digest = _hash_parts(self.hosts)
            mine = hmac.new(salt, name.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
            return hmac.compare_digest(mine, digest)
        return match_pattern_list(name, self.hosts) == 1

    def same_key(self, key_type: str, blob: bytes) -> bool:
        return self.blob == blob and _family(self.key_type) == _family(key_type)

    def line(self, hosts: str | None = None) -> str:
        """The line as OpenSSH reads it, optionally for other host patterns."""
        marker = {"cert-authority": CA_MARKER + " ", "revoked": REVOKED_MARKER + " "}.get(self.marker or "", "")
        return f"{marker}{hosts or self.hosts} {self.key_type} {self.key_base64}"


def _family(key_type: str) -> str:
    return "ssh-rsa" if key_type in ("rsa-sha2-256", "rsa-sha2-512") else key_type


def _hash_parts(hosts: str) -> tuple[bytes, bytes]:
    parts = hosts.split("|")
    if len(parts) != 4 or parts[0] != "" or parts[1] != "1":
        raise MalformedLine("the hashed host name is not |1|salt|hash")
    salt = _decode_b64(parts[2], "the host hash salt")
    digest = _decode_b64(parts[3], "the host hash")
    if len(salt) != 20 or len(digest) != 20:
        raise MalformedLine("the hashed host name has the wrong length")
    return salt, digest


def parse_line(text: str, path: str = "<line>", lineno: int = 1) -> KnownHost | None:
    """The entry of one line, None for a blank line or a comment; raises :class:`MalformedLine`."""
    text = text.rstrip("\r\n").lstrip(" \t")
    if not text or text.startswith("#"):
        return None
    fields = _FIELD_SPLIT.split(text.strip(" \t"), 3)
    marker = None
    if fields[0].startswith("@"):
        if fields[0] not in MARKERS:
            raise MalformedLine(f"unknown marker {fields[0][:40]!r} (only @cert-authority and @revoked exist)")
        marker = MARKERS[fields[0]]
        fields = _FIELD_SPLIT.split(text.strip(" \t"), 4)[1:]
        if fields and fields[0].startswith("@"):
            raise MalformedLine("more than one marker")
    if not fields:
        raise MalformedLine("the host names are missing")
    if len(fields) < 2:
        raise MalformedLine("the key type is missing")
    if len(fields) < 3 or fields[2].startswith("#"):
        raise MalformedLine("the key is missing")
    hosts, key_type, key_b64 = fields[0], fields[1], fields[2]
    if hosts.startswith("|"):
        _hash_parts(hosts)
    if key_type not in KEY_TYPES:
        if key_type.isdigit():
            raise MalformedLine("an SSH protocol 1 key (no longer supported by OpenSSH)")
        raise MalformedLine(f"unknown key type {key_type[:60]!r}")
    blob = _decode_b64(key_b64, "the key")
    inner = _blob_type(blob)
    if inner != key_type:
        raise MalformedLine(f"the key data is a {inner[:60]!r} key, not {key_type!r}")
    return KnownHost(path=path, lineno=lineno, marker=marker, hosts=hosts, key_type=key_type,
                     key_base64=key_b64, blob=blob)


@dataclass(frozen=True)
class ParsedFile:
    entries: tuple[KnownHost, ...]
    warnings: tuple[str, ...]  # "path:line: why", one per skipped line


def parse_text(text: str, path: str) -> ParsedFile:
    entries: list[KnownHost] = []
    warnings: list[str] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        try:
            entry = parse_line(line, path, lineno)
        except MalformedLine as exc:
            warnings.append(f"{path}:{lineno}: skipped, {exc}")
            continue
        if entry is not None:
            entries.append(entry)
    return ParsedFile(tuple(entries), tuple(warnings))


class KnownHostsFile:
    """One known_hosts file, re-read when it changes; each skipped line is logged once per version."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self._parsed = ParsedFile((), ())
        self._lock = threading.Lock()

    def parsed(self) -> ParsedFile:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return ParsedFile((), ())
        except OSError as exc:
            log.warning("cannot read known_hosts %s: %s", self.path, exc.strerror or exc)
            return ParsedFile((), ())
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._lock:
            if stamp != self._stamp:
                try:
                    text = self.path.read_bytes().decode("utf-8", "surrogateescape")
                except OSError as exc:
                    log.warning("cannot read known_hosts %s: %s", self.path, exc.strerror or exc)
                    return ParsedFile((), ())
                self._parsed = parse_text(text, str(self.path))
                self._stamp = stamp
                for warning in self._parsed.warnings:
                    log.warning("known_hosts %s", warning)
            return self._parsed

    def entries_for(self, name: str) -> list[KnownHost]:
        return [e for e in self.parsed().entries if e.applies_to(name)]
