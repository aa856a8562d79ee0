"""``console.performance(...).cancel(pid)`` / ``terminate(pid)`` change a database: on a real AWS
profile the page object refuses them (``ChangesNotAllowed``) unless pytest runs with
``--aurora-allow-changes``, before any confirmation is asked or signal sent; with the flag they
go through. (On the sandbox they are allowed: test_performance_sandbox.py terminates there.)"""

from __future__ import annotations

import pytest

from aurora_console.testing.pages import ChangesNotAllowed, ConsoleRoot

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_cancel_and_terminate_need_the_flag_on_a_real_profile(window, qtbot, sessions):
    db = sessions.db
    victim = sessions.open("rig-victim")
    pid = sessions.pid(victim)
    root = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=False)
    perf = root.performance("rig", connect=db.dsn)
    assert pid in {s["pid"] for s in perf.sessions()}
    for call in (perf.cancel, perf.terminate):
        with pytest.raises(ChangesNotAllowed, match="--aurora-allow-changes"):
            call(pid)
    assert perf.confirmations == []
    assert not [e for e in window.services.audit.read() if e.action.startswith("performance.")]
    assert pid in {s["pid"] for s in perf.sessions()}  # still there

    root.allow_changes = True
    assert str(pid) in perf.terminate(pid)
    assert pid not in {s["pid"] for s in perf.sessions()}
