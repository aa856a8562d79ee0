"""``aurora-console migrate {info,migrate,validate,baseline,repair}``: the migrations engine, headless.

Exit codes: 0 success; 1 the operation failed (validation problems, a failed migration, the lock
not obtained, no connection); 2 bad usage (no connection given, bad folder or option).

The connection comes from ``--dsn`` (a libpq conninfo string or URI), or from the libpq
environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE...) when ``--dsn`` is not
given, or from a saved connection profile (``--profile NAME``, through its bastion tunnel if it has
one; its migrations folder is the default ``--dir``; a MySQL profile runs the MySQL engine, see
``core.db.migrations.mysql``), or from a Flyway project's ``flyway.url``/
``flyway.user``/``flyway.password`` when none of those is given. Passwords are never printed.

A Flyway project's configuration is read too (``core.db.migrations.config``): ``flyway.conf`` /
``flyway.toml`` in the migrations folder or its parent (or ``--config FILE``), and ``FLYWAY_*``
environment variables. Command-line options win over the environment, which wins over the files.
When a configuration file is found, the default history table is Flyway's ``flyway_schema_history``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TextIO

COMMANDS = ("info", "migrate", "validate", "baseline", "repair")


def add_migrate_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "migrate", help="versioned SQL migrations (info, migrate, validate, baseline, repair)",
        description="Apply and inspect versioned SQL migrations (V<version>__<description>.sql, "
                    "R__<description>.sql) with a history table and an advisory lock. `repair` removes "
                    "failed entries, marks applied migrations whose file is gone as deleted (never "
                    "applied again) and accepts edited checksums.")
    p.add_argument("command", choices=COMMANDS, help="what to do")
    conn = p.add_mutually_exclusive_group()
    conn.add_argument("--dsn", help="libpq connection string or URI (default: the PG* environment variables)")
    conn.add_argument("--profile", dest="connection_profile", metavar="NAME",
                      help="connection profile name (opens its SSH tunnel if it has one)")
    p.add_argument("--dir", type=Path, help="migrations folder (default: the profile's migrations folder)")
    p.add_argument("--schema", default=None,
                   help="schema of the history table (default: Flyway's defaultSchema/schemas, else public)")
    p.add_argument("--table", default=None,
                   help="history table name (default: aurora_console_schema_history; flyway_schema_history "
                        "in a Flyway project)")
    p.add_argument("--history-format", choices=("auto", "flyway", "console"), default="auto",
                   help="history table format: auto (an existing table decides; a new flyway_schema_history "
                        "is Flyway's format, any other table the console's), flyway or console")
    p.add_argument("--out-of-order", action="store_true", default=None,
                   help="apply pending migrations older than the latest applied one")
    p.add_argument("--config", action="append", type=Path, metavar="FILE",
                   help="Flyway configuration file (flyway.conf or flyway.toml; repeatable; default: found "
                        "in the migrations folder or its parent)")
    p.add_argument("--no-config", action="store_true",
                   help="ignore Flyway configuration files and FLYWAY_* environment variables")
    p.add_argument("--placeholder", action="append", default=[], metavar="NAME=VALUE",
                   help="placeholder value for ${NAME} (repeatable; wins over the configuration)")
    p.add_argument("--mixed", action="store_true", default=None,
                   help="allow files mixing statements that cannot run in a transaction with others "
                        "(they then run without one; Flyway's mixed)")
    p.add_argument("--ignore-migration-patterns", default=None, metavar="PATTERNS",
                   help="Flyway's ignoreMigrationPatterns, e.g. '*:missing,repeatable:pending'")
    p.add_argument("--validate-migration-naming", action="store_true", default=None,
                   help="misnamed .sql files are errors instead of warnings")
    p.add_argument("--lock-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for another runner's lock (default: 30)")
    p.add_argument("--baseline-version", default=None, help="version recorded by `baseline` (default: 1)")
    p.add_argument("--baseline-description", default=None, help="description recorded by `baseline`")
    p.add_argument("--dry-run", action="store_true", help="migrate: print the SQL that would run, change nothing")
    p.add_argument("--profiles-file", help=argparse.SUPPRESS)
    p.set_defaults(func=run_migrate)
    return p


def run_migrate(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    import psycopg

    from aurora_console.core.db.migrations import MigrationError, MigrationRunner
    from aurora_console.core.db.migrations.config import ConfigError
    from aurora_console.core.db.migrations.history import check_identifier
    from aurora_console.core.db.migrations.overview import existing_history_table

    try:
        if args.schema is not None:
            check_identifier(args.schema, "schema")
        if args.table is not None:
            check_identifier(args.table, "table")
        if args.lock_timeout < 0:
            raise ValueError("--lock-timeout must be zero or more seconds")
        extra_placeholders = _placeholders(args.placeholder)
    except ValueError as e:
        print(f"error: {e}", file=err)
        return 2
    try:
        config = _load_config(args)
    except ConfigError as e:
        print(f"error: {e.user_text()}", file=err)
        return 2
    try:
        with _connection(args, config) as (connect, folder):
            if folder is None:
                print("error: give the migrations folder with --dir", file=err)
                return 2
            if not folder.is_dir():
                print(f"error: the migrations folder {folder} does not exist", file=err)
                return 2
            if config is None:
                config = _load_config(args, folder)
            for loc in config.locations:
                if not loc.is_dir():
                    print(f"error: the location {loc} (from the Flyway configuration) does not exist", file=err)
                    return 2
            if extra_placeholders:
                config = dataclasses.replace(config, placeholders={**config.placeholders, **extra_placeholders})
            if args.mixed:
                config = dataclasses.replace(config, mixed=True)
            settings = _settings(args, config)
            if not args.table and not config.table and not config.from_files:
                # as the screen does: a database Flyway manages is taken over with no setting
                settings["table"] = existing_history_table(connect, settings["schema"])
            try:
                runner = MigrationRunner(connect, folder, config=config, lock_timeout=args.lock_timeout, **settings)
            except ValueError as e:
                raise _Usage(str(e)) from e
            if config.found:
                print(f"Flyway configuration: {', '.join(config.sources)}", file=err)
            for cb in runner.callbacks.unsupported:
                print(f"warning: callback {cb.script}: the console does not run {cb.event} callbacks", file=err)
            return _COMMANDS[args.command](runner, args, out)
    except _Usage as e:
        print(f"error: {e}", file=err)
        return 2
    except ConfigError as e:  # a profile's folder: its configuration is read once connected
        print(f"error: {e.user_text()}", file=err)
        return 2
    except MigrationError as e:
        print(f"error: {e.user_text()}", file=err)
        return 1
    except psycopg.Error as e:  # the server refused (read-only session, privileges, a lock timeout...)
        print(f"error: {_database_error_text(e)}", file=err)
        return 1
    except Exception as e:  # a MySQL profile's server refused: the MySQL driver's error, worded the same way
        if not _is_mysql_error(e):
            raise
        print(f"error: {_mysql_error_text(e)}", file=err)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: the running file's transaction was rolled back, the lock released
        print("error: interrupted; nothing more was applied (see `migrate info`)", file=err)
        return 130


def _database_error_text(e: Exception) -> str:
    """'the database refused: <primary message> (SQLSTATE xxxxx)' from a psycopg error."""
    diag = getattr(e, "diag", None)
    lines = str(e).strip().splitlines()
    message = getattr(diag, "message_primary", None) or (lines[0] if lines else type(e).__name__)
    sqlstate = getattr(e, "sqlstate", None)
    return f"the database refused: {message}" + (f" (SQLSTATE {sqlstate})" if sqlstate else "")


def _is_mysql_error(e: BaseException) -> bool:
    from aurora_console.core.db.migrations.mysql.connection import is_error

    return is_error(e)


def _mysql_error_text(e: BaseException) -> str:
    """'the database refused: <message> (MySQL error 1142)' from a MySQL driver error."""
    from aurora_console.core.db.migrations.mysql.connection import error_code, error_text

    code = error_code(e)
    return f"the database refused: {error_text(e)}" + (f" (MySQL error {code})" if code is not None else "")


class _Usage(Exception):
    pass


def _placeholders(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--placeholder {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


def _load_config(args: argparse.Namespace, folder: Path | None = None):
    """The Flyway configuration: explicit --config files, else found next to the folder.

    Returns None while the folder is not known yet (a profile's folder comes with its connection)."""
    from aurora_console.core.db.migrations.config import FlywayConfig, load_config

    if args.no_config:
        return FlywayConfig()
    if args.config:
        return load_config(config_files=args.config)
    folder = folder or args.dir
    if folder is None:
        return None
    return load_config(folder)


def _settings(args: argparse.Namespace, config) -> dict:
    """Runner settings: command-line options over the Flyway configuration over the defaults."""
    if config.found:
        config_set = config.set
        if args.baseline_version is None and "baselineVersion" in config_set:
            args.baseline_version = config.baseline_version
        if args.baseline_description is None and "baselineDescription" in config_set:
            args.baseline_description = config.baseline_description
    if args.baseline_version is None:
        args.baseline_version = "1"
    if args.baseline_description is None:
        # None: the history table's format decides (Flyway's "<< Flyway Baseline >>" or "<< Baseline >>")
        args.baseline_description = config.baseline_description if config.from_files else None
    settings = config.runner_settings()
    if args.schema:
        settings["schema"] = args.schema
    if args.table:
        settings["table"] = args.table
    if args.out_of_order is not None:
        settings["out_of_order"] = args.out_of_order
    if args.ignore_migration_patterns is not None:
        settings["ignore_migration_patterns"] = args.ignore_migration_patterns
    if args.validate_migration_naming is not None:
        settings["validate_migration_naming"] = args.validate_migration_naming
    return settings


class _connection:
    """Yields (connection factory, folder); opens and closes a profile's tunnel when there is one."""

    def __init__(self, args: argparse.Namespace, config=None) -> None:
        self.args = args
        self.config = config
        self._close = None

    def __enter__(self):
        from aurora_console.core.db.migrations import connection_factory

        a = self.args
        if a.connection_profile:
            connect, folder, self._close = _profile_connection(a)
            return connect, a.dir or folder
        if a.dsn:
            return connection_factory(a.dsn), a.dir
        if not any(k in os.environ for k in ("PGHOST", "PGDATABASE", "PGSERVICE", "PGPORT", "PGUSER")):
            if self.config is not None and self.config.url:
                from aurora_console.core.db.migrations.config import jdbc_to_conninfo

                params = jdbc_to_conninfo(self.config.url)
                if self.config.user:
                    params["user"] = self.config.user
                if self.config.password:
                    params["password"] = self.config.password
                return connection_factory(params), a.dir
            raise _Usage("no connection: give --dsn, --profile, set the PG* environment variables, or "
                         "flyway.url in the Flyway configuration")
        return connection_factory(""), a.dir

    def __exit__(self, *exc: object) -> None:
        if self._close is not None:
            self._close()


MUTATING = ("migrate", "baseline", "repair")


def _profile_connection(args: argparse.Namespace):
    """(connect, folder, close) for a saved connection profile, through its tunnel if it has one."""
    import getpass

    from aurora_console.core.connections.opener import open_connection
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.migrations import MigrationError
    from aurora_console.core.db.migrations.engine import APPLICATION_NAME
    from aurora_console.core.errors import ConsoleError
    from aurora_console.core.paths import app_paths

    store = ProfileStore(Path(args.profiles_file)) if args.profiles_file else ProfileStore.for_paths(app_paths())
    if getattr(args, "sandbox", False):
        try:
            from aurora_console.sandbox.profiles import sandbox_profiles
        except ImportError:
            sandbox_profiles = None
        for prof in sandbox_profiles(_sandbox_dir(args)) if sandbox_profiles else []:
            store.add_builtin(prof)
    try:
        profile = store.get(args.connection_profile)
    except ConsoleError as e:
        raise _Usage(e.user_text()) from e
    if profile.read_only and args.command in MUTATING and not args.dry_run:
        raise _Usage(f"profile {profile.name!r} is read-only; `{args.command}` changes the database")
    manager = None
    if profile.bastion is not None:
        from aurora_console.core.paths import app_paths
        from aurora_console.core.ssh.hostkeys import HostKeyStore
        from aurora_console.core.ssh.manager import TunnelManager

        manager = TunnelManager(HostKeyStore(app_paths().known_hosts_file))
        if getattr(args, "sandbox", False):
            from aurora_console.sandbox.profiles import trust_running_sandbox_bastion

            trust_running_sandbox_bastion(manager.store, _sandbox_dir(args))
    prompt = (lambda text: getpass.getpass(text + ": ")) if sys.stdin.isatty() else None
    try:
        pc = open_connection(profile, manager=manager, clients=_aws_clients(args), prompt=prompt,
                             application_name=APPLICATION_NAME)
    except ConsoleError as e:
        if manager is not None:
            manager.shutdown()
        hint = ""
        if type(e).__name__ == "HostKeyUnknown":
            hint = (f" Check the bastion's key, then trust it with `aurora-console tunnel {profile.name} "
                    "--trust-host-key <fingerprint> --save-host-key`.")
        raise MigrationError(e.user_text() + hint) from e

    def close() -> None:
        pc.close()
        if manager is not None:
            manager.shutdown()

    print(f"Connecting to {profile.target_label} ({pc.route})", file=sys.stderr)
    from aurora_console.core.db.migrations.folders import MigrationFolders
    from aurora_console.core.paths import app_paths

    folder = MigrationFolders.for_paths(app_paths()).get(profile.name)  # the folder the console remembers
    if folder is None and profile.builtin and getattr(args, "sandbox", False) and profile.engine != "mysql":
        from aurora_console.core.resources import blog_migrations_dir

        folder = blog_migrations_dir()  # the sandbox's blog database is built from the bundled schema
    return pc.connect, folder, close


def _sandbox_dir(args: argparse.Namespace) -> Path:
    """The running sandbox's state folder: ``--sandbox-dir``, or the console's own."""
    from aurora_console.core.paths import app_paths

    folder = getattr(args, "sandbox_dir", None)
    return Path(folder) if folder else app_paths().sandbox_dir


def _aws_clients(args: argparse.Namespace):
    """AWS clients for SSM / Secrets Manager / IAM password sources (created only when used)."""
    def clients(service, aws_profile, region):
        from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget

        if getattr(args, "sandbox", False):
            from aurora_console.sandbox.profiles import sandbox_aws_factory

            factory = sandbox_aws_factory(_sandbox_dir(args))
        else:
            factory = AwsSessionFactory(endpoint_url=getattr(args, "endpoint_url", None))
        return factory.client(service, AwsTarget(aws_profile, region))

    return clients


def _cmd_info(runner, args, out: TextIO) -> int:
    status = runner.info()
    print(f"History: {status.history_label}", file=out)
    for w in status.warnings:
        print(f"warning: {w}", file=out)
    rows = [("Version", "Description", "Type", "State", "Checksum", "Installed on", "Time (ms)")]
    for i in status.infos:
        rows.append((str(i.version or ""), i.description, i.kind, i.state, i.checksum_status,
                     f"{i.installed_on:%Y-%m-%d %H:%M:%S}" if i.installed_on else "",
                     "" if i.execution_ms is None else str(i.execution_ms)))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for n, r in enumerate(rows):
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)
    print(f"\nCurrent version: {status.current_version or 'none'}; pending: {len(status.pending)}", file=out)
    _print_transactions(runner, status, out)
    callbacks = [cb.script for scripts in runner.callbacks.scripts.values() for cb in scripts]
    if callbacks:
        print(f"callbacks: {', '.join(sorted(callbacks))}", file=out)
    for p in status.problems:
        print(f"problem: {p}", file=out)
    return 0 if status.ok else 1


