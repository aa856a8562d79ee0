"""Performance: the cluster answers "why is it slow right now?": sessions are readable, nobody has
been idle in a transaction for ten minutes, no session blocks more than five others, and the
database load of the last minutes comes from a named source."""

import pytest

pytest.importorskip("aurora_console.testing.pages_performance", reason="the performance page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_no_stuck_sessions_and_a_readable_load(console):
    perf = console.performance(CLUSTER)
    assert perf.instance() == perf.instances()[0]  # the writer
    perf.set_thresholds(idle_in_xact_s=600)
    sessions = perf.sessions()
    assert perf.privilege_hint() is None, perf.privilege_hint()  # every query readable (pg_read_all_stats)
    stuck = [(s["pid"], s["user"], s["query"]) for s in sessions if "idle in transaction" in s["flags"]]
    assert stuck == []
    worst = max((root["held_up"] for root in perf.blocking_tree()), default=0)
    assert worst <= 5
    assert perf.source() in ("performance insights", "sampled")
    assert all(value >= 0 for value in perf.load_by_wait(300).values())
