"""Flyway SQL callbacks: ``beforeMigrate.sql``, ``afterEachMigrate__grants.sql``... in the locations.

A file named ``<event>.sql`` or ``<event>__<description>.sql`` (``<event>`` spelled as in Flyway's
``org.flywaydb.core.api.callback.Event``) is a callback, never a migration: it is not recorded in
the history table and has no checksum. Several callbacks of one event run in alphabetical order of
their file names. Placeholders are replaced in them as in migrations.

Events the console runs (see ``engine``):

* migrate: ``beforeMigrate``, ``beforeEachMigrate``, ``afterEachMigrate``, ``afterEachMigrateError``,
  ``afterVersioned``, ``beforeRepeatables``, ``afterMigrateApplied`` (only when something was
  applied), ``afterMigrate``, ``afterMigrateError``;
* ``beforeValidate``/``afterValidate``/``afterValidateError``, ``beforeInfo``/``afterInfo``/
  ``afterInfoError``, ``beforeBaseline``/``afterBaseline``/``afterBaselineError``,
  ``beforeRepair``/``afterRepair``/``afterRepairError``.

Transactions, as in Flyway's ``DbMigrate``: ``beforeEachMigrate`` and ``afterEachMigrate`` run
inside the migration's transaction when it has one (a failing ``afterEachMigrate`` rolls the
migration back); every other callback runs on its own, in a transaction of its own unless it holds
a statement that cannot run in one (the same rules as migrations, ``transactions``). Error
callbacks (``...Error``) run after the failure was rolled back; if one fails too, the original
error is reported, with the callback's failure added to its hint.

Other Flyway events (``beforeClean``, ``beforeEachMigrateStatement``, ``beforeConnect``, undo...)
are recognised, so their files are never taken for badly named migrations, but are not run: the
console lists them as unsupported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import psycopg

from aurora_console.core.db.sql_split import Statement, error_location, split_sql

from .errors import MigrationError
from .files import normalise
from .placeholders import Placeholders
from .script_config import ScriptConfig, ScriptConfigError, load_script_config
from .transactions import TxDecision, decide

SUPPORTED_EVENTS = (
    "beforeMigrate", "beforeEachMigrate", "afterEachMigrate", "afterEachMigrateError", "afterVersioned",
    "beforeRepeatables", "afterMigrateApplied", "afterMigrate", "afterMigrateError",
    "beforeValidate", "afterValidate", "afterValidateError", "beforeInfo", "afterInfo", "afterInfoError",
    "beforeBaseline", "afterBaseline", "afterBaselineError", "beforeRepair", "afterRepair", "afterRepairError",
)
UNSUPPORTED_EVENTS = (
    "beforeClean", "afterClean", "afterCleanError", "beforeEachMigrateStatement", "afterEachMigrateStatement",
    "afterEachMigrateStatementError", "afterMigrateOperationFinish", "afterInfoOperationFinish",
    "beforeUndo", "beforeEachUndo", "beforeEachUndoStatement", "afterEachUndoStatement",
    "afterEachUndoStatementError", "afterEachUndo", "afterEachUndoError", "afterUndo", "afterUndoError",
    "createSchema", "beforeCreateSchema", "beforeConnect", "afterConnect",
)
_NAME = re.compile(
    r"(?P<event>" + "|".join(SUPPORTED_EVENTS + UNSUPPORTED_EVENTS) + r")(?:__(?P<desc>[^/\\]*))?\.sql"
)


def callback_event(filename: str) -> str | None:
    """The event a file name is a callback for (``"afterMigrate"``), or None."""
    m = _NAME.fullmatch(filename)
    return m.group("event") if m else None


class CallbackFailed(MigrationError):
    """A callback script failed; names the script, the event and the line."""

    def __init__(self, script: str, event: str, reason: str, line: int | None, sqlstate: str | None) -> None:
        self.script, self.event, self.line, self.sqlstate = script, event, line, sqlstate
        where = f"{script}, line {line}" if line else script
        super().__init__(f"Callback {where} ({event}) failed: {reason}",
                         hint="Fix the callback script (it is not recorded in the history table) and run again.")


@dataclass(frozen=True)
class CallbackScript:
    event: str
    script: str  # path relative to its location
    filename: str

    @property
    def name(self) -> str:
        return os.path.basename(self.filename)

    @cached_property
    def config(self) -> ScriptConfig:
        return load_script_config(self.filename)

    def text(self) -> str:
        with open(self.filename, "rb") as fh:
            raw = fh.read()
        enc = self.config.encoding
        return normalise(raw) if not enc else raw.decode(enc).replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Callbacks:
    """The callback scripts of a project, by event."""

    scripts: dict[str, list[CallbackScript]]
    unsupported: list[CallbackScript]

    def of(self, event: str) -> list[CallbackScript]:
        return self.scripts.get(event, [])

    def __bool__(self) -> bool:
        return bool(self.scripts)


def find_callbacks(locations: list[Path] | tuple[Path, ...]) -> Callbacks:
    found: dict[str, list[CallbackScript]] = {}
    unsupported: list[CallbackScript] = []
    for loc in locations:
        root = str(loc)
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            for name in filenames:
                event = callback_event(name)
                if event is None:
                    continue
                cb = CallbackScript(event, name if rel == "." else f"{rel}/{name}", os.path.join(dirpath, name))
                (found.setdefault(event, []) if event in SUPPORTED_EVENTS else unsupported).append(cb)
    for scripts in found.values():
        scripts.sort(key=lambda c: (c.name, c.script))
    return Callbacks(found, unsupported)


class CallbackRunner:
    """Runs the callbacks of an event on a connection, with placeholders replaced."""

    def __init__(self, callbacks: Callbacks, placeholders: Placeholders, server_version: int | None = None,
                 log=None) -> None:
        self.callbacks = callbacks
        self.placeholders = placeholders
        self.server_version = server_version
        self.log = log or (lambda text: None)

    def prepare(self, cb: CallbackScript) -> tuple[str, list[Statement], TxDecision]:
        try:
            text = cb.text()
            conf = cb.config
        except (ScriptConfigError, UnicodeDecodeError, LookupError) as e:
            raise CallbackFailed(cb.script, cb.event, f"cannot read it: {e}", None, None) from e
        if conf.placeholder_replacement is not False:
            text = self.placeholders.replace(text, cb.script, filename=cb.name)
        statements = split_sql(text)
        decision = decide(statements, script=cb.script, execute_in_transaction=conf.execute_in_transaction,
                          conf_name=conf.name, server_version=self.server_version, mixed=True)
        return text, statements, decision

    def run(self, event: str, conn: psycopg.Connection, *, inside_transaction: bool = False) -> int:
        """Run every callback of ``event``; returns how many ran. Raises :class:`CallbackFailed`.

        ``inside_transaction``: the connection is already in the migration's transaction (the
        each-migrate callbacks); the callback's statements then run in it.
        """
        scripts = self.callbacks.of(event)
        for cb in scripts:
            text, statements, decision = self.prepare(cb)
            self.log(f"executing SQL callback {cb.script} ({event})")
            current: Statement | None = None
            try:
                if inside_transaction or not decision.in_transaction:
                    for st in statements:
                        current = st
                        conn.execute(st.text, prepare=False)
                else:
                    with conn.transaction():
                        for st in statements:
                            current = st
                            conn.execute(st.text, prepare=False)
            except psycopg.Error as e:
                if not inside_transaction and not (conn.closed or conn.broken) and \
                        conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")  # the callback's own BEGIN ... (failed)
                line = None
                if current is not None:
                    loc = error_location(text, current, int(e.diag.statement_position or 0))
                    line = loc[1] if loc else current.line
                reason = e.diag.message_primary or str(e).strip().splitlines()[0]
                raise CallbackFailed(cb.script, event, reason, line, e.diag.sqlstate) from e
        return len(scripts)
