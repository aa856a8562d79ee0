"""Change timeline: the cluster's changes read from every source it can (a denied source names the
permission to ask for), in time order; on the sandbox, a backup-window change made in the
console shows up from CloudTrail with who made it and the window before and after."""

from datetime import timedelta

import pytest

pytest.importorskip("aurora_console.testing.pages_timeline", reason="the timeline page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_the_timeline_reads_in_time_order(console):
    timeline = console.timeline(CLUSTER)
    rows = timeline.entries(since=timedelta(days=14))
    assert [r.time for r in rows if r.source != "pending"] == sorted(r.time for r in rows if r.source != "pending")
    for problem in timeline.problems():  # e.g. "CloudTrail: Access denied: ... cloudtrail:LookupEvents ..."
        print("not read:", problem)


def test_a_backup_window_change_shows_up_with_who_and_before_after(console, aurora_sandbox):
    if aurora_sandbox is None:
        pytest.skip("changes the cluster's backup window: sandbox only")
    backups = console.backups(CLUSTER)
    old = backups.window()
    new = "04:00-04:30" if old != "04:00-04:30" else "05:00-05:30"
    backups.set_window(new)
    timeline = console.timeline(CLUSTER)
    timeline.refresh()
    changes = [r for r in timeline.entries(since=timedelta(minutes=10), sources=["cloudtrail"])
               if r.what.startswith("ModifyDBCluster")]
    assert changes, timeline.problems()
    last = changes[-1]
    assert last.who.startswith("arn:aws:") and last.where
    assert ("preferredBackupWindow", new) in [(name, after) for name, _before, after in last.changes]
