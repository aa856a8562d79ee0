"""Page object for the Logs screen: ``console.logs(instance_or_cluster)``.

``instance_or_cluster``: a cluster id (its writer's log first) or an instance id (that instance's
log). Calls wait for the work they start, so a smoke test reads like a DBA's session::

    logs = console.logs("blog")
    newest = logs.files()[0]                      # {"name", "size", "last_written"}, newest first
    entries = logs.read(newest["name"], lines=500)  # the file's last 500 lines, as entries
    errors = logs.entries(severity="ERROR")        # the entries read, filtered (one or a list)
    hits = logs.search(r"deadlock|could not serialize")  # the entries read that match (regex)
    logs.follow()                                  # tail -f: new entries are added as written
    ...                                            # cause something
    entry = logs.wait_for("duration: .* ms")       # the first new entry that matches
    logs.stop()

An entry is a dict: ``time`` (aware datetime, UTC), ``client``, ``user``, ``database``, ``pid``,
``severity``, ``message``, ``details`` (``{"STATEMENT": ..., "DETAIL": ...}``), ``duration_ms`` and
``statement`` (slow statements and ``auto_explain`` plans, else None), ``plan``. Failures of the
screen's parts raise the console's error (an access denial names the IAM permission).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

TIMEOUT_MS = 60000


def entry_dict(entry) -> dict[str, Any]:
    slow = entry.slow
    return {"time": entry.time, "client": entry.client, "user": entry.user, "database": entry.database,
            "pid": entry.pid, "severity": entry.severity, "message": entry.message, "details": dict(entry.details),
            "duration_ms": slow.duration_ms if slow else None, "statement": slow.text if slow else None,
            "plan": slow.plan if slow else None}


class LogsPage:
    def __init__(self, root, instance_or_cluster: str, *, follow_interval: float = 1.0,
                 timeout_ms: int = TIMEOUT_MS) -> None:
        from aurora_console.ui.logs.feature import open_logs, ref_for

        self.root = root
        self.qtbot = root.qtbot
        self.timeout_ms = timeout_ms
        ref, instance = ref_for(root.window, instance_or_cluster)
        if ref is None:
            raise AssertionError(f"{instance_or_cluster} is neither a cluster nor an instance the navigator lists: "
                                 f"{root.cluster_ids()}")
        self.screen = open_logs(root.window, ref, prefer=instance, follow_interval=follow_interval)
        self.controller = self.screen.controller
        if instance is not None and self.controller.instance is not None \
                and self.controller.instance.instance_id != instance:
            self.controller.select_instance(instance)
        self._wait_files()

    # -- waiting -------------------------------------------------------------------------------
    def _raise(self, *parts: str) -> None:
        for part in parts:
            exc = self.controller.errors.get(part)
            if exc is not None:
                raise exc

    def _wait_files(self) -> None:
        c = self.controller
        self.qtbot.waitUntil(lambda: (c.instance is not None and not c.loading_files) or "instances" in c.errors
                             or "files" in c.errors, timeout=self.timeout_ms)
        self._raise("instances", "files")

    # -- instances and files -------------------------------------------------------------------
    def instances(self) -> list[str]:
        """The cluster's instances, the writer first."""
        return [i.instance_id for i in self.controller.instances]

    def instance(self) -> str | None:
        return self.controller.instance.instance_id if self.controller.instance else None

    def files(self) -> list[dict[str, Any]]:
        """The instance's log files, newest first (listed again now)."""
        self.controller.refresh_files()
        self._wait_files()
        return [{"name": f.name, "size": f.size, "last_written": f.last_written} for f in self.controller.files]

    # -- reading -------------------------------------------------------------------------------
    def read(self, name: str | None = None, lines: int = 1_000) -> list[dict[str, Any]]:
        """Open ``name`` (default: the newest file) at its last ``lines`` lines; its entries."""
        c = self.controller
        if name is None:
            if not c.files:
                self.files()
            name = next(f.name for f in c.files if not f.name.endswith(".csv"))
        before = c.reads
        c.open_file(name, lines)
        self.qtbot.waitUntil(lambda: c.reads > before or "read" in c.errors, timeout=self.timeout_ms)
        self._raise("read")
        return [entry_dict(e) for e in c.entries]

    def load_earlier(self) -> int:
        """Load the lines before the first one read (scroll-back); how many entries came."""
        c = self.controller
        count = len(c.entries)
        if not c.can_load_earlier:
            return 0
        c.load_earlier()
        self.qtbot.waitUntil(lambda: not c.loading_earlier, timeout=self.timeout_ms)
        self._raise("earlier")
        return len(c.entries) - count

    def entries(self, severity: str | Iterable[str] | None = None, *, since: datetime | None = None,
                until: datetime | None = None, slow_only: bool = False) -> list[dict[str, Any]]:
        """The entries read (or followed), filtered as the screen's filter bar does: ``severity``
        one of ERROR, FATAL, PANIC, WARNING, LOG or a list of them (None: all), a time range
        (aware datetimes), slow statements and plans only."""
        wanted = None if severity is None else [severity] if isinstance(severity, str) else list(severity)
        c = self.controller
        c.set_filters(severities=wanted, since=since, until=until, slow_only=slow_only)
        self.qtbot.waitUntil(lambda: not c.filtering, timeout=self.timeout_ms)
        return [entry_dict(e) for e in c.shown]

    def set_time_range(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Narrow the screen to ``[since, until)`` (aware datetimes) as a DBA does: the filter
        bar's **Custom range…** with its From / To fields (UTC, to the second); the entries shown
        (the other filters kept). A range that does not end after it starts raises ``ValueError``
        with the screen's message (and the screen keeps its last range)."""
        bar, c = self.screen.filter_bar, self.controller
        bar.set_custom_range(since, until)
        if bar.range_problem.text():
            raise ValueError(bar.range_problem.text())
        self.qtbot.waitUntil(lambda: not c.filtering, timeout=self.timeout_ms)
        return [entry_dict(e) for e in c.shown]

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """``(since, until)`` the screen's entries are filtered by (None: open-ended)."""
        return self.controller.filters.since, self.controller.filters.until

    def search(self, pattern: str) -> list[dict[str, Any]]:
        """The entries shown that match ``pattern`` (a regular expression, case-insensitive),
        the screen's search moved to the first of them."""
        c = self.controller
        c.set_search(pattern)
        self.qtbot.waitUntil(lambda: not c.filtering, timeout=self.timeout_ms)
        return [entry_dict(c.shown[row]) for row in c.hits]

    # -- follow mode ---------------------------------------------------------------------------
    def follow(self) -> None:
        """Start following the newest file (``tail -f``); returns once its last lines are in
        (at once when they are already: after :meth:`read` of the newest file, following goes on
        from there)."""
        c = self.controller
        before = c.follow_portions
        c.follow()
        self.qtbot.waitUntil(lambda: bool(c.entries) or c.follow_portions > before or "follow" in c.errors
                             or not c.following,
                             timeout=self.timeout_ms)
        self._raise("follow")

    def wait_for(self, pattern: str, timeout_ms: int | None = None) -> dict[str, Any]:
        """The first entry (of those read or followed) whose text matches ``pattern``, waiting
        for follow mode to bring it."""
        c = self.controller
        regex = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
        found: list = []

        def seen() -> bool:
            self._raise("follow")
            found[:] = [e for e in c.entries if regex.search(e.text())][:1]
            return bool(found)

        self.qtbot.waitUntil(seen, timeout=timeout_ms or self.timeout_ms)
        return entry_dict(found[0])

    def stop(self) -> None:
        """Stop following."""
        self.controller.stop_follow()

    # -- export and CloudWatch -------------------------------------------------------------------
    def export(self, path: str | Path, fmt: str = "text") -> int:
        """Write the entries shown to ``path`` (``text`` or ``csv``); how many were written."""
        c = self.controller
        c.export(path, fmt)
        self.qtbot.waitUntil(lambda: not c.exporting, timeout=self.timeout_ms)
        self._raise("export")
        return c.exported[1]

    def search_cloudwatch(self, pattern: str, since: datetime | None = None, until: datetime | None = None, *,
                          hours: int | None = None) -> list[dict[str, Any]]:
        """Every instance's log in CloudWatch Logs (the cluster must export it), through the
        screen's CloudWatch Logs tab: between ``since`` and ``until`` (aware datetimes, its
        **Between** From / To fields, to the second), or over the last ``hours`` ending now
        (``hours`` alone; neither: the tab's current choice). One dict per event, ``instance``
        added. A range that does not end after it starts raises ``ValueError``."""
        c, view = self.controller, self.screen.cloudwatch_view
        if (since is None) != (until is None):
            raise TypeError("give both since and until, or neither")
        self.qtbot.waitUntil(lambda: c.cloudwatch_available is not None, timeout=self.timeout_ms)
        if since is not None:
            view.set_range(since, until)
        elif hours is not None:
            view.range_kind.setCurrentIndex(view.range_kind.findData("last"))
            view.hours.setValue(hours)
        view.pattern_edit.setText(pattern)
        view.search()
        if view.between() and view.range_edit.problem():
            raise ValueError(view.range_edit.problem())
        self.qtbot.waitUntil(lambda: not c.searching_cloudwatch, timeout=self.timeout_ms)
        self._raise("cloudwatch")
        return [dict(entry_dict(e), instance=ev.stream) for ev in c.cloudwatch_events for e in ev.entries]

    def status(self) -> str:
        return self.screen.status_label.text()

    def errors(self) -> str:
        return self.screen.error_label.text()
