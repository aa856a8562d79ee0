"""Taking over a database Flyway migrated part of, on the rig's real PostgreSQL.

Flyway cannot be installed here, so its side is rebuilt from its source (flyway/flyway, tag
flyway-13.0.0, commit c5e20fc77341d4117e7a291214e23f89c1371516), independently of the console's
code:

* the table: ``PostgreSQLDatabase.getRawCreateScript`` (flyway-database/flyway-database-postgresql/
  src/main/java/org/flywaydb/database/postgresql/PostgreSQLDatabase.java), copied below as the SQL
  it produces for ``"<schema>"."flyway_schema_history"`` without a tablespace;
* the rows: ``JdbcTableSchemaHistory.doAddAppliedMigration`` / ``SchemaHistory.calculateInstalledRank``
  (flyway-core/.../internal/schemahistory/): installed_rank 1, 2, ... (0 for the ``SCHEMA`` row),
  version ``MigrationVersion.toString()`` (the version as written, ``_`` -> ``.``), description the
  name after the first ``__`` with ``_`` -> space (``ResourceNameParser``), type ``SQL`` (also for a
  repeatable, whose version is NULL), script the path relative to the location, checksum from
  ``ChecksumCalculator`` (reimplemented naively below: a Java ``readLine`` loop, one CRC32 update per
  line), installed_by, execution_time, success;
* a baseline row as ``Database.getBaselineStatement`` writes it (type ``BASELINE``, description and
  script ``<< Flyway Baseline >>``, checksum NULL), a ``SCHEMA`` row as ``SchemaHistory.addSchemasMarker``
  (``<< Flyway Schema Creation >>``, script the quoted schema list), a Java migration as ``JDBC``
  (script the class name, checksum NULL) and a failed run (success false);
* the files' SQL is applied by plain execution of each whole file (as psql would), not by the console.

Then the console's runner takes over: ``info`` names the format and shows the states, ``validate``
passes once nothing is pending, ``migrate`` applies the rest writing rows Flyway would accept
(re-checked here with the naive Flyway rules), ``validate`` passes again, and ``repair`` works on
the table.
"""

from __future__ import annotations

import zlib

import psycopg
import pytest

from aurora_console.core.db.migrations import MigrationRunner, ValidationFailed
from tests.integration.migrations.conftest import table_exists

pytestmark = pytest.mark.integration

# PostgreSQLDatabase.getRawCreateScript(table, baseline=false), tablespace unset, table "public"."flyway_schema_history"
FLYWAY_DDL = '''CREATE TABLE "{schema}"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "{schema}"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "{schema}"."flyway_schema_history" ("success");'''
# Database.getInsertStatement
FLYWAY_INSERT = ('INSERT INTO "{schema}"."flyway_schema_history" ("installed_rank", "version", "description", "type",'
                 ' "script", "checksum", "installed_by", "execution_time", "success") VALUES (%s, %s, %s, %s, %s, %s, %s,'
                 ' %s, %s)')

# The project: CRLF line endings and a BOM in one file, a comment-only file, a version with a
# leading zero, a file in a sub-folder, repeatables.
FILES = {
    "V1__create_users.sql": b"\xef\xbb\xbf-- users\r\nCREATE TABLE users (\r\n  id bigint PRIMARY KEY\r\n);\r\n",
    "V1_1__add_email.sql": b"ALTER TABLE users ADD COLUMN email text;\n",
    "V2__align_with_oracle.sql": b"-- nothing to do on PostgreSQL; kept so version numbers match\n/* V2 */\n",
    "core/V3__orders.sql": b"CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n",
    "R__user_emails.sql": b"CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;\n",
    # the rest: applied by the console
    "V04_11__order_total.sql": b"ALTER TABLE orders ADD COLUMN total numeric(12, 2);\n",
    "V5__index.sql": b"CREATE INDEX orders_user ON orders (user_id);\n",
    "R__order_totals.sql": b"CREATE OR REPLACE VIEW order_totals AS SELECT user_id, sum(total) FROM orders GROUP BY 1;\n",
}
FLYWAY_PART = ["V1__create_users.sql", "V1_1__add_email.sql", "V2__align_with_oracle.sql", "core/V3__orders.sql",
               "R__user_emails.sql"]


# -- Flyway's rules, reimplemented naively (independent of aurora_console) ------------------------
def java_lines(text: str) -> list[str]:
    """BufferedReader.readLine(): lines end at \\n, \\r or \\r\\n; no terminator returned."""
    out, cur, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\r" or c == "\n":
            out.append(cur)
            cur = ""
            if c == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
        else:
            cur += c
        i += 1
    if cur:
        out.append(cur)
    return out


