"""Entries of an RDS PostgreSQL log: lines with the ``%t:%r:%u@%d:[%p]:`` prefix parsed into
columns, continuation lines joined, slow statements and ``auto_explain`` plans recognised.

RDS and Aurora PostgreSQL write the server log with ``log_line_prefix = '%t:%r:%u@%d:[%p]:'``
(the default of their parameter groups; AWS docs, "Parameters for logging in Aurora PostgreSQL"):

    2026-12-07 05:13:15 UTC:10.0.1.23(53412):app@blog:[12345]:LOG:  duration: 1503.201 ms  statement: SELECT 1
    2026-12-07 05:13:16 UTC::@:[611]:LOG:  checkpoint starting: time

``%r`` is ``host(port)``, ``[local]``, or empty for background processes (``%u``/``%d`` too).
PostgreSQL writes the rest of a multi-line message on lines of their own, each after a tab;
those lines (and any other line without the prefix) join the entry before them. ``DETAIL``,
``HINT``, ``CONTEXT``, ``STATEMENT``, ``QUERY`` and ``LOCATION`` lines of the same process belong
to the message before them and become its :attr:`LogEntry.details`.

A user or database name holding ``@`` or ``:[`` cannot be told apart from the prefix's own
separators; such a line is read with the shortest user name that fits.

:class:`EntryParser` is incremental: feed it the text of each portion as it arrives (a large file
never sits whole in memory); it returns the entries completed so far and keeps the last one open
(its continuation may arrive with the next portion).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

#: Severities of a message that opens an entry, most severe first (PostgreSQL's elevels).
SEVERITIES = ("PANIC", "FATAL", "ERROR", "WARNING", "NOTICE", "LOG", "INFO",
              "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5")
#: Lines that carry more of the message before them (same process), not a message of their own.
DETAIL_LABELS = ("DETAIL", "HINT", "QUERY", "CONTEXT", "STATEMENT", "LOCATION")

#: A parser shares at most this many distinct column strings (then starts again).
SHARED_STRINGS = 4_096
#: An entry's message is cut after this many characters (a runaway continuation stays bounded).
MAX_MESSAGE_CHARS = 1_000_000

_PREFIX = re.compile(
    r"(?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)"
    r"(?: (?P<zone>[A-Za-z0-9+\-]+))?"
    r":(?P<client>[^()\s]*\([0-9]+\)|\[local\]|)"
    r":(?P<user>[^\n]*?)@(?P<database>[^\n]*?)"
    r":\[(?P<pid>[0-9]+)\]"
    r":(?P<severity>[A-Z]+[0-9]?):  ?(?P<message>[^\n]*)"
)
_LEVELS = frozenset(SEVERITIES) | frozenset(DETAIL_LABELS)
#: a prefixed line anywhere in a text (each line's start); its time with its zone (group 1) and
#: its client, user and database (group 4) are also groups of their own: what repeats from line
#: to line is looked up whole
_PREFIX_LINE = re.compile(
    r"^((?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)"
    r"(?: (?P<zone>[A-Za-z0-9+\-]+))?)"
    r":((?P<client>[^()\s]*\([0-9]+\)|\[local\]|)"
    r":(?P<user>[^\n]*?)@(?P<database>[^\n]*?))"
    r":\[(?P<pid>[0-9]+)\]"
    r":(?P<severity>[A-Z]+[0-9]?):  ?(?P<message>[^\n]*)", re.MULTILINE)
_TIME_TEXT, _WHO = 1, 4
_PID, _SEVERITY, _MESSAGE = (_PREFIX_LINE.groupindex[g] for g in ("pid", "severity", "message"))
#: the severities and detail labels, each mapped to itself (one lookup checks and shares it)
_LEVEL_NAMES = {name: name for name in _LEVELS}

_DURATION = re.compile(r"duration: (?P<ms>[0-9]+(?:\.[0-9]+)?) ms(?:  (?P<rest>.*))?", re.DOTALL)
_STATEMENT_KIND = re.compile(r"(?P<kind>statement|execute|bind|parse|plan)(?P<name> [^:\n]*)?:[ \n]?", re.DOTALL)
_QUERY_TEXT = re.compile(r"Query Text: (?P<text>.*?)\n(?P<plan>(?:[ \t]*[^ \t\n].*)?)\Z", re.DOTALL)
#: the first line of a text-format plan after a Query Text of several lines: a node with its cost
#: or actual figures (``COSTS off`` plans of multi-line statements split at the first line break)
_PLAN_ROOT = re.compile(r"\n(?=[^\n]*?  \((?:cost=[0-9]|actual (?:time|rows)=))")
_JSON_QUERY_TEXT = re.compile(r'"Query Text": "(?P<text>(?:[^"\\]|\\.)*)"')

_ZONES = {"UTC": timezone.utc, "GMT": timezone.utc, "Z": timezone.utc}
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<h>[0-9]{2})(?::?(?P<m>[0-9]{2}))?")


@dataclass(frozen=True)
class SlowStatement:
    """A ``log_min_duration_statement`` line or an ``auto_explain`` plan.

    ``kind``: ``statement``, ``execute``, ``bind``, ``parse`` (the statement's text follows the
    duration), ``plan`` (auto_explain: ``plan`` holds the plan, ``text`` its ``Query Text``) or
    ``duration`` (only the duration: the statement was logged on a line of its own before).
    """

    duration_ms: float
    kind: str
    text: str = ""
    plan: str = ""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One message of the log. ``time`` is aware (UTC unless the prefix named another zone);
    ``pid`` is None and ``severity`` empty for text that came before any prefixed line.
    ``line``: 1-based number, in the text fed to the parser, of the entry's first line."""

    time: datetime | None
    client: str
    user: str
    database: str
    pid: int | None
    severity: str
    message: str
    details: tuple[tuple[str, str], ...] = ()
    line: int = 0
    time_text: str = ""
    cut: bool = False

    @property
    def slow(self) -> SlowStatement | None:
        return slow_statement(self.message)

    def detail(self, label: str) -> str | None:
        for name, text in self.details:
            if name == label:
                return text
        return None

    def text(self) -> str:
        """The entry as one block of text (prefix, message, details), for export and search."""
        head = f"{self.time_text}:{self.client}:{self.user}@{self.database}:[{self.pid}]:" if self.pid is not None else ""
        parts = [f"{head}{self.severity}:  {self.message}" if self.severity else self.message]
        parts += [f"{head}{label}:  {text}" for label, text in self.details]
        return "\n".join(parts)


