"""The RDS PostgreSQL log prefix parsed into entries (issue 17): columns, continuation lines,
details, slow statements and auto_explain plans; property tests of the streaming parser."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.db_logs.entries import (
    DETAIL_LABELS,
    MAX_MESSAGE_CHARS,
    SEVERITIES,
    EntryParser,
    LogEntry,
    parse_entries,
    parse_time,
    slow_statement,
)

pytestmark = pytest.mark.unit

SAMPLE = """\
2026-12-07 05:13:15 UTC:10.0.1.23(53412):app@blog:[12345]:LOG:  duration: 1503.201 ms  statement: SELECT *
\tFROM posts
\tWHERE id = 1
2026-12-07 05:13:16 UTC::@:[611]:LOG:  checkpoint starting: time
2026-12-07 05:13:17 UTC:[local]:postgres@postgres:[700]:ERROR:  relation "x" does not exist at character 15
2026-12-07 05:13:17 UTC:[local]:postgres@postgres:[700]:STATEMENT:  select * from x
2026-12-07 05:13:18 UTC:::1(5999):app@blog:[701]:LOG:  duration: 12.000 ms  plan:
\tQuery Text: select count(*) from posts
\tAggregate  (cost=1.00..1.01 rows=1 width=8)
\t  ->  Seq Scan on posts  (cost=0.00..1.00 rows=1 width=0)
2026-12-07 05:13:19 UTC:10.0.1.9(40000):app@blog:[702]:FATAL:  password authentication failed for user "app"
2026-12-07 05:13:19 UTC:10.0.1.9(40000):app@blog:[702]:DETAIL:  Connection matched pg_hba.conf line 5
"""


def test_columns_of_each_entry():
    entries = list(parse_entries([SAMPLE]))
    assert [(e.client, e.user, e.database, e.pid, e.severity) for e in entries] == [
        ("10.0.1.23(53412)", "app", "blog", 12345, "LOG"),
        ("", "", "", 611, "LOG"),
        ("[local]", "postgres", "postgres", 700, "ERROR"),
        ("::1(5999)", "app", "blog", 701, "LOG"),
        ("10.0.1.9(40000)", "app", "blog", 702, "FATAL"),
    ]
    assert entries[0].time == datetime(2026, 12, 7, 5, 13, 15, tzinfo=timezone.utc)
    assert [e.line for e in entries] == [1, 4, 5, 7, 11]


def test_continuation_lines_join_and_details_attach():
    first, _, error, _, fatal = parse_entries([SAMPLE])
    assert first.message == "duration: 1503.201 ms  statement: SELECT *\nFROM posts\nWHERE id = 1"
    assert error.details == (("STATEMENT", "select * from x"),)
    assert error.detail("STATEMENT") == "select * from x" and error.detail("HINT") is None
    assert fatal.details == (("DETAIL", "Connection matched pg_hba.conf line 5"),)


def test_a_detail_of_another_process_is_an_entry_of_its_own():
    text = ("2026-12-07 05:00:00 UTC::@:[1]:ERROR:  boom\n"
            "2026-12-07 05:00:00 UTC::@:[2]:STATEMENT:  select 2\n")
    first, second = parse_entries([text])
    assert first.details == () and (second.pid, second.severity, second.message) == (2, "STATEMENT", "select 2")


def test_slow_statement_and_plan_are_recognised():
    first, checkpoint, _, plan, _ = parse_entries([SAMPLE])
    assert first.slow.duration_ms == 1503.201 and first.slow.kind == "statement"
    assert first.slow.text == "SELECT *\nFROM posts\nWHERE id = 1"
    assert checkpoint.slow is None
    assert plan.slow.kind == "plan" and plan.slow.text == "select count(*) from posts"
    assert plan.slow.plan.startswith("Aggregate  (cost=") and "Seq Scan on posts" in plan.slow.plan


@pytest.mark.parametrize(("message", "expected"), [
    ("duration: 0.5 ms", ("duration", 0.5, "")),
    ("duration: 10.25 ms  execute <unnamed>: SELECT $1", ("execute", 10.25, "SELECT $1")),
    ("duration: 3 ms  bind S_1: SELECT 1", ("bind", 3.0, "SELECT 1")),
    ("duration: 7.000 ms  parse <unnamed>: SELECT 2", ("parse", 7.0, "SELECT 2")),
])
def test_slow_statement_kinds(message, expected):
    slow = slow_statement(message)
    assert (slow.kind, slow.duration_ms, slow.text) == expected


def test_json_plan_gives_its_query_text():
    message = ('duration: 5.000 ms  plan:\n{\n  "Query Text": "select \\"a\\" from t",\n'
               '  "Plan": {\n    "Node Type": "Seq Scan"\n  }\n}')
    slow = slow_statement(message)
    assert slow.kind == "plan" and slow.text == 'select "a" from t' and '"Node Type": "Seq Scan"' in slow.plan


def test_not_a_duration_line():
    assert slow_statement("connection received: host=10.0.0.1 port=5432") is None
    assert slow_statement("duration: 5 ms  something else") is None


def test_text_before_any_prefix_is_kept_as_an_entry():
    entries = list(parse_entries(["\tcontinued from an earlier portion\n" + SAMPLE]))
    assert entries[0].pid is None and entries[0].severity == "" and entries[0].message == "\tcontinued from an earlier portion"
    assert len(entries) == 6


@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("2026-12-07 05:00:00", "UTC", datetime(2026, 12, 7, 5, tzinfo=timezone.utc)),
    ("2026-12-07 05:00:00", None, datetime(2026, 12, 7, 5, tzinfo=timezone.utc)),
    ("2026-12-07 05:00:00.25", "GMT", datetime(2026, 12, 7, 5, 0, 0, 250000, tzinfo=timezone.utc)),
    ("2026-12-07 05:00:00", "+03", datetime(2026, 12, 7, 2, tzinfo=timezone.utc)),
    ("2026-12-07 05:00:00", "-0330", datetime(2026, 12, 7, 8, 30, tzinfo=timezone.utc)),
])
def test_times_in_zones(text, zone, expected):
    assert parse_time(text, zone) == expected


def test_unknown_zone_or_bad_time_gives_no_time():
    assert parse_time("2026-12-07 05:00:00", "CET") is None
    assert parse_time("2026-13-07 05:00:00", "UTC") is None
    assert parse_time("2026-12-07 05:00:00", "+99") is None


def test_a_runaway_entry_is_cut():
    parser = EntryParser()
    parser.feed("2026-12-07 05:00:00 UTC::@:[1]:LOG:  start\n")
    chunk = "\t" + "x" * 9_999 + "\n"
    for _ in range(MAX_MESSAGE_CHARS // 10_000 + 5):
        parser.feed(chunk)
    (entry,) = parser.finish()
    assert entry.cut and len(entry.message) <= MAX_MESSAGE_CHARS


def test_pending_entry_and_carriage_returns():
    parser = EntryParser()
    assert parser.feed("2026-12-07 05:00:00 UTC::@:[1]:LOG:  one\r\n\tmore") == []
    assert parser.pending.message == "one"  # the partial line waits for its newline
    (entry,) = parser.feed("\n2026-12-07 05:00:01 UTC::@:[1]:LOG:  two\n")
    assert entry.message == "one\nmore"
    assert [e.message for e in parser.finish()] == ["two"]


# -- properties --------------------------------------------------------------------------------
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=0, max_size=12)
CLIENT = st.one_of(st.just(""), st.just("[local]"),
                   st.builds(lambda a, b, port: f"{a}.{b}.0.1({port})", st.integers(0, 255), st.integers(0, 255),
                             st.integers(1, 65535)),
                   st.builds(lambda port: f"::1({port})", st.integers(1, 65535)))
LINE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=40)
MAIN_SEVERITIES = [s for s in SEVERITIES]


@st.composite
def entries_st(draw) -> LogEntry:
    moment = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
    moment = moment.replace(microsecond=0, tzinfo=timezone.utc)
    first = draw(LINE_TEXT.filter(lambda t: not t.startswith(" ")))
    more = draw(st.lists(LINE_TEXT, max_size=3))
    details = draw(st.lists(st.tuples(st.sampled_from(["DETAIL", "HINT", "STATEMENT", "CONTEXT"]),
                                      LINE_TEXT.filter(lambda t: not t.startswith(" "))), max_size=2))
    return LogEntry(moment, draw(CLIENT), draw(NAME), draw(NAME), draw(st.integers(1, 2**22)),
                    draw(st.sampled_from(MAIN_SEVERITIES)), "\n".join([first, *more]), tuple(details),
                    time_text=moment.strftime("%Y-%m-%d %H:%M:%S") + " UTC")


def render(entry: LogEntry) -> str:
    """The entry as PostgreSQL writes it (continuation lines after a tab)."""
    head = f"{entry.time_text}:{entry.client}:{entry.user}@{entry.database}:[{entry.pid}]:"
    lines = [f"{head}{entry.severity}:  " + entry.message.replace("\n", "\n\t")]
    lines += [f"{head}{label}:  " + text.replace("\n", "\n\t") for label, text in entry.details]
    return "\n".join(lines) + "\n"


def _columns(entry: LogEntry) -> tuple:
    return (entry.time, entry.client, entry.user, entry.database, entry.pid, entry.severity, entry.message,
            entry.details)


@settings(max_examples=200)
@given(st.lists(entries_st(), min_size=1, max_size=6))
def test_written_entries_parse_back(entries):
    parsed = list(parse_entries([render(e) for e in entries]))
    assert [_columns(e) for e in parsed] == [_columns(e) for e in entries]
    assert [e.text() + "\n" for e in parsed] == [render(e).replace("\n\t", "\n") for e in entries]


@settings(max_examples=200)
@given(st.lists(entries_st(), min_size=1, max_size=5), st.data())
def test_any_cut_into_portions_gives_the_same_entries(entries, data):
    text = "".join(render(e) for e in entries)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert [_columns(e) for e in parse_entries(chunks)] == [_columns(e) for e in parse_entries([text])]


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_text_parses_without_losing_lines(text):
    entries = list(parse_entries([text]))
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # every line is in exactly one entry: as its first line, a continuation, or a detail
    counted = sum(1 + e.message.count("\n") + sum(1 + t.count("\n") for _, t in e.details) for e in entries)
    assert counted == len(lines)
    assert all(e.time is None or e.time.tzinfo is not None for e in entries)


def test_time_offsets_are_kept_exact():
    (entry,) = parse_entries(["2026-12-07 05:00:00 +0530::@:[1]:LOG:  x\n"])
    assert entry.time.utcoffset() == timedelta(hours=5, minutes=30)


def test_an_auto_explain_plan_of_a_statement_on_several_lines_keeps_the_whole_statement():
    text = ("2026-12-07 05:13:18 UTC:::1(5999):app@blog:[701]:LOG:  duration: 1012.000 ms  plan:\n"
            "\tQuery Text: select count(*)\n\t  from posts  (where it is)\n\t where id > 1\n"
            "\tAggregate  (cost=1.00..1.01 rows=1 width=8) (actual time=0.1..0.2 rows=1 loops=1)\n"
            "\t  ->  Seq Scan on posts  (cost=0.00..1.00 rows=1 width=0) (actual time=0.1..0.1 rows=3 loops=1)\n")
    (entry,) = parse_entries([text])
    slow = entry.slow
    assert slow.kind == "plan" and slow.duration_ms == 1012.0
    assert slow.text == "select count(*)\n  from posts  (where it is)\n where id > 1"
    assert slow.plan.splitlines()[0].startswith("Aggregate  (cost=1.00..1.01")
    assert len(slow.plan.splitlines()) == 2


def test_entries_of_one_parse_share_their_repeated_columns_and_time():
    # the columns repeat line after line: each entry holding its own copies took ~300 of its 750 bytes
    text = "".join(f"2026-12-07 05:00:0{i // 2}.000 UTC:10.0.0.1(4000):app@blog:[77]:LOG:  statement {i}\n"
                   for i in range(4))
    a, b, c, d = parse_entries([text])
    assert a.user is b.user is d.user and a.database is c.database and a.client is d.client
    assert a.severity is d.severity and a.pid is d.pid
    assert a.time is b.time and a.time_text is b.time_text and c.time is d.time
    assert a.time != c.time and c.time_text == "2026-12-07 05:00:01.000 UTC"


# -- the one-scan parser against the rules read line by line -----------------------------------
_LINE_PREFIX = re.compile(
    r"(?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)(?: (?P<zone>[A-Za-z0-9+\-]+))?"
    r":(?P<client>[^()\s]*\([0-9]+\)|\[local\]|):(?P<user>[^\n]*?)@(?P<database>[^\n]*?):\[(?P<pid>[0-9]+)\]"
    r":(?P<severity>[A-Z]+[0-9]?):  ?(?P<message>[^\n]*)")


def line_by_line(text: str) -> list[tuple]:
    """The module's rules applied one line at a time (how the parser read before it scanned
    each text once): (columns, message, details, first line, cut) of each entry."""
    out: list[list] = []
    lines = text.split("\n")
    if lines[-1] == "":  # after the last newline (or an empty text)
        lines.pop()
    for number, line in enumerate(lines, 1):
        line = line[:-1] if line.endswith("\r") else line
        match = _LINE_PREFIX.match(line)
        if match is not None and match["severity"] not in (*SEVERITIES, *DETAIL_LABELS):
            match = None
        if match is None:
            if not out:
                out.append([(None, "", "", "", None, ""), [line], [], number])
            elif out[-1][2]:
                out[-1][2][-1][1].append(line[1:] if line.startswith("\t") else line)
            else:
                out[-1][1].append(line[1:] if line.startswith("\t") else line)
            continue
        pid = int(match["pid"])
        if match["severity"] in DETAIL_LABELS and out and out[-1][0][4] == pid:
            out[-1][2].append((match["severity"], [match["message"]]))
            continue
        stamp = match["time"] + (f" {match['zone']}" if match["zone"] else "")
        out.append([(stamp, match["client"], match["user"], match["database"], pid, match["severity"]),
                    [match["message"]], [], number])
    return [(cols, "\n".join(msg), tuple((label, "\n".join(lines)) for label, lines in details), number)
            for cols, msg, details, number in out]


def _read(entries) -> list[tuple]:
    return [((e.time_text or None, e.client, e.user, e.database, e.pid, e.severity), e.message, e.details, e.line)
            for e in entries]


_HEADS = st.sampled_from(["2026-12-07 05:00:00 UTC:10.0.0.1(4000):app@blog:[7]:",
                          "2026-12-07 05:00:01 UTC::@:[8]:", "2026-12-07 05:00:01.250 +0530:[local]:a@b@c:[7]:",
                          "2026-12-07 05:00:02:::1(5):u:[x@d:[9]:"])
_SEVERITY_OR_NOT = st.sampled_from(["LOG", "ERROR", "DETAIL", "STATEMENT", "HINT", "FATAL", "FOO", "DEBUG1", "log"])
_ANY_LINE = st.one_of(
    st.builds(lambda h, s, sp, m, cr: f"{h}{s}:{sp}{m}{cr}", _HEADS, _SEVERITY_OR_NOT, st.sampled_from([" ", "  ", ""]),
              LINE_TEXT, st.sampled_from(["", "\r"])),
    st.builds(lambda tab, m, cr: f"{tab}{m}{cr}", st.sampled_from(["\t", "", "\t\t"]), LINE_TEXT,
              st.sampled_from(["", "\r"])),
    st.just(""), st.just("2026-12-07 05:00:00"))


@settings(max_examples=300)
@given(st.lists(_ANY_LINE, max_size=25), st.booleans(), st.data())
def test_the_one_scan_parser_reads_every_cut_as_the_rules_read_each_line(lines, final_newline, data):
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert _read(parse_entries(chunks)) == line_by_line(text)
