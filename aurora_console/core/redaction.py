"""Keep secrets out of logs, settings, audit lines and crash reports.

Two layers: known secret values registered at run time (a password fetched from SSM, a key
passphrase typed by the user) are replaced wherever they appear, and patterns catch the usual
shapes (``password=...``, ``"SecretAccessKey": "..."``, ``postgresql://user:pw@host``, AWS
secret keys and session tokens).

SQL quoted by a server error (PostgreSQL's ``LINE 1: ALTER ROLE x PASSWORD '...'``) has its
password literals masked by the SQL tokenizer (``core.db.sql_secrets``), so an error message in
the log, the history or a crash report does not repeat a password the statement set.
"""

from __future__ import annotations

import functools
import re
import threading

MASK = "***"

_SECRET_KEYS = (
    r"password|passwd|pwd|passphrase|secret|secret[_-]?access[_-]?key|aws[_-]?secret[_-]?access[_-]?key|"
    r"session[_-]?token|aws[_-]?session[_-]?token|token|api[_-]?key|private[_-]?key|authorization|"
    r"SecretString|SecretAccessKey|SessionToken|MasterUserPassword|Password"
)

# the key starts where a word starts (a start inside a word only re-tries the same word: on a
# long text without any key that made each pattern quadratic in the word lengths)
_KEY = r"""(?P<k>(?<![\w.-])["']?[\w.-]*(?:""" + _SECRET_KEYS + r""")["']?\s*[=:]\s*)"""

# each compiled on first use, not at import: start-up never needs them before the window is up,
# and a pattern is only tried (and compiled) on a text holding the literal any match of it holds
# (None: the key patterns, tried when the text names a secret-looking key): most log lines name
# no key, no URL, no signature and no PEM block, so they compile and run none
_PATTERN_SOURCES: list[tuple[str, int, str, str | None]] = [
    # key = "quoted value" (JSON, reprs of dicts): everything up to the closing quote, escapes included
    (_KEY + r"""(?P<q>["'])(?P<v>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.IGNORECASE, r"\g<k>\g<q>" + MASK + r"\g<q>",
     None),
    # key=unquoted value (command lines, libpq strings): up to the next white space
    (_KEY + r"""(?P<v>[^\s"']+)""", re.IGNORECASE, r"\g<k>" + MASK, None),
    # URLs with credentials: scheme://user:password@host (the password may itself hold '@')
    (r"(?P<p>[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<v>\S*)@(?P<h>[^@\s/]+)", re.IGNORECASE,
     r"\g<p>" + MASK + r"@\g<h>", "://"),
    # RDS IAM auth tokens (pre-signed query strings)
    (r"(X-Amz-Signature=|X-Amz-Security-Token=|X-Amz-Credential=)[^&\s]+", 0, r"\1" + MASK, "X-Amz-"),
    # PEM private keys
    (r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL,
     "-----PRIVATE KEY " + MASK + "-----", "-----BEGIN "),
]
#: a line of SQL quoted in a PostgreSQL error: ``LINE 3: ...``, and PL/pgSQL's ``QUERY:  ...`` and
#: ``CONTEXT:  SQL statement "..."`` (a statement run inside a DO block or a function)
_SQL_LINE_SOURCE = r'^(?P<p>[ \t]*(?:LINE \d+: |QUERY:[ \t]+|(?:CONTEXT:[ \t]+)?SQL statement "))(?P<sql>.*)$'


@functools.cache
def _pattern(index: int) -> re.Pattern[str]:
    source, flags, _repl, _needs = _PATTERN_SOURCES[index]
    return re.compile(source, flags)


@functools.cache
def _key_name() -> re.Pattern[str]:
    return re.compile(_SECRET_KEYS, re.IGNORECASE)


@functools.cache
def _sql_line() -> re.Pattern[str]:
    return re.compile(_SQL_LINE_SOURCE, re.MULTILINE)


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
    if "LINE " in text or "QUERY:" in text or "SQL statement" in text:
        text = _mask_quoted_sql(text)
    has_key = _names_a_key(text)
    for i, (_source, _flags, repl, needs) in enumerate(_PATTERN_SOURCES):
        if (not has_key) if needs is None else (needs not in text):
            continue  # what every match of this pattern holds is not in the text: it cannot match
        text = _pattern(i).sub(repl, text)
    return text


#: a long text is searched for a key name piece by piece: one search of a 100,000-line SQL text
#: (10 MB, its autosave) held the GIL for 1.6 s, and the window with it; the pieces overlap by
#: more than the longest key name, so a name across two pieces is found as in one search
_KEY_PIECE = 1 << 14
_KEY_OVERLAP = 64


def _names_a_key(text: str) -> bool:
    pattern = _key_name()
    return any(pattern.search(text, start, start + _KEY_PIECE + _KEY_OVERLAP) is not None
               for start in range(0, len(text), _KEY_PIECE))


def _mask_quoted_sql(text: str) -> str:
    from aurora_console.core.db.sql_secrets import mask_sql_secrets

    return _sql_line().sub(lambda m: m.group("p") + mask_sql_secrets(m.group("sql")), text)


def is_secret_key(key: object) -> bool:
    """True for key names such as password, db_password, ssh_passphrase, SecretString, token."""
    return isinstance(key, str) and _key_name().search(key) is not None


def secret_values_under_keys(data: object, path: str = "") -> list[str]:
    """Paths of non-empty strings stored under secret-looking keys (for a settings file guard)."""
    found: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            where = f"{path}.{k}" if path else str(k)
            if is_secret_key(k) and isinstance(v, str) and v:
                found.append(where)
            else:
                found += secret_values_under_keys(v, where)
    elif isinstance(data, list | tuple):
        for i, v in enumerate(data):
            found += secret_values_under_keys(v, f"{path}[{i}]")
    return found


def redact_mapping(data: object) -> object:
    """Mask string values under secret-looking keys, and secrets inside any string (audit lines)."""
    if isinstance(data, dict):
        return {k: (MASK if is_secret_key(k) and isinstance(v, str) and v else redact_mapping(v))
                for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact_mapping(v) for v in data]
    if isinstance(data, str):
        return redact(data)
    return data
