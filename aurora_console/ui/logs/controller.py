"""The Logs screen's state, Qt-free: one cluster's (or instance's) database log.

What it holds: the instances (writer first, then readers), the chosen instance's log files
(newest first), the entries of the file on screen, the filters (severities, time range), the
search (hits, the current one), follow mode, a CloudWatch Logs search over all instances, and
how each part last ended. Each part fails on its own: an ``AccessDenied`` on reading a file
(``rds:DownloadDBLogFilePortion``) leaves the file list and the CloudWatch search working, and
the error names the permission (``core.aws.db_logs.files.aws_failure``).

Memory stays bounded whatever the file's size: a file opens with its last lines (one call,
the first screen quickly); scrolling back loads the portion before the first line on screen.
For that the file's portions are indexed once (their start markers and line counts, from a
forward pass that keeps no data, see ``LogFileReader.backwards``); at most
:data:`MAX_KEPT_BYTES` of entries stay loaded: loading earlier drops the newest (the screen
offers to go back to the end), following drops the oldest (scrolling back brings them again).

Streaming (follow mode) hands portions over through a queue the worker fills; the runner's
progress callback (UI thread) drains it, so the worker never waits for the UI.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import queue
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from aurora_console.core.aws.db_logs.cloudwatch import ClusterLogEvent, search_cluster_log
from aurora_console.core.aws.db_logs.entries import EntryParser, LogEntry
from aurora_console.core.aws.db_logs.export import export_entries
from aurora_console.core.aws.db_logs.files import LogFile, list_log_files
from aurora_console.core.aws.db_logs.follow import DEFAULT_INTERVAL, follow_log
from aurora_console.core.aws.db_logs.reader import LogFileReader, LogPortion
from aurora_console.core.aws.db_logs.search import (
    FILTER_SEVERITIES,
    compile_search,
    entry_matches,
    filter_entries,
)
from aurora_console.core.errors import user_text
from aurora_console.core.tasks import Cancelled
from aurora_console.ui import full_collections, switch_interval
from aurora_console.ui.observers import Observers
from aurora_console.ui.ui_first import step_aside, ui_first

#: Lines of the first screen (one ``DownloadDBLogFilePortion`` call of the file's last lines).
FIRST_LINES = 1_000
#: Entries loaded at once are cut to about this much memory (``entry_size``).
MAX_KEPT_BYTES = 16 * 1024 * 1024
#: Filters and searches over more entries than this run on a worker.
SYNC_ENTRIES = 2_000
#: Follow mode holds back full GC passes this long at most, then runs one and holds again: the
#: cyclic garbage of a long follow (each poll's botocore call leaves some) stays bounded.
GC_HOLD_SECONDS = 60.0
#: A portion is parsed on its worker in slices of this many characters (a millisecond or two of
#: Python each); between them the worker steps aside while the UI thread paints
#: (``ui/ui_first.py``) and a cancel is honoured.
PARSE_SLICE_CHARS = 8_192
#: A CloudWatch search stops after this many events.
CLOUDWATCH_LIMIT = 5_000
#: Entries follow mode dropped are let go this many at a time (a fraction of a millisecond; see
#: :meth:`LogsController.release_dropped`).
RELEASE_SLICE = 1_000


class LogSources(Protocol):
    """Where the screen's data comes from (called on worker threads)."""

    def instances(self) -> list: ...          # InstanceEndpoint-like: instance_id, role
    def exports_to_cloudwatch(self) -> bool: ...
    def rds(self) -> Any: ...                 # a boto3 RDS client
    def logs(self) -> Any: ...                # a boto3 CloudWatch Logs client


@dataclass(frozen=True)
class PortionIndex:
    """Where each portion of a file starts: its marker and its first line (0-based)."""

    markers: tuple[str, ...]
    starts: tuple[int, ...]
    total_lines: int
    end_marker: str

    def portion_before(self, line: int) -> tuple[str, int, int] | None:
        """``(marker, start line, lines)`` of what to read to get the lines just before ``line``."""
        if line <= 0 or not self.markers:
            return None
        i = bisect.bisect_right(self.starts, line - 1) - 1
        if i < 0:
            return None
        return self.markers[i], self.starts[i], line - self.starts[i]


def build_index(reader: LogFileReader, task) -> PortionIndex:
    """Index a file's portions with one forward pass that keeps no data."""
    markers: list[str] = []
    starts: list[int] = []
    line = 0
    end = "0"
    for portion in reader.forwards("0", task):
        markers.append(portion.marker or "0")
        starts.append(line)
        line += portion.line_count
        end = portion.next_marker
        task.progress(None, f"Indexed {line:,} lines of {reader.file_name}")
    return PortionIndex(tuple(markers), tuple(starts), line, end)


