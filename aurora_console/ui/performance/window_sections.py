"""What the Window view shows of an explained window (Qt-free): its title, the load by wait as
rows with their share and colour, "what happened then" as timeline rows, and why a section is
empty (``WindowExplanation.problems``, or nothing recorded).

``WindowView`` renders it. Plain data in: a ``WindowExplanation`` from
``core/performance/explain_window.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from aurora_console.core.performance.explain_window import (
    SECTION_AUDIT,
    SECTION_EVENTS,
    SECTION_LOAD,
    SECTION_MIGRATIONS,
    SECTION_TOP_SQL,
)

from .load_stack import wait_colors

KIND_LABELS = {"event": "RDS event", "migration": "Migration", "audit": "Console action"}
SOURCE_LABELS = {"performance insights": "Performance Insights", "sampled": "sampled by the console"}


def duration_text(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min" + (f" {s % 60} s" if s % 60 else "")
    h, m = divmod(s // 60, 60)
    return f"{h} h" + (f" {m} min" if m else "")


@dataclass(frozen=True)
class LoadRow:
    wait: str
    sessions: float
    share: float  # of the window's load, 0..1
    color: str


@dataclass(frozen=True)
class TimelineRow:
    when: str
    kind: str  # as KIND_LABELS says it
    text: str


class WindowSections:
    def __init__(self) -> None:
        self.explanation = None
        self.message: str | None = None  # instead of an explanation: gathering..., failed...
        self.utc = False

    def set_explanation(self, explanation) -> None:
        self.explanation, self.message = explanation, None

    def set_message(self, text: str) -> None:
        self.message = text

    # -- what the view shows -------------------------------------------------------------------
    def _time(self, moment: datetime, *, with_date: bool) -> str:
        local = moment.astimezone(timezone.utc if self.utc else None)
        return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")

    def _spans_days(self) -> bool:
        x = self.explanation
        tz = timezone.utc if self.utc else None
        return x.start.astimezone(tz).date() != x.end.astimezone(tz).date()

    def title(self) -> str:
        """"Window 2026-12-07 10:02:00 – 10:17:00 UTC (15 min) · cluster blog · instance blog-1"."""
        if self.explanation is None:
            return self.message or "No window explained yet: drag across a metrics chart and choose " \
                                   "Explain this window."
        x = self.explanation
        end = self._time(x.end, with_date=self._spans_days())
        parts = [f"Window {self._time(x.start, with_date=True)} – {end}{' UTC' if self.utc else ''} "
                 f"({duration_text(x.seconds)})"]
        if x.cluster_id:
            parts.append(f"cluster {x.cluster_id}")
        if x.instance_id:
            parts.append(f"instance {x.instance_id}")
        return " · ".join(parts)

    def problem(self, section: str) -> str | None:
        """Why the top statements (``SECTION_TOP_SQL``) or the load (``SECTION_LOAD``) section is
        empty or partial: its reader's problem, else, when empty, that nothing was recorded."""
        x = self.explanation
        if x is None:
            return None
        if section in x.problems:
            return x.problems[section]
        if section == SECTION_TOP_SQL and not x.top_sql:
            return ("No statement ran between the Top SQL snapshots of this window (they are taken while the "
                    "Performance screen is open, or in the background when turned on for the profile).")
        if section == SECTION_LOAD and not x.load_by_wait:
            return "No load was recorded in this window."
        return None

    def timeline_note(self) -> str | None:
        """What "what happened then" cannot show (each source's problem, named), or that nothing
        happened; None when it lists everything there is."""
        x = self.explanation
        if x is None:
            return None
        names = {SECTION_EVENTS: "RDS events", SECTION_MIGRATIONS: "Migrations", SECTION_AUDIT: "Console actions"}
        notes = [f"{names[s]}: {x.problems[s]}" for s in names if s in x.problems]
        if notes:
            return "\n".join(notes)
        if not (x.events or x.migrations or x.audit):
            return "No RDS event, migration or console action in this window."
        return None

    def load_source(self) -> str:
        x = self.explanation
        if x is None or not x.load_source:
            return ""
        label = SOURCE_LABELS.get(x.load_source, x.load_source)
        return f"Source: {label}" + (f". {x.load_reason}" if x.load_reason else "")

    def load_rows(self) -> list[LoadRow]:
        x = self.explanation
        if x is None:
            return []
        total = sum(x.load_by_wait.values())
        colors = wait_colors(list(x.load_by_wait))
        return [LoadRow(w, v, v / total if total else 0.0, colors[w]) for w, v in x.load_by_wait.items()]

    def load_total(self) -> float:
        return sum(self.explanation.load_by_wait.values()) if self.explanation is not None else 0.0

    def timeline_rows(self) -> list[TimelineRow]:
        x = self.explanation
        if x is None:
            return []
        days = self._spans_days()
        return [TimelineRow(self._time(item.time, with_date=days), KIND_LABELS.get(item.kind, item.kind), item.text)
                for item in x.timeline()]

    def counts(self) -> str:
        """"2 RDS events · 1 migration · 3 console actions"."""
        x = self.explanation
        if x is None:
            return ""

        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return " · ".join([n(len(x.events), "RDS event"), n(len(x.migrations), "migration"),
                           n(len(x.audit), "console action")])
