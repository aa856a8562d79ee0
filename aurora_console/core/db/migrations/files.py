"""Find migration files in a folder and read them.

Names: ``V<version>__<description>.sql`` (versioned) and ``R__<description>.sql`` (repeatable).
Every other ``.sql`` file is reported as a problem rather than silently skipped; other files
(README, notes) are ignored. Sub-folders are searched too; a script is named by its path
relative to the folder, with ``/`` separators.

The checksum is the sha256 of the file's text with line endings normalised to ``\\n`` and any
UTF-8 byte-order mark removed, so a checkout with CRLF line endings does not look edited.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from aurora_console.core.db.sql_split import Statement, split_sql

from .errors import Problem
from .version import Version

VERSIONED = "versioned"
REPEATABLE = "repeatable"

_VERSIONED_NAME = re.compile(r"^V(?P<version>\d+(?:[._]\d+)*)__(?P<desc>[^/\\]*)\.sql$")
_REPEATABLE_NAME = re.compile(r"^R__(?P<desc>[^/\\]*)\.sql$")
_DIRECTIVE = re.compile(r"^[ \t]*--[ \t]*aurora-console[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.M | re.I)
KNOWN_DIRECTIVES = {"no-transaction"}
_TX_CONTROL = {"begin", "commit", "rollback", "start", "end", "abort", "savepoint", "release"}
_TX_WORD = re.compile(r"\b(?:begin|commit|rollback|start|end|abort|savepoint|release)\b", re.I)
_LINE_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class ParsedName:
    kind: str
    version: Version | None
    description: str


def parse_name(name: str) -> ParsedName:
    """Parse a file name; raise ValueError saying what is wrong with it."""
    m = _VERSIONED_NAME.match(name)
    if m:
        desc = m.group("desc")
        if not desc.strip("_ "):
            raise ValueError("the description after '__' is empty")
        return ParsedName(VERSIONED, Version.parse(m.group("version")), _describe(desc))
    m = _REPEATABLE_NAME.match(name)
    if m:
        desc = m.group("desc")
        if not desc.strip("_ "):
            raise ValueError("the description after '__' is empty")
        return ParsedName(REPEATABLE, None, _describe(desc))
    raise ValueError(_name_advice(name))


def _describe(raw: str) -> str:
    return raw.replace("_", " ").strip()


def _name_advice(name: str) -> str:
    expected = "expected V<version>__<description>.sql or R__<description>.sql"
    if not name.endswith(".sql"):
        return f"not a .sql file name; {expected}"
    if name[:1] in ("v", "r"):
        return f"the prefix must be an upper-case V or R; {expected}"
    if name.startswith("V") and "__" not in name:
        return f"no double underscore between version and description; {expected}"
    if name.startswith("V"):
        return f"the version must be digits separated by dots or underscores; {expected}"
    if name.startswith("R"):
        return f"a repeatable migration has no version; {expected}"
    return expected


def normalise(raw: bytes) -> str:
    """Decode UTF-8 (raises UnicodeDecodeError), drop a BOM, normalise line endings."""
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checksum_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MigrationFile:
    script: str  # path relative to the folder, '/' separators
    filename: str  # full path (a str: building thousands of Path objects is measurably slow)
    kind: str
    version: Version | None
    description: str
    sql: str
    checksum: str
    directives: frozenset[str] = field(default_factory=frozenset)

    @property
    def path(self) -> Path:
        return Path(self.filename)

    @property
    def no_transaction(self) -> bool:
        return "no-transaction" in self.directives

    @property
    def repeatable(self) -> bool:
        return self.kind == REPEATABLE

    @cached_property
    def statements(self) -> list[Statement]:
        return split_sql(self.sql)

    def sort_key(self) -> tuple:
        if self.version is not None:
            return (0, self.version, self.script)
        return (1, self.description.lower(), self.script)


@dataclass
class Discovery:
    """What a folder holds: usable migrations (sorted) and the problems found."""

    folder: Path
    migrations: list[MigrationFile]
    problems: list[Problem]

    @property
    def versioned(self) -> list[MigrationFile]:
        return [m for m in self.migrations if not m.repeatable]

    @property
    def repeatable(self) -> list[MigrationFile]:
        return [m for m in self.migrations if m.repeatable]


def load_file(path: Path | str, script: str) -> tuple[MigrationFile | None, list[Problem]]:
    """Read and check one file; returns (migration or None, problems)."""
    try:
        parsed = parse_name(os.path.basename(path))
    except ValueError as e:
        return None, [Problem(script, f"malformed file name: {e}", "bad_name")]
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = normalise(raw)
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, [
            Problem(
                script,
                f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}, "
                f"line {line}); save the file as UTF-8",
                "encoding",
            )
        ]
    problems: list[Problem] = []
    directives = set()
    for m in _DIRECTIVE.finditer(text):
        value = m.group("value").lower()
        if value in KNOWN_DIRECTIVES:
            directives.add(value)
        else:
            line = text.count("\n", 0, m.start()) + 1
            problems.append(
                Problem(
                    script,
                    f"unknown directive {m.group('value')!r} at line {line}; "
                    f"known: {', '.join(sorted(KNOWN_DIRECTIVES))}",
                    "directive",
                )
            )
    mig = MigrationFile(
        script,
        str(path),
        parsed.kind,
        parsed.version,
        parsed.description,
        text,
        checksum_of(text),
        frozenset(directives),
    )
    if _needs_split_check(text, mig.no_transaction):
        statements = mig.statements
        if not statements:
            problems.append(Problem(script, "the file is empty (no SQL statement)", "empty"))
        elif not mig.no_transaction:
            for st in statements:
                first = st.text.split(None, 1)[0].lower().rstrip(";")
                if first in _TX_CONTROL:
                    problems.append(Problem(
                        script,
                        f"transaction control statement {first.upper()} at line {st.line}: each migration "
                        "already runs in its own transaction; remove it, or mark the file with "
                        "'-- aurora-console: no-transaction'", "tx_control"))
                    break
    return (None if problems else mig), problems


def _needs_split_check(text: str, no_transaction: bool) -> bool:
    """Cheap pre-check so that discovering thousands of files does not parse every one of them.

    The full split runs when the file might be empty (nothing left once ``--`` comments and
    whitespace are gone), has block comments, or holds a word that may start a transaction
    control statement; otherwise it plainly has SQL and no BEGIN/COMMIT.
    """
    if "/*" in text:
        return True
    if not _LINE_COMMENT.sub("", text).strip(" \t\n;"):
        return True
    return not no_transaction and _TX_WORD.search(text) is not None


def discover(folder: Path | str) -> Discovery:
    """Scan ``folder`` (recursively) for migrations."""
    folder = Path(folder)
    if not folder.is_dir():
        return Discovery(
            folder, [], [Problem("", f"the migrations folder {folder} does not exist", "folder")]
        )
    migrations: list[MigrationFile] = []
    problems: list[Problem] = []
    found: list[tuple[str, str]] = []
    root = str(folder)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in filenames:
            if not name.startswith(".") and _looks_like_migration(name):
                found.append((prefix + name, os.path.join(dirpath, name)))
    found.sort()
    for script, full in found:
        mig, probs = load_file(full, script)
        problems += probs
        if mig is not None:
            migrations.append(mig)
    problems += _duplicates(migrations)
    migrations.sort(key=MigrationFile.sort_key)
    return Discovery(folder, migrations, problems)


def _looks_like_migration(name: str) -> bool:
    """``.sql`` files (any case) are migrations or mistakes; other files are ignored."""
    return name.lower().endswith(".sql")


def _duplicates(migrations: list[MigrationFile]) -> list[Problem]:
    seen: dict[object, MigrationFile] = {}
    out = []
    for m in sorted(migrations, key=lambda m: m.script):
        key = ("V", m.version) if m.version is not None else ("R", m.description.lower())
        other = seen.get(key)
        if other is not None:
            what = f"version {m.version}" if m.version is not None else f"repeatable {m.description!r}"
            out.append(Problem(m.script, f"duplicate {what}, also used by {other.script}", "duplicate"))
        else:
            seen[key] = m
    return out
