"""BackgroundRecording without Qt: the profiles whose setting is on are recorded on their own
queue every minute (core's schedule), one connection each reused between snapshots, a failure
kept per profile and retried later, the setting turned on and off (saved off the UI thread)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.core.errors import ConsoleError
from aurora_console.ui.performance.background import BackgroundRecording
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Source:
    def __init__(self):
        self.made, self.closed = 0, False

    def connect(self):
        self.made += 1
        return SimpleNamespace(closed=False, broken=False, close=lambda: None)

    def close(self):
        self.closed = True


def make(profiles=("prod",)):
    runner, clock = RecordingRunner(), Clock()
    settings = SimpleNamespace(top_sql_background_profiles=list(profiles))
    saved, opened, taken = [], [], []
    sources = {}

    def open_writer(profile):
        opened.append(profile)
        if profile == "needs-password":
            raise ConsoleError("The database password of needs-password is asked each time.")
        sources[profile] = Source()
        return f"{profile}-cluster/{profile}-1", sources[profile]

    store = SimpleNamespace(closed=False)
    store.close = lambda: setattr(store, "closed", True)
    bg = BackgroundRecording(runner, settings=lambda: settings, save_settings=lambda: saved.append(1),
                             open_writer=open_writer, open_store=lambda: store,
                             take_snapshot=lambda conn, st, key: taken.append((st, key)) or key, clock=clock)
    return SimpleNamespace(bg=bg, t=runner, clock=clock, settings=settings, saved=saved, opened=opened, taken=taken,
                           sources=sources, store=store)


def test_a_profile_with_the_setting_on_is_recorded_each_minute_on_one_connection():
    m = make()
    m.bg.tick()
    task = m.t.last
    assert task.name == "Top SQL snapshot of prod (background)" and task.queue == "performance-background:prod"
    m.bg.tick()  # still running: not due again
    assert len(m.t.tasks) == 1
    task.run()
    assert m.taken == [(m.store, "prod-cluster/prod-1")] and m.bg.taken["prod"] == "prod-cluster/prod-1"
    m.clock.now += 30
    m.bg.tick()
    assert len(m.t.tasks) == 1  # not yet a minute
    m.clock.now += 30
    m.bg.tick()
    m.t.last.run()
    assert len(m.taken) == 2 and m.opened == ["prod"] and m.sources["prod"].made == 1  # the same connection


def test_a_profile_that_cannot_be_opened_unattended_says_why_and_is_retried_later():
    m = make(("needs-password",))
    m.bg.tick()
    m.t.last.run()
    assert "asked each time" in m.bg.errors["needs-password"] and m.taken == []
    m.clock.now += 60
    m.bg.tick()
    assert len(m.t.tasks) == 1  # after a failure the schedule waits longer than a minute
    m.clock.now += 61
    m.bg.tick()
    assert len(m.t.tasks) == 2


def test_turning_the_setting_on_and_off_saves_it_and_closes_the_connection():
    m = make(())
    m.bg.tick()
    assert m.t.tasks == []
    m.bg.set_enabled("prod", True)
    assert m.settings.top_sql_background_profiles == ["prod"] and m.bg.enabled("prod")
    m.t.last.run()
    assert m.saved == [1]  # saved on a worker
    m.bg.tick()
    m.t.last.run()
    assert m.taken
    m.bg.set_enabled("prod", False)
    assert m.settings.top_sql_background_profiles == [] and not m.bg.enabled("prod")
    close = next(t for t in m.t.tasks if t.name.startswith("Close the background recording"))
    close.run()
    assert m.sources["prod"].closed
    m.clock.now += 120
    n = len(m.t.tasks)
    m.bg.tick()
    assert len(m.t.tasks) == n


def test_close_closes_every_connection():
    m = make()
    m.bg.tick()
    m.t.last.run()
    m.bg.close()
    assert m.sources["prod"].closed and m.bg.closed and m.store.closed
    m.bg.tick()
    assert all(not t.name.startswith("Top SQL snapshot") for t in m.t.tasks[1:])
