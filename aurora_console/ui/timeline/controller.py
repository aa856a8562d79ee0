"""The Change timeline screen's state, without Qt: what was read, what the filters let through.

The widget (:mod:`.widget`) renders it; ``changed`` is emitted after every change of state. The
reading itself (``gather(task, since, until)``, a core call) runs on the task runner; filters
(sources, kinds, text) apply to what was read, with no new call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.aws.timeline.entries import SOURCES, TimelineEntry, filter_entries, search_text
from aurora_console.core.aws.timeline.gather import DEFAULT_DAYS, Timeline
from aurora_console.core.errors import user_text
from aurora_console.ui.observers import Observers

#: The periods the screen offers (days back from now).
PERIODS = (1, 3, 7, 14, 30, 90)

Gather = Callable[[Any, datetime, datetime], Timeline]


class TimelineController:
    def __init__(self, runner: Any, gather: Gather, *, title: str = "", owner: object | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.runner = runner
        self._gather = gather
        self.title = title
        #: what the runner ties the reading to (the tab sets itself: once it is gone, a late
        #: result is dropped); the controller itself until then
        self.owner = owner if owner is not None else self
        self._clock = clock
        self.changed = Observers()
        self.days = DEFAULT_DAYS
        self.timeline: Timeline | None = None
        self.loading = False
        self.load_count = 0
        self.error = ""
        self.progress_text = ""
        self.sources: set[str] = set(SOURCES)
        self.kinds: set[str] | None = None  # None: every kind
        self.text = ""
        self._handle = None
        self._rows: list[TimelineEntry] = []
        self._texts: list[str] = []  # search_text of each entry, made on the worker
        self._counts: dict[str, int] | None = None  # entries per source of ``timeline``

    # -- reading -------------------------------------------------------------------------------
    def load(self, days: int | None = None) -> None:
        """Read the last ``days`` days again (a load running is cancelled first)."""
        if days is not None:
            if int(days) <= 0:
                raise ValueError("the period must be at least one day")
            self.days = int(days)
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()
        until = self._clock()
        since = until - timedelta(days=self.days)
        self.loading, self.error, self.progress_text = True, "", "Reading…"
        gather, filters = self._gather, self._filters()
        self._handle = self.runner.submit(
            lambda ctx: _prepared(gather(ctx, since, until), filters), name=f"Change timeline: {self.title}",
            on_done=self._loaded, on_error=self._failed, on_progress=self._progress,
            on_cancelled=self._cancelled, owner=self.owner)
        self.changed.emit()

    def cancel(self) -> None:
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()

    def _loaded(self, prepared: Prepared) -> None:
        self.timeline, self._texts, self._counts = prepared.timeline, prepared.texts, prepared.counts
        self.loading, self.progress_text = False, ""
        self.load_count += 1
        if prepared.filters == self._filters():
            self._rows = prepared.rows
        else:  # a filter changed while the worker read: the rows for the filters now
            self._refilter()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.loading, self.progress_text = False, ""
        self.error = user_text(exc)
        self.load_count += 1
        self.changed.emit()

    def _progress(self, _percent: int | None, text: str) -> None:
        self.progress_text = text
        self.changed.emit()

    def _cancelled(self) -> None:
        self.loading, self.progress_text = False, "Cancelled."
        self.changed.emit()

    # -- filters ---------------------------------------------------------------------------------
    def set_sources(self, sources: Iterable[str]) -> None:
        self.sources = set(sources) & set(SOURCES)
        self._refilter()
        self.changed.emit()

    def set_source_shown(self, source: str, shown: bool) -> None:
        self.set_sources(self.sources | {source} if shown else self.sources - {source})

    def set_kinds(self, kinds: Iterable[str] | None) -> None:
        self.kinds = None if kinds is None else set(kinds)
        self._refilter()
        self.changed.emit()

    def set_text(self, text: str) -> None:
        self.text = text
        self._refilter()
        self.changed.emit()

    def _filters(self) -> Filters:
        return Filters(frozenset(self.sources), None if self.kinds is None else frozenset(self.kinds),
                       self.text.strip().lower())

    def _refilter(self) -> None:
        """On the UI thread: a pass over the entries with their search text made on the worker
        (5,000 entries in a few ms)."""
        entries = self.timeline.entries if self.timeline is not None else ()
        self._rows = self._filters().rows(entries, self._texts)

    # -- what the widget shows --------------------------------------------------------------------
    @property
    def rows(self) -> list[TimelineEntry]:
        return self._rows

    def kinds_available(self) -> list[str]:
        return self.timeline.kinds() if self.timeline is not None else []

    def counts(self) -> dict[str, int]:
        """Entries read per source (before the filters); counted once per reading, on the worker
        (the toolbar asks on every change: a pass over 5,000 entries per source box was most of a
        filter's time on the UI thread)."""
        if self._counts is None or self.timeline is None:
            return dict.fromkeys(SOURCES, 0)
        return dict(self._counts)

    def problems(self) -> list[str]:
        """One line per source that could not be read: what to ask for."""
        if self.timeline is None:
            return []
        lines = []
        for source, text in self.timeline.problems.items():
            label = SOURCES.get(source, source[:1].upper() + source[1:])
            lines.append(f"{label}: {text}")
        return lines

    def status(self) -> str:
        if self.loading:
            return self.progress_text or "Reading…"
        if self.error:
            return f"Failed: {self.error}"
        if self.timeline is None:
            return self.progress_text
        shown, total = len(self._rows), len(self.timeline.entries)
        return f"{shown} of {total} entries · last {self.days} day(s) · read {self.timeline.end:%Y-%m-%d %H:%M} UTC"

    def entries(self, *, since: datetime | None = None, sources: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
        """Every entry read (the screen's filters not applied), narrowed by the arguments."""
        if self.timeline is None:
            return []
        return filter_entries(self.timeline.entries, sources=sources, kinds=kinds, since=since)


@dataclass(frozen=True)
class Filters:
    """What the screen's filters let through: sources, kinds (None: every kind) and the search
    text (lower case, stripped; empty: any)."""

    sources: frozenset[str]
    kinds: frozenset[str] | None
    needle: str

    def rows(self, entries: Sequence[TimelineEntry], texts: Sequence[str]) -> list[TimelineEntry]:
        """The entries let through, order kept; ``texts``: each entry's :func:`search_text`."""
        sources, kinds, needle = self.sources, self.kinds, self.needle
        return [e for e, text in zip(entries, texts, strict=True)
                if e.source in sources and (kinds is None or e.kind in kinds) and (not needle or needle in text)]


@dataclass(frozen=True)
class Prepared:
    """A reading made ready on the worker: the timeline, each entry's search text, the entries
    per source and the rows for the filters as they were when the reading started."""

    timeline: Timeline
    texts: list[str]
    counts: dict[str, int]
    filters: Filters
    rows: list[TimelineEntry]


def _prepared(timeline: Timeline, filters: Filters) -> Prepared:
    """Worker thread: what the UI thread would otherwise work out when the reading arrives (a
    5,000-entry reading: its search texts, the counts per source for the toolbar, the rows the
    filters let through), so typing a filter does not rebuild 5,000 texts and the arrival is a
    swap of lists (ms of the UI thread's turn that also resets and paints the table)."""
    texts = [search_text(e) for e in timeline.entries]
    counts = dict.fromkeys(SOURCES, 0)
    for entry in timeline.entries:
        counts[entry.source] = counts.get(entry.source, 0) + 1
    return Prepared(timeline, texts, counts, filters, filters.rows(timeline.entries, texts))
