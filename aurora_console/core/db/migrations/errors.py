"""Errors raised by the migrations engine: each says what failed, why, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.errors import ConsoleError


@dataclass(frozen=True)
class Problem:
    """One finding of discovery or validation, tied to a script when there is one."""

    script: str
    message: str
    kind: str = "error"  # discovery codes: bad_name, duplicate, empty, encoding, directive, tx_control;
    # validation codes: checksum, missing, out_of_order, failed, deleted

    def __str__(self) -> str:
        return f"{self.script}: {self.message}" if self.script else self.message


class MigrationError(ConsoleError):
    """Base class of every migrations error."""


class DiscoveryError(MigrationError):
    """The migrations folder holds files the engine refuses to run (bad names, duplicates...)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"The migrations folder has {len(self.problems)} problem(s):\n{lines}",
            hint="Fix or rename these files; nothing was applied.",
        )


class ValidationFailed(MigrationError):
    """``validate`` (also run before ``migrate``) found applied migrations that do not match."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"Validation failed with {len(self.problems)} problem(s):\n{lines}",
            hint=_validation_hint(self.problems),
        )


def _validation_hint(problems: list[Problem]) -> str:
    kinds = {p.kind for p in problems}
    hints = []
    if "failed" in kinds:
        hints.append("a failed migration is recorded: clean up what it left behind, then run `repair`")
    if "checksum" in kinds:
        hints.append("an applied file was edited: restore it, or run `repair` after review to accept it")
    if "missing" in kinds:
        hints.append(
            "an applied file is missing: restore it from version control, or, if it was removed on "
            "purpose (old scripts squashed), run `repair` to mark it deleted"
        )
    if "deleted" in kinds:
        hints.append(
            "the file of a migration marked deleted by `repair` is back; it will not run again: "
            "remove the file, or move its changes to a new version (if it is the very file that ran, "
            "`repair` restores it as applied)"
        )
    if "out_of_order" in kinds:
        hints.append(
            "a pending migration is older than the latest applied one: renumber it, "
            "or allow out-of-order migrations"
        )
    return "; ".join(hints) + ("." if hints else "")


class LockTimeout(MigrationError):
    """Another runner held the migrations lock for longer than the wait timeout."""


class BaselineError(MigrationError):
    """``baseline`` refused (history already has migrations, bad version...)."""


class MigrationFailed(MigrationError):
    """A migration failed; its transaction was rolled back (or, without one, it is recorded failed)."""

    def __init__(
        self,
        script: str,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        sqlstate: str | None = None,
        recorded_failed: bool = False,
        connection_lost: bool = False,
        hint: str = "",
        outcome: str | None = None,
    ) -> None:
        """``outcome``: what became of the changes, when the default wording (rolled back, or
        recorded failed after running outside a transaction) does not say it (MySQL's implicit commits)."""
        self.script = script
        self.reason = reason
        self.line = line
        self.column = column
        self.sqlstate = sqlstate
        self.recorded_failed = recorded_failed
        self.connection_lost = connection_lost
        where = f"{script}, line {line}" if line else script
        if outcome is not None:
            pass
        elif recorded_failed:
            outcome = (
                "it ran outside a transaction and is recorded as failed; later migrations were not applied"
            )
        else:
            outcome = (
                "its transaction was rolled back and nothing was recorded; later migrations were not applied"
            )
        super().__init__(f"Migration {where} failed: {reason} ({outcome})", hint=hint)