def flyway_crc(raw: bytes) -> int:
    """ChecksumCalculator.calculateChecksumForResource over the file's bytes, UTF-8."""
    crc = 0
    for n, line in enumerate(java_lines(raw.decode("utf-8"))):
        if n == 0 and line[:1] == "\ufeff":
            line = line[1:]
        crc = zlib.crc32(line.encode("utf-8"), crc)
    return crc - (1 << 32) if crc & 0x80000000 else crc


def flyway_name(script: str) -> tuple[str | None, str]:
    """(version text as Flyway stores it, description) for a file name."""
    name = script.rsplit("/", 1)[-1][: -len(".sql")]
    head, _sep, desc = name.partition("__")
    version = None if head[0] == "R" else head[1:].replace("_", ".")
    return version, desc.replace("_", " ")


class FlywayHistory:
    """Writes flyway_schema_history rows exactly as Flyway does, and applies files as psql would."""

    def __init__(self, dsn: str, schema: str = "public") -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.schema = schema
        self.rank = 1

    def create(self) -> None:
        self.conn.execute(FLYWAY_DDL.format(schema=self.schema))

    def row(self, version, description, type_, script, checksum, success=True, rank=None, ms=12) -> None:
        rank = self.rank if rank is None else rank
        self.conn.execute(FLYWAY_INSERT.format(schema=self.schema),
                          [rank, version, description, type_, script, checksum, "flyway_ci", ms, success])
        self.rank = rank + 1

    def migrate_file(self, folder, script: str) -> None:
        self.conn.execute(FILES[script].decode("utf-8").lstrip("\ufeff"))  # psql: the whole file
        version, desc = flyway_name(script)
        self.row(version, desc, "SQL", script, flyway_crc(FILES[script]))

    def rows(self):
        return self.conn.execute(
            f'SELECT installed_rank, version, description, type, script, checksum, success'
            f' FROM "{self.schema}".flyway_schema_history ORDER BY installed_rank').fetchall()


@pytest.fixture
def project(folder):
    for name, content in FILES.items():
        folder.write(name, content)
    return folder


@pytest.fixture
def flyway(db):
    fw = FlywayHistory(db.dsn)
    yield fw
    fw.conn.close()


def check_rows_as_flyway_writes_them(rows) -> None:
    """Every SQL row is what Flyway computes for its file (so Flyway's validate accepts it)."""
    for _rank, version, description, type_, script, checksum, success in rows:
        if type_ != "SQL":
            continue
        assert (version, description) == flyway_name(script), script
        assert checksum == flyway_crc(FILES[script]), script
        assert success
    ranks = [r[0] for r in rows]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_takeover_finish_and_validate(db, project, flyway, sql):
    flyway.create()
    for script in FLYWAY_PART:
        flyway.migrate_file(project, script)
    runner = MigrationRunner(db.dsn, project.path, table="flyway_schema_history")
    info = runner.info()
    assert info.history_label == "Flyway history (flyway_schema_history)" and info.history_format == "flyway"
    states = {i.script: (i.state, i.checksum_status) for i in info.infos}
    assert states == {
        "V1__create_users.sql": ("applied", "ok"), "V1_1__add_email.sql": ("applied", "ok"),
        "V2__align_with_oracle.sql": ("applied", "ok"), "core/V3__orders.sql": ("applied", "ok"),
        "V04_11__order_total.sql": ("pending", ""), "V5__index.sql": ("pending", ""),
        "R__order_totals.sql": ("pending", ""), "R__user_emails.sql": ("applied", "ok")}
    assert info.ok and str(info.current_version) == "3"
    # Flyway's validate fails while migrations are pending; so does the console's
    with pytest.raises(ValidationFailed) as ei:
        runner.validate()
    assert {p.kind for p in ei.value.problems} == {"pending"}
    assert MigrationRunner(db.dsn, project.path, table="flyway_schema_history",
                           ignore_migration_patterns="*:future,*:pending").validate().ok

    result = runner.migrate()
    assert [s.script for s in result.applied] == ["V04_11__order_total.sql", "V5__index.sql", "R__order_totals.sql"]
    assert runner.validate().ok
    rows = flyway.rows()
    check_rows_as_flyway_writes_them(rows)
    assert [(r[0], r[1], r[3], r[4]) for r in rows[-3:]] == [
        (6, "04.11", "SQL", "V04_11__order_total.sql"), (7, "5", "SQL", "V5__index.sql"),
        (8, None, "SQL", "R__order_totals.sql")]
    assert table_exists(sql, "order_totals")
    # the table keeps Flyway's layout: no column, key or index of the console's own format
    assert sql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
               "'public.flyway_schema_history'::regclass AND attname = 'checksum'") == [("integer",)]

    # repair on Flyway's table: a failed run is removed, an edited file realigned with Flyway's CRC32
    # (a failed run newer than every file would be 'future' and, like Flyway, pass by default)
    flyway.row("4.5", "broken", "SQL", "V4_5__broken.sql", 1234, success=False, rank=9)
    project.write("V5__index.sql", "CREATE INDEX orders_user ON orders (user_id); -- reviewed\n")
    with pytest.raises(ValidationFailed) as ei:
        runner.validate()
    assert {p.kind for p in ei.value.problems} == {"failed", "checksum"}
    repaired = runner.repair()
    assert repaired.removed_failed == ["V4_5__broken.sql"] and repaired.realigned == ["V5__index.sql"]
    FILES_AFTER = {**FILES, "V5__index.sql": (project.path / "V5__index.sql").read_bytes()}
    v5 = next(r for r in flyway.rows() if r[4] == "V5__index.sql")
    assert v5[5] == flyway_crc(FILES_AFTER["V5__index.sql"])
    assert runner.validate().ok and runner.repair().changed is False


