"""Page object for the Performance screen: ``console.performance(target)``.

``target``: a cluster id (opened through the connection profile that points at it, as the cluster
action "Performance…" does) or a connection profile name. Calls wait for the work they start, so
a smoke test reads like a DBA's session::

    perf = console.performance("sandbox-blog")
    slow = [s for s in perf.sessions() if s["query_age_s"] and s["query_age_s"] > 5]
    for root in perf.blocking_tree():
        print(root["pid"], "holds up", root["held_up"])
    perf.cancel(slow[0]["pid"])           # sandbox, or pytest --aurora-allow-changes on a real profile

``sessions()`` and ``blocking_tree()`` read the instance again first (never a stale view);
``cancel(pid)`` / ``terminate(pid)`` type the confirmation the screen asks for (recorded in
``confirmations``) and return the result's message; a refusal raises the console's error.

A ``window`` is ``(start, end)`` (epoch seconds or aware datetimes), a number of seconds or a
``timedelta`` (the last ones), or None (the screen's window: the last 15 minutes)::

    perf.snapshot()                        # a pg_stat_statements snapshot now (else one a minute)
    for row in perf.top_sql(600)[:5]:      # queryid, query, calls, total_ms, mean_ms, rows, share...
        print(row["total_ms"], row["query"])
    perf.load_by_wait(600)                 # {"CPU": 1.2, "Lock:tuple": 0.5}: average active sessions
    perf.source()                          # "performance insights" or "sampled"
    perf.explain_window(start, end)        # {"top statements": [...], "load by wait": {...}, "RDS events": ...}
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

TIMEOUT_MS = 60000


def epoch(moment: float | datetime) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else float(moment)


def top_dict(row) -> dict[str, Any]:
    return {"queryid": row.queryid, "query": row.query, "calls": row.calls, "total_ms": row.total_ms,
            "mean_ms": row.mean_ms, "rows": row.rows, "shared_blks_hit": row.shared_blks_hit,
            "shared_blks_read": row.shared_blks_read, "temp_blks": row.temp_blks, "share": row.share,
            "user": row.user, "database": row.database}


def session_dict(row, flags=()) -> dict[str, Any]:
    return {"pid": row.pid, "user": row.user, "database": row.database, "application": row.application,
            "client": row.client, "state": row.state, "wait_event_type": row.wait_event_type,
            "wait_event": row.wait_event, "query": row.query, "query_hidden": row.query_hidden,
            "query_age_s": row.query_age_s, "xact_age_s": row.xact_age_s, "backend_type": row.backend_type,
            "blocked_by": list(row.blocked_by), "flags": sorted(flags)}


def node_dict(node) -> dict[str, Any]:
    from aurora_console.ui.performance.blocking_view import lock_text

    s = node.session
    return {"pid": s.pid, "user": s.user, "state": s.state, "query": s.query, "held_up": node.held_up,
            "locks": [lock_text(lk) for lk in node.locks], "blocked": [node_dict(n) for n in node.blocked]}


class PerformancePage:
    def __init__(self, root, target: str, *, connect: Any = None, instance: str | None = None,
                 timeout_ms: int = TIMEOUT_MS) -> None:
        from aurora_console.ui.performance.feature import open_for_cluster, open_performance, tab_key

        self.root = root
        self.qtbot = root.qtbot
        self.timeout_ms = timeout_ms
        self._guard = root.guard_change
        window = root.window
        ref = next((s.ref for s in window.navigator.model.summaries() if s.ref.cluster_id == target), None)
        if ref is not None and connect is None:
            screen = open_for_cluster(window, ref, prefer=instance)
            if screen is None:
                raise AssertionError(f"the Performance screen of {target} did not open: {root.notifications()[-1:]}")
        else:
            screen = open_performance(window, target, connect=connect, prefer=instance)
        self.screen = screen
        self.key = screen.property("tabKey") or tab_key(target)
        self._attach()
        self.wait_live()

    @classmethod
    def for_widget(cls, qtbot, screen, *, guard=None, timeout_ms: int = TIMEOUT_MS) -> PerformancePage:
        """Drive a screen made outside a main window (GUI tests of the screen alone)."""
        page = cls.__new__(cls)
        page.root = None
        page.qtbot = qtbot
        page.timeout_ms = timeout_ms
        page._guard = guard or (lambda what: None)
        page.screen = screen
        page._attach()
        page.wait_live()
        return page

    def _attach(self) -> None:
        self.controller = self.screen.controller
        self.confirmations: list[str] = []
        self.refusals: list[str] = []
        self.screen.confirm_signal = self._confirm
        self.screen.show_refusal = self.refusals.append

    def _confirm(self, request) -> str:
        self.confirmations.append(request.text)
        return request.word

    # -- waiting ---------------------------------------------------------------------------------------
    def _raise_if_failed(self) -> None:
        c = self.controller
        if c.last_error is not None:
            raise c.last_error

    def wait_live(self) -> None:
        """Until the first reading of the chosen instance arrived (or opening it failed)."""
        c = self.controller
        self.qtbot.waitUntil(lambda: c.reading is not None or c.last_error is not None or c.lost is not None,
                             timeout=self.timeout_ms)
        self._raise_if_failed()

    def refresh(self) -> None:
        """Read the instance again now and wait for the result."""
        c = self.controller
        self.qtbot.waitUntil(lambda: not c.refreshing, timeout=self.timeout_ms)
        before = c.refreshes
        c.refresh()
        self.qtbot.waitUntil(lambda: c.refreshes > before or (not c.refreshing and (c.lost or c.last_error)),
                             timeout=self.timeout_ms)
        self._raise_if_failed()

    # -- reading ---------------------------------------------------------------------------------------
    def instances(self) -> list[str]:
        return [i.instance_id for i in self.controller.instances]

    def instance(self) -> str | None:
        return self.controller.instance.instance_id if self.controller.instance else None

    def pick_instance(self, instance_id: str) -> None:
        c = self.controller
        chosen = next(i for i in c.instances if i.instance_id == instance_id)
        c.select(chosen)
        self.wait_live()

    def status(self) -> str:
        return self.screen.status_label.text()

    def notice(self) -> str:
        return self.screen.notice_label.text()

    def sessions(self, *, visible_only: bool = False) -> list[dict[str, Any]]:
        """Every session of the instance (not the console's own), or only those the screen's
        filters show (``visible_only``), each with its ``flags`` at the screen's thresholds."""
        self.refresh()
        c = self.controller
        rows = c.visible_sessions() if visible_only else c.all_sessions()
        return [session_dict(r, c.flags(r)) for r in rows]

    def blocking_tree(self) -> list[dict[str, Any]]:
        """Root blockers first: ``{"pid", "user", "state", "query", "held_up", "locks", "blocked": [...]}``."""
        self.refresh()
        reading = self.controller.reading
        return [node_dict(n) for n in (reading.blocking if reading else ())]

    def replicas(self) -> dict[str, float | None]:
        """{instance: lag in ms} as the server reports it (aurora_replica_status() or pg_stat_replication)."""
        self.refresh()
        reading = self.controller.reading
        return {r.instance: r.lag_ms for r in (reading.replicas if reading else ())}

    def replication_note(self) -> str:
        """Why the server reports no replica lag ("" when it does; on MySQL outside Aurora: not available)."""
        reading = self.controller.reading
        return reading.replication_note if reading is not None else ""

    def privilege_hint(self) -> str | None:
        return self.controller.privilege_hint

    # -- settings of the screen ------------------------------------------------------------------------
    def set_interval(self, seconds: int) -> None:
        self.screen.toolbar.interval.setValue(seconds)
        if self.controller.interval_s != seconds:
            self.controller.set_interval(seconds)

    def pause(self, paused: bool = True) -> None:
        self.screen.toolbar.pause_button.setChecked(paused)

    def set_filter(self, text: str = "", state: str = "all") -> None:
        self.screen.sessions_view.filter_edit.setText(text)
        self.screen.sessions_view.state_combo.setCurrentText(state)

    def set_thresholds(self, *, long_xact_s: int | None = None, idle_in_xact_s: int | None = None) -> None:
        if long_xact_s is not None:
            self.screen.toolbar.long_xact.setValue(long_xact_s)
        if idle_in_xact_s is not None:
            self.screen.toolbar.idle_xact.setValue(idle_in_xact_s)

    def detail(self, pid: int) -> str:
        """The detail pane's text for ``pid`` (its whole query)."""
        self.screen.show_tab("Sessions")
        self.screen.sessions_view.select_pid(pid)
        return self.screen.sessions_view.detail.toPlainText()

    # -- changing ----------------------------------------------------------------------------------------
    def cancel(self, pid: int) -> str:
        """Cancel the statement of ``pid`` (typed confirmation); the result's message."""
        return self._signal("cancel", pid)

    def terminate(self, pid: int) -> str:
        """Terminate the session ``pid`` (typed confirmation); the result's message."""
        return self._signal("terminate", pid)

    def _signal(self, action: str, pid: int) -> str:
        self._guard(f"{action.capitalize()} of backend {pid}")
        c = self.controller
        self.refresh()  # the pid as the server has it now
        before = c.signal_handle
        self.screen.sessions_view.select_pid(pid)
        if not self.screen.ask_signal(action, pid):
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError(self.refusals[-1] if self.refusals else c.notice or f"{action} of {pid} not sent")
        self.qtbot.waitUntil(lambda: c.signal_handle is not before and c.signal_handle.done, timeout=self.timeout_ms)
        if isinstance(c.last_signal, BaseException):
            raise c.last_signal
        self.qtbot.waitUntil(lambda: not c.refreshing, timeout=self.timeout_ms)
        return c.notice

    # -- history: Top SQL, load, an explained window ----------------------------------------------------
    @property
    def recorder(self):
        return self.controller.recorder

    def _set_window(self, window) -> None:
        rec = self.recorder
        if window is None:
            rec.set_window_seconds(15 * 60)
        elif isinstance(window, tuple | list):
            rec.set_window(epoch(window[0]), epoch(window[1]))
        else:
            rec.set_window_seconds(window.total_seconds() if isinstance(window, timedelta) else float(window))

    def _wait_handle(self, attr: str) -> None:
        rec = self.recorder
        self.qtbot.waitUntil(lambda: getattr(rec, attr) is not None and getattr(rec, attr).done,
                             timeout=self.timeout_ms)

    def _settled(self, attr: str):
        """Wait until the recorder's read ``attr`` (the screen's own, e.g. after a snapshot) has
        ended, so the read this call starts is not refused as one already running; its handle."""
        rec = self.recorder
        self.qtbot.waitUntil(lambda: getattr(rec, attr) is None or getattr(rec, attr).done, timeout=self.timeout_ms)
        return getattr(rec, attr)

    def snapshot(self):
        """Take a ``pg_stat_statements`` snapshot now; its ``SnapshotResult``. Raises the console's
        error (saying what to do) when ``pg_stat_statements`` is missing."""
        rec = self.recorder
        self.qtbot.waitUntil(lambda: not rec.recording and rec.link is not None, timeout=self.timeout_ms)
        before = rec.snapshots
        rec.snapshot_now()
        self.qtbot.waitUntil(lambda: not rec.recording, timeout=self.timeout_ms)
        if rec.statements_problem:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError(rec.statements_problem)
        assert rec.snapshots > before, rec.record_error
        return rec.last_snapshot

    def top_sql(self, window=None) -> list[dict[str, Any]]:
        """The statements of ``window`` by total time, from the snapshots taken while the screen
        (or background snapshots) ran: deltas of calls, times, rows, blocks and share."""
        rec = self.recorder
        self._set_window(window)
        before = self._settled("top_handle")
        rec.read_top_sql()
        self.qtbot.waitUntil(lambda: rec.top_handle is not before and rec.top_handle.done, timeout=self.timeout_ms)
        self.screen.render()
        return [top_dict(r) for r in rec.top]

    def _load(self, window=None):
        rec = self.recorder
        self._set_window(window)
        before = self._settled("load_handle")
        rec.read_load()
        self.qtbot.waitUntil(lambda: rec.load_handle is not before and rec.load_handle.done, timeout=self.timeout_ms)
        if rec.load_series is None:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError(rec.load_problem or "the load could not be read")
        self.screen.render()
        return rec.load_series

    def load_by_wait(self, window=None) -> dict[str, float]:
        """{wait event: average active sessions} over ``window``."""
        from aurora_console.core.performance.load import load_by_wait

        return load_by_wait(self._load(window))

    def source(self) -> str:
        """Where the Load tab's data comes from: "performance insights" or "sampled"."""
        rec = self.recorder
        return rec.load_source if rec.load_series is not None else self._load().source

    def source_reason(self) -> str:
        rec = self.recorder
        return rec.load_series.reason if rec.load_series is not None else self._load().reason

    def explain_window(self, start: float | datetime, end: float | datetime) -> dict[str, Any]:
        """The window explained, section by section (see ``WindowExplanation.sections``)."""
        rec = self.recorder
        before = self._settled("explain_handle")
        self.screen.explain(epoch(start), epoch(end))
        self.qtbot.waitUntil(lambda: rec.explain_handle is not before and rec.explain_handle.done,
                             timeout=self.timeout_ms)
        if rec.explained is None:
            from aurora_console.core.errors import ConsoleError

            raise ConsoleError(rec.explain_problem or "the window could not be explained")
        return rec.explained.sections()
