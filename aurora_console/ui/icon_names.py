"""Which bundled icon stands for what (names only; no Qt, so scripts/update_icons.py can read it).

The icons are Lucide's (https://lucide.dev, ISC licence, in resources/icons/lucide with the
licence text), drawn by ``ui/icons.py`` in the theme's colours.
"""

from __future__ import annotations

LUCIDE_VERSION = "1.87.0"

#: a tab's icon by the kind of screen it shows (the ``kind`` of its layout spec, or its key)
SCREENS = {
    "fleet": "layout-grid", "metrics": "chart-line", "backups": "archive", "sql": "square-terminal",
    "content": "table", "migrations": "git-branch", "connections": "cable", "performance": "gauge",
    "logs": "scroll-text", "timeline": "history", "audit-log": "shield-check", "welcome": "house",
}

#: an object's icon by its kind (trees, lists, the command palette)
OBJECTS = {
    "region": "globe", "global": "network", "cluster": "database", "writer": "square-pen", "reader": "book-open",
    "instance": "server", "proxy": "waypoints", "snapshot": "camera", "table": "table", "view": "eye",
    "function": "square-function", "profile": "plug", "saved query": "file-text", "screen": "layout-grid",
    "action": "play", "cluster action": "play", "profile action": "play",
}

#: a status's badge: (icon, colour); the shape says it too, never the colour alone
STATUS_BADGES = {
    "ok": ("circle-check", "#2e8b57"),  # available
    "stopped": ("circle-stop", "#7f8c8d"),
    "busy": ("refresh-cw", "#c98a00"),  # failing over, modifying, backing up, starting, ...
    "paused": ("circle-pause", "#7f8c8d"),
    "failed": ("circle-x", "#c0392b"),
    "warning": ("triangle-alert", "#c98a00"),
    "unknown": ("circle-dashed", "#7f8c8d"),
}
FAILED_STATUSES = frozenset({"failed", "inaccessible-encryption-credentials", "incompatible-parameters",
                             "storage-full", "incompatible-network", "incompatible-restore", "error"})
STOPPED_STATUSES = frozenset({"stopped", "stopping-failed"})


def status_kind(status: str) -> str:
    """The badge kind of an RDS status ("available", "failing-over", "stopped", ...)."""
    status = (status or "").lower()
    if status == "available":
        return "ok"
    if status in FAILED_STATUSES:
        return "failed"
    if status in STOPPED_STATUSES:
        return "stopped"
    if not status:
        return "unknown"
    return "busy"


#: menu entries' icons by their object name
ACTIONS = {
    "actionOpenSandbox": "play", "actionWelcome": "house", "actionQuit": "x", "actionRefresh": "refresh-cw",
    "actionOpenLogs": "folder-open", "actionAbout": "info", "actionCommandPalette": "command",
    "actionConnections": "cable", "actionNewConnectionProfile": "plug", "actionSqlEditor": "square-terminal",
    "actionContentEditor": "table", "actionMigrations": "git-branch", "actionFleetView": "layout-grid",
    "actionAuditLog": "shield-check", "actionPerformance": "gauge", "actionDatabaseLogs": "scroll-text",
    "actionRunWorkload": "activity", "actionStopWorkload": "circle-stop", "actionNewSqlEditor": "square-terminal",
    "actionOpenSqlFile": "folder-open", "actionToggleNavigator": "panel-left",
    "actionClearText": "x",  # a filter box's clear button (ui/clear_button.py)
}

#: screens' own buttons and toolbar actions by object name (``icons.decorate`` sets them when a
#: screen opens; a control that already has an icon keeps it)
CONTROLS = {
    "sqlRunAll": "fast-forward", "sqlRunStatement": "play", "sqlStop": "square", "sqlExplain": "list-tree",
    "sqlExplainAnalyze": "timer", "sqlCommit": "check", "sqlRollback": "undo-2", "sqlReconnect": "plug-zap",
    "sqlHistory": "history", "sqlExport": "download", "sqlFetchAll": "chevrons-down", "sqlFileButton": "file",
    "sqlAutocommit": "zap",
    "fleetRefresh": "refresh-cw", "fleetAuditLog": "shield-check", "fleetClusterActions": "ellipsis",
    "auditReload": "refresh-cw", "metricsRefresh": "refresh-cw", "metricsChoose": "sliders-horizontal",
    "metricsMarkers": "flag", "metricsExport": "download", "backupsRefresh": "refresh-cw", "backupsCancel": "x",
    "backupPitr": "history", "backtrackRun": "rewind", "eventsCreate": "bell-plus", "eventsDelete": "trash-2",
    "performanceRefresh": "refresh-cw", "performancePause": "pause", "performanceSnapshot": "camera",
    "performanceCancel": "circle-stop", "performanceTerminate": "circle-x",
    "logsRefresh": "refresh-cw", "logsFollow": "arrow-down-to-line", "logsEarlier": "arrow-up-to-line",
    "logsBackToEnd": "arrow-down-to-line", "logsNext": "chevron-down", "logsPrevious": "chevron-up",
    "logsExport": "download", "logsCancel": "x", "logsCloudWatchSearch": "search", "logsOpenSql": "square-terminal",
    "logsTopSql": "gauge", "timelineRefresh": "refresh-cw", "timelineCancel": "x", "timelineKinds": "filter",
    "stateRetry": "refresh-cw",
}

BUNDLED = sorted({*CONTROLS.values(), *SCREENS.values(), *OBJECTS.values(), *(b[0] for b in STATUS_BADGES.values()), *ACTIONS.values(),
                  "search", "x", "chevron-down", "refresh-ccw", "download", "upload", "save", "settings", "lock",
                  "key-round", "user", "bell", "clock", "cloud", "terminal", "undo-2", "list", "list-checks",
                  "panel-left", "loader", "circle-alert", "info"})
