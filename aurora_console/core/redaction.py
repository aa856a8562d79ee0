"""Keep secrets out of logs, settings, audit lines and crash reports.

Two layers: known secret values registered at run time (a password fetched from SSM, a key
passphrase typed by the user) are replaced wherever they appear, and patterns catch the usual
shapes (``password=...``, ``"SecretAccessKey": "..."``, ``postgresql://user:pw@host``, AWS
secret keys and session tokens).
"""

from __future__ import annotations

import re
import threading

MASK = "***"

_SECRET_KEYS = (
    r"password|passwd|pwd|passphrase|secret|secret[_-]?access[_-]?key|aws[_-]?secret[_-]?access[_-]?key|"
    r"session[_-]?token|aws[_-]?session[_-]?token|token|api[_-]?key|private[_-]?key|authorization|"
    r"SecretString|SecretAccessKey|SessionToken|MasterUserPassword|Password"
)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # key=value / key: value / "key": "value" (JSON, repr of dicts, command lines)
    (
        re.compile(
            r"""(?P<k>["']?(?:%s)["']?\s*[=:]\s*)(?P<q>["']?)(?P<v>[^"'\s,;}&)]+)(?P=q)""" % _SECRET_KEYS,
            re.IGNORECASE,
        ),
        r"\g<k>\g<q>" + MASK + r"\g<q>",
    ),
    # URLs with credentials: scheme://user:password@host
    (re.compile(r"(?P<p>[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<v>[^@\s]+)(?P<s>@)", re.IGNORECASE), r"\g<p>" + MASK + r"\g<s>"),
    # RDS IAM auth tokens (pre-signed query strings)
    (re.compile(r"(X-Amz-Signature=|X-Amz-Security-Token=|X-Amz-Credential=)[^&\s]+"), r"\1" + MASK),
    # PEM private keys
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
        "-----PRIVATE KEY " + MASK + "-----",
    ),
]

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so it is masked wherever it later appears."""
    if value and len(value) >= 4:
        with _lock:
            _known.add(value)


def forget_all_secrets() -> None:
    with _lock:
        _known.clear()


def redact(text: str) -> str:
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def redact_mapping(data: object) -> object:
    """Mask values under secret-looking keys in nested dicts/lists (for audit lines)."""
    key_re = re.compile(r"^(?:%s)$" % _SECRET_KEYS, re.IGNORECASE)
    if isinstance(data, dict):
        return {
            k: (MASK if isinstance(k, str) and key_re.match(k) and v not in (None, "") else redact_mapping(v))
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [redact_mapping(v) for v in data]
    if isinstance(data, str):
        return redact(data)
    return data