def test_baseline_schema_marker_and_external_java_migration(db, folder, flyway, sql):
    """Flyway created schema 'app' (SCHEMA row, rank 0), baselined at 1, ran a Java migration (JDBC)
    and V2; the console finishes with V3 and respects the Java migration's place in the order."""
    flyway.schema = "app"
    flyway.conn.execute('CREATE SCHEMA "app"')
    flyway.create()
    flyway.row(None, "<< Flyway Schema Creation >>", "SCHEMA", '"app"', None, rank=0, ms=0)
    flyway.row("1", "<< Flyway Baseline >>", "BASELINE", "<< Flyway Baseline >>", None, ms=0)
    flyway.row("1.5", "Seed reference data", "JDBC", "db.migration.V1_5__Seed_reference_data", None)
    files = {"V1__old_schema.sql": b"CREATE TABLE app.old (id int);\n",
             "V1_2__late.sql": b"CREATE TABLE app.late (id int);\n",
             "V2__users.sql": b"CREATE TABLE app.users (id int);\n",
             "V3__orders.sql": b"CREATE TABLE app.orders (id int);\n"}
    for name, content in files.items():
        folder.write(name, content)
    FILES.update(files)
    try:
        flyway.migrate_file(folder, "V2__users.sql")
        runner = MigrationRunner(db.dsn, folder.path, schema="app", table="flyway_schema_history")
        info = runner.info()
        st = {i.script: i.state for i in info.infos}
        assert st == {"<< Flyway Baseline >>": "baseline", "V1__old_schema.sql": "below baseline",
                      "V1_2__late.sql": "ignored", "db.migration.V1_5__Seed_reference_data": "external",
                      "V2__users.sql": "applied", "V3__orders.sql": "pending"}
        # V1_2 is older than applied versions (the Java 1.5 counts): out of order, as in Flyway
        assert {p.kind for p in info.problems} == {"out_of_order"}
        (folder.path / "V1_2__late.sql").unlink()
        assert [s.script for s in runner.migrate().applied] == ["V3__orders.sql"]
        assert runner.validate().ok
        rows = flyway.rows()
        check_rows_as_flyway_writes_them(rows)
        assert [r[3] for r in rows] == ["SCHEMA", "BASELINE", "JDBC", "SQL", "SQL"]
        assert rows[-1][:2] == (4, "3")
        assert not table_exists(sql, "app.old")  # below the baseline: never run
        assert runner.repair().changed is False  # the Java migration is never marked deleted
    finally:
        for name in files:
            FILES.pop(name)


