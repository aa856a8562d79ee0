"""Follow mode (issue 17): the last lines, then new lines as written, across the hourly
rotation, cancellable at any time."""

from __future__ import annotations

import os
import threading

import pytest

from aurora_console.core.aws.db_logs.follow import follow_log
from aurora_console.core.aws.db_logs.reader import LogFileGone
from aurora_console.core.tasks import Cancelled, TaskContext
from tests.unit.core.aws.db_logs.fixtures import INSTANCE, FileBackedRds, log_line, write_log

pytestmark = pytest.mark.unit

OLD = "postgresql.log.2026-12-07-05"
NEW = "postgresql.log.2026-12-07-06"


def _touch(path, seconds):
    os.utime(path, (seconds, seconds))


class Script:
    """Runs a step of the test each time the loop sleeps (a poll), instead of real waiting."""

    def __init__(self, task: TaskContext, steps):
        self.steps = list(steps)
        self.task = task
        self.sleeps = 0
        task.sleep = self.sleep  # the loop waits through task.sleep

    def sleep(self, seconds):
        self.sleeps += 1
        if not self.steps:
            raise Cancelled()
        self.steps.pop(0)()


def test_follows_new_lines_and_rolls_over_to_the_next_hour(tmp_path):
    rds = FileBackedRds(tmp_path)
    old = write_log(tmp_path, OLD, 50)
    _touch(old, 1_000)
    task = TaskContext()

    def rotate():
        write_log(tmp_path, OLD, 2, start=52)  # written just before the rotation
        new = write_log(tmp_path, NEW, 3, hour=6)
        _touch(new, 2_000)

    Script(task, [lambda: write_log(tmp_path, OLD, 2, start=50), lambda: None, rotate,
                  lambda: write_log(tmp_path, NEW, 1, hour=6, start=3)])
    got = []
    with pytest.raises(Cancelled):
        for portion in follow_log(rds, INSTANCE, task=task, lines=5, interval=0):
            got.append((portion.file_name, portion.data))
    lines = [(name, line) for name, data in got for line in data.splitlines(keepends=True)]
    old_lines = [log_line(i) for i in range(45, 54)]
    new_lines = [log_line(i, hour=6) for i in range(4)]
    assert lines == [("error/" + OLD, t) for t in old_lines] + [("error/" + NEW, t) for t in new_lines]


def test_lines_written_while_the_log_rotates_are_not_lost(tmp_path):
    """The poll found nothing new; the old file got two more lines just before the new file
    appeared in the listing: they come before the new file's lines."""
    rds = FileBackedRds(tmp_path)
    _touch(write_log(tmp_path, OLD, 5), 1_000)
    task = TaskContext()
    Script(task, [lambda: None])
    follow = follow_log(rds, INSTANCE, task=task, lines=1, interval=0)
    next(follow)

    def rotate_now():
        rds.on_list = None
        write_log(tmp_path, OLD, 2, start=5)
        _touch(write_log(tmp_path, NEW, 1, hour=6), 2_000)

    rds.on_list = rotate_now
    rest = []
    with pytest.raises(Cancelled):
        for portion in follow:
            rest.append((portion.file_name, portion.data))
    assert rest == [("error/" + OLD, log_line(5) + log_line(6)), ("error/" + NEW, log_line(0, hour=6))]


def test_starts_with_the_newest_file(tmp_path):
    rds = FileBackedRds(tmp_path)
    _touch(write_log(tmp_path, OLD, 5), 1_000)
    _touch(write_log(tmp_path, NEW, 5, hour=6), 2_000)
    task = TaskContext()
    Script(task, [])
    first = next(follow_log(rds, INSTANCE, task=task, lines=2, interval=0))
    assert first.file_name == "error/" + NEW and first.line_count == 2


def test_other_series_are_not_a_rotation(tmp_path):
    """A csvlog file of the same hour, or the startup log, is not the next file of the text log."""
    rds = FileBackedRds(tmp_path)
    _touch(write_log(tmp_path, OLD, 3), 2_000)
    _touch(write_log(tmp_path, OLD + ".csv", 3), 3_000)
    task = TaskContext()
    Script(task, [lambda: None, lambda: write_log(tmp_path, OLD, 1, start=3)])
    got = []
    with pytest.raises(Cancelled):
        for portion in follow_log(rds, INSTANCE, task=task, lines=1, interval=0):
            got.append((portion.file_name, portion.data))
    assert got == [("error/" + OLD, log_line(2)), ("error/" + OLD, log_line(3))]


def test_waits_for_a_first_file(tmp_path):
    rds = FileBackedRds(tmp_path)
    task = TaskContext()
    script = Script(task, [lambda: None, lambda: write_log(tmp_path, OLD, 3)])
    first = next(follow_log(rds, INSTANCE, task=task, lines=10, interval=0))
    assert first.line_count == 3 and script.sleeps == 2


def test_a_followed_file_that_disappears_without_a_successor(tmp_path):
    rds = FileBackedRds(tmp_path)
    old = write_log(tmp_path, OLD, 5)
    task = TaskContext()
    Script(task, [old.unlink])
    with pytest.raises(LogFileGone):
        list(follow_log(rds, INSTANCE, task=task, lines=2, interval=0))


def test_cancel_from_another_thread_ends_a_real_wait(tmp_path):
    rds = FileBackedRds(tmp_path)
    write_log(tmp_path, OLD, 5)
    task = TaskContext()
    follow = follow_log(rds, INSTANCE, task=task, lines=2, interval=30)
    next(follow)
    threading.Timer(0.2, task.token.cancel).start()
    with pytest.raises(Cancelled):
        next(follow)  # sleeps 30 s unless the cancel wakes it


def test_continues_after_a_marker_without_repeating_the_lines_already_shown(tmp_path):
    from aurora_console.core.aws.db_logs.reader import LogFileReader

    rds = FileBackedRds(tmp_path)
    write_log(tmp_path, OLD, 20)
    name = "error/" + OLD  # as RDS lists it
    shown = LogFileReader(rds, INSTANCE, name).tail(5)  # the screen's first lines
    write_log(tmp_path, OLD, 3, start=20)  # written before follow mode starts
    task = TaskContext()
    Script(task, [lambda: write_log(tmp_path, OLD, 1, start=23)])
    got = []
    with pytest.raises(Cancelled):
        for portion in follow_log(rds, INSTANCE, task=task, file_name=name, marker=shown.next_marker, interval=0):
            got.append(portion.data)
    assert "".join(got) == "".join(log_line(i) for i in range(20, 24))