def entry_lines(entry: LogEntry) -> int:
    """How many lines of the file an entry took."""
    return (1 + entry.message.count("\n") + len(entry.details)
            + sum(text.count("\n") for _, text in entry.details))


#: Bytes an entry takes beyond its text, measured with tracemalloc over benchmarks/log_read.py's
#: generated log: the LogEntry, its time, pid and line, its references to the columns the parser
#: shares, its place in the controller's lists (was 80: the kept entries took 3.7 times the bound)
ENTRY_OVERHEAD = 330
#: ... and each of its details (DETAIL, STATEMENT...): the pair and its text's own header.
DETAIL_OVERHEAD = 110


def entry_size(entry: LogEntry) -> int:
    """About the memory ``entry`` holds (text as one byte a character)."""
    return (len(entry.message) + ENTRY_OVERHEAD
            + sum(len(t) + DETAIL_OVERHEAD for _, t in entry.details))


@dataclass
class Parsed:
    """Entries of a portion with each one's size and lines, measured on the worker (the UI
    thread only adds lists when they arrive, and drops by sums over plain ints)."""

    entries: list[LogEntry]
    sizes: list[int]
    lines: list[int]

    @classmethod
    def of(cls, entries: list[LogEntry]) -> Parsed:
        return cls(entries, [entry_size(e) for e in entries], [entry_lines(e) for e in entries])

    @classmethod
    def parse(cls, text: str, task=None) -> Parsed:
        """The entries of ``text`` (a portion), parsed in slices: between two, the worker steps
        aside while the UI thread paints, and ``task`` (if given) is checked for a cancel."""
        parser = EntryParser()
        parsed = cls([], [], [])
        for start in range(0, len(text), PARSE_SLICE_CHARS):
            if start:
                step_aside()
                if task is not None:
                    task.check()
            parsed._add(parser.feed(text[start:start + PARSE_SLICE_CHARS]))
        parsed._add(parser.finish())
        return parsed

    def _add(self, entries: list[LogEntry]) -> None:
        self.entries += entries
        # most entries have no details: their size and lines without a call each
        self.sizes += [entry_size(e) if e.details else len(e.message) + ENTRY_OVERHEAD for e in entries]
        self.lines += [entry_lines(e) if e.details else 1 + e.message.count("\n") for e in entries]


def is_continuation(entry: LogEntry) -> bool:
    """Text without a prefix at the start of a portion: the rest of the entry before it."""
    return entry.pid is None and not entry.severity


def join_entries(first: LogEntry, rest: LogEntry) -> LogEntry:
    """``first`` with the continuation lines ``rest`` (cut off by a portion boundary) added."""
    if first.details:
        label, text = first.details[-1]
        return replace(first, details=first.details[:-1] + ((label, f"{text}\n{rest.message}"),))
    return replace(first, message=f"{first.message}\n{rest.message}")


def sql_for(entry: LogEntry) -> str | None:
    """What the SQL editor opens for a slow statement or an ``auto_explain`` plan (not run):
    the statement prefixed with EXPLAIN, the logged plan above it as a comment. None for other
    entries (and a duration without its statement)."""
    slow = entry.slow
    if slow is None or not slow.text.strip():
        return None
    when = entry.time_text or "?"
    head = [f"-- {entry.severity or 'LOG'} {when} {entry.user}@{entry.database} [{entry.pid}]: "
            f"{slow.duration_ms:g} ms ({slow.kind})"]
    if slow.plan:
        head.append("-- plan logged by auto_explain:")
        head += [f"--   {line}" for line in slow.plan.splitlines()]
    text = slow.text.strip().rstrip(";")
    return "\n".join(head) + f"\nEXPLAIN (ANALYZE, BUFFERS)\n{text};\n"


def statement_of(entry: LogEntry) -> str | None:
    """The statement of a slow-statement line or an ``auto_explain`` plan (as logged: constants or
    ``$n``), what Top SQL is searched for; None for other entries."""
    slow = entry.slow
    if slow is None or not slow.text.strip():
        return None
    return slow.text.strip()


@dataclass(frozen=True)
class Filters:
    severities: frozenset[str] | None = None  # None: every severity
    since: datetime | None = None
    until: datetime | None = None
    slow_only: bool = False

    def keep(self, entries: Sequence[LogEntry]) -> list[LogEntry]:
        if self.severities is None and self.since is None and self.until is None and not self.slow_only:
            return list(entries)
        return list(filter_entries(entries, severities=self.severities, since=self.since, until=self.until,
                                   slow_only=self.slow_only))


