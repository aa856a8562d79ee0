"""The SQL editor tab on a MySQL profile against the rig's real MariaDB (offscreen Qt): the same
tab, page object and result grid as PostgreSQL, with MySQL's splitter, highlighting, EXPLAIN,
transactions, cancel, export and completion."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.gui.content.prompting import Answers, errors, prompt_window  # noqa: F401 - the `window` fixture

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

PROCEDURE = (
    "DELIMITER //\n"
    "CREATE PROCEDURE bump(IN n INT)\n"
    "BEGIN\n"
    "  UPDATE items SET price = price + n WHERE id = 1;\n"
    "  SELECT price FROM items WHERE id = 1;\n"
    "END //\n"
    "DELIMITER ;\n"
)


@pytest.fixture
def shop_db(mysql_db):
    with mysql_db.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(12,2), made DATE)")
        cur.execute("INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 1.5, '2024-01-02' FROM seq_1_to_20")
        cur.execute("CREATE TABLE big AS SELECT seq AS id, MD5(seq) AS h FROM seq_1_to_50000")
    return mysql_db


@pytest.fixture
def mysql_page(qtbot, sql_runner, shop_db):
    """``mysql_page(read_only=False, text="")`` -> SqlPage on a new MySQL SqlTab (closed at teardown)."""
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.testing.pages_sql import SqlPage
    from aurora_console.ui.sql.sql_tab import SqlTab

    services = SimpleNamespace(runner=sql_runner, paths=app_paths(), profiles=ProfileStore.for_paths(app_paths()))
    tabs = []

    def make(read_only: bool = False, text: str = ""):
        tab = SqlTab(services, "gui-mysql", dict(shop_db.params), read_only=read_only, text=text, engine="mysql")
        qtbot.addWidget(tab)
        tab.resize(1100, 700)
        tab.show()
        tabs.append(tab)
        return SqlPage.for_widget(qtbot, tab)

    yield make
    for tab in tabs:
        tab.shutdown()
    qtbot.waitUntil(lambda: not sql_runner.active(), timeout=20000)


def test_run_all_with_delimiter_procedure_and_results(mysql_page):
    page = mysql_page()
    res = page.run(PROCEDURE + "CALL bump(10);\nSELECT id, name, price FROM items WHERE id <= 2 ORDER BY id;\n"
                   "UPDATE items SET name = 'x' WHERE id = 20")
    assert [r.error() for r in res] == [None, None, None, None]
    assert res[1].rows() == [("11.50",)]  # the procedure's SELECT
    assert res[2].columns() == ["id", "name", "price"]
    assert res[2].rows() == [("1", "item 1", "11.50"), ("2", "item 2", "3.00")]
    assert res[3].status().startswith("OK, 1 row affected")
    assert "OK, 1 row affected" in page.messages()


def test_statement_under_cursor_inside_a_delimiter_block_runs_whole(mysql_page):
    page = mysql_page(text=PROCEDURE + "CALL bump(1);\n")
    inside = page.editor_text().index("UPDATE items")  # a ';' of the body follows the cursor
    (res,) = page.run_statement_at(inside)
    assert res.error() is None
    st = page.tab.editor.statement_under_cursor()
    assert st.text.startswith("CREATE PROCEDURE bump") and st.text.endswith("END")
    (call,) = page.run_statement_at(page.editor_text().index("CALL"))
    assert call.error() is None and call.rows() == [("2.50",)]


def test_mysql_highlighting(mysql_page, qtbot):
    from pygments.lexers.sql import MySqlLexer

    page = mysql_page(text="SELECT `we``ird` # a comment\nFROM t -- another\nWHERE s = 'it\\'s' AND 1;\n")
    hl = page.tab.editor.highlighter
    assert isinstance(hl._lexer, MySqlLexer)
    qtbot.waitUntil(lambda: not hl.pending, timeout=5000)
    doc = page.tab.editor.document()

    def italic_at(block: int, column: int) -> bool:
        b = doc.findBlockByNumber(block)
        for r in b.layout().formats():
            if r.start <= column < r.start + r.length:
                return r.format.fontItalic()
        return False

    first = doc.findBlockByNumber(0).text()
    assert italic_at(0, first.index("# a comment"))  # '#' starts a comment on MySQL
    assert not italic_at(0, first.index("`we"))
    second = doc.findBlockByNumber(1).text()
    assert italic_at(1, second.index("-- another"))
    # the line after an escaped quote is code again (the string closed at the second quote)
    assert doc.findBlockByNumber(2).userState() in (-1, 0)


def _running_on_the_server(db, thread_id) -> bool:
    if not thread_id:
        return False
    with db.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s AND COMMAND = 'Query'",
                    (thread_id,))
        return cur.fetchone()[0] == 1


def test_cancel_a_running_statement(mysql_page, shop_db, qtbot):
    page = mysql_page()
    page.start("SELECT COUNT(*) FROM seq_1_to_1000000 a, seq_1_to_1000000 b")
    # once the server runs it (KILL QUERY sent before the statement reached the server finds nothing to
    # kill, and this one would run for hours; a fixed 500 ms wait was too short on a loaded machine)
    qtbot.waitUntil(lambda: _running_on_the_server(shop_db, page.tab.session.backend_pid), timeout=20000)
    page.cancel()
    (res,) = page.wait(30000)
    assert res.error_kind == "cancelled" and "1317" in res.error()
    (again,) = page.run("SELECT 7")
    assert again.values() == [(7,)]


def test_manual_transaction_buttons(mysql_page, shop_db):
    page = mysql_page()
    page.run("SELECT 1")
    assert page.set_autocommit(False) == "idle"
    page.run("INSERT INTO items (id, name) VALUES (500, 'new')")
    assert page.tx_state() == "in transaction"
    assert page.tab.commit_action.isEnabled() and page.tab.rollback_action.isEnabled()
    assert page.rollback() == "idle"
    (gone,) = page.run("SELECT COUNT(*) FROM items WHERE id = 500")
    assert gone.values() == [(0,)]
    assert page.tx_state() == "in transaction"  # that SELECT opened one (manual-commit mode)
    page.run("INSERT INTO items (id, name) VALUES (501, 'kept')")
    assert page.commit() == "idle"
    with shop_db.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT name FROM items WHERE id = 501")
        assert cur.fetchall() == (("kept",),)


def test_read_only_tab_refuses_writes(mysql_page):
    page = mysql_page(read_only=True)
    (res,) = page.run("DELETE FROM items")
    assert res.error_kind == "read_only" and "1792" in res.error()


def test_explain_shows_the_plan_tree(mysql_page):
    page = mysql_page(text="SELECT i.name FROM items i JOIN big b ON b.id = i.id WHERE i.price > 3;")
    (res,) = page.run_statement_at(5, mode="explain")
    plan = res.plan()
    assert plan is not None and not plan.analyzed
    assert {"i", "b"} <= {n.details.get("Relation Name") for n in plan.root.walk()}
    assert page.tab.plan_views() and page.tab.plan_views()[0].tree.topLevelItemCount() == 1
    assert "ANALYZE FORMAT=JSON" in page.tab.analyze_action.toolTip()
    (res,) = page.run_statement_at(5, mode="analyze")
    assert res.plan().analyzed


def test_streamed_grid_and_export(mysql_page, tmp_path):
    page = mysql_page()
    (res,) = page.run("SELECT id, h FROM big ORDER BY id")
    assert res.view.model.rowCount() == 1000 and res.view.model.canFetchMore()
    assert res.export(tmp_path / "big.csv") == 50000
    lines = (tmp_path / "big.csv").read_text().splitlines()
    assert lines[0] == "id,h" and len(lines) == 50001 and lines[-1].startswith("50000,")


def test_zero_dates_and_invalid_utf8_in_the_grid(mysql_page):
    page = mysql_page()
    res = page.run("SET SESSION sql_mode = '';\n"
                   "CREATE TABLE legacy (d DATE, t VARCHAR(10) CHARACTER SET latin1);\n"
                   "INSERT INTO legacy VALUES ('0000-00-00', 'caf\u00e9');\n"
                   "SET character_set_results = NULL;\n"
                   "SELECT d, t FROM legacy;")
    assert [r.error() for r in res] == [None] * 5
    assert res[-1].rows() == [("0000-00-00", "caf\ufffd")]
    assert "not valid UTF-8" in page.messages()


def test_syntax_error_points_at_the_place(mysql_page):
    page = mysql_page()
    text = "SELECT 1;\nSELECT name\n  FROM FROM items;"
    (ok, err) = page.run(text)
    assert err.error_kind == "syntax" and "(MySQL error 1064)" in err.error()
    cur = page.tab.editor.textCursor()
    assert cur.position() == text.index("FROM items")


def test_completion_words_from_information_schema(mysql_page, qtbot):
    page = mysql_page()
    page.run("SELECT 1")
    completer = page.tab.completer
    qtbot.waitUntil(lambda: "items" in completer.words(), timeout=20000)
    assert {"big", "price", "GROUP_CONCAT"} <= set(completer.words())


def test_console_sql_on_a_mysql_profile(window, qtbot, mysql_profile, mysql_server, caplog):
    """``console.sql(profile)`` unchanged: the profile's engine picks MySQL; the password is asked
    on the first run through the window's one prompt path."""
    from dataclasses import replace

    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.testing.pages import ConsoleRoot

    ProfileStore.for_paths(window.services.paths).save(replace(mysql_profile, name="shop-mysql"))
    answers = Answers(window.services.connections.get(), secrets=[mysql_server.password])
    console = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
    page = console.sql("shop-mysql")
    assert page.tab.dialect.engine == "mysql"
    (res,) = page.run("SELECT VERSION() LIKE '%MariaDB%' AS maria, 1 + 1 AS two")
    assert res.error() is None and res.values() == [(1, 2)]
    assert [title for title, _ in answers.asked] == ["Database password"]
    res = page.run("CREATE TABLE t (id INT); INSERT INTO t VALUES (1), (2); SELECT COUNT(*) FROM t")
    assert res[-1].values() == [(2,)]
    assert not any("Traceback" in e for e in errors(window))


