"""Shared by the GUI tests: a task runner of their own (a test module may define another)."""

from __future__ import annotations

import pytest


@pytest.fixture
def runner(qapp):
    from aurora_console.ui.tasks import TaskRunner

    r = TaskRunner(max_threads=2)
    yield r
    r.shutdown(5000)
    r.deleteLater()
