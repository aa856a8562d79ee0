"""Find migration files in a folder and read them, with Flyway's naming rules.

Names (Flyway's defaults; flyway/flyway flyway-core/.../internal/resource/ResourceNameParser.java,
flyway-13.0.0): ``<prefix><version>__<description>.sql`` for versioned (``V``) and undo (``U``)
scripts, ``R__<description>.sql`` for repeatables. The ``.sql`` suffix matches in any case; the
version is digits separated by ``.`` or ``_`` (``_`` stands for ``.``); the description is
everything after the first ``__`` with ``_`` turned into spaces (kept as is otherwise, so it matches
what Flyway records); ``V1.sql`` is version 1 with an empty description, as in Flyway.

Files that are not migrations:

* callbacks named after a Flyway event (``beforeMigrate.sql``, ``afterEachMigrate__x.sql``...),
  and any file that does not end in ``.sql`` (``V1__x.sql.conf``, README): skipped silently;
* undo scripts (``U<version>__...``, Flyway Teams): listed in ``Discovery.undo``, never run;
* baseline migrations (``B<version>__...``): listed in ``Discovery.ignored`` with a warning;
* any other ``.sql`` file: ignored with a warning naming it (Flyway logs that such files "were
  detected but not run"); with ``strict_naming`` (Flyway's ``validateMigrationNaming=true``) each
  is a problem instead, and nothing runs.

Sub-folders are searched too; a script is named by its path relative to the folder, with ``/``
separators. A file with nothing but comments and whitespace is a migration like any other: it is
applied (nothing runs) and recorded, as Flyway does.

Checksums: see :mod:`.checksum` (sha256 for the console's history table, Flyway's CRC32 for its).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from aurora_console.core.db.sql_split import Statement, split_sql

from .checksum import console_checksum, flyway_checksum
from .errors import Problem
from .script_config import ScriptConfigError, load_script_config
from .version import Version

VERSIONED = "versioned"
REPEATABLE = "repeatable"
UNDO = "undo"
CALLBACK = "callback"
BASELINE_MIGRATION = "baseline migration"

SEPARATOR = "__"
SUFFIX = ".sql"
# Flyway's callback events (flyway-core/.../api/callback/Event.java, flyway-13.0.0): an SQL file
# named after one (optionally ``__description``) is a callback, not a migration.
CALLBACK_EVENTS = frozenset({
    "beforeClean", "afterClean", "afterCleanError", "beforeMigrate", "beforeEachMigrate",
    "beforeEachMigrateStatement", "afterEachMigrateStatement", "afterEachMigrateStatementError",
    "afterEachMigrate", "afterEachMigrateError", "beforeRepeatables", "afterVersioned",
    "afterMigrateApplied", "afterMigrate", "afterMigrateError", "beforeUndo", "beforeEachUndo",
    "beforeEachUndoStatement", "afterEachUndoStatement", "afterEachUndoStatementError", "afterEachUndo",
    "afterEachUndoError", "afterUndo", "afterUndoError", "beforeValidate", "afterValidate",
    "afterValidateError", "beforeBaseline", "afterBaseline", "afterBaselineError", "beforeRepair",
    "afterRepair", "afterRepairError", "beforeInfo", "afterInfo", "afterInfoError",
    "afterMigrateOperationFinish", "afterInfoOperationFinish", "createSchema", "beforeCreateSchema",
    "beforeConnect", "afterConnect",
})
_VERSIONED_PREFIXES = {"V": VERSIONED, "U": UNDO, "B": BASELINE_MIGRATION}
# Longest prefix first, as Flyway matches them.
_PREFIXES = sorted([*_VERSIONED_PREFIXES, "R", *CALLBACK_EVENTS], key=len, reverse=True)
_VERSION_TEXT = re.compile(r"[0-9]+(?:[._][0-9]+)*")  # ASCII digits only (\d is any Unicode digit)
_DIRECTIVE = re.compile(r"^[ \t]*--[ \t]*aurora-console[ \t]*:[ \t]*(?P<value>.*?)[ \t]*(?=\n|\Z)", re.M | re.I)
KNOWN_DIRECTIVES = {"no-transaction"}


@dataclass(frozen=True)
class ParsedName:
    kind: str  # versioned | repeatable | undo | callback | baseline migration
    version: Version | None
    description: str


@lru_cache(maxsize=65536)
def parse_name(name: str) -> ParsedName:
    """Parse a file name with Flyway's rules; raise ValueError saying what is wrong with it."""
    if not name.upper().endswith(SUFFIX.upper()):
        raise ValueError(_name_advice(name))
    base = name[: -len(SUFFIX)]
    prefix = next((p for p in _PREFIXES if base.startswith(p)), None)
    if prefix is None:
        raise ValueError(_name_advice(name))
    rest = base[len(prefix):]
    before, sep, after = rest.partition(SEPARATOR)
    description = after.replace("_", " ")
    if prefix in _VERSIONED_PREFIXES:
        if not before or not _VERSION_TEXT.fullmatch(before):
            raise ValueError(_name_advice(name))
        return ParsedName(_VERSIONED_PREFIXES[prefix], Version.parse(before), description)
    if before:
        if prefix == "R" and _digit(before[:1]):
            raise ValueError("a repeatable migration has no version; expected R__<description>.sql")
        raise ValueError(_name_advice(name))
    return ParsedName(REPEATABLE if prefix == "R" else CALLBACK, None, description)


