"""Explain a window: what the database did and what happened to it between two moments.

A DBA drags a time range on a metrics chart and asks "why is it slow *then*?". The answer puts,
side by side, for one cluster (and the instance the screen shows):

* **top statements**: the statements that took the most time in the window (deltas of
  ``pg_stat_statements`` snapshots, :mod:`.top_sql`);
* **load by wait**: average active sessions per wait event over the window (:mod:`.load`);
* **RDS events**: ``DescribeEvents`` for the cluster and each of its instances (failovers,
  reboots, parameter changes, backups...), :func:`read_rds_events`;
* **migrations**: runs recorded in the database's migration history tables in the window, the
  console's own format and Flyway's ``flyway_schema_history`` alike, :func:`read_migrations`;
* **audit**: the console's own audit entries (actions taken through the console) in the window
  that concern the cluster, :func:`audit_in_window`.

:func:`explain_window` assembles the sections from data already read (pure);
:func:`gather_window` runs one reader per section and keeps going when one fails, so a missing
``pg_stat_statements`` or a denied ``DescribeEvents`` empties its own section and says why, never
the others. Times are accepted as aware datetimes or epoch seconds and kept as UTC datetimes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from aurora_console.core.audit import AuditEntry, AuditLog, read_audit
from aurora_console.core.errors import ConsoleError
from aurora_console.core.tasks import Cancelled, TaskContext

log = logging.getLogger(__name__)

SECTION_TOP_SQL = "top statements"
SECTION_LOAD = "load by wait"
SECTION_EVENTS = "RDS events"
SECTION_MIGRATIONS = "migrations"
SECTION_AUDIT = "audit"
SECTIONS = (SECTION_TOP_SQL, SECTION_LOAD, SECTION_EVENTS, SECTION_MIGRATIONS, SECTION_AUDIT)

#: How long RDS keeps events (DescribeEvents answers for the past 14 days only).
EVENTS_KEPT = timedelta(days=14)

#: The columns of a migration history table (both formats have Flyway's).
_HISTORY_COLUMNS = ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                    "installed_on", "execution_time", "success")

#: Audit parameter keys that name an RDS resource.
_RESOURCE_KEYS = frozenset({"dbclusteridentifier", "dbinstanceidentifier", "sourcedbclusteridentifier",
                            "targetdbinstanceidentifier", "resourcename", "sourceidentifier", "cluster", "instance",
                            "dbclustersnapshotidentifier", "dbsnapshotidentifier"})


class WindowError(ConsoleError):
    """A window that cannot be explained (its end is not after its start...)."""


def as_utc(moment: datetime | float | int) -> datetime:
    """An aware UTC datetime from a datetime (naive ones are taken as UTC) or epoch seconds."""
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    if isinstance(moment, (int, float)) and not isinstance(moment, bool):
        return datetime.fromtimestamp(float(moment), tz=timezone.utc)
    raise WindowError(f"{moment!r} is not a time (a datetime or epoch seconds)")


def window_bounds(start: datetime | float, end: datetime | float) -> tuple[datetime, datetime]:
    """``(start, end)`` as UTC datetimes; raises :class:`WindowError` unless end is after start."""
    s, e = as_utc(start), as_utc(end)
    if e <= s:
        raise WindowError(f"The window must end after it starts ({s:%Y-%m-%d %H:%M:%S} to {e:%Y-%m-%d %H:%M:%S} UTC).")
    return s, e


# -- the pieces ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RdsEvent:
    time: datetime
    source_type: str  # "db-cluster" | "db-instance"
    source_id: str
    message: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class MigrationRun:
    """One row of a migration history table recorded in the window."""

    installed_on: datetime  # UTC
    version: str | None
    description: str
    type: str
    script: str
    success: bool
    execution_ms: int
    installed_by: str
    table: str  # "schema.table"
    history_format: str  # "flyway" | "console"

    @property
    def finished(self) -> datetime:
        return self.installed_on + timedelta(milliseconds=max(0, self.execution_ms))


@dataclass(frozen=True)
class TimelineItem:
    time: datetime
    kind: str  # "event" | "migration" | "audit"
    text: str


@dataclass(frozen=True)
class WindowExplanation:
    """The sections of one explained window (what the Window tab shows and the page object returns)."""

    cluster_id: str
    instance_id: str | None
    start: datetime
    end: datetime
    top_sql: tuple[Any, ...] = ()  # top_sql.TopStatement rows, most time first
    load_by_wait: dict[str, float] = field(default_factory=dict)  # wait -> average active sessions
    load_source: str | None = None  # "performance insights" | "sampled"
    load_reason: str = ""
    events: tuple[RdsEvent, ...] = ()
    migrations: tuple[MigrationRun, ...] = ()
    audit: tuple[AuditEntry, ...] = ()
    problems: dict[str, str] = field(default_factory=dict)  # section -> why it is empty or partial

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def empty(self) -> bool:
        return not (self.top_sql or self.load_by_wait or self.events or self.migrations or self.audit)

    def timeline(self) -> list[TimelineItem]:
        """Events, migrations and audit entries in time order: "what happened then"."""
        items = [TimelineItem(e.time, "event", f"{e.source_id}: {e.message}") for e in self.events]
        items += [TimelineItem(m.installed_on, "migration", _migration_text(m)) for m in self.migrations]
        for a in self.audit:
            when = _audit_time(a)
            if when is not None:
                items.append(TimelineItem(when, "audit", f"{a.action} ({a.outcome or 'no outcome'})"))
        return sorted(items, key=lambda i: i.time)

    def sections(self) -> dict[str, Any]:
        """Plain data (dicts, lists, floats, ISO times) of every section, for scripts."""
        return {
            "cluster": self.cluster_id,
            "instance": self.instance_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            SECTION_TOP_SQL: [_plain(row) for row in self.top_sql],
            SECTION_LOAD: dict(self.load_by_wait),
            "load source": self.load_source,
            SECTION_EVENTS: [{"time": e.time.isoformat(), "source_type": e.source_type, "source_id": e.source_id,
                              "message": e.message, "categories": list(e.categories)} for e in self.events],
            SECTION_MIGRATIONS: [{"installed_on": m.installed_on.isoformat(), "version": m.version,
                                  "description": m.description, "type": m.type, "script": m.script,
                                  "success": m.success, "execution_ms": m.execution_ms,
                                  "installed_by": m.installed_by, "table": m.table,
                                  "format": m.history_format} for m in self.migrations],
            SECTION_AUDIT: [{"time": a.time, "action": a.action, "outcome": a.outcome, "profile": a.profile,
                             "region": a.region, "params": dict(a.params)} for a in self.audit],
            "problems": dict(self.problems),
        }


def _plain(row: Any) -> Any:
    if is_dataclass(row) and not isinstance(row, type):
        return asdict(row)
    if isinstance(row, Mapping):
        return dict(row)
    return row


def _migration_text(m: MigrationRun) -> str:
    what = f"V{m.version} {m.description}" if m.version else m.description
    outcome = "" if m.success else " (failed)"
    return f"{m.table}: {m.type} {what}{outcome}, {m.execution_ms} ms"


# -- assembling ------------------------------------------------------------------------------------
def explain_window(
    *,
    start: datetime | float,
    end: datetime | float,
    top_sql: Iterable[Any] = (),
    load: Mapping[str, float] | Any = None,
    rds_events: Iterable[RdsEvent] = (),
    migrations: Iterable[MigrationRun] = (),
    audit: Iterable[AuditEntry] = (),
    cluster_id: str = "",
    instance_id: str | None = None,
    problems: Mapping[str, str] | None = None,
    top_n: int = 10,
    load_source: str | None = None,
    load_reason: str = "",
) -> WindowExplanation:
    """The explanation of ``[start, end)`` from data already read (no I/O).

    ``top_sql``: rows sorted or not (sorted here by ``total_ms``, the first ``top_n`` kept);
    ``load``: ``{wait: average active sessions}`` or a :class:`~.load.LoadSeries` (averaged over the
    window; its source and reason are kept); events, migrations and audit entries outside the
    window are dropped (some endpoints ignore the time filters) and the rest put in time order."""
    s, e = window_bounds(start, end)
    rows = sorted(top_sql, key=lambda r: float(getattr(r, "total_ms", 0.0) or 0.0), reverse=True)
    by_wait, source, reason = _load_in_window(load, s, e)
    in_window = [ev for ev in rds_events if s <= as_utc(ev.time) < e]
    runs = [m for m in migrations if m.installed_on < e and m.finished >= s]
    entries = []
    for a in audit:
        when = _audit_time(a)
        if when is not None and s <= when < e:
            entries.append(a)
    return WindowExplanation(
        cluster_id=cluster_id, instance_id=instance_id, start=s, end=e,
        top_sql=tuple(rows[:max(0, top_n)]),
        load_by_wait=dict(sorted(by_wait.items(), key=lambda kv: (-kv[1], kv[0]))),
        load_source=load_source or source, load_reason=load_reason or reason,
        events=tuple(sorted(in_window, key=lambda ev: as_utc(ev.time))),
        migrations=tuple(sorted(runs, key=lambda m: (m.installed_on, m.table))),
        audit=tuple(sorted(entries, key=lambda a: _audit_time(a) or s)),
        problems=dict(problems or {}),
    )


def _load_in_window(load: Any, start: datetime, end: datetime) -> tuple[dict[str, float], str | None, str]:
    if load is None:
        return {}, None, ""
    if isinstance(load, Mapping):
        return {str(k): float(v) for k, v in load.items() if v is not None and float(v) > 0}, None, ""
    from aurora_console.core.performance.load import load_by_wait  # a LoadSeries

    averages = load_by_wait(load, start, end)
    return ({k: float(v) for k, v in averages.items() if v is not None and float(v) > 0},
            getattr(load, "source", None), getattr(load, "reason", "") or "")


def gather_window(
    *,
    start: datetime | float,
    end: datetime | float,
    cluster_id: str,
    instance_id: str | None = None,
    top_sql: Callable[[], Iterable[Any]] | None = None,
    load: Callable[[], Any] | None = None,
    rds_events: Callable[[], Iterable[RdsEvent]] | None = None,
    migrations: Callable[[], Iterable[MigrationRun]] | None = None,
    audit: Callable[[], Iterable[AuditEntry]] | None = None,
    task: TaskContext | None = None,
    top_n: int = 10,
) -> WindowExplanation:
    """Read every section (each a zero-argument callable, ``None`` for a section not offered) and
    explain the window. A reader that fails leaves its section empty with the reason in
    ``problems``; the others still show. Runs on a worker thread (it does I/O)."""
    s, e = window_bounds(start, end)
    problems: dict[str, str] = {}
    results: dict[str, Any] = {}
    readers = ((SECTION_TOP_SQL, top_sql), (SECTION_LOAD, load), (SECTION_EVENTS, rds_events),
               (SECTION_MIGRATIONS, migrations), (SECTION_AUDIT, audit))
    for index, (name, reader) in enumerate(readers):
        if task is not None:
            task.check()
            task.progress(int(100 * index / len(readers)), f"Explaining the window: {name}")
        if reader is None:
            continue
        try:
            value = reader()
            results[name] = list(value) if name != SECTION_LOAD and value is not None else value
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - one section's failure is shown in that section
            problems[name] = _problem_text(exc)
            log.info("explain window: %s unavailable: %s", name, problems[name])
    if s < datetime.now(timezone.utc) - EVENTS_KEPT and rds_events is not None and SECTION_EVENTS not in problems:
        problems[SECTION_EVENTS] = "RDS keeps events for 14 days: older events of this window are not shown."
    return explain_window(start=s, end=e, cluster_id=cluster_id, instance_id=instance_id,
                          top_sql=results.get(SECTION_TOP_SQL, ()), load=results.get(SECTION_LOAD),
                          rds_events=results.get(SECTION_EVENTS, ()), migrations=results.get(SECTION_MIGRATIONS, ()),
                          audit=results.get(SECTION_AUDIT, ()), problems=problems, top_n=top_n)


def _problem_text(exc: BaseException) -> str:
    if isinstance(exc, ConsoleError):
        text = exc.message
        hint = getattr(exc, "hint", None)
        return f"{text} {hint}" if hint else text
    try:
        from aurora_console.core.aws.errors import classify_failure

        if type(exc).__module__.startswith("botocore"):
            return classify_failure(exc).message
    except Exception:  # noqa: BLE001
        pass
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# -- RDS events ------------------------------------------------------------------------------------
def cluster_instance_ids(rds: Any, cluster_id: str) -> list[str]:
    """The instances (members) of a cluster, as DescribeDBClusters lists them now."""
    clusters = rds.describe_db_clusters(DBClusterIdentifier=cluster_id).get("DBClusters", [])
    members = clusters[0].get("DBClusterMembers", []) if clusters else []
    return [m["DBInstanceIdentifier"] for m in members if m.get("DBInstanceIdentifier")]


def read_rds_events(rds: Any, cluster_id: str, start: datetime | float, end: datetime | float, *,
                    instance_ids: Sequence[str] | None = None) -> list[RdsEvent]:
    """``DescribeEvents`` of the cluster and each of its instances between ``start`` and ``end``
    (every page), oldest first. ``instance_ids``: default, the cluster's members now."""
    from aurora_console.core.aws.fleet.inventory import paginate

    s, e = window_bounds(start, end)
    ids = list(instance_ids) if instance_ids is not None else cluster_instance_ids(rds, cluster_id)
    out: list[RdsEvent] = []
    for source_type, source_id in [("db-cluster", cluster_id)] + [("db-instance", i) for i in ids]:
        for raw in paginate(rds, "describe_events", "Events", SourceType=source_type, SourceIdentifier=source_id,
                            StartTime=s, EndTime=e):
            when = raw.get("Date")
            if not isinstance(when, datetime):
                continue
            when = as_utc(when)
            if not s <= when < e:
                continue  # endpoints that ignore StartTime/EndTime
            out.append(RdsEvent(when, str(raw.get("SourceType") or source_type),
                                str(raw.get("SourceIdentifier") or source_id), str(raw.get("Message", "")),
                                tuple(raw.get("EventCategories") or ())))
    out.sort(key=lambda ev: (ev.time, ev.source_type, ev.source_id))
    return out


