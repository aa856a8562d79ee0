"""The repair confirmation question and result lines (plain text; no Qt, no I/O)."""

from __future__ import annotations

from aurora_console.core.db.migrations import RepairResult

_MAX_NAMES = 12


def _names(scripts: list[str]) -> str:
    shown = "\n".join(f"      {s}" for s in scripts[:_MAX_NAMES])
    return shown + (f"\n      … and {len(scripts) - _MAX_NAMES} more" if len(scripts) > _MAX_NAMES else "")


def repair_question(preview: RepairResult, profile: str, table: str) -> str:
    """What the user confirms: which profile, which table, and what each action will do."""
    parts = [
        f"Repair the migrations history table {table} of profile {profile!r}?",
        "Only the history table changes; no table, view or row of yours is touched.",
        "Applied migrations whose file is missing will be marked deleted: they are never applied "
        "again, even if the file comes back. Restore a file first if it was removed by mistake.",
    ]
    if preview.marked_deleted:
        parts.append("  • Mark deleted (file gone):\n" + _names(preview.marked_deleted))
    if preview.removed_failed:
        parts.append("  • Remove failed entries (clean up what they left behind first):\n"
                     + _names([f"{s}: it {preview.failed_notes[s]}; check what those did" if s in preview.failed_notes
                               else s for s in preview.removed_failed]))
    if preview.realigned:
        parts.append("  • Accept the edited files' checksums:\n" + _names(preview.realigned))
    if preview.restored:
        parts.append("  • Restore as applied (the file that ran is back, unchanged; nothing runs):\n"
                     + _names(preview.restored))
    if not preview.changed:
        parts.append("The last refresh found nothing to repair; repair checks again under the lock.")
    return "\n\n".join(parts)


def repair_log(result: RepairResult) -> list[str]:
    lines = [f"Repair: {line}" for line in result.lines()]
    if result.marked_deleted:
        lines.append(f"{len(result.marked_deleted)} migration(s) marked deleted; they will not be applied again.")
    return lines
