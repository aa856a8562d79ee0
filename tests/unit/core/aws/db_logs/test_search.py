"""Filters and search over database log entries (issue 17)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.db_logs.search import (
    SearchPatternError,
    at_least,
    compile_search,
    filter_entries,
    find_entry,
    matching_lines,
)
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

LOG = """\
2026-12-07 05:00:00 UTC::@:[1]:LOG:  checkpoint starting: time
2026-12-07 05:10:00 UTC:10.0.0.1(5000):app@blog:[2]:ERROR:  duplicate key value violates unique constraint "posts_pkey"
2026-12-07 05:10:00 UTC:10.0.0.1(5000):app@blog:[2]:DETAIL:  Key (id)=(7) already exists.
2026-12-07 05:20:00 UTC:10.0.0.2(5001):report@stats:[3]:WARNING:  there is no transaction in progress
2026-12-07 05:30:00 UTC:10.0.0.1(5002):app@blog:[4]:LOG:  duration: 2500.000 ms  statement: select pg_sleep(2.5)
2026-12-07 05:40:00 UTC::@:[5]:FATAL:  terminating connection due to administrator command
"""


@pytest.fixture
def entries():
    return list(parse_entries([LOG]))


def _at(minute):
    return datetime(2026, 12, 7, 5, minute, tzinfo=timezone.utc)


def test_severity_filter(entries):
    assert [e.pid for e in filter_entries(entries, severities={"ERROR", "FATAL"})] == [2, 5]
    assert [e.pid for e in filter_entries(entries, severities=at_least("WARNING"))] == [2, 3, 5]
    assert at_least("panic") == {"PANIC"}
    with pytest.raises(ValueError):
        at_least("LOUD")


def test_time_range_and_slow_only(entries):
    assert [e.pid for e in filter_entries(entries, since=_at(10), until=_at(40))] == [2, 3, 4]
    assert [e.pid for e in filter_entries(entries, slow_only=True)] == [4]


def test_pattern_matches_message_details_and_user(entries):
    assert [e.pid for e in filter_entries(entries, pattern=compile_search(r"key \(id\)"))] == [2]  # a detail
    assert [e.pid for e in filter_entries(entries, pattern=compile_search("report@stats"))] == [3]
    assert [e.pid for e in filter_entries(entries, pattern=compile_search("CHECKPOINT"))] == [1]  # any case
    assert list(filter_entries(entries, pattern=compile_search("CHECKPOINT", ignore_case=False))) == []


def test_next_and_previous_wrap(entries):
    pattern = compile_search("blog")
    assert find_entry(entries, pattern, -1) == 1
    assert find_entry(entries, pattern, 1) == 3
    assert find_entry(entries, pattern, 3) == 1  # wraps round the end
    assert find_entry(entries, pattern, 3, wrap=False) is None
    assert find_entry(entries, pattern, 1, backwards=True) == 3
    assert find_entry(entries, pattern, len(entries), backwards=True) == 3
    assert find_entry(entries, compile_search("nowhere"), -1) is None
    assert find_entry([], pattern, -1) is None


@pytest.mark.parametrize("bad", ["(", "[a-", "", None, 5])
def test_bad_patterns_are_refused(bad):
    with pytest.raises(SearchPatternError) as caught:
        compile_search(bad)
    assert isinstance(caught.value, ValidationError)


def test_literal_search():
    assert compile_search("a.b(", literal=True).search("xa.b(y")
    assert not compile_search("a.b", literal=True).search("axb")


def test_matching_lines_across_chunks():
    text = "alpha\nbeta error\ngamma\nerror delta error\n"
    pattern = compile_search("error")
    expected = [(2, "beta error"), (4, "error delta error")]
    assert list(matching_lines([text], pattern)) == expected
    assert list(matching_lines([text[:9], text[9:15], text[15:]], pattern)) == expected
    assert list(matching_lines(["no newline at the end error"], pattern)) == [(1, "no newline at the end error")]
    assert list(matching_lines([text], compile_search("^gamma$"))) == [(3, "gamma")]


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="abx \t", max_size=12), max_size=12), st.data(),
       st.sampled_from(["x", "a+b", "^a", "b$", "x|ab", r"\s"]))
def test_matching_lines_is_grep(lines, data, pattern_text):
    """Same lines as testing each line on its own, however the text is cut into chunks."""
    text = "".join(line + "\n" for line in lines)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=5)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    pattern = compile_search(pattern_text)
    by_line = [(n, line) for n, line in enumerate(lines, 1) if re.search(pattern_text, line, re.IGNORECASE)]
    assert list(matching_lines(chunks, pattern)) == by_line