def _print_transactions(runner, status, out: TextIO) -> None:
    """Pending files that run without a transaction, and why (or why they cannot run)."""
    from aurora_console.core.errors import ConsoleError

    for mig in status.pending:
        try:
            tx = runner.prepare(mig).transaction
        except ConsoleError as e:
            print(f"problem: {mig.script}: {e.message}", file=out)
            continue
        except ValueError as e:
            print(f"problem: {mig.script}: {e}", file=out)
            continue
        if tx.problem:
            print(f"problem: {mig.script}: {tx.problem}", file=out)
        elif not tx.in_transaction:
            print(f"without a transaction: {mig.script} ({tx.reason})", file=out)


def _cmd_validate(runner, args, out: TextIO) -> int:
    status = runner.validate()
    print(f"Validated {len(status.infos)} migration(s): no problems; {len(status.pending)} pending.", file=out)
    return 0


def _cmd_migrate(runner, args, out: TextIO) -> int:
    def log(ev) -> None:
        if ev.kind in ("plan", "log", "done", "stopped"):
            print(ev.message, file=out, flush=True)

    result = runner.migrate(dry_run=args.dry_run, on_event=log)
    if args.dry_run:
        if not result.plan:
            print("Dry run: the database is up to date; nothing would run.", file=out)
        for prep in result.prepared:
            print(f"-- {prep.script} ({prep.transaction.label})\n{prep.sql.rstrip()}\n", file=out)
        return 0
    print(f"Applied {len(result.applied)} migration(s).", file=out)
    return 0


def _cmd_baseline(runner, args, out: TextIO) -> int:
    try:
        row = runner.baseline(args.baseline_version, args.baseline_description)
    except ValueError as e:
        raise _Usage(str(e)) from e
    print(f"Baseline at version {row.version} recorded in {runner.history.qualified_name}.", file=out)
    return 0


def _cmd_repair(runner, args, out: TextIO) -> int:
    result = runner.repair()
    for line in result.lines():
        print(line, file=out)
    if result.marked_deleted:
        print(f"{len(result.marked_deleted)} applied migration(s) whose file is gone are now marked deleted: "
              "they will not be applied again. Their objects stay in the database; make sure a remaining "
              "migration still accounts for them.", file=out)
    return 0


_COMMANDS = {
    "info": _cmd_info,
    "validate": _cmd_validate,
    "migrate": _cmd_migrate,
    "baseline": _cmd_baseline,
    "repair": _cmd_repair,
}


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m aurora_console.cli_migrate``) until the main CLI wires it."""
    parser = argparse.ArgumentParser(prog="aurora-console")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add_migrate_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