def parse_time(text: str, zone: str | None) -> datetime | None:
    """``%t``'s timestamp (``2026-12-07 05:13:15``, optional fraction) in ``zone`` (an abbreviation
    PostgreSQL prints: UTC/GMT, or a numeric offset such as ``+03`` or ``-0330``); None if unknown."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        return None
    if zone is None or zone in _ZONES:
        return naive.replace(tzinfo=timezone.utc)
    match = _OFFSET.fullmatch(zone)
    if match is None:
        return naive.replace(tzinfo=timezone.utc) if zone.upper() in _ZONES else None
    minutes = int(match["h"]) * 60 + int(match["m"] or 0)
    if minutes >= 24 * 60:
        return None
    sign = -1 if match["sign"] == "-" else 1
    return naive.replace(tzinfo=timezone(sign * timedelta(minutes=minutes)))


def slow_statement(message: str) -> SlowStatement | None:
    """The duration and statement (or plan) of a ``duration: ... ms`` message, else None."""
    match = _DURATION.match(message)
    if match is None:
        return None
    ms = float(match["ms"])
    rest = match["rest"]
    if not rest:
        return SlowStatement(ms, "duration")
    kind = _STATEMENT_KIND.match(rest)
    if kind is None:
        return None
    body = rest[kind.end():]
    if kind["kind"] != "plan":
        return SlowStatement(ms, kind["kind"], body)
    plan = body.strip("\n")
    query = _QUERY_TEXT.match(plan)
    if query is not None:
        root = _PLAN_ROOT.search(plan, len("Query Text: "))
        if root is not None:  # the statement may span lines: the plan starts at its root node
            return SlowStatement(ms, "plan", plan[len("Query Text: "):root.start()], plan[root.end():])
        return SlowStatement(ms, "plan", query["text"], query["plan"])
    json_query = _JSON_QUERY_TEXT.search(plan)
    text = ""
    if json_query is not None:
        import json

        try:
            text = json.loads(f'"{json_query["text"]}"')
        except ValueError:
            text = json_query["text"]
    return SlowStatement(ms, "plan", text, plan)


class _Open:
    """The entry being read: its columns, its message's lines and its details' lines."""

    __slots__ = ("time", "time_text", "client", "user", "database", "pid", "severity", "lines", "size", "line",
                 "details", "cut")

    def __init__(self, time: datetime | None, time_text: str, client: str, user: str, database: str,
                 pid: int | None, severity: str, first: str, line: int) -> None:
        self.time = time
        self.time_text = time_text
        self.client = client
        self.user = user
        self.database = database
        self.pid = pid
        self.severity = severity
        self.lines = [first]
        self.size = len(first) + 1
        self.line = line
        self.details: list[list] = []  # [label, [lines], size]
        self.cut = self.size > MAX_MESSAGE_CHARS
        if self.cut:
            self.lines, self.size = [], 0

    def add(self, text: str) -> None:
        target_lines, size = (self.details[-1][1], self.details[-1][2]) if self.details else (self.lines, self.size)
        if size + len(text) + 1 > MAX_MESSAGE_CHARS:
            self.cut = True
            return
        target_lines.append(text)
        if self.details:
            self.details[-1][2] += len(text) + 1
        else:
            self.size += len(text) + 1

    def entry(self) -> LogEntry:
        lines = self.lines
        details = tuple((label, "\n".join(lines)) for label, lines, _ in self.details) if self.details else ()
        return LogEntry(self.time, self.client, self.user, self.database, self.pid, self.severity,
                        lines[0] if len(lines) == 1 else "\n".join(lines), details, self.line, self.time_text,
                        self.cut)


class EntryParser:
    """Incremental parser: :meth:`feed` text as it arrives, :meth:`finish` at the end.

    The prefixed lines of a fed text are found with one scan of it (``re.finditer``, in C) rather
    than a match per line: the lines between two of them are continuation lines; a time and a
    client/user/database seen before are looked up whole. The parse of a busy log being followed
    is most of the work that competes with the UI thread for the GIL: 27 ms of CPU per MB of
    ``benchmarks/log_read.py``'s log (30 ms line by line), of which building the entries (frozen
    dataclasses) is about a fifth."""

    def __init__(self, first_line: int = 1) -> None:
        self._open: _Open | None = None
        self._partial = ""
        self._line = first_line - 1
        # the prefix's columns repeat from line to line (users, databases, clients, the second):
        # entries share one string (and one datetime) each instead of a copy per entry, about
        # 300 of the 750 bytes an entry took
        self._times: dict[str, tuple[str, datetime | None]] = {}   # time and zone -> (text, time)
        self._who: dict[str, tuple[str, str, str]] = {}            # client:user@database -> columns
        self._shared: dict[str, str] = {}
        self._pids: dict[str, int] = {}

    @property
    def pending(self) -> LogEntry | None:
        """The entry still open (more continuation lines may follow), if any."""
        return self._open.entry() if self._open is not None else None

    def feed(self, text: str) -> list[LogEntry]:
        """Parse ``text`` (any cut: a line may continue in the next call); the entries completed."""
        if not text:
            return []
        data = self._partial + text if self._partial else text
        end = data.rfind("\n") + 1  # whole lines only; the rest waits for its newline
        self._partial = data[end:]
        done: list[LogEntry] = []
        if end:
            self._lines(data, end, done)
        return done

    def finish(self) -> list[LogEntry]:
        """The rest: a last line without a newline, and the open entry."""
        done: list[LogEntry] = []
        if self._partial:
            partial, self._partial = self._partial, ""
            self._lines(partial + "\n", len(partial) + 1, done)
        if self._open is not None:
            done.append(self._open.entry())
            self._open = None
        return done

    def _lines(self, data: str, end: int, done: list[LogEntry]) -> None:
        """The whole lines of ``data[:end]`` (it ends with a newline)."""
        line = self._line
        pos = 0
        times, who, pids, details = self._times, self._who, self._pids, DETAIL_LABELS
        for match in _PREFIX_LINE.finditer(data, 0, end):
            start = match.start()
            if start != pos:  # lines without a prefix: they continue the entry before
                line = self._loose(data[pos:start - 1], line)
            pos = match.end() + 1
            line += 1
            time_text, columns, pid_text, severity, message = match.group(_TIME_TEXT, _WHO, _PID, _SEVERITY, _MESSAGE)
            severity = _LEVEL_NAMES.get(severity)
            if severity is None:  # not a severity: a line of text that looks like a prefix
                line = self._loose(match.group(), line - 1)
                continue
            if message[-1:] == "\r":
                message = message[:-1]
            pid = pids.get(pid_text)
            if pid is None:
                if len(pids) > SHARED_STRINGS:
                    pids.clear()
                pid = pids[pid_text] = int(pid_text)
            current = self._open
            if current is not None:
                if severity in details and current.pid == pid:
                    current.details.append([severity, [], 0])
                    current.add(message)
                    continue
                done.append(current.entry())
            when = times.get(time_text)
            if when is None:
                when = self._time(time_text, match)
            cols = who.get(columns)
            if cols is None:
                cols = self._columns(columns, match)
            self._open = _Open(when[1], when[0], cols[0], cols[1], cols[2], pid, severity, message, line)
        if pos < end:
            line = self._loose(data[pos:end - 1], line)
        self._line = line

    def _time(self, time_text: str, match: re.Match[str]) -> tuple[str, datetime | None]:
        if len(self._times) > SHARED_STRINGS:
            self._times.clear()
        when = self._times[time_text] = (time_text, parse_time(match["time"], match["zone"]))
        return when

    def _columns(self, columns: str, match: re.Match[str]) -> tuple[str, str, str]:
        shared = self._shared
        if len(self._who) > SHARED_STRINGS:
            self._who.clear()
        if len(shared) > SHARED_STRINGS:
            shared.clear()
        client, user, database = match.group("client", "user", "database")
        cols = self._who[columns] = (shared.setdefault(client, client), shared.setdefault(user, user),
                                     shared.setdefault(database, database))
        return cols

    def _loose(self, text: str, line: int) -> int:
        """Lines without a prefix (``text``, without its last newline): the open entry's
        continuation (after a tab), or, before any prefixed line, an entry of their own."""
        for piece in text.split("\n"):
            line += 1
            if piece[-1:] == "\r":
                piece = piece[:-1]
            if self._open is None:
                self._open = _Open(None, "", "", "", "", None, "", piece, line)
            else:
                self._open.add(piece[1:] if piece[:1] == "\t" else piece)
        return line


def parse_entries(chunks: Iterable[str]) -> Iterator[LogEntry]:
    """Every entry of a log given as chunks of text (portions), streamed."""
    parser = EntryParser()
    for chunk in chunks:
        yield from parser.feed(chunk)
    yield from parser.finish()
