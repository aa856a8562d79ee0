"""One entry of a cluster's change timeline, and the operations on a list of them.

Every source (RDS events, CloudTrail, the console's audit log, migrations, pending changes) is
turned into :class:`TimelineEntry` rows: ``time`` (UTC), ``source``, ``kind`` (failover, reboot,
parameters, backup...), ``who`` (a caller ARN, a database user, RDS itself), ``what`` (one line)
and ``detail`` (plain data: request parameters, the event's categories...). Changed settings carry
:class:`Change` rows, with the value before where an earlier entry of the timeline set it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.redaction import MASK, is_secret_key

SOURCE_RDS = "rds-events"
SOURCE_CLOUDTRAIL = "cloudtrail"
SOURCE_AUDIT = "audit"
SOURCE_MIGRATIONS = "migrations"
SOURCE_PENDING = "pending"
#: Every source, in the order the screen lists them, with the label it shows.
SOURCES: dict[str, str] = {
    SOURCE_RDS: "RDS events",
    SOURCE_CLOUDTRAIL: "CloudTrail",
    SOURCE_AUDIT: "Console audit log",
    SOURCE_MIGRATIONS: "Migrations",
    SOURCE_PENDING: "Pending",
}

KIND_FAILOVER = "failover"
KIND_REBOOT = "reboot"
KIND_PARAMETERS = "parameters"
KIND_BACKUP = "backup"
KIND_SNAPSHOT = "snapshot"
KIND_MODIFICATION = "modification"
KIND_CREATION = "creation"
KIND_DELETION = "deletion"
KIND_START_STOP = "start/stop"
KIND_TAGS = "tags"
KIND_MAINTENANCE = "maintenance"
KIND_PENDING_REBOOT = "pending reboot"
KIND_MIGRATION = "migration"
KIND_NOTIFICATION = "notification"
KIND_CHANGE = "change"
KIND_SESSION = "session"

#: Request parameters that name what is changed rather than a setting changed.
_NOT_SETTINGS = frozenset({"dbclusteridentifier", "dbinstanceidentifier", "applyimmediately", "dbclusterparametergroupname",
                           "dbparametergroupname", "resourcename", "dbclustersnapshotidentifier",
                           "dbsnapshotidentifier"})


@dataclass(frozen=True)
class Change:
    """One setting an entry changed: ``before`` is None when the timeline cannot tell."""

    name: str
    after: Any
    before: Any = None

    def text(self) -> str:
        if self.before is None:
            return f"{self.name} → {_shown(self.after)}"
        return f"{self.name}: {_shown(self.before)} → {_shown(self.after)}"


@dataclass(frozen=True)
class TimelineEntry:
    time: datetime  # aware, UTC
    source: str  # one of SOURCES
    kind: str
    who: str
    what: str
    resource: str = ""  # the cluster, instance, parameter group or snapshot it concerns
    where: str = ""  # from where (source IP, user agent) when known
    changes: tuple[Change, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    key: str = ""  # identifies the entry within its source (a CloudTrail event id...)

    @property
    def epoch(self) -> float:
        return self.time.timestamp()

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    def summary(self) -> str:
        """One line: what, then the changes."""
        if not self.changes:
            return self.what
        return f"{self.what} ({'; '.join(c.text() for c in self.changes)})"

    def as_row(self) -> dict[str, Any]:
        """Plain data for scripts: time (ISO), source, kind, who, what, where, resource, changes."""
        return {"time": self.time.isoformat(), "source": self.source, "kind": self.kind, "who": self.who,
                "what": self.summary(), "where": self.where, "resource": self.resource,
                "changes": [{"name": c.name, "before": c.before, "after": c.after} for c in self.changes]}


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _squashed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def kind_of_action(name: str) -> str:
    """The kind of an API call or audit action: ``FailoverDBCluster`` and ``failover`` alike."""
    n = _squashed(str(name))
    if "failover" in n:
        return KIND_FAILOVER
    if n.startswith("reboot"):
        return KIND_REBOOT
    if "parametergroup" in n or n.startswith(("modifyparameter", "resetparameter")):
        return KIND_PARAMETERS
    if "snapshot" in n:
        return KIND_SNAPSHOT
    if "backup" in n or "backtrack" in n or n.startswith("restore"):
        return KIND_BACKUP
    if n.startswith(("start", "stop")):
        return KIND_START_STOP
    if "tag" in n and n.startswith(("add", "remove")):
        return KIND_TAGS
    if n.startswith("modify"):
        return KIND_MODIFICATION
    if n.startswith(("create", "add")):
        return KIND_CREATION
    if n.startswith(("delete", "remove")):
        return KIND_DELETION
    if "cancel" in n or "terminate" in n:
        return KIND_SESSION
    return KIND_CHANGE


def changes_from_parameters(params: Mapping[str, Any]) -> tuple[Change, ...]:
    """The settings a modify call's parameters set (identifiers and ApplyImmediately left out).
    A parameter group's ``parameters`` list gives one change per parameter name. A secret's value
    (a master password, whatever the source recorded) is shown masked: the change, not the value."""
    out: list[Change] = []
    for key, value in params.items():
        name = str(key)
        if _squashed(name) in _NOT_SETTINGS:
            continue
        if _squashed(name) == "parameters" and isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    pname = item.get("parameterName", item.get("ParameterName"))
                    if pname is not None:
                        out.append(Change(str(pname), item.get("parameterValue", item.get("ParameterValue"))))
            continue
        out.append(Change(name, MASK if is_secret_key(name) and value else value))
    return tuple(out)


def with_before_values(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Entries in time order, each change given the value the latest earlier change of the same
    setting on the same resource set (or the resource was created with), within the same source
    (CloudTrail and the audit log both record a change made through the console: compared across
    sources, the second would read the first as its before). Names are compared without case and
    punctuation. A failed call (``detail["error"]``) sets nothing."""
    known: dict[tuple[str, str, str], Any] = {}
    out: list[TimelineEntry] = []
    for entry in sort_entries(entries):
        if not entry.changes:
            if entry.kind == KIND_CREATION and not entry.detail.get("error"):
                # what a resource was created with is the before of its first change
                created = entry.detail.get("parameters") or entry.detail.get("params") or {}
                for change in changes_from_parameters(created if isinstance(created, Mapping) else {}):
                    known[(entry.source, entry.resource, _squashed(change.name))] = change.after
            out.append(entry)
            continue
        changes = []
        for change in entry.changes:
            slot = (entry.source, entry.resource, _squashed(change.name))
            before = change.before if change.before is not None else known.get(slot)
            changes.append(replace(change, before=before) if before != change.before else change)
            if not entry.detail.get("error"):
                known[slot] = change.after
        out.append(replace(entry, changes=tuple(changes)))
    return out