def test_failed_flyway_run_blocks_until_repaired(db, project, flyway, sql):
    flyway.create()
    for script in FLYWAY_PART:
        flyway.migrate_file(project, script)
    # Flyway failed on V04_11 outside a transaction and recorded it as failed
    flyway.row("04.11", "order total", "SQL", "V04_11__order_total.sql",
               flyway_crc(FILES["V04_11__order_total.sql"]), success=False)
    runner = MigrationRunner(db.dsn, project.path, table="flyway_schema_history")
    st = {i.script: i.state for i in runner.info().infos}
    assert st["V04_11__order_total.sql"] == "failed"
    with pytest.raises(ValidationFailed) as ei:
        runner.migrate()
    assert {p.kind for p in ei.value.problems} == {"failed"}
    assert runner.repair().removed_failed == ["V04_11__order_total.sql"]
    assert [s.script for s in runner.migrate().applied] == ["V04_11__order_total.sql", "V5__index.sql",
                                                            "R__order_totals.sql"]
    check_rows_as_flyway_writes_them(flyway.rows())
    assert runner.validate().ok


def test_removed_file_is_marked_deleted_as_flyway_does(db, project, flyway):
    """Flyway's repair appends a DELETE row copying the cancelled row's checksum and success
    (JdbcTableSchemaHistory.delete); the console writes the same into Flyway's table."""
    flyway.create()
    for script in FLYWAY_PART:
        flyway.migrate_file(project, script)
    (project.path / "V1_1__add_email.sql").unlink()
    runner = MigrationRunner(db.dsn, project.path, table="flyway_schema_history")
    assert {i.script: i.state for i in runner.info().infos}["V1_1__add_email.sql"] == "missing"
    assert runner.repair().marked_deleted == ["V1_1__add_email.sql"]
    last = flyway.rows()[-1]
    assert last == (6, "1.1", "add email", "DELETE", "V1_1__add_email.sql",
                    flyway_crc(FILES["V1_1__add_email.sql"]), True)
    assert {i.script: i.state for i in runner.info().infos}["V1_1__add_email.sql"] == "deleted"


def test_console_creates_flyways_table_layout(db, folder, sql):
    """A new flyway_schema_history made by the console is the table Flyway's DDL makes."""
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    MigrationRunner(db.dsn, folder.path, table="flyway_schema_history").migrate()
    sql('CREATE SCHEMA reference')
    sql(FLYWAY_DDL.format(schema="reference"))

    def layout(schema):
        cols = sql("SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid)"
                   " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                   " WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
                   [f"{schema}.flyway_schema_history"])
        idx = sql("SELECT indexname, replace(indexdef, %s, '') FROM pg_indexes WHERE schemaname = %s"
                  " ORDER BY indexname", [f"{schema}.", schema])
        return cols, idx

    assert layout("public") == layout("reference")
    assert [r[0] for r in layout("public")[1]] == ["flyway_schema_history_pk", "flyway_schema_history_s_idx"]
    assert sql("SELECT version, type, checksum FROM public.flyway_schema_history") == [
        ("1", "SQL", flyway_crc(b"CREATE TABLE a (id int);"))]


