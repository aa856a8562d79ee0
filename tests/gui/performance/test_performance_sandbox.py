"""The Performance screen on the embedded sandbox, end to end, through the page object a user's
smoke test uses: the blog cluster opened from its cluster id (its connection profile: SSM
password, SSH bastion, TLS), the writer first then the readers (each reached at its own instance
endpoint), the sandbox workload's real sessions and row-lock blocking, Performance Insights as the
load's source (the sandbox endpoint answers the pi calls), Top SQL deltas, and terminating the
lock holder (allowed on the sandbox, audited)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.timeout(240),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def workload(aurora_sandbox):
    from aurora_console.sandbox.workload import Workload, WorkloadPlan

    w = Workload(aurora_sandbox.database_conninfo(),
                 WorkloadPlan(duration_s=120, slow_every_s=5, lock_hold_s=30, lock_pause_s=1))
    w.start()
    yield w
    w.stop()


def test_blog_cluster_sessions_blocking_load_and_top_sql_on_the_sandbox(console, workload, qtbot):
    perf = console.performance("blog")
    instances = perf.instances()
    assert perf.instance() == instances[0] and len(instances) >= 2
    assert perf.controller.instances[0].role == "writer"
    assert all(i.role == "reader" for i in perf.controller.instances[1:])

    def workload_sessions():
        return {s["application"]: s for s in perf.sessions() if s["application"].startswith("sandbox-workload/")}

    qtbot.waitUntil(lambda: "sandbox-workload/lock-holder" in workload_sessions(), timeout=30000)
    qtbot.waitUntil(lambda: any(r["blocked"] for r in perf.blocking_tree()), timeout=30000)
    holder = workload_sessions()["sandbox-workload/lock-holder"]
    roots = perf.blocking_tree()
    root = next(r for r in roots if r["pid"] == holder["pid"])
    assert root["held_up"] >= 1 and root["state"] == "idle in transaction"

    assert perf.source() == "performance insights", perf.source_reason()
    perf.snapshot()
    qtbot.wait(3000)
    perf.snapshot()
    top = perf.top_sql(300)
    assert top and top[0]["calls"] > 0 and top[0]["total_ms"] >= top[-1]["total_ms"]

    message = perf.terminate(holder["pid"])
    assert str(holder["pid"]) in message
    entries = [e for e in console.services.audit.read() if e.action == "performance.terminate"]
    assert entries and entries[-1].params["pid"] == holder["pid"] and entries[-1].outcome == "ok"

    console.window.persist_layout = True  # scripted runs leave the layout alone unless asked
    console.window.save_layout()  # the screen is reopened after a restart (the restorer of its kind)
    assert {"kind": "performance", "profile": "sandbox-blog"} in console.services.settings.settings.open_tabs

    reader = instances[1]
    perf.pick_instance(reader)  # its own endpoint, through the bastion
    assert perf.instance() == reader and perf.controller.link is not None
    assert isinstance(perf.sessions(), list)