# -- migrations ------------------------------------------------------------------------------------
def find_history_tables(conn: Any) -> list[tuple[str, str, str]]:
    """``(schema, table, format)`` of every table this user can read that has the columns of a
    migration history table; format ``"flyway"`` (integer checksum, Flyway's) or ``"console"``."""
    rows = conn.execute(
        "SELECT n.nspname, c.relname, format_type(a.atttypid, a.atttypmod)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'checksum' AND NOT a.attisdropped"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND has_table_privilege(c.oid, 'SELECT')"
        " AND (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = c.oid AND NOT b.attisdropped"
        "      AND b.attname = ANY(%s)) = %s"
        " ORDER BY 1, 2", (list(_HISTORY_COLUMNS), len(_HISTORY_COLUMNS))).fetchall()
    found = []
    for schema, table, checksum_type in rows:
        if checksum_type in ("integer", "bigint", "smallint"):
            found.append((schema, table, "flyway"))
        elif checksum_type.startswith(("character", "text")):
            found.append((schema, table, "console"))
    return found


def read_migrations(conn: Any, start: datetime | float, end: datetime | float) -> list[MigrationRun]:
    """Runs recorded in every migration history table of the database that overlap the window.

    The console's table records ``installed_on`` as ``timestamptz``; Flyway's as ``timestamp``
    (no time zone: the time of the session that ran Flyway), read here in the database's
    ``TimeZone`` setting. A run overlaps when it was recorded before the window's end and its
    ``installed_on + execution_time`` is not before the window's start."""
    from psycopg import sql

    s, e = window_bounds(start, end)
    out: list[MigrationRun] = []
    with conn.transaction():
        for schema, table, fmt in find_history_tables(conn):
            column = conn.execute(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = to_regclass(%s) AND attname = 'installed_on'",
                (sql.Identifier(schema, table).as_string(conn),)).fetchone()
            local = column is not None and column[0].startswith("timestamp without")
            at = (sql.SQL("({} AT TIME ZONE current_setting('TimeZone'))").format(sql.Identifier("installed_on"))
                  if local else sql.Identifier("installed_on"))
            query = sql.SQL(
                "SELECT {at}, version, description, type, script, success, execution_time, installed_by FROM {tbl}"
                " WHERE {at} < %s AND {at} + make_interval(secs => greatest(execution_time, 0) / 1000.0) >= %s"
                " ORDER BY installed_rank").format(at=at, tbl=sql.Identifier(schema, table))
            for row in conn.execute(query, (e, s)).fetchall():
                when, version, description, type_, script, success, ms, by = row
                out.append(MigrationRun(as_utc(when), str(version) if version else None, str(description or ""),
                                        str(type_ or ""), str(script or ""), bool(success), int(ms or 0),
                                        str(by or ""), f"{schema}.{table}", fmt))
    out.sort(key=lambda m: (m.installed_on, m.table))
    return out


