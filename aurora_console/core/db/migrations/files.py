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
    path: Path
    kind: str
    version: Version | None
    description: str
    sql: str
    checksum: str
    directives: frozenset[str] = field(default_factory=frozenset)

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


def load_file(path: Path, script: str) -> tuple[MigrationFile | None, list[Problem]]:
    """Read and check one file; returns (migration or None, problems)."""
    try:
        parsed = parse_name(path.name)
    except ValueError as e:
        return None, [Problem(script, f"malformed file name: {e}", "bad_name")]
    raw = path.read_bytes()
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
        path,
        parsed.kind,
        parsed.version,
        parsed.description,
        text,
        checksum_of(text),
        frozenset(directives),
    )
    statements = mig.statements
    if not statements:
        problems.append(Problem(script, "the file is empty (no SQL statement)", "empty"))
    elif not mig.no_transaction:
        for st in statements:
            first = st.text.split(None, 1)[0].lower().rstrip(";")
            if first in _TX_CONTROL:
                problems.append(
                    Problem(
                        script,
                        f"transaction control statement {first.upper()} at line {st.line}: each migration "
                        "already runs in its own transaction; remove it, or mark the file with "
                        "'-- aurora-console: no-transaction'",
                        "tx_control",
                    )
                )
                break
    return (None if problems else mig), problems


def discover(folder: Path | str) -> Discovery:
    """Scan ``folder`` (recursively) for migrations."""
    folder = Path(folder)
    if not folder.is_dir():
        return Discovery(
            folder, [], [Problem("", f"the migrations folder {folder} does not exist", "folder")]
        )
    migrations: list[MigrationFile] = []
    problems: list[Problem] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        script = path.relative_to(folder).as_posix()
        if path.name.startswith(".") or not _looks_like_migration(path.name):
            continue
        mig, probs = load_file(path, script)
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
