"""From a log entry to the other screens, through window-level hooks (the Logs screen imports
neither): an ``auto_explain`` plan opens in the SQL editor's plan view (``window.open_plan``,
registered by the SQL editor) with the statement in the editor; a slow statement finds its row
in Top SQL (``window.open_top_sql``, registered by the Performance screen) by normalised text."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.performance.top_sql import TopStatement
from aurora_console.ui.logs import feature as logs_feature
from tests.gui.logs.conftest import FolderSources
from tests.unit.core.aws.db_logs.fixtures import write_log

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

REF = ClusterRef("default", "us-east-1", "blog", "aurora-postgresql")
PREFIX = "2026-12-07 05:00:{s:02d} UTC:10.0.0.9(4000):app@blog:[77]:LOG:  "
PLAN = (
    "duration: 12.503 ms  plan:\n"
    "\tQuery Text: SELECT count(*) FROM posts WHERE id > 1\n"
    "\tAggregate  (cost=1.05..1.06 rows=1 width=8) (actual time=0.020..0.021 rows=1 loops=1)\n"
    "\t  ->  Seq Scan on posts  (cost=0.00..1.04 rows=3 width=0) (actual time=0.010..0.019 rows=3 loops=1)\n"
    "\t        Filter: (id > 1)\n"
    "\t        Rows Removed by Filter: 1\n"
)
SLOW = "duration: 1503.201 ms  statement: SELECT title FROM posts WHERE author = 'ann'  AND id > 40\n"


@pytest.fixture
def folder(tmp_path):
    write_log(tmp_path, "postgresql.log.2026-12-07-04", 5, hour=4)
    with open(tmp_path / "postgresql.log.2026-12-07-05", "w", encoding="utf-8") as out:
        out.write(PREFIX.format(s=1) + "statement: BEGIN\n")
        out.write(PREFIX.format(s=2) + PLAN)
        out.write(PREFIX.format(s=3) + SLOW)
    return tmp_path


def opened(window, qtbot, monkeypatch, folder, profile):
    monkeypatch.setattr(logs_feature, "_profile", lambda _window, _ref: profile)
    screen = logs_feature.open_logs(window, REF, sources=FolderSources(folder))
    c = screen.controller
    qtbot.waitUntil(lambda: len(c.files) == 2, timeout=10000)
    c.open_file(c.files[0].name)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=10000)
    return screen


def select(screen, kind: str) -> None:
    row = next(r for r in range(screen.model.rowCount())
               if (e := screen.model.entry(r)).slow is not None and e.slow.kind == kind)
    screen.table.setCurrentIndex(screen.model.index(row, 0))


def test_an_auto_explain_plan_opens_in_the_sql_editors_plan_view(window, qtbot, monkeypatch, folder, new_database):
    from aurora_console.ui.sql.plan_view import PlanView

    db = new_database()
    screen = opened(window, qtbot, monkeypatch, folder, db.dsn)
    select(screen, "plan")
    assert screen.toolbar.sql_button.isEnabled()
    tab = screen.open_selected_in_sql()
    assert window.tabs.currentWidget() is tab
    view = tab.results.currentWidget()
    assert isinstance(view, PlanView)
    assert tab.results.tabText(tab.results.currentIndex()) == "Logged plan"
    assert [n.title for n in view.plan.root.walk()] == ["Aggregate", "Seq Scan on posts"]
    assert view.plan.analyzed and view.tree.topLevelItem(0).child(0).text(0).startswith("Seq Scan on posts")
    assert "EXPLAIN (ANALYZE, BUFFERS)\nSELECT count(*) FROM posts WHERE id > 1;" in tab.editor.toPlainText()
    assert tab.outcomes == []  # nothing ran
    tab.ask = lambda *a: None


def test_a_slow_statement_without_a_plan_opens_as_explain_text(window, qtbot, monkeypatch, folder, new_database):
    db = new_database()
    screen = opened(window, qtbot, monkeypatch, folder, db.dsn)
    select(screen, "statement")
    tab = screen.open_selected_in_sql()
    assert tab.plan_views() == [] and "author = 'ann'" in tab.editor.toPlainText()
    tab.ask = lambda *a: None


def test_find_in_top_sql_hands_the_statement_and_instance_to_the_window(window, qtbot, monkeypatch, folder):
    calls = []
    window.set_top_sql_opener(lambda ref, instance, text: calls.append((ref, instance, text)))
    screen = opened(window, qtbot, monkeypatch, folder, "blog-profile")
    select(screen, "statement")
    assert screen.toolbar.top_sql_button.isEnabled()
    screen.toolbar.top_sql_button.click()
    assert calls == [(REF, screen.controller.instance.instance_id,
                      "SELECT title FROM posts WHERE author = 'ann'  AND id > 40")]
    screen.table.setCurrentIndex(screen.model.index(0, 0))  # "statement: BEGIN": no duration, no link
    assert not screen.toolbar.top_sql_button.isEnabled()


def test_without_a_profile_for_the_cluster_the_links_are_not_offered(window, qtbot, monkeypatch, folder):
    screen = opened(window, qtbot, monkeypatch, folder, None)
    select(screen, "plan")
    assert not screen.toolbar.sql_button.isEnabled() and not screen.toolbar.top_sql_button.isEnabled()


@pytest.mark.expected_errors  # the notification is logged as an error
def test_open_top_sql_and_open_plan_without_their_screens_say_so(window):
    window.set_top_sql_opener(None)
    window.set_plan_opener(None)
    before = len(window.services.notifier.history)
    assert window.open_top_sql(REF, None, "SELECT 1") is None
    assert window.open_plan("any", "SELECT 1", object()) is None
    notes = window.services.notifier.history[before:]
    assert [n.title for n in notes] == ["No Performance screen", "No SQL editor"]


# -- the Performance screen's side: its Top SQL table selects the row ------------------------------
def statement(queryid: int, query: str, total_ms: float) -> TopStatement:
    return TopStatement(queryid, query, 1, total_ms, total_ms, 1, 0, 0, 0, 0.1)


class ScreenStub:
    """What select_when_read uses of a PerformanceScreen: its real Top SQL view."""

    def __init__(self) -> None:
        from aurora_console.ui.performance.top_sql_view import TopSqlView

        self.top_sql_view = TopSqlView()
        self.shown = []

    def show_tab(self, name):
        self.shown.append(name)


def test_top_sql_selects_the_statement_by_normalised_text_once_read(qtbot):
    from aurora_console.ui.performance.feature import select_when_read

    screen = ScreenStub()
    qtbot.addWidget(screen.top_sql_view)
    select_when_read(screen, "SELECT title FROM posts WHERE author = 'ann'  AND id > 40")
    assert screen.shown == ["Top SQL"] and screen.top_sql_view.state.selected is None  # nothing read yet
    screen.top_sql_view.set_statements([
        statement(1, "SELECT title FROM posts WHERE author = $1", 900.0),
        statement(2, "select title\n  from posts where author = $1 and id > $2", 500.0),
        statement(3, "SELECT 1", 100.0),
    ])
    assert screen.top_sql_view.state.selected.queryid == 2
    screen.top_sql_view.set_statements([statement(3, "SELECT 1", 100.0)])  # later reads leave the user's choice
    screen.top_sql_view.set_statements([statement(2, "select title from posts where author = $1 and id > $2", 1.0),
                                        statement(3, "SELECT 1", 100.0)])
    screen.top_sql_view.select_statement(3)  # the user picks another row
    screen.top_sql_view.set_statements([statement(2, "select title from posts where author = $1 and id > $2", 2.0),
                                         statement(3, "SELECT 1", 100.0)])
    assert screen.top_sql_view.state.selected.queryid == 3


def test_a_statement_not_in_top_sql_says_so(qtbot):
    from aurora_console.ui.performance.feature import select_when_read

    class Notes:
        def __init__(self):
            self.warnings = []

        def warning(self, title, text, hint=""):
            self.warnings.append((title, text))

    screen, notes = ScreenStub(), Notes()
    qtbot.addWidget(screen.top_sql_view)
    select_when_read(screen, "SELECT 42", notes)
    screen.top_sql_view.set_statements([statement(3, "SELECT title FROM posts", 100.0)])
    assert screen.top_sql_view.state.selected is None
    assert notes.warnings == [("Top SQL", "The statement is not among this window's Top SQL statements.")]


def test_a_later_read_brings_the_statement_and_a_users_choice_stops_the_watch(qtbot):
    from aurora_console.ui.performance.feature import select_when_read

    warnings = []

    class Notes:
        def warning(self, title, text, hint=""):
            warnings.append(title)

    screen = ScreenStub()
    qtbot.addWidget(screen.top_sql_view)
    view = screen.top_sql_view
    view.set_statements([statement(3, "SELECT 1", 100.0)])
    view.select_statement(3)  # selected before the link was followed
    select_when_read(screen, "SELECT title FROM posts WHERE id = 7", Notes())
    assert view.state.selected is None and warnings == ["Top SQL"]  # not in the first read: said once
    view.set_statements([statement(3, "SELECT 1", 90.0)])
    assert warnings == ["Top SQL"]
    view.set_statements([statement(3, "SELECT 1", 90.0), statement(4, "select title from posts where id = $1", 5.0)])
    assert view.state.selected.queryid == 4  # the next snapshot had it

    select_when_read(screen, "SELECT nothing_like_it FROM t", Notes())
    view.select_statement(3)  # the user picks a row while waiting: the watch ends
    view.set_statements([statement(3, "SELECT 1", 90.0), statement(5, "SELECT nothing_like_it FROM t", 1.0)])
    assert view.state.selected.queryid == 3
