"""Issue 22's "Done when": real-world Flyway folders, run unchanged, give the same schema as
Flyway's order applied by psql.

For each vendored project (tests/data/flyway_projects/, see its README for repository, commit,
path and licence):

* database A, the reference: every SQL migration with ``psql -X -v ON_ERROR_STOP=1 -f FILE``, one
  psql per file, in Flyway's order. That order and the placeholder replacement are written here
  independently of the console, from Flyway's documentation
  (https://documentation.red-gate.com/fd/migrations-184127470.html: versioned migrations by
  version, compared part by part as numbers with ``.`` or ``_`` between parts, then repeatables
  ordered by description; files whose name does not match ``V<version>__<desc>.sql`` or
  ``R__<desc>.sql`` are not migrations; https://documentation.red-gate.com/fd/placeholders-184127475.html:
  ``${name}`` replaced when placeholder replacement is on, an unknown placeholder is an error).
* database B: the console's :class:`MigrationRunner` on the unchanged folder, history table
  ``flyway_schema_history`` as in each project.

Then ``pg_dump --schema-only`` of A and B must be identical, history tables excluded, and the rows
the console wrote in ``flyway_schema_history`` must be the ones Flyway writes (version text with
``_`` as ``.``, description, type ``SQL``, script relative to the location, and the CRC32 checksum
computed here as Flyway's ``ChecksumCalculator`` does: github.com/flyway/flyway
flyway-core/src/main/java/org/flywaydb/core/internal/resolver/ChecksumCalculator.java, CRC32 over the
UTF-8 bytes of each line without its terminator, BOM removed, as a signed 32-bit integer), so
Flyway could carry on with the database. The only
normalisation is dropping the ``\\restrict``/``\\unrestrict`` lines that pg_dump 15.14+ writes with a
random key per dump; nothing is sorted or rewritten, because both databases get their objects
created in the same order.

When the console stops, the test fails naming the file and the reason (discovery problems, the
failing migration with its line and the server's message).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aurora_console.core.db.migrations import (
    DiscoveryError,
    MigrationFailed,
    MigrationRunner,
    ValidationFailed,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

PROJECTS_DIR = Path(__file__).resolve().parents[2] / "data" / "flyway_projects"
HISTORY_TABLES = ("flyway_schema_history", "aurora_console_schema_history")

# Flyway's default naming (sqlMigrationPrefix V, repeatableSqlMigrationPrefix R, separator __, suffix .sql)
_VERSIONED = re.compile(r"V(?P<version>[0-9]+(?:[._][0-9]+)*)__(?P<desc>.+)\.sql")
_REPEATABLE = re.compile(r"R__(?P<desc>.+)\.sql")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Project:
    name: str
    location: str  # folder under the project, scanned recursively as Flyway scans a location
    out_of_order: bool = False
    placeholder_replacement: bool = True
    placeholders: dict[str, str] = field(default_factory=dict)
    sql_files: int = 0  # how many migrations the folder holds (guards the vendored copy)

    @property
    def folder(self) -> Path:
        return PROJECTS_DIR / self.name / self.location


PROJECTS = [
    # FlywayFactory.java: placeholderReplacement false, outOfOrder false
    Project("marquez", "migration", placeholder_replacement=False, sql_files=84),
    # application.yml: out-of-order true
    Project("kestra", "postgres", out_of_order=True, sql_files=26),
    # PostgresConfiguration.java: three locations (all enabled here), outOfOrder true
    Project("conductor", "db", out_of_order=True, sql_files=21),
]


@dataclass(frozen=True)
class FlywayFile:
    path: Path
    version: tuple[int, ...] | None  # None: repeatable
    description: str
    version_text: str | None = None  # as Flyway records it: the name's version with "_" as "."


def flyway_crc32(raw: bytes) -> int:
    """Flyway's checksum of a file (see the module docs)."""
    lines = re.split(r"\r\n|\r|\n", raw.decode("utf-8"))
    if lines[-1] == "":
        lines.pop()  # Java's readLine: a final terminator does not start another line
    crc = 0
    for i, line in enumerate(lines):
        crc = zlib.crc32((line.removeprefix("\ufeff") if i == 0 else line).encode("utf-8"), crc)
    return crc - (1 << 32) if crc >= (1 << 31) else crc


