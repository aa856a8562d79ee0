"""The automation API's shape (aurora_console/testing/pages*.py): ``console.fleet`` and
``console.connections`` are one page object each, ``wait()`` is the waiting verb,
``for_widget`` wraps a widget built outside a window, screens open through the features' own
entry points, and the renamed methods still work for one release with a DeprecationWarning."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.testing.pages import ConsoleRoot
from aurora_console.testing.pages_content import ContentPage
from aurora_console.testing.pages_migrations import MigrationsPage
from aurora_console.testing.pages_sql import SqlPage
from tests.gui.fleet.conftest import fleet_window  # noqa: F401 - the moto-backed window fixture
from tests.integration.fleet.conftest import _quiet_moto_unimplemented  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.gui


@pytest.fixture
def console(fleet_window, qtbot):  # noqa: F811 - the fixture imported above
    return ConsoleRoot(fleet_window, qtbot, allow_changes=False, sandbox=True)


def test_console_fleet_is_one_page_that_reopens_its_tab(console, fleet_window):  # noqa: F811
    fleet = console.fleet
    assert console.fleet is fleet
    first_view = fleet.view
    assert fleet_window.find_tab("fleet") is first_view
    fleet_window.close_tab(fleet_window.tabs.indexOf(first_view))
    assert fleet_window.find_tab("fleet") is None
    again = console.fleet  # the tab was closed: reopened, same page object, waited for its load
    assert again is fleet
    assert fleet.view is not first_view and fleet_window.find_tab("fleet") is fleet.view
    assert fleet.view.load_count > 0 and not fleet.view.loading


def test_console_connections_is_one_page(console, fleet_window):  # noqa: F811
    connections = console.connections
    assert console.connections is connections
    assert connections.controller is fleet_window.services.connections.get()


def test_wait_waits_for_the_next_load(console):
    fleet = console.fleet
    before = fleet.view.load_count
    fleet.view.refresh()
    fleet.wait(after=before)
    assert fleet.view.load_count > before and not fleet.view.loading
    console.wait()
    assert not console.services.runner.active()


def test_old_waiting_names_warn_and_still_wait(console):
    fleet = console.fleet
    before = fleet.view.load_count
    fleet.view.refresh()
    with pytest.warns(DeprecationWarning, match=r"FleetPage.wait_loaded\(\) is deprecated .* use wait\(\)"):
        fleet.wait_loaded(after=before)
    assert fleet.view.load_count > before and not fleet.view.loading
    with pytest.warns(DeprecationWarning, match=r"ConsoleRoot.wait_idle\(\)"):
        console.wait_idle()
    assert not console.services.runner.active()


def test_migrations_open_through_the_features_entry_point(console, monkeypatch):
    """The page calls the function Database ▸ Migrations… calls (no key in a services dict)."""
    import aurora_console.ui.migrations.feature as feature

    calls = []
    monkeypatch.setattr(feature, "open_migrations", lambda window, profile, **kw: calls.append((window, profile, kw)))
    from pytestqt.exceptions import TimeoutError as QtTimeout

    with pytest.raises(QtTimeout):  # the stub opens no tab, so the page times out waiting for it
        MigrationsPage(console, "blog", timeout_ms=200)
    assert calls == [(console.window, "blog", {"connect": None, "folder": None})]


def test_for_widget_wraps_a_widget_and_the_old_names_warn(qtbot):
    tab = SimpleNamespace(profile="dev")
    page = SqlPage.for_widget(qtbot, tab)
    assert page.tab is tab and page.profile == "dev"
    with pytest.warns(DeprecationWarning, match=r"SqlPage.for_tab\(\).*SqlPage.for_widget\(\)"):
        old = SqlPage.for_tab(qtbot, tab)
    assert old.tab is tab

    panel = SimpleNamespace(profile="dev", busy=False, confirm=None)
    page = MigrationsPage.for_widget(qtbot, panel)
    assert page.panel is panel and panel.confirm == page._confirm
    with pytest.warns(DeprecationWarning, match=r"MigrationsPage.for_panel\(\)"):
        assert MigrationsPage.for_panel(qtbot, panel).panel is panel

    runner = SimpleNamespace(active=list)
    workspace = SimpleNamespace(runner=runner)
    page = ContentPage.for_widget(qtbot, workspace)
    assert page.workspace is workspace and page.runner is runner  # the workspace's own runner
    other = SimpleNamespace(active=list)
    with pytest.warns(DeprecationWarning, match=r"ContentPage.for_workspace\(\)"):
        assert ContentPage.for_workspace(qtbot, workspace, other).runner is other
