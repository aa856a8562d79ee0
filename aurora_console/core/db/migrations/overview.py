"""What the migrations screen shows about a folder and a database, read in one go (Qt-free).

:func:`project_runner` builds the runner a screen uses for a folder: the Flyway project's
settings (``flyway.conf``/``flyway.toml``/``FLYWAY_*``, see :mod:`.config`) when the folder has
them, and the history table chosen as a DBA expects:

1. the table given explicitly, else the configuration's ``table``;
2. else ``flyway_schema_history`` when the folder has a Flyway configuration file
   (``FlywayConfig.runner_settings``);
3. else whichever history table the database already has in the schema: the console's own
   (``aurora_console_schema_history``) first, then Flyway's (``flyway_schema_history``), so a
   database that Flyway manages is taken over without any setting;
4. else (nothing yet) the console's own.

:func:`read_overview` then reads the :class:`Overview`: the status, which history format was found
(or will be created), how each file runs (in a transaction or not, and why, or why it cannot run),
the files ignored with their warning (Flyway callbacks of events the console does not run among
them), the callbacks it runs, and the entries applied by another tool (JDBC, Java...) that the
console shows as external and never runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from aurora_console.core.errors import ConsoleError

from .config import load_config
from .engine import MigrationRunner, connect_engine
from .errors import Problem
from .history import DEFAULT_TABLE, FLYWAY_TABLE, FORMAT_LABELS
from .session import open_connection
from .status import EXTERNAL, MigrationInfo, Status
from .transactions import TxDecision

IGNORED_FILE = "ignored_file"  # the kind of a discovery warning about a file that is not run


@dataclass
class Overview:
    status: Status
    schema: str
    table: str
    history_format: str  # "flyway" | "console"
    history_found: bool  # the table exists (else: the format it will be created in)
    config_sources: tuple[str, ...] = ()  # Flyway configuration files (and "environment") read
    transactions: dict[str, TxDecision] = field(default_factory=dict)  # script -> how it runs
    callbacks: tuple[str, ...] = ()  # callback scripts the console runs (beforeMigrate.sql...)
    unsupported_callbacks: list[Problem] = field(default_factory=list)  # callback files it does not run

    @property
    def history_text(self) -> str:
        """'Flyway history (public.flyway_schema_history)', '... (... ; not created yet)'."""
        where = f"{self.schema}.{self.table}"
        return f"{FORMAT_LABELS[self.history_format]} ({where}{'' if self.history_found else '; not created yet'})"

    @property
    def ignored(self) -> list[Problem]:
        """Files that are not run (misnamed ``.sql`` files, baseline scripts, callbacks of events the
        console does not run), each with its warning."""
        return [w for w in self.status.warnings if w.kind == IGNORED_FILE] + self.unsupported_callbacks

    @property
    def external(self) -> list[MigrationInfo]:
        """Entries another tool applied (JDBC, Java, scripts...): shown, never run by the console."""
        return self.status.by_state(EXTERNAL)

    def without_transaction(self) -> dict[str, str]:
        """Scripts that run outside a transaction, with the reason."""
        return {s: d.reason for s, d in self.transactions.items() if not d.problem and not d.in_transaction}


def project_runner(
    connect: Callable[[], psycopg.Connection],
    folder: Path | str,
    *,
    schema: str | None = None,
    table: str | None = None,
    out_of_order: bool | None = None,
    lock_timeout: float = 30.0,
) -> MigrationRunner:
    """The runner for ``folder`` with its Flyway settings (:meth:`MigrationRunner.for_project`) and
    the history table chosen as the module docs say. Reads files and (only when it has to choose the
    table) the database: call it off the UI thread. Raises :class:`~.config.ConfigError` for a
    configuration it cannot use."""
    config = load_config(folder)
    overrides: dict = {"lock_timeout": lock_timeout}
    if schema is not None:
        overrides["schema"] = schema
    if out_of_order is not None:
        overrides["out_of_order"] = out_of_order
    if table is not None:
        overrides["table"] = table
    elif not config.table and not config.from_files:
        overrides["table"] = existing_history_table(connect, schema or config.runner_settings()["schema"])
    return MigrationRunner.for_project(connect, folder, config=config, **overrides)


def existing_history_table(connect: Callable[[], psycopg.Connection], schema: str) -> str:
    """The history table the database already has in ``schema`` (the console's, then Flyway's),
    else the console's default: rule 3 and 4 of the module docs, shared by the screen and the CLI."""
    if connect_engine(connect) == "mysql":
        from .mysql.connection import close_quietly
        from .mysql.connection import open_connection as open_mysql
        from .mysql.runner import existing_history_table as existing_mysql_table

        conn = open_mysql(connect)
        try:
            return existing_mysql_table(conn, schema)
        finally:
            close_quietly(conn)
    with open_connection(connect) as conn:
        for name in (DEFAULT_TABLE, FLYWAY_TABLE):
            row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}"."{name}"']).fetchone()
            if row and row[0]:
                return name
    return DEFAULT_TABLE


def read_overview(runner: MigrationRunner) -> Overview:
    """The runner's status and everything the screen shows beside it (reads the folder and the
    history table; writes nothing)."""
    status = runner.info()
    transactions: dict[str, TxDecision] = {}
    for info in status.infos:
        if info.file is None:
            continue
        try:
            transactions[info.script] = runner.prepare(info.file).transaction
        except (ConsoleError, ValueError) as e:  # a placeholder without a value, a bad .sql.conf
            text = e.message if isinstance(e, ConsoleError) else str(e)
            transactions[info.script] = TxDecision(True, problem=text)
    history = runner.history
    return Overview(
        status=status,
        schema=history.schema,
        table=history.table,
        history_format=history.format,
        history_found=history.found,
        config_sources=tuple(runner.config.sources),
        transactions=transactions,
        callbacks=tuple(sorted(cb.script for scripts in runner.callbacks.scripts.values() for cb in scripts)),
        unsupported_callbacks=[
            Problem(cb.script, f"a Flyway {cb.event} callback: the console does not run {cb.event} callbacks",
                    IGNORED_FILE) for cb in runner.callbacks.unsupported],
    )
