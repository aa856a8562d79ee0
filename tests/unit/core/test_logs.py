"""The log file opens after the window's first paint (core/logs.py): what is logged before it is
held and written to the file first, in order, redacted; warnings reach stderr at once."""

from __future__ import annotations

import logging

import pytest

from aurora_console.core.logs import hold_early_records, setup_logging, teardown_logging

pytestmark = pytest.mark.unit


@pytest.fixture
def clean_logging():
    yield
    teardown_logging()


@pytest.mark.expected_errors
def test_records_before_the_file_opens_are_written_to_it_first(tmp_path, capsys, clean_logging):
    holder = hold_early_records()
    log = logging.getLogger("aurora_console.test_logs")
    log.info("first: reading settings")
    log.warning("second: connecting with password=%s", "Early-Secret-42")
    try:
        raise RuntimeError("early failure")
    except RuntimeError:
        log.exception("third: start-up step failed")
    stderr = capsys.readouterr().err
    assert "second: connecting" in stderr and "third: start-up step failed" in stderr  # at once, as before
    assert "first: reading settings" not in stderr  # info never went to stderr
    assert "Early-Secret-42" not in stderr

    log_file = setup_logging(tmp_path / "logs" / "console.log")
    log.info("fourth: after the first paint")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text()
    order = [text.index(s) for s in ("first: reading", "second: connecting", "third: start-up", "fourth: after")]
    assert order == sorted(order)
    assert "RuntimeError: early failure" in text  # the traceback, kept as text
    assert "Early-Secret-42" not in text
    assert holder not in logging.getLogger().handlers  # held records are not kept twice


def test_the_held_records_keep_what_they_said_when_logged(tmp_path, clean_logging):
    hold_early_records()
    state = ["connecting"]
    logging.getLogger("aurora_console.test_logs").info("state %s", state)
    state[0] = "changed later"
    log_file = setup_logging(tmp_path / "console.log")
    for h in logging.getLogger().handlers:
        h.flush()
    assert "state ['connecting']" in log_file.read_text()


def test_too_many_early_records_keep_the_newest_and_say_how_many_were_dropped(tmp_path, clean_logging):
    hold_early_records(limit=3)
    log = logging.getLogger("aurora_console.test_logs")
    for i in range(5):
        log.info("early %d", i)
    log_file = setup_logging(tmp_path / "console.log")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text()
    assert "2 earlier start-up log records were dropped" in text
    assert "early 0" not in text and "early 1" not in text
    assert all(f"early {i}" in text for i in (2, 3, 4))


def test_holding_twice_is_one_holder(clean_logging):
    assert hold_early_records() is hold_early_records()
    assert sum(1 for h in logging.getLogger().handlers if type(h).__name__ == "EarlyRecords") == 1


def test_the_log_file_rotates_into_numbered_files_and_keeps_at_most_backups(tmp_path, clean_logging):
    log_file = setup_logging(tmp_path / "logs" / "console.log", max_bytes=300, backups=2)
    log = logging.getLogger("aurora_console.test_logs")
    for i in range(40):
        log.info("line %02d %s", i, "x" * 30)
    for h in logging.getLogger().handlers:
        h.flush()
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert files == ["console.log", "console.log.1", "console.log.2"]  # backups=2: no .3
    assert all(p.stat().st_size <= 300 for p in log_file.parent.iterdir())
    newest, older, oldest = (log_file.read_text(), (log_file.parent / "console.log.1").read_text(),
                             (log_file.parent / "console.log.2").read_text())
    assert "line 39" in newest and "line 00" not in newest + older + oldest  # the oldest lines are gone
    numbers = [int(line.split("line ")[1][:2]) for text in (oldest, older, newest) for line in text.splitlines()]
    assert numbers == sorted(numbers) and numbers == list(range(numbers[0], 40))  # in order, none lost between files


def test_start_up_never_loads_logging_handlers(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from aurora_console.core.logs import setup_logging; "
            f"setup_logging(Path({str(tmp_path / 'c.log')!r})); print('logging.handlers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_a_record_reaching_the_holder_after_the_file_opened_is_written_once_after_the_held_ones(tmp_path, clean_logging):
    """A worker thread that picked the root logger's handlers just before the file opened hands
    its record to the holder after it was taken off: it goes to the file, once, in order."""
    holder = hold_early_records()
    log = logging.getLogger("aurora_console.test_logs")
    log.info("held: before the file")
    log_file = setup_logging(tmp_path / "console.log")
    late = logging.makeLogRecord({"name": "aurora_console.test_logs", "levelno": logging.INFO,
                                  "levelname": "INFO", "msg": "late: a worker's record", "args": None})
    holder.handle(late)  # what logging's callHandlers does with the handler list it read earlier
    log.info("after: the file is open")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text()
    assert text.count("late: a worker's record") == 1 and text.count("held: before the file") == 1
    order = [text.index(s) for s in ("held: before", "late: a worker", "after: the file")]
    assert order == sorted(order)
    assert not holder.records
