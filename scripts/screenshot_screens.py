"""Shooters for scripts/screenshots.py: one per screen of the user guide (docs/user-guide.md).

Each opens its screen on the sandbox the way a user would (the same entry points as the page
objects in aurora_console/testing), waits until its data is shown, and saves the main window.
"""

from __future__ import annotations

import time
from pathlib import Path

CLUSTER = "blog"
DB_PROFILE = "sandbox-blog"


def _wait(app, predicate, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError("the screen did not finish loading")


def _settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def _ref(window, cluster_id: str):
    refs = [s.ref for s in window.navigator.model.summaries() if s.ref.cluster_id == cluster_id]
    if not refs:
        raise LookupError(f"cluster {cluster_id!r} is not in the navigator")
    return refs[0]


def _save(app, window, out: Path, name: str) -> None:
    _settle(app)
    window.grab().save(str(out / f"{name}.png"))


def shoot_fleet(app, window, out: Path) -> None:
    from aurora_console.ui.fleet import open_fleet

    view = open_fleet(window, select=CLUSTER)
    _wait(app, lambda: view.load_count > 0 and not view.loading and not view.widths.revealing)
    _save(app, window, out, "fleet")


def shoot_metrics(app, window, out: Path) -> None:
    from aurora_console.ui.metrics import open_metrics

    dashboard = open_metrics(window, _ref(window, CLUSTER))
    _wait(app, lambda: dashboard.load_count > 0 and not dashboard.loading)
    _save(app, window, out, "metrics")


def shoot_backups(app, window, out: Path) -> None:
    from aurora_console.ui.backups import open_backups

    panel = open_backups(window, _ref(window, CLUSTER))
    _wait(app, lambda: panel.load_count > 0 and not panel.loading)
    _save(app, window, out, "backups")


def shoot_tunnels(app, window, out: Path) -> None:
    from aurora_console.ui.connections.feature import open_panel

    controller = window.services.connections.get()
    controller.ask_trust = lambda error: "once"  # the sandbox's bastion key, as a user would accept it
    box: dict = {}
    controller.open_tunnel(DB_PROFILE, on_done=lambda s: box.setdefault("ok", s),
                           on_error=lambda e: box.setdefault("err", e))
    _wait(app, lambda: bool(box))
    if "err" in box:
        raise box["err"]
    open_panel(window)
    _save(app, window, out, "tunnels")


def shoot_migrations(app, window, out: Path) -> None:
    from aurora_console.ui.migrations.feature import open_migrations

    open_migrations(window, DB_PROFILE)
    key = f"migrations:{DB_PROFILE}"
    _wait(app, lambda: window.find_tab(key) is not None)
    panel = window.find_tab(key)
    _wait(app, lambda: not panel.busy and panel.status is not None)
    # the bundled folder sits wherever the console is installed (a developer's checkout here):
    # name it instead of showing that path
    panel.folder_label.setText("Folder: the sandbox's bundled blog migrations")
    _save(app, window, out, "migrations")


def _content_workspace(app, window):
    from aurora_console.ui.content.feature import open_content

    opened = open_content(window, DB_PROFILE)
    if hasattr(opened, "done"):
        _wait(app, lambda: opened.done)
    workspace = window.find_tab(f"content:{DB_PROFILE}")
    runner = window.services.runner
    _wait(app, lambda: not runner.active())
    if workspace is None:
        raise RuntimeError("the content workspace did not open")
    return workspace


def shoot_content(app, window, out: Path) -> None:
    workspace = _content_workspace(app, window)
    workspace.tabs.setCurrentIndex(0)
    _save(app, window, out, "content-posts")


POST_WITH_COMMENTS = 3  # "Reading an EXPLAIN ANALYZE plan": two comments in the sandbox's blog


def shoot_post_form(app, window, out: Path) -> None:
    """The post form of a post with comments (title, slug, author, Markdown and its preview)."""
    workspace = _content_workspace(app, window)
    form = workspace.open_post_form((POST_WITH_COMMENTS,))
    if form is None:
        raise RuntimeError(workspace.status.text() or "the post form did not open")
    loaded = {"done": False}
    form.loaded.connect(lambda: loaded.__setitem__("done", True))
    _wait(app, lambda: loaded["done"] or form.comments_table.rowCount() > 0)
    _wait(app, lambda: not window.services.runner.active())
    _save(app, window, out, "post-form")


# A small Flyway project, as the "migrations-flyway" shot shows it (nothing is applied: the shot only reads).
FLYWAY_DEMO = {
    "V1__create_authors.sql": "CREATE TABLE authors (id bigint PRIMARY KEY, email text NOT NULL);\n",
    "V1_1__mysql_only.sql": "-- Kept so the version numbers line up with the MySQL folder: nothing to do here.\n",
    "V2__index_authors_email.sql": "CREATE INDEX CONCURRENTLY authors_email ON authors (email);\n",
    "V3__backfill_in_batches.sql": "BEGIN;\nUPDATE authors SET email = lower(email);\nCOMMIT;\n",
    "V4__add_bio.sql": "ALTER TABLE authors ADD COLUMN bio text;\n",
    "V4__add_bio.sql.conf": "executeInTransaction=false\n",
    "R__author_stats.sql": "CREATE OR REPLACE VIEW author_stats AS SELECT count(*) AS authors FROM authors;\n",
    "scratch.sql": "SELECT * FROM authors;  -- a query kept beside the migrations\n",
}


def shoot_migrations_flyway(app, window, out: Path) -> None:
    """The migrations screen on a Flyway project: history format, Transaction column, ignored files."""
    import tempfile

    project = Path(tempfile.mkdtemp(prefix="flyway-demo-"))
    sql = project / "sql"
    sql.mkdir()
    for name, text in FLYWAY_DEMO.items():
        (sql / name).write_text(text)
    (project / "flyway.conf").write_text("flyway.locations=filesystem:sql\n")
    from aurora_console.ui.migrations.feature import open_migrations

    open_migrations(window, DB_PROFILE)
    key = f"migrations:{DB_PROFILE}"
    _wait(app, lambda: window.find_tab(key) is not None)
    panel = window.find_tab(key)
    _wait(app, lambda: not panel.busy and panel.status is not None)
    panel.choose_folder = lambda: str(sql)
    panel.change_folder()
    _wait(app, lambda: not panel.busy and panel.overview is not None)
    panel.bottom.setCurrentWidget(panel.ignored_view)
    panel.folder_label.setText("Folder: a Flyway project's sql/ (flyway.conf beside it)")
    _save(app, window, out, "migrations-flyway")


def shoot_performance(app, window, out: Path) -> None:
    """Performance · blog: sessions of the sandbox's database (its workload, when one runs)."""
    from aurora_console.ui.performance.feature import open_for_cluster

    open_for_cluster(window, _ref(window, CLUSTER))
    _wait(app, lambda: any(str(window.tabs.widget(i).property("tabKey") or "").startswith("performance:")
                           for i in range(window.tabs.count())))
    screen = next(window.tabs.widget(i) for i in range(window.tabs.count())
                  if str(window.tabs.widget(i).property("tabKey") or "").startswith("performance:"))
    c = screen.controller
    _wait(app, lambda: c.reading is not None or c.last_error is not None)
    _settle(app, 1.5)
    _save(app, window, out, "performance")


def shoot_logs(app, window, out: Path) -> None:
    """Logs · blog: the writer's PostgreSQL log, parsed into columns."""
    from aurora_console.ui.logs.feature import open_logs

    screen = open_logs(window, _ref(window, CLUSTER))
    c = screen.controller
    _wait(app, lambda: bool(c.files) or bool(c.errors))
    name = next((f.name for f in c.files if not f.name.endswith(".csv")), None)
    if name is not None:
        c.open_file(name, 1_000)
        _wait(app, lambda: bool(c.entries) or "read" in c.errors)
    _settle(app, 1.0)
    _save(app, window, out, "logs")


def shoot_timeline(app, window, out: Path) -> None:
    """Timeline · blog: RDS events, CloudTrail calls, migrations and the console's audit log."""
    from aurora_console.ui.timeline import open_timeline

    tab = open_timeline(window, _ref(window, CLUSTER))
    _wait(app, lambda: tab.controller.load_count > 0 and not tab.controller.loading)
    _settle(app, 0.5)
    _save(app, window, out, "timeline")


SHOOTERS = {
    "performance": shoot_performance,
    "logs": shoot_logs,
    "timeline": shoot_timeline,
    "fleet": shoot_fleet,
    "metrics": shoot_metrics,
    "backups": shoot_backups,
    "tunnels": shoot_tunnels,
    "migrations": shoot_migrations,
    "migrations-flyway": shoot_migrations_flyway,
    "content-posts": shoot_content,
    "post-form": shoot_post_form,
}
