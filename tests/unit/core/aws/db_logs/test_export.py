"""Export of database log entries as text and CSV (issue 17)."""

from __future__ import annotations

import csv
import io
import stat

import pytest

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.db_logs.export import CSV_HEADER, export_entries, write_entries_to
from aurora_console.core.tasks import Cancelled, TaskContext

pytestmark = pytest.mark.unit

LOG = """\
2026-12-07 05:10:00 UTC:10.0.0.1(5000):app@blog:[2]:ERROR:  duplicate key, "quoted", and more
2026-12-07 05:10:00 UTC:10.0.0.1(5000):app@blog:[2]:DETAIL:  Key (id)=(7) already exists.
2026-12-07 05:30:00 UTC:10.0.0.1(5002):app@blog:[4]:LOG:  duration: 2500.000 ms  statement: select 1,
\t2
"""


def test_text_export_is_the_log_itself(tmp_path):
    path = tmp_path / "out.log"
    assert export_entries(parse_entries([LOG]), path, "text") == 2
    assert path.read_text() == LOG.replace("\n\t", "\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "out.log.part").exists()


def test_csv_export_rows(tmp_path):
    path = tmp_path / "out.csv"
    export_entries(parse_entries([LOG]), path, "csv")
    rows = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1] == ["2026-12-07T05:10:00Z", "10.0.0.1(5000)", "app", "blog", "2", "ERROR",
                       'duplicate key, "quoted", and more', "DETAIL: Key (id)=(7) already exists.", ""]
    assert rows[2][5:] == ["LOG", "duration: 2500.000 ms  statement: select 1,\n2", "", "2500.0"]


def test_a_cancelled_export_leaves_no_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("older export")
    task = TaskContext()
    task.token.cancel()
    with pytest.raises(Cancelled):
        export_entries(parse_entries([LOG]), path, "csv", task=task)
    assert path.read_text() == "older export" and not (tmp_path / "out.csv.part").exists()


def test_unknown_format():
    with pytest.raises(ValueError):
        write_entries_to([], io.StringIO(), "xml")
