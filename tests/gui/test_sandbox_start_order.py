"""Opening the sandbox: the rest of the seed (snapshot, events, secrets, the bastion's instance)
after the first cluster listing, the CloudWatch history after that listing and the database
check (seeding keeps the local endpoint busy), each once, while the database stage starts at once."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.gui


class _RecordingSandbox:
    """Stands in for the Sandbox's stages; records when each began."""

    def __init__(self, info) -> None:
        self.info = info
        self.events: list[str] = []
        self.metrics_seeded = threading.Event()

    def mark_phase(self, name: str) -> None:
        pass

    def seed_surroundings(self, ctx):
        self.events.append("surroundings")
        return self.info

    def start_metrics(self, ctx):
        self.events.append("metrics")
        self.metrics_seeded.set()
        return None

    def start_database(self, ctx, shop=True):
        self.events.append("database" if shop else "database (shop later)")
        return SimpleNamespace(database_ready=False, db_error="test: no database here")

    def start_shop(self):
        self.events.append("shop")

    def wait_for_mysql(self):
        return SimpleNamespace(mysql_error=None, mysql_port=None)

    def stop(self) -> None:
        pass


def test_metrics_seed_after_the_first_listing_and_only_once(console, aurora_sandbox, qtbot):
    from aurora_console.ui.sandbox_controller import SandboxController

    window = console.window
    controller = SandboxController(window)
    fake = _RecordingSandbox(aurora_sandbox.info)
    controller.sandbox, controller.started = fake, True
    listed: list[list[str]] = []
    window.load_finished.connect(lambda ok, errors: listed.append(list(fake.events)))
    with qtbot.waitSignal(window.load_finished, timeout=30000):
        controller._aws_started(aurora_sandbox.info)
    # nothing seeded before the clusters were listed
    assert listed and "metrics" not in listed[0] and "surroundings" not in listed[0]
    qtbot.waitUntil(fake.metrics_seeded.is_set, timeout=20000)
    assert "database (shop later)" in fake.events and "surroundings" in fake.events
    # the shop's MariaDB after the database check, the metrics after the database stage
    assert fake.events.index("database (shop later)") < fake.events.index("shop")
    assert fake.events.index("database (shop later)") < fake.events.index("metrics")
    with qtbot.waitSignal(window.load_finished, timeout=30000):
        window.use_sandbox(aurora_sandbox.info)  # a later listing seeds nothing more
    qtbot.wait(200)
    assert fake.events.count("metrics") == 1 and fake.events.count("surroundings") == 1
