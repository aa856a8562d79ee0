"""Reading a log file portion by portion (issue 17): markers, the last lines first, scroll-back,
cut lines re-asked with fewer lines, throttling, a file rotated away, bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.db_logs.reader import MAX_LINES, TRUNCATED_NOTE, LogFileGone, LogFileReader
from aurora_console.core.aws.errors import AwsError
from aurora_console.core.tasks import Cancelled, TaskContext
from tests.unit.core.aws.db_logs.fixtures import INSTANCE, FileBackedRds, client_error, log_line, write_log

pytestmark = pytest.mark.unit

NAME = "error/postgresql.log.2026-12-07-05"
FILE = "postgresql.log.2026-12-07-05"


@pytest.fixture
def rds(tmp_path):
    return FileBackedRds(tmp_path)


def test_forwards_reads_every_line_once_in_order(rds, tmp_path):
    path = write_log(tmp_path, FILE, 5_000)
    reader = LogFileReader(rds, INSTANCE, NAME, lines=700)
    portions = list(reader.forwards())
    assert "".join(p.data for p in portions) == path.read_text()
    assert portions[0].marker == "0" and rds.downloads()[0]["Marker"] == "0"  # the first call always sends "0"
    assert [p.pending for p in portions] == [True] * (len(portions) - 1) + [False]
    assert reader.markers == [p.marker for p in portions]
    assert all(p.marker == q.next_marker for p, q in zip(portions[1:], portions, strict=False))


def test_block_size_adapts_to_stay_under_the_limit(rds, tmp_path):
    long_line = "x" * 1_000
    with open(tmp_path / FILE, "w") as out:
        for i in range(3_000):
            out.write(log_line(i, message=long_line))
    reader = LogFileReader(rds, INSTANCE, NAME)  # 2,000 lines of ~1 kB would pass 1 MB
    portions = list(reader.forwards())
    assert not any(p.truncated for p in portions)
    assert "".join(p.data for p in portions) == (tmp_path / FILE).read_text()
    # the first ask was cut by the 1 MB limit and asked again with fewer lines
    asked = [kw["NumberOfLines"] for kw in rds.downloads()]
    assert asked[0] == 2_000 and asked[1] < 1_100 and max(asked[2:]) <= 1_000


def test_a_line_longer_than_a_portion_stays_cut(rds, tmp_path):
    (tmp_path / FILE).write_text("first\n" + "y" * 1_500_000 + "\nlast\n")
    reader = LogFileReader(rds, INSTANCE, NAME)
    portions = list(reader.forwards())
    text = "".join(p.data for p in portions)
    assert text.startswith("first\nyyy") and text.endswith(TRUNCATED_NOTE + "\nlast\n")
    assert [p.truncated for p in portions].count(True) == 1
    assert len(rds.downloads()) == 4  # cut at line 2, asked for line 1 alone; the long line; the rest


def test_tail_gives_the_last_lines_and_a_marker_after_them(rds, tmp_path):
    path = write_log(tmp_path, FILE, 3_000)
    reader = LogFileReader(rds, INSTANCE, NAME)
    tail = reader.tail(10)
    assert tail.data.splitlines() == path.read_text().splitlines()[-10:]
    assert "Marker" not in rds.downloads()[0] and rds.downloads()[0]["NumberOfLines"] == 10
    write_log(tmp_path, FILE, 3, start=3_000)
    (after,) = list(reader.forwards(tail.next_marker))
    assert after.data.splitlines() == path.read_text().splitlines()[-3:]
    assert reader.tail(50_000).line_count == 3_003
    write_log(tmp_path, FILE, 9_000, start=3_003)
    assert reader.tail(50_000).line_count == MAX_LINES  # the most one call gives


def test_backwards_yields_the_file_from_its_end(rds, tmp_path):
    path = write_log(tmp_path, FILE, 4_000)
    reader = LogFileReader(rds, INSTANCE, NAME, lines=900)
    portions = list(reader.backwards())
    assert "".join(p.data for p in reversed(portions)) == path.read_text()
    assert portions[0].data.endswith(path.read_text().splitlines()[-1] + "\n")
    assert len(portions) == len(reader.markers) >= 2  # 900 lines, then the block adapted (short lines: up to 10,000)


def test_throttling_is_retried_then_reported(rds, tmp_path):
    write_log(tmp_path, FILE, 10)
    rds.faults = [client_error("Throttling", "DownloadDBLogFilePortion", "Rate exceeded")] * 2
    reader = LogFileReader(rds, INSTANCE, NAME, retry_delay=0.001)
    assert reader.tail(5).line_count == 5 and reader.calls == 3
    rds.faults = [client_error("Throttling", "DownloadDBLogFilePortion", "Rate exceeded")] * 10
    with pytest.raises(AwsError) as caught:
        reader.tail(5)
    assert caught.value.kind == "throttled"


def test_access_denied_names_the_permission(rds, tmp_path):
    write_log(tmp_path, FILE, 10)
    rds.faults = [client_error("AccessDenied", "DownloadDBLogFilePortion", "not authorized")]
    with pytest.raises(AwsError) as caught:
        LogFileReader(rds, INSTANCE, NAME).tail(5)
    assert "rds:DownloadDBLogFilePortion" in caught.value.user_text()


def test_a_file_rotated_away_while_read_says_so(rds, tmp_path):
    path = write_log(tmp_path, FILE, 3_000)
    reader = LogFileReader(rds, INSTANCE, NAME, lines=500)
    portions = reader.forwards()
    next(portions)
    path.unlink()
    with pytest.raises(LogFileGone) as caught:
        next(portions)
    assert NAME in caught.value.user_text() and "no longer" in caught.value.user_text()


def test_cancel_stops_between_portions(rds, tmp_path):
    write_log(tmp_path, FILE, 3_000)
    task = TaskContext()
    portions = LogFileReader(rds, INSTANCE, NAME, lines=100).forwards(task=task)
    next(portions)
    task.token.cancel()
    with pytest.raises(Cancelled):
        next(portions)
    assert len(rds.downloads()) == 1


def test_memory_stays_bounded_while_a_large_file_streams(rds, tmp_path):
    """A generated 8 MB file read and parsed portion by portion: the peak of Python allocations
    stays near a few portions, not the file (the 100 MB figure is in benchmarks/log_read.py)."""
    line = log_line(1, message="select * from posts where id = 42 and author = 'someone' -- " + "z" * 100)
    block = line * 10_000
    with open(tmp_path / FILE, "w") as out:
        while out.tell() < 8_000_000:
            out.write(block)
    size = (tmp_path / FILE).stat().st_size
    reader = LogFileReader(rds, INSTANCE, NAME)
    tracemalloc.start()
    try:
        count = sum(1 for _ in parse_entries(p.data for p in reader.forwards()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == size // len(line)
    assert peak < 6_000_000, f"peak {peak / 1e6:.1f} MB while reading {size / 1e6:.0f} MB"


def test_each_call_first_gives_way_to_the_ui_thread_and_honours_a_cancel(rds, tmp_path):
    # a call is some milliseconds of Python (botocore): before each, the worker gives way while
    # the UI thread paints (the runner's pause is ui_first.step_aside), then a cancel stops it
    write_log(tmp_path, FILE, 30_000)
    seen = []
    task = TaskContext(pause=lambda: seen.append(len(rds.downloads())))
    portions = list(LogFileReader(rds, INSTANCE, NAME, lines=700).forwards(task=task))
    calls = len(rds.downloads())
    assert len(portions) == calls >= 3
    assert sorted(set(seen)) == list(range(calls))  # a pause before each call (and between portions)
    before = calls
    task = TaskContext(pause=lambda: task.token.cancel() if len(rds.downloads()) >= before + 2 else None)
    with pytest.raises(Cancelled):
        list(LogFileReader(rds, INSTANCE, NAME, lines=700).forwards(task=task))
    assert len(rds.downloads()) == before + 2  # cancelled in the pause before the third call: no call after it