def sort_entries(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Oldest first; ties in a stable order (source, then what)."""
    return sorted(entries, key=lambda e: (e.time, list(SOURCES).index(e.source) if e.source in SOURCES else 99,
                                          e.what))


def merge(*lists: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """One time-ordered list; an entry seen twice (same source and key) is kept once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for entries in lists:
        for entry in entries:
            if entry.key:
                ident = (entry.source, entry.key)
                if ident in seen:
                    continue
                seen.add(ident)
            out.append(entry)
    return sort_entries(out)


def search_text(entry: TimelineEntry) -> str:
    """What a text filter looks in (lower case): who, what with its changes, resource (and the
    cluster an instance's call named), where."""
    cluster = entry.detail.get("cluster") or ""
    return f"{entry.who}\n{entry.summary()}\n{entry.resource}\n{cluster}\n{entry.where}".lower()


def filter_entries(entries: Iterable[TimelineEntry], *, sources: Iterable[str] | None = None,
                   kinds: Iterable[str] | None = None, since: datetime | None = None,
                   until: datetime | None = None, text: str = "") -> list[TimelineEntry]:
    """Entries of the given sources and kinds (None: all) in ``[since, until)``, whose who, what,
    resource or changes contain ``text`` (case-insensitive; empty: all), order kept."""
    wanted_sources = None if sources is None else set(sources)
    wanted_kinds = None if kinds is None else set(kinds)
    start = utc(since) if since is not None else None
    end = utc(until) if until is not None else None
    needle = text.strip().lower()
    out = []
    for e in entries:
        if wanted_sources is not None and e.source not in wanted_sources:
            continue
        if wanted_kinds is not None and e.kind not in wanted_kinds:
            continue
        if start is not None and e.time < start:
            continue
        if end is not None and e.time >= end:
            continue
        if needle and needle not in search_text(e):
            continue
        out.append(e)
    return out


@dataclass(frozen=True)
class ChartMarker:
    """A timeline entry as a chart draws it: a vertical line at ``time`` (epoch seconds) whose
    hover text is ``text``."""

    time: float
    text: str
    kind: str
    source: str


def chart_markers(entries: Sequence[TimelineEntry], start: float, end: float,
                  limit: int = 500) -> list[ChartMarker]:
    """Markers for the entries in ``[start, end]`` (epoch seconds), oldest first. Entries closer
    than 1/``limit`` of the range share one marker whose text lists them all, so a busy cluster
    never draws more than about ``limit`` lines."""
    if end <= start:
        return []
    slot = (end - start) / max(1, limit)
    groups: list[list[TimelineEntry]] = []
    for entry in sort_entries(e for e in entries if start <= e.epoch <= end):
        if groups and entry.epoch - groups[-1][0].epoch < slot:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    markers = []
    for group in groups:
        first = group[0]
        lines = [f"{e.time:%Y-%m-%d %H:%M:%S} UTC · {e.source_label} · {e.summary()}"
                 + (f" · {e.who}" if e.who else "") for e in group[:10]]
        if len(group) > 10:
            lines.append(f"… and {len(group) - 10} more")
        kinds = {e.kind for e in group}
        markers.append(ChartMarker(first.epoch, "\n".join(lines), kinds.pop() if len(kinds) == 1 else "several",
                                   first.source if len({e.source for e in group}) == 1 else "several"))
    return markers