def test_console_format_stays_the_default_and_formats_are_not_mixed(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    runner = MigrationRunner(db.dsn, folder.path)
    runner.migrate()
    assert runner.info().history_label == "Aurora Console history (aurora_console_schema_history)"
    assert len(sql("SELECT checksum FROM public.aurora_console_schema_history")[0][0]) == 64  # sha256 hex
    from aurora_console.core.db.migrations import MigrationError

    with pytest.raises(MigrationError, match="use history format 'console'"):
        MigrationRunner(db.dsn, folder.path, history_format="flyway").info()
    # Flyway's format on demand for another table name
    other = MigrationRunner(db.dsn, folder.path, table="schema_changes", history_format="flyway")
    folder.write("V2__b.sql", "CREATE TABLE b (id int);")
    sql("DROP TABLE a")
    assert [s.script for s in other.migrate().applied] == ["V1__a.sql", "V2__b.sql"]
    assert other.info().history_label == "Flyway history (schema_changes)"
    assert sql("SELECT checksum FROM public.schema_changes ORDER BY installed_rank") == [
        (flyway_crc(b"CREATE TABLE a (id int);"),), (flyway_crc(b"CREATE TABLE b (id int);"),)]


def test_cli_on_flyways_table_never_crashes(db, project, flyway):
    """The reported crash: `--table flyway_schema_history` made info, validate, migrate and repair
    exit with `TypeError: 'int' object is not subscriptable` (Flyway's checksums are integers)."""
    import subprocess
    import sys

    flyway.create()
    for script in FLYWAY_PART:
        flyway.migrate_file(project, script)
    project.write("V1_1__add_email.sql", "ALTER TABLE users ADD COLUMN email text; -- edited\n")

    def cli(command):
        code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
        return subprocess.run([sys.executable, "-c", code, "migrate", command, "--dsn", db.dsn, "--dir",
                               str(project.path), "--table", "flyway_schema_history"],
                              capture_output=True, text=True, timeout=60)

    for command, code in [("info", 1), ("validate", 1), ("migrate", 1), ("repair", 0), ("migrate", 0),
                          ("validate", 0), ("info", 0)]:
        r = cli(command)
        assert "Traceback" not in r.stderr, r.stderr
        assert r.returncode == code, (command, r.stdout, r.stderr)
        if command == "info":
            assert "Flyway history (flyway_schema_history)" in r.stdout + r.stderr


def test_cli_without_table_takes_over_the_flyway_history_the_database_has(db, project, flyway, sql):
    """Without --table or a Flyway configuration file, the CLI uses the history table the database
    already has, as the migrations screen does (overview.existing_history_table): a database that
    Flyway manages is taken over, not given a second, console-format history beside Flyway's."""
    import subprocess
    import sys

    flyway.create()
    for script in FLYWAY_PART:
        flyway.migrate_file(project, script)

    def cli(command):
        code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
        return subprocess.run([sys.executable, "-c", code, "migrate", command, "--dsn", db.dsn, "--dir",
                               str(project.path)], capture_output=True, text=True, timeout=60)

    r = cli("info")
    assert "Flyway history (flyway_schema_history)" in r.stdout + r.stderr, r.stdout + r.stderr
    r = cli("migrate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert sql("SELECT to_regclass('public.aurora_console_schema_history') IS NULL") == [(True,)]
    assert cli("validate").returncode == 0


def test_a_row_with_an_impossible_version_is_an_error_not_a_traceback(db, folder, flyway):
    from aurora_console.core.db.migrations import MigrationError

    flyway.create()
    flyway.row("1.2-beta", "odd", "SQL", "V1_2-beta__odd.sql", 0)
    with pytest.raises(MigrationError, match="installed_rank 1: version '1.2-beta' is not a version number"):
        MigrationRunner(db.dsn, folder.path, table="flyway_schema_history").info()


# -- the real-world folders (tests/data/flyway_projects, vendored by the real-world test) ------------
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", ["marquez", "kestra", "conductor"])
def test_real_world_folder_half_migrated_by_flyway_is_finished_by_the_console(name, new_database, psql_tools,
                                                                            tmp_path):
    """The first half of a real project's migrations is applied by psql in Flyway's order and
    recorded as Flyway records them (rows computed independently by the real-world test's helpers);
    the console takes over, finishes, and the schema is the one psql gives for the whole folder."""
    from tests.integration.migrations import test_real_world_flyway as rw

    pg_tools = psql_tools
    project = next(p for p in rw.PROJECTS if p.name == name)
    files = rw.flyway_order(project.folder)
    half = len(files) // 2
    reference, taken_over = new_database(), new_database()
    rw.apply_with_psql(pg_tools, reference.name, project, tmp_path)
    for f in files[:half]:
        done = pg_tools("psql", taken_over.name, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(f.path))
        assert done.returncode == 0, done.stderr
    fw = FlywayHistory(taken_over.dsn)
    try:
        fw.create()
        for version, description, type_, script, checksum, success in rw.flyway_rows_expected(project)[:half]:
            fw.row(version, description, type_, script, checksum, success)
    finally:
        fw.conn.close()

    runner = MigrationRunner(taken_over.dsn, project.folder, table="flyway_schema_history",
                             out_of_order=project.out_of_order)
    info = runner.info()
    assert info.ok and info.history_format == "flyway"
    assert len(info.by_state("applied")) == half and len(info.pending) == len(files) - half
    applied = runner.migrate().applied
    assert [s.script.rsplit("/", 1)[-1] for s in applied] == [f.path.name for f in files[half:]]
    assert rw.schema_dump(pg_tools, taken_over.name) == rw.schema_dump(pg_tools, reference.name)
    assert rw.flyway_rows_written(taken_over.dsn) == rw.flyway_rows_expected(project)
    status = runner.validate()
    assert status.problems == [] and status.pending == []


@pytest.fixture
def psql_tools(pg_server, tmp_path):
    """The real-world test's psql/pg_dump runner (its fixture function, called directly)."""
    from tests.integration.migrations.test_real_world_flyway import pg_tools

    return pg_tools.__wrapped__(pg_server, tmp_path)
