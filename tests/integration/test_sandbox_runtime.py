"""The sandbox as one unit: a stop that lands while a stage is still starting leaves nothing."""

from __future__ import annotations

import threading
import time

import psutil
import pytest

from aurora_console.core.tasks import Cancelled
from aurora_console.sandbox.postgres_env import RunAs
from aurora_console.sandbox.postgres_relocation import usable_data_dir
from aurora_console.sandbox.runtime import Sandbox

pytestmark = pytest.mark.integration


def _postgres_on(data_dir) -> list[int]:
    wanted = str(usable_data_dir(data_dir.absolute(), RunAs.for_current_process()))
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if wanted in " ".join(p.info["cmdline"] or []) and "postgres" in " ".join(p.info["cmdline"] or [])]


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_stop_during_the_database_stage_leaves_no_server(tmp_path, delay):
    sandbox = Sandbox(tmp_path / "sbx")
    sandbox.start_aws()
    outcome: list[object] = []

    def stage():
        try:
            outcome.append(sandbox.start_database())
        except Cancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=stage)
    worker.start()
    time.sleep(delay)
    sandbox.stop()
    worker.join(60)
    assert not worker.is_alive() and outcome
    time.sleep(0.3)
    assert _postgres_on(tmp_path / "sbx" / "pg") == []
    assert not (tmp_path / "sbx" / "sandbox.json").exists()


def test_reset_refuses_a_folder_that_is_not_a_sandbox(tmp_path):
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    from aurora_console.core.errors import ConsoleError

    with pytest.raises(ConsoleError, match="not a sandbox folder"):
        Sandbox(precious, reset=True)
    assert (precious / "notes.txt").read_text() == "keep me"
