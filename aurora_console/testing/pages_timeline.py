"""Page object for a cluster's Change timeline: ``console.timeline(cluster_id)``.

    page = console.timeline("blog")                  # opens it, waits for the first read (14 days)
    rows = page.entries(since=timedelta(hours=1), sources=["cloudtrail", "audit"])
    rows[0].time, rows[0].source, rows[0].who, rows[0].what   # datetime (UTC), 'cloudtrail', caller ARN, text
    page.problems()                                  # ['CloudTrail: Access denied: ... cloudtrail:LookupEvents ...']
    page.set_period(3)                               # read the last 3 days again
    page.filter(sources=["rds-events"], kinds=["failover"], text="orders")   # what the screen shows
    page.shown()                                     # the rows the screen shows now
    page.refresh()

Sources: ``rds-events``, ``cloudtrail``, ``audit``, ``migrations``, ``pending`` (their labels, such
as "CloudTrail", are accepted too). Reading changes nothing, so nothing here needs
``--aurora-allow-changes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.aws.timeline.entries import SOURCES, TimelineEntry


@dataclass(frozen=True)
class TimelineRow:
    time: datetime  # UTC
    source: str
    kind: str
    who: str
    what: str  # with the settings changed: "ModifyDBCluster blog (preferredBackupWindow: 03:00-03:30 → 01:00-01:30)"
    where: str = ""
    resource: str = ""
    changes: tuple[tuple[str, Any, Any], ...] = field(default=())  # (name, before, after)

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineRow:
        return cls(entry.time, entry.source, entry.kind, entry.who, entry.summary(), entry.where, entry.resource,
                   tuple((c.name, c.before, c.after) for c in entry.changes))


def source_ids(sources: Iterable[str] | str | None) -> list[str] | None:
    """Source ids from ids or labels ("CloudTrail", "cloudtrail"); raises ValueError naming the
    known ones for anything else."""
    if sources is None:
        return None
    if isinstance(sources, str):
        sources = [sources]
    by_label = {label.lower(): key for key, label in SOURCES.items()}
    out = []
    for s in sources:
        key = s if s in SOURCES else by_label.get(str(s).lower())
        if key is None:
            raise ValueError(f"unknown timeline source {s!r}; known: {', '.join(SOURCES)}")
        out.append(key)
    return out


def _since(value: datetime | timedelta | float | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, timedelta):
        return datetime.now(timezone.utc) - value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return datetime.fromtimestamp(float(value), timezone.utc)


class TimelinePage:
    def __init__(self, root, cluster_id: str, timeout_ms: int = 120000) -> None:
        from aurora_console.ui.timeline import open_timeline

        self.root = root
        self.cluster_id = cluster_id
        self.timeout_ms = timeout_ms
        refs = [s.ref for s in root.window.navigator.model.summaries() if s.ref.cluster_id == cluster_id]
        if not refs:
            raise LookupError(f"cluster {cluster_id!r} is not in the navigator (known: {root.cluster_ids()})")
        self.tab = open_timeline(root.window, refs[0])
        self.controller = self.tab.controller
        self.wait()

    def wait(self, after: int = 0) -> None:
        """Wait until more than ``after`` reads have ended (and none is running)."""
        c = self.controller
        self.root.qtbot.waitUntil(lambda: c.load_count > after and not c.loading, timeout=self.timeout_ms)
        if c.error:
            raise RuntimeError(f"the timeline of {self.cluster_id} could not be read: {c.error}")

    def refresh(self) -> None:
        before = self.controller.load_count
        self.tab.toolbar.refresh.click()
        self.wait(before)

    def set_period(self, days: int) -> None:
        """Read the last ``days`` days (as the period box does)."""
        combo = self.tab.toolbar.period
        index = combo.findData(int(days))
        before = self.controller.load_count
        if index >= 0:
            combo.setCurrentIndex(index)
            combo.activated.emit(index)
        else:
            self.controller.load(int(days))
        self.wait(before)

    # -- reading --------------------------------------------------------------------------------
    def entries(self, since: datetime | timedelta | float | str | None = None,
                sources: Iterable[str] | str | None = None, kinds: Iterable[str] | None = None) -> list[TimelineRow]:
        """Every entry read (oldest first), the screen's own filters not applied: from ``since``
        (a datetime, a timedelta ago, epoch seconds or ISO text) and of ``sources`` / ``kinds``."""
        return [TimelineRow.of(e) for e in self.controller.entries(since=_since(since), sources=source_ids(sources),
                                                                   kinds=kinds)]

    def shown(self) -> list[TimelineRow]:
        """The rows the screen shows now (its filters applied), as its table has them."""
        model = self.tab.model
        return [TimelineRow.of(model.entry(r)) for r in range(model.rowCount())]

    def filter(self, *, sources: Iterable[str] | str | None = None, kinds: Iterable[str] | None = None,
               text: str | None = None) -> list[TimelineRow]:
        """Set the screen's filters (source boxes, kinds, search text; None leaves one as it is;
        ``kinds=[]`` is not "all": use :meth:`all_kinds`) and return what it shows."""
        if sources is not None:
            wanted = set(source_ids(sources) or ())
            for key, box in self.tab.toolbar.source_boxes.items():
                box.setChecked(key in wanted)
        if kinds is not None:
            self.controller.set_kinds(kinds)
        if text is not None:
            self.tab.toolbar.search.setText(text)
            self.root.qtbot.waitUntil(lambda: self.controller.text == text, timeout=5000)
        return self.shown()

    def all_kinds(self) -> None:
        self.controller.set_kinds(None)

    def kinds(self) -> list[str]:
        return self.controller.kinds_available()

    def problems(self) -> list[str]:
        """One line per source that could not be read (a denied one names the permission)."""
        return self.controller.problems()

    def status(self) -> str:
        return self.tab.status.text()