def _digit(char: str) -> bool:
    """An ASCII digit (``str.isdigit`` is true for every Unicode digit)."""
    return "0" <= char <= "9" and len(char) == 1


def _name_advice(name: str) -> str:
    expected = "expected V<version>__<description>.sql or R__<description>.sql"
    if not name.upper().endswith(SUFFIX.upper()):
        return f"not a .sql file name; {expected}"
    if name[:1] in ("v", "r") and (_digit(name[1:2]) or name[1:3] == SEPARATOR):
        return f"the prefix must be an upper-case V or R; {expected}"
    if name[:1] in _VERSIONED_PREFIXES and _digit(name[1:2]):
        if SEPARATOR not in name:
            return f"no double underscore between version and description; {expected}"
        return f"the version must be digits separated by dots or underscores; {expected}"
    return expected


def normalise(raw: bytes, encoding: str | None = None) -> str:
    """Decode UTF-8 or ``encoding`` (raises UnicodeDecodeError), drop a BOM, normalise line endings."""
    text = raw.decode(encoding or "utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checksum_of(text: str) -> str:
    """The console's checksum (sha256 hex) of a normalised text."""
    return console_checksum(text)


@dataclass(frozen=True)
class MigrationFile:
    script: str  # path relative to the folder, '/' separators
    filename: str  # full path (a str: building thousands of Path objects is measurably slow)
    kind: str
    version: Version | None
    description: str
    sql: str
    checksum: str  # the console's checksum (sha256 hex) of the file as read
    directives: frozenset[str] = field(default_factory=frozenset)
    crc32: int | None = None  # Flyway's checksum of the file as read (None: computed from ``sql``)
    # Recorded checksums that also count as this file's: a repeatable checksummed after placeholder
    # replacement keeps its as-written checksums here (Flyway's "equivalent checksum").
    equivalent: tuple[str | int, ...] = ()

    @property
    def path(self) -> Path:
        return Path(self.filename)

    @property
    def no_transaction(self) -> bool:
        return "no-transaction" in self.directives

    @property
    def repeatable(self) -> bool:
        return self.kind == REPEATABLE

    @property
    def flyway_checksum(self) -> int:
        """The checksum Flyway records for this file (signed 32-bit CRC32, see :mod:`.checksum`)."""
        return self.crc32 if self.crc32 is not None else flyway_checksum(self.sql)

    @cached_property
    def statements(self) -> list[Statement]:
        return split_sql(self.sql)

    def sort_key(self) -> tuple:
        """Versions numerically, then repeatables by description (case-sensitive, as Flyway)."""
        if self.version is not None:
            return (0, self.version, self.script)
        return (1, self.description, self.script)


@dataclass
class Discovery:
    """What a folder holds: usable migrations (sorted), the problems found (nothing runs while there
    are any) and warnings (files that are not run; nothing stops)."""

    folder: Path
    migrations: list[MigrationFile]
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    undo: list[MigrationFile] = field(default_factory=list)  # U<version>__ scripts: listed, never run
    ignored: list[str] = field(default_factory=list)  # scripts ignored (bad names, B scripts)

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
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:  # a dangling symlink, a permission, a folder named like a script
        return None, [Problem(script, f"cannot read the file: {e.strerror or e}", "unreadable")]
    try:  # Flyway's per-script configuration may name the file's encoding (V1__x.sql.conf)
        encoding = load_script_config(str(path)).encoding
    except ScriptConfigError as e:
        return None, [Problem(script, str(e), "script_config")]
    try:
        text = normalise(raw, encoding)
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        what = encoding or "UTF-8"
        return None, [
            Problem(
                script,
                f"not valid {what} (byte 0x{raw[e.start]:02x} at offset {e.start}, "
                f"line {line}); save the file as {what}",
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
        flyway_checksum(text),
    )
    # A file with its own BEGIN/COMMIT runs as written: see transactions.decide.
    return (None if problems else mig), problems


def discover(folder: Path | str, *, strict_naming: bool = False) -> Discovery:
    """Scan ``folder`` (recursively) for migrations.

    ``strict_naming`` is Flyway's ``validateMigrationNaming``: a ``.sql`` file whose name is not a
    migration's (nor a callback's) is a problem instead of a warning.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return Discovery(
            folder, [], [Problem("", f"the migrations folder {folder} does not exist", "folder")]
        )
    discovery = Discovery(folder, [], [])
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
        if not _utf8(script):
            shown = os.fsencode(script).decode("utf-8", "backslashreplace")
            discovery.problems.append(Problem(
                shown, "the file name is not valid UTF-8 (it could not be recorded in the history table); "
                "rename it", "encoding"))
            continue
        name = os.path.basename(full)
        try:
            kind = parse_name(name).kind
        except ValueError as e:
            _bad_name(discovery, script, str(e), strict_naming)
            continue
        if kind == CALLBACK:
            continue  # a callback script (see callbacks), not a migration
        if kind == BASELINE_MIGRATION:
            discovery.ignored.append(script)
            discovery.warnings.append(Problem(
                script, "a Flyway baseline migration (B prefix); the console does not run these: ignored",
                "ignored_file"))
            continue
        mig, probs = load_file(full, script)
        discovery.problems += probs
        if mig is None:
            continue
        if kind == UNDO:
            discovery.undo.append(mig)
        else:
            discovery.migrations.append(mig)
    discovery.problems += _duplicates(discovery.migrations)
    discovery.migrations.sort(key=MigrationFile.sort_key)
    discovery.undo.sort(key=MigrationFile.sort_key)
    return discovery


def _bad_name(discovery: Discovery, script: str, why: str, strict: bool) -> None:
    if strict:
        discovery.problems.append(Problem(script, f"malformed file name: {why}", "bad_name"))
    else:
        discovery.ignored.append(script)
        discovery.warnings.append(Problem(
            script, f"not a migration name, ignored ({why}); validateMigrationNaming makes this an error",
            "ignored_file"))


def _utf8(text: str) -> bool:
    """False for a name with undecodable bytes (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _looks_like_migration(name: str) -> bool:
    """``.sql`` files (any case) are migrations, callbacks or misnamed; other files are ignored."""
    return name.lower().endswith(SUFFIX)


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
