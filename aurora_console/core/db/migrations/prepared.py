"""A migration ready to run: its SQL with placeholders replaced, its statements, how it runs and why.

Preparing is pure (no database access beyond the server version passed in), so ``migrate`` can
prepare every pending migration first and refuse the whole run, naming every file, before anything
is applied (a missing placeholder value, a ``.sql.conf`` it cannot read, statements that cannot
share a transaction).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from aurora_console.core.db.sql_split import Statement, split_sql

from .checksum import console_checksum, flyway_checksum
from .errors import Problem
from .files import Discovery, MigrationFile
from .placeholders import PlaceholderError, Placeholders
from .script_config import ScriptConfig, ScriptConfigError, load_script_config
from .transactions import TxDecision, decide


@dataclass(frozen=True)
class PreparedMigration:
    migration: MigrationFile
    sql: str  # what runs: the file with placeholders replaced
    statements: list[Statement]
    transaction: TxDecision
    config: ScriptConfig

    @property
    def script(self) -> str:
        return self.migration.script


@dataclass(frozen=True)
class Preparer:
    """How files are turned into runnable SQL for one run (the project's settings)."""

    placeholders: Placeholders = Placeholders(enabled=False)
    server_version: int | None = None
    mixed: bool = False
    execute_in_transaction: bool = True

    def script_config(self, mig: MigrationFile) -> ScriptConfig:
        return load_script_config(mig.filename)

    def replaced(self, mig: MigrationFile, conf: ScriptConfig) -> str:
        if conf.placeholder_replacement is False:
            return mig.sql
        return self.placeholders.replace(mig.sql, mig.script, filename=mig.path.name)

    def prepare(self, mig: MigrationFile) -> PreparedMigration:
        """Raises :class:`PlaceholderError` or :class:`ScriptConfigError`."""
        conf = self.script_config(mig)
        sql = self.replaced(mig, conf)
        statements = mig.statements if sql is mig.sql else split_sql(sql)
        decision = decide(
            statements,
            script=mig.script,
            execute_in_transaction=conf.execute_in_transaction,
            conf_name=conf.name,
            directive=mig.no_transaction,
            server_version=self.server_version,
            mixed=self.mixed,
            default_in_transaction=self.execute_in_transaction,
        )
        return PreparedMigration(mig, sql, statements, decision, conf)

    def prepare_all(self, migrations: list[MigrationFile]) -> tuple[list[PreparedMigration], list[Problem]]:
        """Every migration prepared, and a problem for each one that cannot run as configured."""
        out: list[PreparedMigration] = []
        problems: list[Problem] = []
        for mig in migrations:
            try:
                p = self.prepare(mig)
            except PlaceholderError as e:
                problems.append(Problem(mig.script, e.problem_text, "placeholder"))
                continue
            except ScriptConfigError as e:
                problems.append(Problem(mig.script, str(e), "script_config"))
                continue
            if p.transaction.problem:
                problems.append(Problem(mig.script, p.transaction.problem, "mixed"))
                continue
            out.append(p)
        return out, problems

    def with_repeatable_checksums(self, discovery: Discovery) -> Discovery:
        """Repeatables checksummed after placeholder replacement, as Flyway does (see ``placeholders``).

        Versioned migrations keep the checksum of the file as written. A repeatable whose
        placeholders cannot be replaced keeps its raw checksum; ``migrate`` reports the problem.
        """
        if not self.placeholders.enabled:
            return discovery
        changed = False
        migrations = []
        for mig in discovery.migrations:
            if mig.repeatable and self.placeholders.prefix in mig.sql:
                try:
                    conf = self.script_config(mig)
                    text = self.replaced(mig, conf)
                except (PlaceholderError, ScriptConfigError):
                    text = mig.sql
                if text != mig.sql:
                    # Flyway accepts the as-written checksum as equivalent (checksumMatches) and its
                    # repair rewrites it (ResolvedMigrationImpl, DbRepair; flyway-13.0.0)
                    mig = dataclasses.replace(mig, checksum=console_checksum(text), crc32=flyway_checksum(text),
                                              equivalent=(mig.checksum, mig.flyway_checksum))
                    changed = True
            migrations.append(mig)
        if not changed:
            return discovery
        return dataclasses.replace(discovery, migrations=migrations)
