"""Finding entries of a database log: severity and time filters, regex search with
next/previous, and a streaming line search over raw portions (the screen's quick search over a
file that is not parsed yet).

Patterns are Python regular expressions (``re``), case-insensitive unless asked otherwise, with
``^``/``$`` at line starts and ends.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime

from aurora_console.core.aws.db_logs.entries import SEVERITIES, LogEntry
from aurora_console.core.aws.db_logs.time_range import check_time_range
from aurora_console.core.errors import ValidationError

#: The severities the screen offers as filters.
FILTER_SEVERITIES = ("PANIC", "FATAL", "ERROR", "WARNING", "LOG")


class SearchPatternError(ValidationError):
    """A search pattern that is not a valid regular expression."""


def compile_search(pattern: str, *, ignore_case: bool = True, literal: bool = False) -> re.Pattern[str]:
    """The compiled pattern; ``literal``: the text itself, not a regular expression.
    Surrounding whitespace is kept (it may be what the user looks for). Raises
    :class:`SearchPatternError` for an invalid or empty pattern."""
    if not isinstance(pattern, str) or pattern == "":
        raise SearchPatternError("Type something to search for.")
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    try:
        return re.compile(re.escape(pattern) if literal else pattern, flags)
    except re.error as exc:
        raise SearchPatternError(f"Not a valid regular expression: {exc}",
                                 hint="Check brackets and escapes, or search for the text literally.") from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise SearchPatternError(f"Not a valid regular expression: {exc}") from None


def at_least(severity: str) -> frozenset[str]:
    """The severities as severe as ``severity`` or more (``"WARNING"``: WARNING, ERROR, FATAL, PANIC)."""
    upper = severity.upper()
    if upper not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return frozenset(SEVERITIES[: SEVERITIES.index(upper) + 1])


def entry_matches(entry: LogEntry, pattern: re.Pattern[str]) -> bool:
    """Whether the pattern occurs in the entry's message, its details, or its user/database/client."""
    if pattern.search(entry.message):
        return True
    if any(pattern.search(text) for _, text in entry.details):
        return True
    return bool(pattern.search(f"{entry.client}:{entry.user}@{entry.database}"))


def filter_entries(entries: Iterable[LogEntry], *, severities: Collection[str] | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   pattern: re.Pattern[str] | None = None, slow_only: bool = False) -> Iterator[LogEntry]:
    """Entries with one of ``severities`` (None: any), written in ``[since, until)`` (entries
    without a time pass only when no range is given), matching ``pattern``, and (``slow_only``)
    slow statements or plans only. Streams: keeps nothing. A range that ends before it starts
    (or a bound without a time zone) raises :class:`TimeRangeError` here, before any entry is read."""
    check_time_range(since, until)
    return _filtered(entries, None if severities is None else frozenset(s.upper() for s in severities),
                     since, until, pattern, slow_only)


def _filtered(entries: Iterable[LogEntry], wanted: frozenset[str] | None, since: datetime | None,
              until: datetime | None, pattern: re.Pattern[str] | None, slow_only: bool) -> Iterator[LogEntry]:
    for entry in entries:
        if wanted is not None and entry.severity not in wanted:
            continue
        if since is not None or until is not None:
            if entry.time is None:
                continue
            if since is not None and entry.time < since:
                continue
            if until is not None and entry.time >= until:
                continue
        if slow_only and entry.slow is None:
            continue
        if pattern is not None and not entry_matches(entry, pattern):
            continue
        yield entry


def find_entry(entries: Sequence[LogEntry], pattern: re.Pattern[str], start: int, *,
               backwards: bool = False, wrap: bool = True) -> int | None:
    """Index of the next (``backwards``: previous) entry after (before) ``start`` that matches;
    ``wrap`` goes round the end. None when nothing matches. ``start=-1`` searches from the
    first entry forwards (``len(entries)`` from the last backwards)."""
    count = len(entries)
    if count == 0:
        return None
    step = -1 if backwards else 1
    for n in range(1, count + 1):
        index = start + step * n
        if not 0 <= index < count:
            if not wrap:
                return None
            index %= count
        if entry_matches(entries[index], pattern):
            return index
    return None


def matching_lines(chunks: Iterable[str], pattern: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) of each line matching ``pattern`` in text given as chunks (portions;
    a chunk may end inside a line). One regex scan per chunk, not one call per line: this is what
    keeps the search near ``grep -E``'s speed. Keeps at most a chunk and a partial line."""
    carry = ""
    line_no = 0  # lines before the current chunk
    for chunk in chunks:
        text = carry + chunk
        end = text.rfind("\n")
        if end < 0:
            carry = text
            continue
        body, carry = text[: end + 1], text[end + 1:]
        yield from _scan(body, pattern, line_no)
        line_no += body.count("\n")
    if carry:
        yield from _scan(carry, pattern, line_no)


def _scan(body: str, pattern: re.Pattern[str], line_no: int) -> Iterator[tuple[int, str]]:
    """Matching lines of ``body``; a match reaching over a line end counts only if the line
    matches on its own (as grep: the newline is never part of a line)."""
    counted_to = 0
    pos = 0
    size = len(body)
    while pos <= size:
        match = pattern.search(body, pos)
        if match is None:
            return
        start = match.start()
        line_start = body.rfind("\n", 0, start) + 1
        line_end = body.find("\n", start)
        if line_end < 0:
            line_end = size
        if line_start == size:
            return  # an empty match after the final newline is no line
        line = body[line_start:line_end]
        if match.end() <= line_end or pattern.search(line) is not None:
            line_no += body.count("\n", counted_to, line_start)
            counted_to = line_start
            yield line_no + 1, line
        pos = line_end + 1
