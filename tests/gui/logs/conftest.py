"""A main window (no sandbox, no AWS calls) for the Logs screen's GUI tests, and a cluster whose
log files are real files read through the sandbox's implementation of the two RDS log calls."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests.unit.core.aws.db_logs.fixtures import INSTANCE, FileBackedRds, write_log


@pytest.fixture
def window(offline_window):
    return offline_window


@dataclass(frozen=True)
class Instance:
    instance_id: str
    role: str


class FakeLogs:
    """CloudWatch Logs' FilterLogEvents with one event per instance."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def filter_log_events(self, **kwargs):
        self.calls.append(kwargs)
        return {"events": [{"logStreamName": name, "timestamp": 1_796_000_000_000,
                            "message": f"2026-12-07 05:00:00 UTC::@:[9]:ERROR:  boom on {name}"}
                           for name in (INSTANCE, "blog-2")]}


class FolderSources:
    def __init__(self, folder, *, exports: bool = True) -> None:
        self.rds_client = FileBackedRds(folder)
        self.logs_client = FakeLogs()
        self.exports = exports

    def instances(self):
        return [Instance(INSTANCE, "writer"), Instance("blog-2", "reader")]

    def exports_to_cloudwatch(self):
        return self.exports

    def rds(self):
        return self.rds_client

    def logs(self):
        return self.logs_client


OLD = "postgresql.log.2026-12-07-04"
NEW = "postgresql.log.2026-12-07-05"


@pytest.fixture
def log_folder(tmp_path):
    os.utime(write_log(tmp_path, OLD, 10, hour=4), (1000, 1000))
    with open(tmp_path / NEW, "w", encoding="utf-8") as out:
        for i in range(3000):
            if i % 500 == 250:
                out.write(f"2026-12-07 05:{i // 60 % 60:02d}:{i % 60:02d} UTC:10.0.0.9(4000):app@blog:[77]:ERROR:  "
                          f"deadlock detected {i}\n")
                out.write("2026-12-07 05:00:00 UTC:10.0.0.9(4000):app@blog:[77]:STATEMENT:  update t set x = 1\n")
            else:
                out.write(f"2026-12-07 05:{i // 60 % 60:02d}:{i % 60:02d} UTC:10.0.0.{i % 250}(4000):app@blog:"
                          f"[{1000 + i % 50}]:LOG:  statement {i}\n")
    return tmp_path
