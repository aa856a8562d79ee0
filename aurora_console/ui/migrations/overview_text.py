"""The migrations panel's texts built from the engine's results: the summary line, the history tooltip,
the Apply question and the Dry run SQL (plain text and simple HTML; no Qt, no I/O)."""

from __future__ import annotations

from aurora_console.core.db.migrations import MigrationFile
from aurora_console.core.db.migrations.overview import Overview
from aurora_console.core.db.migrations.prepared import PreparedMigration

_MAX_NAMES = 12

WARN = "#bc4c00"
ERROR = "#cf222e"


def summary_html(overview: Overview, last_error: str | None = None) -> str:
    """'Current version 5 · 5 applied · 1 pending · 1 of them without a transaction · 1 external ·
    1 ignored file(s) · 2 problem(s) · last run failed: ...' (the counts that are not zero)."""
    status = overview.status
    parts = [f"Current version {status.current_version or '—'}", f"{len(status.by_state('applied'))} applied",
             f"{len(status.pending)} pending"]
    no_tx = overview.without_transaction()
    pending_no_tx = sum(1 for m in status.pending if m.script in no_tx)
    if pending_no_tx:
        parts[-1] += f" · {pending_no_tx} of them without a transaction"
    if overview.external:
        parts.append(f"{len(overview.external)} external")
    if overview.ignored:
        parts.append(f"<span style='color:{WARN}'>{len(overview.ignored)} ignored file(s)</span>")
    if status.problems:
        parts.append(f"<span style='color:{ERROR}'>{len(status.problems)} problem(s)</span>")
    if last_error:
        parts.append(f"<span style='color:{ERROR}'>last run failed: {last_error}</span>")
    return " · ".join(parts)


def history_tooltip(overview: Overview) -> str:
    """Where the settings came from, and what the format means."""
    if overview.config_sources:
        source = "Flyway configuration: " + ", ".join(overview.config_sources)
    else:
        source = "No Flyway configuration (flyway.conf, flyway.toml, FLYWAY_*) for this folder"
    if overview.history_format == "flyway":
        what = ("Flyway's table and format (CRC32 checksums): Flyway and the console can take turns on this "
                "database.")
    else:
        what = "The console's own history format (sha256 checksums)."
    runs = f"\nCallbacks it runs: {', '.join(overview.callbacks)}" if overview.callbacks else ""
    return f"{source}\n{what}{runs}"


def apply_question(pending: list[MigrationFile], profile: str, without_transaction: dict[str, str]) -> str:
    """What the user confirms before Apply: the profile and the files, each that runs without a
    transaction with the reason (a failure there leaves its earlier statements applied)."""
    lines = [f"  {m.script}" + (f"  (without a transaction: {without_transaction[m.script]})"
                                if m.script in without_transaction else "") for m in pending[:_MAX_NAMES]]
    if len(pending) > _MAX_NAMES:
        lines.append("  …")
    return f"Apply {len(pending)} migration(s) to profile {profile!r}?\n\n" + "\n".join(lines)


def dry_run_text(prepared: list[PreparedMigration]) -> str:
    """The SQL Apply would run (placeholders replaced), each file headed by how it runs."""
    parts = []
    for p in prepared:
        tx = ("in its own transaction" if p.transaction.in_transaction
              else f"without a transaction: {p.transaction.reason}")
        parts.append(f"-- {p.script} ({tx})\n{p.sql.rstrip()}\n")
    return "\n".join(parts) or "-- Nothing to apply: the database is up to date."