def test_mysql_scan_line_tracks_constructs_across_lines():
    from aurora_console.ui.sql.highlighter import BTIDENT, DQSTRING, ESTRING, NORMAL, _Tags, scan_line

    tags = _Tags()
    assert scan_line("select 1 # it's /*", NORMAL, tags, True) == (0, None, NORMAL)
    assert scan_line("select $$ x", NORMAL, tags, True) == (0, None, NORMAL)  # no dollar quotes on MySQL
    assert scan_line("select $$ x", NORMAL, tags) != (0, None, NORMAL)  # PostgreSQL's scanner: one opens
    # comments do not nest: the first */ ends it; then a string with an escaped quote stays open
    line = "select /* a /* b */ 'x\\'"
    assert scan_line(line, NORMAL, tags, True) == (0, line.index("'x"), ESTRING)
    assert scan_line("y' , \"a", ESTRING, tags, True) == (2, 5, DQSTRING)
    assert scan_line('b\\" c" `id', DQSTRING, tags, True) == (6, 7, BTIDENT)
    assert scan_line("x``y` --x 'a'", BTIDENT, tags, True) == (5, None, NORMAL)
    assert scan_line("-- it's", NORMAL, tags, True) == (0, None, NORMAL)


def test_mysql_lexer_is_prepared_off_the_ui_thread_when_a_profile_is_mysql(tmp_path):
    from pygments.lexers.sql import MySqlLexer

    from aurora_console.core.connections.profile import ConnectionProfile
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.ui.sql.feature import _warm_lexer

    def forget() -> None:  # Pygments keeps the compiled table on the class: drop it (recompiled on use)
        if "_tokens" in MySqlLexer.__dict__:
            del MySqlLexer._tokens

    store = ProfileStore(tmp_path / "profiles.json")
    store.save(ConnectionProfile(name="p", host="db.example.com", database="shop", user="u", engine="postgres"))
    forget()
    _warm_lexer(store)
    assert "_tokens" not in MySqlLexer.__dict__  # no MySQL profile: not compiled for nothing
    store.save(ConnectionProfile(name="m", host="db.example.com", database="shop", user="u", engine="mysql"))
    _warm_lexer(store)
    assert "_tokens" in MySqlLexer.__dict__


@pytest.mark.expected_errors
def test_sandbox_shop_through_the_bastion(console, caplog):
    """The sandbox's Aurora MySQL cluster ``shop``: console.sql("sandbox-shop") through the loopback
    bastion with TLS verified, the MySQL editor picked by the profile's engine."""
    page = console.sql("sandbox-shop")
    assert page.tab.dialect.engine == "mysql"
    (res,) = page.run("SHOW SESSION STATUS LIKE 'Ssl_version'")
    assert res.error() is None, res.error()
    assert res.rows()[0][1].startswith("TLS")
    res = page.run("DELIMITER //\nSELECT COUNT(*) FROM orders //\nDELIMITER ;\nSELECT `name` FROM customers LIMIT 1;")
    assert [r.error() for r in res] == [None, None] and int(res[0].rows()[0][0]) > 0
    (err,) = page.run("SELECT * FROM no_such_table")
    assert err.error_kind == "server" and "(MySQL error 1146)" in err.error()
    console.wait()
    ours = [r for r in caplog.records if r.levelname == "ERROR" and not r.name.startswith("werkzeug")]
    assert ours == []