def _version_key(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.split(r"[._]", text)]
    while len(parts) > 1 and parts[-1] == 0:  # Flyway: 1.0 equals 1
        parts.pop()
    return tuple(parts)


def flyway_order(folder: Path) -> list[FlywayFile]:
    """The SQL migrations under ``folder`` in the order Flyway applies them to an empty database."""
    versioned, repeatable = [], []
    for path in sorted(folder.rglob("*.sql")):
        if m := _VERSIONED.fullmatch(path.name):
            versioned.append(FlywayFile(path, _version_key(m["version"]), m["desc"].replace("_", " "),
                                        m["version"].replace("_", ".")))
        elif m := _REPEATABLE.fullmatch(path.name):
            repeatable.append(FlywayFile(path, None, m["desc"].replace("_", " ")))
    versioned.sort(key=lambda f: f.version)
    repeatable.sort(key=lambda f: f.description)
    return versioned + repeatable


def replace_placeholders(text: str, project: Project) -> str:
    if not project.placeholder_replacement:
        return text

    def one(m: re.Match) -> str:
        if m[1] not in project.placeholders:
            raise AssertionError(f"no value for placeholder ${{{m[1]}}}")
        return project.placeholders[m[1]]

    return _PLACEHOLDER.sub(one, text)


# -- the two runs ----------------------------------------------------------------------------------
@pytest.fixture
def pg_tools(pg_server, tmp_path):
    """Run a PostgreSQL client tool (psql, pg_dump) of the server's own version on a database;
    the password goes through an owner-only passfile, never the command line."""
    passfile = tmp_path / "pgpass"
    info = pg_server.conninfo()
    with os.fdopen(os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as fh:  # owner-only
        fh.write(f"{info['host']}:{info['port']}:*:{info['user']}:{info.get('password', '')}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGPASSFILE=str(passfile), PGHOST=info["host"], PGPORT=str(info["port"]), PGUSER=info["user"])

    def run(tool: str, dbname: str, *args: str) -> subprocess.CompletedProcess:
        argv = [str(Path(pg_server.bin_dir) / tool), "-d", dbname, *args]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)

    return run


def apply_with_psql(pg_tools, dbname: str, project: Project, tmp_path: Path) -> list[str]:
    applied = []
    for f in flyway_order(project.folder):
        text = f.path.read_text(encoding="utf-8")
        replaced = replace_placeholders(text, project)
        target = f.path
        if replaced != text:
            target = tmp_path / "replaced" / f.path.name
            target.parent.mkdir(exist_ok=True)
            target.write_text(replaced, encoding="utf-8")
        done = pg_tools("psql", dbname, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(target))
        assert done.returncode == 0, f"psql (the reference run) failed on {f.path.name}:\n{done.stderr}"
        applied.append(f.path.name)
    return applied


def apply_with_console(dsn: str, project: Project) -> list[str]:
    runner = MigrationRunner(dsn, project.folder, table="flyway_schema_history", out_of_order=project.out_of_order)
    try:
        result = runner.migrate()
    except (DiscoveryError, ValidationFailed, MigrationFailed) as e:
        failure = console_failure(project, e)
    else:
        return [Path(step.script).name for step in result.applied]
    pytest.fail(failure, pytrace=False)


def console_failure(project: Project, e: Exception) -> str:
    """Which file stopped the console, and why, in one readable message."""
    if isinstance(e, MigrationFailed):
        where = f"line {e.line}" if e.line else "no line"
        return (f"{project.name}: the console failed on {e.script} ({where}, SQLSTATE {e.sqlstate}): {e.reason}"
                + (f"\n  hint: {e.hint}" if e.hint else ""))
    what = ("refused the folder before applying anything" if isinstance(e, DiscoveryError)
            else "failed validation on an empty database")
    return f"{project.name}: the console {what}:\n" + "\n".join(
        f"  {p.script}: {p.message} [{p.kind}]" for p in e.problems)


def flyway_rows_expected(project: Project) -> list[tuple]:
    return [(f.version_text, f.description, "SQL", f.path.relative_to(project.folder).as_posix(),
             flyway_crc32(f.path.read_bytes()), True) for f in flyway_order(project.folder)]


def flyway_rows_written(dsn: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return [tuple(r) for r in conn.execute(
            "SELECT version, description, type, script, checksum, success FROM flyway_schema_history"
            " ORDER BY installed_rank").fetchall()]


def schema_dump(pg_tools, dbname: str) -> str:
    args = ["--schema-only", "--no-owner", "--no-privileges"]
    for table in HISTORY_TABLES:
        args.append(f"--exclude-table=*.{table}")
    done = pg_tools("pg_dump", dbname, *args)
    assert done.returncode == 0, done.stderr
    # pg_dump 15.14+ brackets the dump with \restrict KEY / \unrestrict KEY, a new random key each time
    return "".join(line for line in done.stdout.splitlines(keepends=True)
                   if not line.startswith(("\\restrict ", "\\unrestrict ")))


# -- the comparison --------------------------------------------------------------------------------
def test_the_vendored_folders_are_complete():
    for project in PROJECTS:
        files = flyway_order(project.folder)
        assert len(files) == project.sql_files, project.name
        assert (PROJECTS_DIR / project.name / "LICENSE").is_file()
        assert (PROJECTS_DIR / project.name / "README.md").is_file()


def test_flyway_order_is_numeric_and_repeatables_come_last():
    kestra = [f.path.name for f in flyway_order(PROJECTS[1].folder)]
    assert kestra.index("V1_9__execution_queued.sql") < kestra.index("V1_10__multitenant_indices.sql")
    marquez = [f.path.name for f in flyway_order(PROJECTS[0].folder)]
    assert marquez[:3] == ["V1__initial_schema.sql", "V2__add_job_contexts.sql",
                           "V2.1__alter_job_versions_to_add_job_context_uuid.sql"]
    assert marquez[-3:] == ["R__Datasets_view.sql", "R__Jobs_view_and_rewrite_function.sql", "R__Runs_view.sql"]
    conductor = [f.path.name for f in flyway_order(PROJECTS[2].folder)]
    assert conductor[conductor.index("V13.1__workflow_index_columns.sql") + 1] == (
        "V13.2__workflow_index_backfill_update_time.sql")  # another location, merged into one order
    assert _version_key("1.0") == _version_key("1") and _version_key("04.11") == (4, 11)


def test_flyway_checksum_as_flyways_checksum_calculator():
    assert flyway_crc32(b"") == 0 and flyway_crc32(b"\n") == 0
    # line endings and a BOM do not count; the text of each line does
    assert flyway_crc32(b"a\r\nb\n") == flyway_crc32(b"a\nb") == flyway_crc32(b"\xef\xbb\xbfa\rb\r")
    assert flyway_crc32(b"a\nb") == zlib.crc32(b"b", zlib.crc32(b"a")) - (1 << 32) * (zlib.crc32(b"ab") >= 1 << 31)
    assert flyway_crc32(b"ab") != flyway_crc32(b"a b")


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_console_gives_the_schema_psql_gives_in_flyways_order(project, new_database, pg_tools, tmp_path):
    reference, console = new_database(), new_database()
    by_psql = apply_with_psql(pg_tools, reference.name, project, tmp_path)
    by_console = apply_with_console(console.dsn, project)
    assert by_console == by_psql, f"{project.name}: the console applied other files, or in another order"

    expected, got = schema_dump(pg_tools, reference.name), schema_dump(pg_tools, console.name)
    assert "CREATE TABLE" in expected
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True),
                                            "psql in Flyway's order", "console", n=2))
        pytest.fail(f"{project.name}: the schemas differ:\n{diff[:6000]}")

    assert flyway_rows_written(console.dsn) == flyway_rows_expected(project), (
        f"{project.name}: flyway_schema_history differs from what Flyway writes")

    again = MigrationRunner(console.dsn, project.folder, table="flyway_schema_history",
                            out_of_order=project.out_of_order)
    status = again.validate()  # the console validates its own work on the finished database
    assert status.pending == [] and status.problems == []
