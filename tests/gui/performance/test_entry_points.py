"""Where the Performance screen is offered: Database ▸ Performance… (tests/gui/test_menus.py), and
"Performance…" on a cluster in the navigator's context menu and in the fleet view's cluster
details (``window.add_cluster_action``), both reaching the same screen through the profile that
points at the cluster. The sandbox's blog cluster opened this way is tested end to end in
test_performance_sandbox.py."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.models import ClusterRef

pytestmark = pytest.mark.gui


def test_the_cluster_action_is_in_the_navigator_menu_and_the_fleet_details(window):
    navigator = [text for text, _cb in window.navigator._cluster_actions]
    fleet = [text for text, _cb in window.cluster_actions()]
    assert navigator.count("Performance…") == 1 and fleet.count("Performance…") == 1


@pytest.mark.expected_errors
@pytest.mark.parametrize("where", ["navigator", "fleet details"])
def test_the_cluster_action_needs_a_profile_and_says_why_not(window, where):
    actions = dict(window.navigator._cluster_actions if where == "navigator" else window.cluster_actions())
    open_performance = actions["Performance…"]
    notes = window.services.notifier.history
    before = len(notes)
    assert open_performance(ClusterRef(None, "us-east-1", "orders", "aurora-postgresql")) is None
    assert "No connection profile points at orders" in notes[before].text
    assert open_performance(ClusterRef(None, "us-east-1", "shop", "aurora-mysql")) is None
    assert "No connection profile points at shop" in notes[before + 1].text  # MySQL clusters too
    assert window.find_tab("performance:orders") is None and window.find_tab("performance:shop") is None