class LogsController:
    """State of one Logs screen. ``runner``: anything with the task runner's ``submit``."""

    def __init__(self, runner, target: str, sources: LogSources, *, prefer: str | None = None,
                 first_lines: int = FIRST_LINES, max_kept_bytes: int = MAX_KEPT_BYTES,
                 follow_interval: float = DEFAULT_INTERVAL, sync_entries: int = SYNC_ENTRIES) -> None:
        self.runner = runner
        self.target = target
        self.sources = sources
        self.prefer = prefer
        self.first_lines = first_lines
        self.max_kept_bytes = max_kept_bytes
        self.follow_interval = follow_interval
        self.changed = Observers()
        self.closed = False
        # instances and files
        self.instances: list = []
        self.instance = None
        self.files: list[LogFile] = []
        self.cloudwatch_available: bool | None = None
        # the file on screen
        self.file: str | None = None
        self.entries: list[LogEntry] = []
        self.shown: list[LogEntry] = []
        self.first_line: int | None = None   # 0-based line of the file where the entries start
        self.newer_dropped = False            # loading earlier dropped the newest entries
        self.spans_files = False              # follow mode crossed into a newer file
        self.index: PortionIndex | None = None
        self._kept = 0
        self._sizes: list[int] = []  # each entry's size, beside ``entries``
        self._lines: list[int] = []  # each entry's lines in the file
        self._tail_lines = 0
        self._tail_end: str | None = None
        # filters and search
        self.filters = Filters()
        self.pattern: re.Pattern[str] | None = None
        self.hits: list[int] = []             # rows of ``shown`` that match the search
        self.current_hit: int | None = None   # index into ``hits``
        # what runs, how it ended
        self.loading_files = False
        self.reading = False
        self.loading_earlier = False
        self.following = False
        self.exporting = False
        self.searching_cloudwatch = False
        self.errors: dict[str, BaseException] = {}  # part -> last error (instances, files, read, follow, ...)
        self.status = ""
        self.cloudwatch_events: list[ClusterLogEvent] = []
        self.exported: tuple[str, int] | None = None  # (path, entries) of the last export
        self.reads = 0                        # file reads that completed (tests wait on it)
        self.follow_portions = 0
        self._handles: dict[str, Any] = {}
        self._releases: dict[str, Callable[[], None]] = {}  # part -> its hold on the switch interval
        self._handover: queue.SimpleQueue | None = None
        self._generation = 0                  # bumped when the file on screen changes
        #: bumped when ``shown`` changes other than by rows added at an end (views reset)
        self.resets = 0
        #: rows dropped from the start of ``shown`` by follow mode's bound (views remove them)
        self.dropped = 0
        #: last rows of ``shown`` replaced by the entry joined with the next portion's first lines
        self.joins = 0
        self._gc_held = False                 # follow mode holds back full GC passes
        self._gc_held_since = 0.0
        self.clock = time.monotonic
        #: bumped when ``entries`` changes other than by entries added at the end
        self._edits = 0
        self._filter_runs = 0
        self.filtering = False
        self.sync_entries = sync_entries
        #: entries follow mode's bound dropped, still referenced here so that neither ``entries``
        #: nor the view's copy of ``shown`` lets go of the last reference: freeing some 20,000
        #: entries at once took 5-9 ms of the UI thread's render (``release_dropped``)
        self._released: list[tuple[int, list[LogEntry]]] = []  # (drop number, its entries)
        #: drops follow mode's bound made (a count; ``release_dropped`` takes one)
        self.drops = 0

    # -- helpers -------------------------------------------------------------------------------
    def _emit(self) -> None:
        if not self.closed:
            self.changed.emit()

    def _submit(self, part: str, fn, *, name: str, on_done, any_generation: bool = False, **kw):
        """Run ``fn`` for one part of the screen; ``on_done`` is dropped when the file on screen
        changed meanwhile (unless ``any_generation``: the result does not depend on it)."""
        self.errors.pop(part, None)
        generation = self._generation
        # while it runs, the worker gives the GIL back to the UI thread within 1 ms
        # (``ui/switch_interval.py``); released once, whichever way the task ends
        held = [True]
        switch_interval.hold()

        def release() -> None:
            if held[0]:
                held[0] = False
                switch_interval.release()

        mine: list = []

        def current() -> bool:
            """Whether this task is still its part's (forgotten then): a late end of one that a
            newer task of the part replaced (a search typed on) must not end the newer one."""
            if not mine:
                return True
            if self._handles.get(part) is mine[0]:
                del self._handles[part]
                return True
            return False

        def done(result):
            release()
            is_current = current()
            if any_generation or generation == self._generation:
                on_done(result)
            elif is_current:
                self._ended(part)
            self._emit()

        def failed(exc: BaseException):
            release()
            if current():
                self._ended(part)
                if not isinstance(exc, Cancelled):
                    self.errors[part] = exc
            self._emit()

        def cancelled():
            release()
            if current():
                self._ended(part)
            self._emit()

        handle = self.runner.submit(fn, name=name, on_done=done, on_error=failed,
                                    on_cancelled=cancelled, owner=self, **kw)
        mine.append(handle)
        self._handles[part] = handle
        self._releases[part] = release
        return handle

    def _ended(self, part: str) -> None:
        flag = {"instances": "loading_files", "files": "loading_files", "read": "reading",
                "earlier": "loading_earlier", "follow": "following", "export": "exporting",
                "cloudwatch": "searching_cloudwatch", "filter": "filtering"}.get(part)
        if flag:
            setattr(self, flag, False)
        if part == "follow":
            self._release_gc()

    def _hold_gc(self) -> None:
        if not self._gc_held:
            self._gc_held = True
            self._gc_held_since = self.clock()
            full_collections.hold()

    def _release_gc(self, collect: bool = False) -> None:
        if self._gc_held:
            self._gc_held = False
            full_collections.release(gc.collect if collect else None)

    def error_text(self, part: str) -> str:
        exc = self.errors.get(part)
        if exc is None:
            return ""
        return " ".join(user_text(exc).split("\n"))

    @property
    def busy(self) -> bool:
        return bool(self._handles)

    # -- instances and files -------------------------------------------------------------------
    def start(self) -> None:
        """Load the instances (and whether the cluster exports its log), then the first one's files."""
        self.loading_files = True
        sources = self.sources

        def work(ctx):
            found = sources.instances()
            ctx.check()
            try:
                exports = sources.exports_to_cloudwatch()
            except Exception:  # noqa: BLE001 - the CloudWatch search is offered only when known
                exports = False
            return found, exports

        def done(result) -> None:
            self.instances, self.cloudwatch_available = list(result[0]), bool(result[1])
            self.loading_files = False
            chosen = next((i for i in self.instances if i.instance_id == self.prefer), None)
            if chosen is None and self.instances:
                chosen = self.instances[0]
            if chosen is not None:
                self.select_instance(chosen.instance_id)

        self._submit("instances", work, name=f"Database logs: instances of {self.target}", on_done=done)
        self._emit()

    def select_instance(self, instance_id: str) -> None:
        chosen = next((i for i in self.instances if i.instance_id == instance_id), None)
        if chosen is None:
            raise ValueError(f"{instance_id} is not an instance of {self.target}")
        if chosen is not self.instance:
            self.stop_follow()
            self._cancel("read", "earlier", "files")
            self.instance = chosen
            self.files = []
            self._clear_view(None)
        self.refresh_files()

    def refresh_files(self) -> None:
        if self.instance is None:
            return
        instance_id = self.instance.instance_id
        sources = self.sources
        self.loading_files = True

        def done(files) -> None:
            self.loading_files = False
            if self.instance is not None and self.instance.instance_id == instance_id:
                self.files = list(files)

        self._submit("files", lambda ctx: list_log_files(sources.rds(), instance_id, task=ctx),
                     name=f"Log files of {instance_id}", on_done=done, any_generation=True)
        self._emit()

    # -- the file on screen --------------------------------------------------------------------
    def _clear_view(self, name: str | None) -> None:
        self._generation += 1
        self.resets += 1
        self._edits += 1
        self.file = name
        self.entries, self.shown, self.hits = [], [], []
        self._released = []
        self.current_hit = None
        self.first_line = None
        self.index = None
        self.newer_dropped = self.spans_files = False
        self._kept = 0
        self._sizes: list[int] = []  # each entry's size, beside ``entries``
        self._lines: list[int] = []  # each entry's lines in the file
        self._tail_lines = 0
        self._tail_end = None
        self.errors.pop("read", None)
        self.errors.pop("earlier", None)

    def open_file(self, name: str, lines: int | None = None) -> None:
        """Show the last ``lines`` of ``name`` (one call: the first screen quickly)."""
        if self.instance is None:
            raise RuntimeError("no instance chosen")
        self.stop_follow()
        self._cancel("read", "earlier")
        self._clear_view(name)
        want = lines or self.first_lines
        instance_id, sources = self.instance.instance_id, self.sources
        self.reading = True
        self.status = f"Reading {name}…"

        def work(ctx):
            portion = LogFileReader(sources.rds(), instance_id, name).tail(want, ctx)
            return portion, Parsed.parse(portion.data, ctx)

        def done(result) -> None:
            portion, entries = result
            self.reading = False
            self._tail_lines = portion.line_count
            self._tail_end = portion.next_marker
            self._append(entries)
            self.reads += 1
            self.status = (f"{name}: last {portion.line_count:,} lines" if portion.line_count else f"{name} is empty")
            if portion.truncated:
                self.status += " (a line longer than 1 MB was cut by RDS)"

        self._submit("read", work, name=f"Read {name}", on_done=done)
        self._emit()

    @property
    def can_load_earlier(self) -> bool:
        return (self.file is not None and not self.spans_files and not self.reading and not self.loading_earlier
                and self.first_line != 0 and not (self.index is not None and self.first_line is None))

    def load_earlier(self) -> None:
        """Load the portion before the first entry on screen (indexing the file first, once)."""
        if not self.can_load_earlier or self.instance is None:
            return
        name, instance_id, sources = self.file, self.instance.instance_id, self.sources
        index, first_line = self.index, self.first_line
        tail_lines, tail_end = self._tail_lines, self._tail_end
        self.loading_earlier = True
        self.status = f"Loading earlier lines of {name}…"

        def work(ctx):
            reader = LogFileReader(sources.rds(), instance_id, name)
            idx, start = index, first_line
            if idx is None:
                # lines written after the first screen, counted before the index is built: a
                # line written in between is counted by the index only, so the first screen's
                # start comes out late by it and the overlap is dropped (never a line lost)
                grown = 0
                if tail_end is not None:
                    grown = sum(p.line_count for p in reader.forwards(tail_end, ctx))
                idx = build_index(reader, ctx)
                start = max(0, idx.total_lines - grown - tail_lines)
            where = idx.portion_before(start)
            if where is None:
                return idx, start, 0, Parsed.of([])
            marker, from_line, count = where
            portion = reader.fetch(marker, count, ctx)
            return idx, start, from_line, Parsed.parse(portion.data, ctx)

        def done(result) -> None:
            idx, start, from_line, entries = result
            self.loading_earlier = False
            self.index = idx
            if not entries.entries:
                self.first_line = 0 if start is not None else None
                self.status = f"{name}: start of the file"
                return
            self.first_line = from_line
            self._prepend(entries)
            self.status = f"{name}: from line {from_line + 1:,}"

        self._submit("earlier", work, name=f"Earlier lines of {name}", on_done=done)
        self._emit()

    def _prepend(self, parsed: Parsed | list[LogEntry]) -> None:
        if isinstance(parsed, list):
            parsed = Parsed.of(parsed)
        entries = _without_overlap(parsed.entries, self.entries)
        sizes, nlines = parsed.sizes[:len(entries)], parsed.lines[:len(entries)]
        self._edits += 1
        if self.entries and entries and is_continuation(self.entries[0]):
            old_first = self.entries[0]
            entries[-1] = join_entries(entries[-1], old_first)
            sizes[-1] = entry_size(entries[-1])
            nlines[-1] += self._lines[0]
            self._kept -= self._sizes[0]
            del self.entries[0], self._sizes[0], self._lines[0]
            if self.shown and self.shown[0] is old_first:
                self.shown.pop(0)
                self.hits = [h - 1 for h in self.hits if h > 0]
                self.resets += 1
        kept = self.filters.keep(entries)
        self.entries[:0] = entries
        self._sizes[:0] = sizes
        self._lines[:0] = nlines
        self.shown[:0] = kept
        self._kept += sum(sizes)
        shift = len(kept)
        new_hits = [i for i, e in enumerate(kept) if self._hit(e)] if self.pattern is not None else []
        self.hits = new_hits + [h + shift for h in self.hits]
        if self.current_hit is not None:
            self.current_hit += len(new_hits)
        if self._kept > self.max_kept_bytes and len(self.entries) > 1:
            self._drop_newest()
        self._clamp_hit()

    def _drop_newest(self) -> None:
        """Loading earlier went past the bound: the newest entries go (Back to the end
        shows them again)."""
        count, self._kept = _cut(reversed(self._sizes), self._kept, self.max_kept_bytes, len(self.entries) - 1)
        if not count:
            return
        gone = self.entries[-count:]
        del self.entries[-count:], self._sizes[-count:], self._lines[-count:]
        self.newer_dropped = True
        self.resets += 1
        shown_gone = 0
        size = len(self.shown)
        for entry in reversed(gone):
            if shown_gone < size and self.shown[size - 1 - shown_gone] is entry:
                shown_gone += 1
        if shown_gone:
            del self.shown[-shown_gone:]
            last = len(self.shown)
            while self.hits and self.hits[-1] >= last:
                self.hits.pop()

    def _append(self, parsed: Parsed | list[LogEntry]) -> None:
        if isinstance(parsed, list):
            parsed = Parsed.of(parsed)
        entries, sizes, nlines = parsed.entries, parsed.sizes, parsed.lines
        if self.entries and entries and is_continuation(entries[0]):
            rest = entries[0]
            entries, sizes, nlines = entries[1:], sizes[1:], nlines[1:]
            old_last = self.entries[-1]
            joined = join_entries(old_last, rest)
            self.entries[-1] = joined
            grown = entry_size(joined) - self._sizes[-1]
            self._sizes[-1] += grown
            self._lines[-1] += parsed.lines[0]
            self._kept += grown
            self._edits += 1
            if self.shown and self.shown[-1] is old_last:
                self.shown[-1] = joined
                self.joins += 1
        kept = self.filters.keep(entries)
        base = len(self.shown)
        self.entries.extend(entries)
        self._sizes.extend(sizes)
        self._lines.extend(nlines)
        self.shown.extend(kept)
        self._kept += sum(sizes)
        if self.pattern is not None:
            self.hits.extend(base + i for i, e in enumerate(kept) if self._hit(e))
        if self._kept > self.max_kept_bytes:
            self._drop_oldest()
        self._clamp_hit()

    def _drop_oldest(self) -> None:
        """Drop the oldest entries down to 3/4 of the bound (in one cut: follow mode drops
        rarely, not a few rows per portion)."""
        count, self._kept = _cut(self._sizes, self._kept, self.max_kept_bytes * 3 // 4, len(self.entries) - 1)
        if not count:
            return
        lines = sum(itertools.islice(self._lines, count))
        # ``shown`` is a subsequence of ``entries``: all of them (no filter), or walk both (no
        # set of the dropped)
        shown, shown_gone, size = self.shown, 0, len(self.shown)
        if size == len(self.entries):
            shown_gone = count
        else:
            for entry in itertools.islice(self.entries, count):
                if shown_gone < size and shown[shown_gone] is entry:
                    shown_gone += 1
        # two drops are held at most (a screen lets go of one within a few turns after it
        # renders; without a screen, the one before the previous goes here, as before)
        self._released[:-1] = []
        self.drops += 1
        self._released.append((self.drops, self.entries[:count]))
        del self.entries[:count], self._sizes[:count], self._lines[:count]
        self._edits += 1
        if shown_gone:
            del self.shown[:shown_gone]
            self.dropped += shown_gone
            hits_gone = bisect.bisect_left(self.hits, shown_gone)
            self.hits = [h - shown_gone for h in self.hits[hits_gone:]]
            if self.current_hit is not None:
                self.current_hit = max(0, self.current_hit - hits_gone)
        self._tail_lines = max(0, self._tail_lines - lines)
        if self.first_line is not None:
            self.first_line += lines

    @property
    def dropped_pending(self) -> int:
        """Entries dropped by follow mode's bound and not let go yet."""
        return sum(len(batch) for _, batch in self._released)

    def release_dropped(self, budget: float, upto: int | None = None) -> bool:
        """Let go of the entries follow mode's bound dropped, :data:`RELEASE_SLICE` at a time,
        until ``budget`` seconds (of ``clock``) have passed; ``upto``: only drops up to this
        number (``drops`` when the view last rendered: it has removed those rows; freeing later
        ones here would leave the last reference, and the cost, to the view). The screen calls
        it once per event-loop turn after a render. Whether such entries remain."""
        start = self.clock()
        released = self._released
        while released and (upto is None or released[0][0] <= upto):
            batch = released[0][1]
            del batch[-RELEASE_SLICE:]  # from the end: nothing left shifts
            if not batch:
                del released[0]
            if self.clock() - start >= budget:
                break
        return bool(released) and (upto is None or released[0][0] <= upto)

    def _clamp_hit(self) -> None:
        if self.current_hit is not None and not self.hits:
            self.current_hit = None
        elif self.current_hit is not None:
            self.current_hit = min(self.current_hit, len(self.hits) - 1)

    def back_to_end(self) -> None:
        """Reopen the file on screen at its last lines (after loading earlier dropped them)."""
        if self.file is not None:
            self.open_file(self.file)

    # -- follow mode ---------------------------------------------------------------------------
    def follow(self) -> None:
        """Follow the instance's newest log file (``tail -f``) until :meth:`stop_follow`."""
        if self.instance is None or self.following:
            return
        self._cancel("read", "earlier")
        instance_id, sources = self.instance.instance_id, self.sources
        newest = next((f.name for f in self.files if not f.name.endswith(".csv")), None)
        continuing = (newest is not None and self.file == newest and self._tail_end is not None and bool(self.entries)
                      and not self.newer_dropped)
        if not continuing:
            self._clear_view(newest)
        handover: queue.SimpleQueue = queue.SimpleQueue()
        self._handover = handover
        self.following = True
        self.status = f"Following {instance_id}…"
        start_marker = self._tail_end if continuing else None
        lines, interval = self.first_lines, self.follow_interval
        file_name = self.file

        def work(ctx):
            rds = sources.rds()
            stream = follow_log(rds, instance_id, task=ctx, file_name=file_name, lines=lines, interval=interval,
                                marker=start_marker)
            for portion in stream:
                handover.put((portion, Parsed.parse(portion.data, ctx)))
                ctx.progress(None, f"{portion.file_name}: new lines")
            return None

        def followed(_result) -> None:
            self._drain()
            self._release_gc()

        # the kept entries (up to 16 MB, some 100,000 objects) are tracked by the collector: its
        # full passes over them, on whichever thread, held the GIL for 40-80 ms each while a busy
        # log streamed in; young collections still run (``ui/full_collections.py``, shared)
        self._hold_gc()
        self._submit("follow", work, name=f"Follow the log of {instance_id}", on_done=followed,
                     on_progress=lambda _p, _t: self._drain())
        self._emit()

    def _drain(self) -> None:
        q = self._handover
        got = False
        with ui_first():
            while q is not None:
                try:
                    portion, entries = q.get_nowait()
                except queue.Empty:
                    break
                got = True
                self._take_followed(portion, entries)
        if self._gc_held and self.following and self.clock() - self._gc_held_since >= GC_HOLD_SECONDS:
            self._release_gc(collect=True)  # one full pass (when no other load holds them back)
            self._hold_gc()
        if got:
            self._emit()

    def _take_followed(self, portion: LogPortion, entries: Parsed) -> None:
        if self.file is None:
            self.file = portion.file_name
        elif portion.file_name != self.file:
            self.spans_files = True
            self.file = portion.file_name
        self._tail_lines += portion.line_count  # lines from the first one on screen to the marker
        self._tail_end = portion.next_marker
        self.follow_portions += 1
        self._append(entries)

    def stop_follow(self) -> None:
        if self.following:
            self._drain()
            self._cancel("follow")
            self.following = False
            self.status = "Follow stopped"
            self._emit()

    # -- filters and search --------------------------------------------------------------------
    def set_filters(self, *, severities: Sequence[str] | None = ..., since: datetime | None = ...,
                    until: datetime | None = ..., slow_only: bool | None = None) -> None:
        """Change the filters (arguments left out keep their value); ``severities`` among
        :data:`FILTER_SEVERITIES` (None: all)."""
        f = self.filters
        if severities is not ...:
            if severities is not None:
                unknown = {s.upper() for s in severities} - set(FILTER_SEVERITIES)
                if unknown:
                    raise ValueError(f"unknown severities: {', '.join(sorted(unknown))}")
            f = replace(f, severities=None if severities is None else frozenset(s.upper() for s in severities))
        if since is not ...:
            f = replace(f, since=since)
        if until is not ...:
            f = replace(f, until=until)
        if slow_only is not None:
            f = replace(f, slow_only=slow_only)
        if f.since is not None and f.until is not None and f.since >= f.until:
            raise ValueError("the time range must start before it ends")
        self.filters = f
        self._refilter(first_hit=False)

    def set_search(self, pattern: str | None, *, literal: bool = False) -> None:
        """Search the entries shown (raises ``SearchPatternError`` for a bad pattern); the
        current hit becomes the first one."""
        self.pattern = compile_search(pattern, literal=literal) if pattern else None
        self._refilter(first_hit=True)

    def _refilter(self, *, first_hit: bool) -> None:
        """``shown`` and ``hits`` again for the current filters and pattern: here for a few
        entries, else on a worker over a snapshot (the UI thread never scans the whole
        screen). Entries added at the end meanwhile are filtered when the result arrives; any
        other change (a new file, scroll-back, entries dropped) runs the filter again."""
        self._cancel("filter")
        self._filter_runs += 1
        run = self._filter_runs
        f, pattern = self.filters, self.pattern
        if len(self.entries) <= self.sync_entries:
            self._apply_filtered(*_filtered(self.entries, f, pattern), first_hit)
            self._emit()
            return
        snapshot, edits = tuple(self.entries), self._edits
        self.filtering = True

        def done(result) -> None:
            if run != self._filter_runs:
                return
            self.filtering = False
            if edits != self._edits:
                self._refilter(first_hit=first_hit)
                return
            shown, hits = result
            tail_shown, tail_hits = _filtered(self.entries[len(snapshot):], f, pattern)
            hits += [len(shown) + h for h in tail_hits]
            self._apply_filtered(shown + tail_shown, hits, first_hit)

        self._submit("filter", lambda ctx: _filtered(snapshot, f, pattern, ctx), name="Filter log entries",
                     on_done=done, any_generation=True)
        self._emit()

    def _apply_filtered(self, shown: list[LogEntry], hits: list[int], first_hit: bool) -> None:
        self.shown, self.hits = shown, hits
        self.resets += 1
        if first_hit:
            self.current_hit = 0 if hits else None
        self._clamp_hit()

    def _hit(self, entry: LogEntry) -> bool:
        return self.pattern is not None and entry_matches(entry, self.pattern)

    @property
    def current_row(self) -> int | None:
        """The row of ``shown`` of the current search hit."""
        return self.hits[self.current_hit] if self.current_hit is not None and self.hits else None

    def next_hit(self, backwards: bool = False, from_row: int | None = None) -> int | None:
        """Move to the next (previous) hit, wrapping round; ``from_row``: from this row instead
        of the current hit. The row, or None without hits."""
        if not self.hits:
            self.current_hit = None
            return None
        if from_row is not None:
            pos = bisect.bisect_left(self.hits, from_row) if backwards else bisect.bisect_right(self.hits, from_row)
            self.current_hit = (pos - 1 if backwards else pos) % len(self.hits)
        elif self.current_hit is None:
            self.current_hit = len(self.hits) - 1 if backwards else 0
        else:
            self.current_hit = (self.current_hit + (-1 if backwards else 1)) % len(self.hits)
        self._emit()
        return self.current_row

    # -- CloudWatch Logs -----------------------------------------------------------------------
    def search_cloudwatch(self, pattern: str, start: datetime, end: datetime) -> None:
        """One search over every instance's log in CloudWatch Logs (``FilterLogEvents``)."""
        if start >= end:
            raise ValueError("the time range must start before it ends")
        sources, cluster = self.sources, self.target
        self.searching_cloudwatch = True
        self.cloudwatch_events = []

        def work(ctx):
            return list(search_cluster_log(sources.logs(), cluster, start=start, end=end, filter_pattern=pattern,
                                           limit=CLOUDWATCH_LIMIT, task=ctx))

        def done(events) -> None:
            self.searching_cloudwatch = False
            self.cloudwatch_events = events

        self._submit("cloudwatch", work, name=f"Search the log of {cluster} in CloudWatch Logs", on_done=done,
                     any_generation=True)
        self._emit()

    # -- export --------------------------------------------------------------------------------
    def export(self, path: str | Path, fmt: str = "text", on_done: Callable[[int], Any] | None = None) -> None:
        """Write the entries shown (filters applied) to ``path`` as text or CSV, on a worker."""
        entries = tuple(self.shown)
        self.exporting = True

        def done(count: int) -> None:
            self.exporting = False
            self.exported = (str(path), count)
            self.status = f"Exported {count:,} entries to {path}"
            if on_done is not None:
                on_done(count)

        self._submit("export", lambda ctx: export_entries(entries, path, fmt, task=ctx),
                     name=f"Export log entries to {Path(path).name}", on_done=done, any_generation=True)
        self._emit()

    # -- cancel and close ----------------------------------------------------------------------
    def _cancel(self, *parts: str) -> None:
        for part in parts:
            handle = self._handles.pop(part, None)
            if handle is not None:
                handle.cancel()
            release = self._releases.pop(part, None)
            if release is not None:
                release()  # a cancelled worker stops at its next check: no bulk work after
            self._ended(part)

    def cancel(self) -> None:
        """Cancel everything that runs (reading, indexing, following, searching, exporting)."""
        if self.following:
            self._drain()
        self._cancel(*list(self._handles))
        self.status = "Cancelled"
        self._emit()

    def close(self) -> None:
        """The screen closes: everything stops except an export the user asked for."""
        if self.following:
            self._drain()
        self._cancel(*[part for part in self._handles if part != "export"])
        self.closed = True


def _cut(sizes, kept: int, target: int, most: int) -> tuple[int, int]:
    """How many of ``sizes`` (from the end to drop from) to drop so ``kept`` falls to
    ``target`` (at most ``most``), and what is kept then. Adds up only the sizes dropped (a
    quarter of the entries when follow mode drops), not a running sum over all of them."""
    need = kept - target
    if need <= 0 or most <= 0:
        return 0, kept
    total = count = 0
    for size in itertools.islice(sizes, most):
        total += size
        count += 1
        if total >= need:
            break
    return count, kept - total


def _filtered(entries: Sequence[LogEntry], filters: Filters, pattern: re.Pattern[str] | None,
              task=None) -> tuple[list[LogEntry], list[int]]:
    """The entries ``filters`` keep, and the rows among them that ``pattern`` finds."""
    shown = filters.keep(entries)
    if pattern is None:
        return shown, []
    hits = []
    for row, entry in enumerate(shown):
        if task is not None and row % 1000 == 0:
            step_aside()
            task.check()
        if entry_matches(entry, pattern):
            hits.append(row)
    return shown, hits


def _without_overlap(earlier: list[LogEntry], current: list[LogEntry]) -> list[LogEntry]:
    """``earlier`` without its last entries when they are the first of ``current`` (the file
    grew while it was indexed, so the earlier portion reached into what is on screen)."""
    if not earlier or not current:
        return earlier
    key = _same(current[0])
    for i in range(len(earlier) - 1, max(-1, len(earlier) - 1 - 10_000), -1):
        if _same(earlier[i]) == key:
            n = len(earlier) - i
            if [_same(e) for e in earlier[i:]] == [_same(e) for e in current[:n]]:
                return earlier[:i]
    return earlier


def _same(entry: LogEntry) -> tuple:
    return entry.time_text, entry.pid, entry.severity, entry.message[:200]