# -- audit -----------------------------------------------------------------------------------------
def _audit_time(entry: AuditEntry) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(entry.time))
    except (TypeError, ValueError):
        return None


def _named_resources(value: Any, key: str = "") -> set[str]:
    """Every value of a resource-naming key (DBClusterIdentifier, cluster...) in audit params."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for k, v in value.items():
            found |= _named_resources(v, str(k))
    elif isinstance(value, (list, tuple)):
        for v in value:
            found |= _named_resources(v, key)
    elif isinstance(value, str) and key.lower() in _RESOURCE_KEYS:
        found.add(value)
    return found


def audit_in_window(audit: AuditLog | Path | str | Iterable[AuditEntry], start: datetime | float,
                    end: datetime | float, *, cluster_id: str, instance_ids: Iterable[str] = (),
                    profile: str | None = None, region: str | None = None) -> list[AuditEntry]:
    """The console's audit entries in the window that concern the cluster: those naming it or one
    of its instances (``DBClusterIdentifier``, ``DBInstanceIdentifier``, ``cluster``...; ARNs
    ending in them count). With ``profile`` (and ``region``), entries of that profile that name no
    RDS resource at all (a backend cancelled through its connection) are kept too."""
    s, e = window_bounds(start, end)
    if isinstance(audit, AuditLog):
        entries: Iterable[AuditEntry] = audit.read()
    elif isinstance(audit, (str, Path)):
        entries = read_audit(Path(audit))
    else:
        entries = audit
    ours = {cluster_id, *instance_ids} - {""}
    out = []
    for entry in entries:
        when = _audit_time(entry)
        if when is None or not s <= when < e:
            continue
        named = _named_resources(entry.params)
        if named:
            if any(n in ours or any(n.endswith(":" + o) for o in ours) for n in named):
                out.append(entry)
        elif profile is not None and entry.profile == profile and (region is None or entry.region == region):
            out.append(entry)
    return sorted(out, key=lambda a: _audit_time(a) or s)
