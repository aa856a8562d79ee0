"""Progress events of a migrate run (for the GUI's per-migration progress bars and log pane)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MigrationEvent:
    kind: str  # plan | log | start | progress | done | failed | stopped
    script: str
    index: int  # position in the run (0-based)
    total: int  # migrations in the run
    fraction: float = 0.0  # progress of this migration, 0..1
    message: str = ""
    elapsed_ms: int | None = None
