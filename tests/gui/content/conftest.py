"""A content workspace on a fresh database with the bundled blog schema (real PostgreSQL)."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import apply_bundled_blog_schema


@pytest.fixture
def blog_db(new_database):
    db = new_database()
    apply_bundled_blog_schema(db.dsn)
    return db


@pytest.fixture
def open_workspace(qtbot, runner, tmp_path):
    from aurora_console.core.db.content.session import ContentSession
    from aurora_console.testing.pages_content import ContentPage
    from aurora_console.ui.content.workspace import ContentWorkspace

    made = []

    def make(dsn, *, read_only=False, profile="gui"):
        session = ContentSession(dsn, profile=profile, read_only=read_only, store_root=tmp_path / "pending")
        ws = ContentWorkspace(runner, session)
        qtbot.addWidget(ws)
        ws.resize(1200, 700)
        ws.show()
        made.append(ws)
        page = ContentPage.for_widget(qtbot, ws, runner)
        qtbot.waitUntil(lambda: len(ws.grids) == 4 or bool(ws.last_error), timeout=20000)
        page.wait()
        return page

    yield make
    for ws in made:
        ws.session.close()
