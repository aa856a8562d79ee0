"""The migrations engine: info, validate, migrate (with dry run), baseline, repair.

``repair`` follows Flyway 7+: it removes failed rows, marks applied migrations whose file is gone
as deleted (a ``DELETE`` history row; see ``repair`` and ``status``), and realigns checksums.

Guarantees (see the module docs of ``lock`` and ``history``):

* one runner at a time per history table, through an advisory lock held on its own connection;
* each migration in its own transaction, unless ``transactions`` decides otherwise (statements
  PostgreSQL refuses in a transaction such as ``CREATE INDEX CONCURRENTLY``, a ``.sql.conf`` with
  ``executeInTransaction=false``, the directive ``-- aurora-console: no-transaction``, or a file
  with its own ``BEGIN``/``COMMIT``): then statement by statement in autocommit mode;
* a Flyway project's configuration (``config.FlywayConfig``): locations, placeholders (replaced
  before running; repeatables checksummed after replacement, as Flyway), SQL callbacks
  (``callbacks``), ``mixed``, ``validateOnMigrate``, ``baselineOnMigrate``, schemas;
* a failure rolls back, records nothing (or, without a transaction, records the migration as
  failed), names the file and line, stops the run and releases the lock.

The engine takes a connection factory, so it works the same over an SSH tunnel (the tunnel only
changes host and port) as directly.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as pgsql

from aurora_console.core.connections.engines.postgres import POSTGRES
from aurora_console.core.db.connection_engine import connect_engine

from .apply import Applier
from .callbacks import CallbackRunner, Callbacks, find_callbacks
from .config import FlywayConfig, load_config
from .errors import BaselineError, DiscoveryError, MigrationError, ValidationFailed
from .events import MigrationEvent
from .files import Discovery, MigrationFile, discover
from .history import (
    CONSOLE_BASELINE_DESCRIPTION,
    DEFAULT_SCHEMA,
    DEFAULT_TABLE,
    FLYWAY_BASELINE_DESCRIPTION,
    FLYWAY_TABLE,
    FORMAT_AUTO,
    SCHEMA_MARKER_DESCRIPTION,
    TYPE_BASELINE,
    TYPE_SCHEMA,
    AppliedMigration,
    HistoryTable,
)
from .ignore_patterns import IgnorePatterns
from .placeholders import Placeholders
from .prepared import PreparedMigration, Preparer
from .repair import RepairResult, plan_repair
from .session import LockedSession, open_connection
from .status import Status, compute_status
from .version import Version

ConnectFn = Callable[[], psycopg.Connection]
APPLICATION_NAME = "aurora-console migrate"


def connection_factory(
    conninfo: str | Mapping[str, Any], *, application_name: str = APPLICATION_NAME, connect_timeout: int = 10
) -> ConnectFn:
    """A factory of autocommit connections from a conninfo string or a dict of parameters."""
    params = dict(conninfo) if isinstance(conninfo, Mapping) else {}
    dsn = "" if isinstance(conninfo, Mapping) else conninfo
    params.setdefault("application_name", application_name)
    params.setdefault("connect_timeout", connect_timeout)

    def connect() -> psycopg.Connection:
        return POSTGRES.connect(dsn, autocommit=True, **params)

    return connect


@dataclass
class AppliedStep:
    script: str
    execution_ms: int


@dataclass
class MigrateResult:
    applied: list[AppliedStep] = field(default_factory=list)
    stopped: bool = False  # the user asked to stop after the current migration
    remaining: list[str] = field(default_factory=list)  # pending scripts not applied
    dry_run: bool = False
    plan: list[MigrationFile] = field(default_factory=list)  # dry run: what would run, in order
    prepared: list[PreparedMigration] = field(default_factory=list)  # the SQL run (placeholders replaced)


class MigrationRunner:
    #: the engine this runner speaks ("mysql": ``mysql.runner.MySqlMigrationRunner``)
    engine = "postgres"

    def __new__(cls, connect: Any = None, *args: Any, engine: str | None = None, **kwargs: Any) -> MigrationRunner:
        """``MigrationRunner(...)`` on MySQL connections is a ``MySqlMigrationRunner`` (picked by
        :func:`connect_engine`, or ``engine="mysql"``): callers never choose the class."""
        if cls is MigrationRunner and (engine or connect_engine(connect)) == "mysql":
            from .mysql.runner import MySqlMigrationRunner

            cls = MySqlMigrationRunner
        return super().__new__(cls)

    def __init__(
        self,
        connect: ConnectFn | str | Mapping[str, Any],
        folder: Path | str,
        *,
        schema: str = DEFAULT_SCHEMA,
        table: str = DEFAULT_TABLE,
        out_of_order: bool = False,
        lock_timeout: float = 30.0,
        installed_by: str | None = None,
        history_format: str = FORMAT_AUTO,
        ignore_migration_patterns: str | Sequence[str] | None = None,
        validate_migration_naming: bool = False,
        config: FlywayConfig | None = None,
        engine: str | None = None,
    ) -> None:
        """``engine``: "postgres" or "mysql" when ``connect`` does not say (see :func:`connect_engine`).
        ``history_format``: ``auto`` (an existing table decides; a new ``flyway_schema_history`` is
        Flyway's format, any other table the console's), ``flyway`` or ``console``.
        ``ignore_migration_patterns``: Flyway's ignoreMigrationPatterns (None: its default ``*:future``).
        ``validate_migration_naming``: Flyway's validateMigrationNaming (misnamed ``.sql`` files fail).
        ``config``: a Flyway project's settings (:func:`.config.load_config`): locations,
        placeholders, callbacks, mixed, validateOnMigrate, baselineOnMigrate, schemas... The
        explicit arguments above win over it (the CLI merges its options into them)."""
        self.connect: ConnectFn = connect if callable(connect) else connection_factory(connect)
        self.folder = Path(folder)
        self.config = config or FlywayConfig()
        self.history = HistoryTable(schema, table, history_format, flyway_project=self.config.from_files)
        self.ignore_patterns = IgnorePatterns.parse(ignore_migration_patterns)
        self.validate_migration_naming = validate_migration_naming
        self.out_of_order = out_of_order
        if lock_timeout < 0:
            raise ValueError("the lock timeout must be zero or more seconds")
        self.lock_timeout = lock_timeout
        self.installed_by = installed_by if installed_by is not None else self.config.installed_by
        #: Where migrations are read from: the configuration's locations, else the folder.
        self.locations: list[Path] = list(self.config.locations) or [self.folder]
        self.callbacks: Callbacks = find_callbacks([*self.locations, *self.config.callback_locations])
        self._server_version: int | None = None
        self._built_ins: dict[str, str] = {}

    @classmethod
    def for_project(cls, connect: ConnectFn | str | Mapping[str, Any], folder: Path | str, *,
                    config: FlywayConfig | None = None, env: Mapping[str, str] | None = None,
                    **overrides: Any) -> MigrationRunner:
        """A runner for a migrations folder with its Flyway configuration (``flyway.conf`` /
        ``flyway.toml`` in the folder or its parent, and ``FLYWAY_*`` from ``env``, default the
        process environment); ``overrides`` win over it. Raises ``ConfigError``."""
        config = config if config is not None else load_config(folder, env=env)
        settings = config.runner_settings()
        settings.update(overrides)
        return cls(connect, folder, config=config, **settings)

    # -- read-only -------------------------------------------------------------------------
    def discover(self) -> Discovery:
        """The migrations in every location; repeatables are checksummed after placeholder
        replacement (as Flyway), with the server's built-ins once a connection supplied them."""
        strict = self.validate_migration_naming
        if len(self.locations) == 1:
            discovery = discover(self.locations[0], strict_naming=strict)
        else:
            discovery = _merge([discover(loc, strict_naming=strict) for loc in self.locations])
        return self.preparer().with_repeatable_checksums(discovery)

    def placeholders(self) -> Placeholders:
        """Configured placeholders plus Flyway's built-ins (user and database once connected)."""
        c = self.config
        sep = c.placeholder_separator
        built = {f"flyway{sep}{k}": v for k, v in self._built_ins.items()}
        built[f"flyway{sep}defaultSchema"] = self.history.schema
        built[f"flyway{sep}table"] = self.history.table
        built[f"flyway{sep}environment"] = c.environment
        built[f"flyway{sep}workingDirectory"] = os.getcwd()
        built[f"flyway{sep}timestamp"] = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        built.update(c.placeholders)
        return Placeholders(built, c.placeholder_prefix, c.placeholder_suffix, sep, c.placeholder_replacement)

    def preparer(self) -> Preparer:
        return Preparer(self.placeholders(), self._server_version, self.config.mixed,
                        self.config.execute_in_transaction)

    def prepare(self, mig: MigrationFile) -> PreparedMigration:
        """How ``mig`` would run: its SQL with placeholders replaced, and whether it runs in a
        transaction and why (``.transaction.reason``). Raises ``PlaceholderError`` or
        ``ScriptConfigError`` for a file that cannot be prepared."""
        return self.preparer().prepare(mig)

    def info(self) -> Status:
        """State of every migration; never writes (the history table is not created).

        Pending migrations are not problems here (as in Flyway's ``info``); ``validate`` reports them.
        ``beforeInfo``/``afterInfo`` callbacks, when the project has them, do run."""
        return self._status(self.ignore_patterns.with_pending(), events="Info")

    def validate(self) -> Status:
        """Raise :class:`DiscoveryError` or :class:`ValidationFailed`; return the status when fine.

        As Flyway's ``validate``: pending migrations fail it unless ``*:pending`` is ignored; a
        pending file that cannot be prepared (placeholder without a value, mixed statements, bad
        ``.sql.conf``) fails it too."""
        return self._status(self.ignore_patterns, events="Validate", check=True)

    def _status(self, ignore: IgnorePatterns, discovery: Discovery | None = None,
                rows: list[AppliedMigration] | None = None, *, events: str = "", check: bool = False) -> Status:
        if rows is None:
            with self._open() as conn:
                self._learn_server(conn)
                runner = self._callback_runner()
                self._callback(runner, f"before{events}", conn)
                try:
                    status = self._status(ignore, discovery, self.history.read(conn), check=check)
                except MigrationError:
                    self._callback(runner, f"after{events}Error", conn, quiet=True)
                    raise
                self._callback(runner, f"after{events}", conn)
                return status
        discovery = discovery if discovery is not None else self.discover()
        status = compute_status(discovery, rows, out_of_order=self.out_of_order, ignore=ignore)
        status.history_label, status.history_format = self.history.label, self.history.format
        if check:
            _raise_for(status)
            _raise_for_prepare(self.preparer().prepare_all(status.pending)[1])
        return status

    # -- writes, under the lock ------------------------------------------------------------
    def migrate(
        self,
        *,
        task: Any = None,
        on_event: Callable[[MigrationEvent], None] | None = None,
        dry_run: bool = False,
    ) -> MigrateResult:
        emit = on_event or (lambda ev: None)
        if dry_run:
            status = self._status(self.ignore_patterns.with_pending(), check=True)
            prepared, problems = self.preparer().prepare_all(status.pending)
            _raise_for_prepare(problems)
            return MigrateResult(
                dry_run=True, plan=list(status.pending), remaining=[m.script for m in status.pending],
                prepared=prepared,
            )
        with self._locked(task, emit) as (work, lock):
            self._learn_server(work)
            discovery = self.discover()
            if discovery.problems:
                raise DiscoveryError(discovery.problems)
            runner = self._callback_runner(emit)
            created = self._use_schemas(work)
            try:
                self._callback(runner, "beforeMigrate", work)
                result = self._migrate_locked(work, lock, discovery, runner, task, emit, created)
            except MigrationError:
                self._callback(runner, "afterMigrateError", work, quiet=True)
                raise
            if result.applied:
                self._callback(runner, "afterMigrateApplied", work)
            self._callback(runner, "afterMigrate", work)
            return result

    def _migrate_locked(self, work, lock, discovery: Discovery, runner: CallbackRunner | None, task: Any,
                        emit: Callable[[MigrationEvent], None], created_schemas: list[str] | None = None
                        ) -> MigrateResult:
        # As Flyway's migrate: the schemas are looked at before the history table exists (its own
        # indexes are not objects of an "existing database"), and schemas the run created are
        # recorded with Flyway's SCHEMA marker (DbSchemas.create / SchemaHistory.addSchemasMarker).
        new_table = not self.history.exists(work)
        existing_objects = new_table and (self.config.baseline_on_migrate or self.history.flyway) \
            and self._schema_has_objects(work)
        if existing_objects and not self.config.baseline_on_migrate:
            # Flyway's migrate refuses an "existing database" without a history table rather than
            # running every file over it (DbMigrate / Flyway.migrate: "Found non-empty schema(s)").
            names = ", ".join(f'"{s}"' for s in (self.config.schemas or [self.history.schema]))
            raise BaselineError(
                f"Found non-empty schema(s) {names} but no schema history table "
                f"{self.history.table!r}: run baseline first (at the version the schema is at), or set "
                "baselineOnMigrate=true, so that Flyway's migrations are not run over existing objects")
        self.history.create(work)
        if new_table and created_schemas and self.history.flyway:
            self.history.insert(work, rank=0, version=None, description=SCHEMA_MARKER_DESCRIPTION, type=TYPE_SCHEMA,
                                script=self._quoted_schemas(work, created_schemas),
                                checksum=None, execution_ms=0, success=True, installed_by=self.installed_by)
        rows = self.history.read(work)
        if not rows and existing_objects:
            self._insert_baseline(work, Version.parse(self.config.baseline_version),
                                  self.config.baseline_description, rank=1)
            emit(MigrationEvent("log", "", 0, 0, message=f"baselineOnMigrate: baseline at version "
                                                          f"{self.config.baseline_version} recorded"))
            rows = self.history.read(work)
        status = self._status(self.ignore_patterns.with_pending(), discovery, rows)
        if self.config.validate_on_migrate:
            _raise_for(status)
        else:
            _raise_for(Status([], [p for p in status.problems if p.kind in _DISCOVERY_KINDS]))
        prepared, problems = self.preparer().prepare_all(status.pending)
        _raise_for_prepare(problems)
        rank = max((r.installed_rank for r in rows), default=0) + 1
        result = MigrateResult(remaining=[m.script for m in status.pending], prepared=prepared)
        total = len(prepared)
        emit(MigrationEvent("plan", "", 0, total, message=f"{total} migration(s) to apply"))
        applier = self._applier(runner)
        versioned_done = False
        for index, prep in enumerate(prepared):
            mig = prep.migration
            if task is not None and task.cancelled:
                result.stopped = True
                emit(MigrationEvent("stopped", "", index, total,
                                    message=f"stopped by the user; {total - index} migration(s) not applied"))
                break
            if mig.repeatable and not versioned_done:
                versioned_done = True
                self._callback(runner, "afterVersioned", work)
                self._callback(runner, "beforeRepeatables", work)
            lock.check_alive()
            ms = applier.apply(work, lock, prep, rank, index, total, task, emit)
            rank += 1
            result.applied.append(AppliedStep(mig.script, ms))
            result.remaining.remove(mig.script)
        else:
            if not versioned_done:
                self._callback(runner, "afterVersioned", work)
        if task is not None:
            task.progress(100, f"{len(result.applied)} migration(s) applied")
        return result

    def baseline(self, version: str | Version, description: str | None = None) -> AppliedMigration:
        """Adopt an existing database at ``version``: migrations up to it are never applied.

        ``description`` (also the row's script, as Flyway writes it) defaults to Flyway's
        ``<< Flyway Baseline >>`` in Flyway's table and ``<< Baseline >>`` in the console's."""
        v = version if isinstance(version, Version) else Version.parse(str(version))
        with self._locked(None, lambda ev: None) as (work, _lock):
            self._learn_server(work)
            runner = self._callback_runner()
            self._callback(runner, "beforeBaseline", work)
            try:
                row = self._baseline_locked(work, v, description)
            except MigrationError:
                self._callback(runner, "afterBaselineError", work, quiet=True)
                raise
            self._callback(runner, "afterBaseline", work)
            return row

    def _baseline_locked(self, work: psycopg.Connection, v: Version, description: str | None) -> AppliedMigration:
        self.history.create(work)
        if description is None:  # the table's format is known now
            description = FLYWAY_BASELINE_DESCRIPTION if self.history.flyway else CONSOLE_BASELINE_DESCRIPTION
        rows = self.history.read(work)
        if any(r.baseline for r in rows):
            raise BaselineError("The database already has a baseline; nothing changed.")
        applied = [r for r in rows if r.success and not r.schema_marker]
        if applied:
            raise BaselineError(
                f"The history table {self.history.qualified_name} already records {len(applied)} "
                "migration(s); a baseline is only for a database that has none."
            )
        rank = max((r.installed_rank for r in rows), default=0) + 1
        self._insert_baseline(work, v, description, rank=rank)
        return next(r for r in self.history.read(work) if r.installed_rank == rank)

    def _insert_baseline(self, work: psycopg.Connection, v: Version, description: str, *, rank: int) -> None:
        self.history.insert(
            work,
            rank=rank,
            version=v,
            description=description,
            type=TYPE_BASELINE,
            script=description,  # as Flyway: the script column holds the baseline description
            checksum=None,
            execution_ms=0,
            success=True,
            installed_by=self.installed_by,
        )

    def repair(self) -> RepairResult:
        """Remove failed entries, mark applied migrations whose file is gone as deleted, and realign
        checksums and descriptions of applied versioned migrations to their files.

        All in one transaction under the migrations lock; nothing else in the database changes.
        A migration marked deleted gets a ``DELETE`` row (installed_by, now, execution time 0,
        success, same version/description/script, checksum NULL) and is never applied again, even
        if its file comes back: that is then a validation problem, not a pending migration
        (Flyway would run such a file again when its version is newer than the current one; we
        do not), unless it is the very file that ran (same checksum): then ``repair`` removes
        the ``DELETE`` rows and it is applied again in ``info`` (``restored``). Repeatables whose file is gone are marked too; if their file returns they run
        again, as repeatables do. Running ``repair`` twice changes nothing the second time.
        """
        with self._locked(None, lambda ev: None) as (work, _lock):
            self._learn_server(work)
            discovery = self.discover()
            if discovery.problems:
                raise DiscoveryError(discovery.problems)
            runner = self._callback_runner()
            self._callback(runner, "beforeRepair", work)
            try:
                result = self._repair_locked(work, discovery)
            except MigrationError:
                self._callback(runner, "afterRepairError", work, quiet=True)
                raise
            self._callback(runner, "afterRepair", work)
            return result

    def _repair_locked(self, work: psycopg.Connection, discovery: Discovery) -> RepairResult:
        with self._transaction(work):
            if not self.history.exists(work):
                return RepairResult()
            rows = self.history.read(work)
            plan = plan_repair(discovery, rows, self.ignore_patterns)
            if plan.remove_failed:
                self.history.delete_failed(work)
            for row, f in plan.realign:
                self.history.realign(work, row.installed_rank, f)
            for _script, markers in plan.restore:
                self.history.delete_rows(work, [m.installed_rank for m in markers])
            rank = max((r.installed_rank for r in rows), default=0) + 1
            for row in plan.mark_deleted:
                self.history.mark_deleted(work, row, rank=rank, installed_by=self.installed_by)
                rank += 1
        return plan.result()

    # -- internals -------------------------------------------------------------------------
    def _open(self) -> psycopg.Connection:
        return open_connection(self.connect)

    def _locked(self, task: Any, emit: Callable[[MigrationEvent], None]) -> LockedSession:
        return LockedSession(self.connect, self.history.qualified_name, self.lock_timeout, task, emit)

    def _applier(self, runner: CallbackRunner | None) -> Applier:
        return Applier(self.history, self.installed_by, runner)

    def _transaction(self, work: psycopg.Connection):
        return work.transaction()

    def _quoted_schemas(self, work: psycopg.Connection, schemas: list[str]) -> str:
        """Flyway's SCHEMA marker row lists the schemas it created, quoted, comma-separated."""
        return ",".join(pgsql.Identifier(s).as_string(work) for s in schemas)

    def _learn_server(self, conn: psycopg.Connection) -> None:
        """Server version (for ``ALTER TYPE ... ADD VALUE``) and the built-in placeholders' values."""
        self._server_version = conn.info.server_version
        row = conn.execute("SELECT current_user, current_database()").fetchone()
        if row:
            self._built_ins = {"user": row[0], "database": row[1]}

    def _callback_runner(self, emit: Callable[[MigrationEvent], None] | None = None) -> CallbackRunner | None:
        if not self.callbacks:
            return None
        log = (lambda text: emit(MigrationEvent("log", "", 0, 0, message=text))) if emit else None
        return CallbackRunner(self.callbacks, self.placeholders(), self._server_version, log)

    def _callback(self, runner: CallbackRunner | None, event: str, conn: psycopg.Connection, *,
                  quiet: bool = False) -> None:
        """Run ``event``'s callbacks; ``quiet`` (error callbacks): a failure there is not raised."""
        if runner is None or not self.callbacks.of(event):
            return
        if quiet:
            if conn.closed or conn.broken:
                return
            try:
                runner.run(event, conn)
            except (MigrationError, psycopg.Error):
                pass
            return
        runner.run(event, conn)

    def _use_schemas(self, work: psycopg.Connection) -> list[str]:
        """Flyway's schemas: create them (createSchemas) and put the default one first on the
        work connection's search_path (as Flyway's PostgreSQLConnection.changeCurrentSchemaTo).
        Returns the schemas it created."""
        c = self.config
        created: list[str] = []
        if not c.schemas and not c.default_schema:
            return created
        names = list(dict.fromkeys([*([c.default_schema] if c.default_schema else []), *c.schemas]))
        for name in names:
            exists = work.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name]).fetchone()
            if exists:
                continue
            if not c.create_schemas:
                raise MigrationError(f"The schema {name} does not exist and createSchemas is false",
                                     hint="Create it first, or allow Flyway's createSchemas.")
            work.execute(pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(name)))
            created.append(name)
        default = c.history_schema
        current = work.execute("SELECT current_setting('search_path')").fetchone()[0]
        quoted = pgsql.Identifier(default).as_string(work)
        if current.split(",")[0].strip() not in (default, quoted):
            work.execute("SELECT set_config('search_path', %s, false)",
                         [f"{quoted}, {current}" if current.strip() else quoted])
        return created

    def _schema_has_objects(self, work: psycopg.Connection) -> bool:
        """baselineOnMigrate applies to a non-empty schema (Flyway: "existing database"): one with a
        table, view, materialized view, foreign table or sequence other than a history table (the
        console's or Flyway's: their own indexes are not objects of the schema either)."""
        names = list(self.config.schemas) or [self.history.schema]
        histories = sorted({self.history.table, DEFAULT_TABLE, FLYWAY_TABLE})
        row = work.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
            " AND NOT c.relname = ANY(%s))", [names, histories]).fetchone()
        return bool(row and row[0])


_DISCOVERY_KINDS = {"bad_name", "duplicate", "empty", "encoding", "directive", "tx_control", "folder",
                    "script_config"}


def _raise_for_prepare(problems: list) -> None:
    if problems:
        raise DiscoveryError(problems)


def _merge(parts: list[Discovery]) -> Discovery:
    """One discovery from several locations (Flyway merges its locations the same way)."""
    from .files import _duplicates

    first = parts[0]
    merged = dataclasses.replace(first, migrations=[], problems=[], warnings=[], undo=[], ignored=[])
    for d in parts:
        merged.migrations += d.migrations
        merged.problems += [p for p in d.problems if p.kind != "duplicate"]
        merged.warnings += d.warnings
        merged.undo += d.undo
        merged.ignored += d.ignored
    merged.problems += _duplicates(merged.migrations)
    merged.migrations.sort(key=MigrationFile.sort_key)
    return merged


def _raise_for(status: Status) -> None:
    discovery_kinds = _DISCOVERY_KINDS
    disc = [p for p in status.problems if p.kind in discovery_kinds]
    if disc:
        raise DiscoveryError(disc)
    if status.problems:
        raise ValidationFailed(status.problems)
