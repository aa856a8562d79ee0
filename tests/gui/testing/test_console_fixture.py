"""The pytest plugin's ``console`` fixture on the sandbox, and secrets after a full connect cycle."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_console_fixture_opens_the_sandbox(console):
    ids = console.cluster_ids()
    assert {"blog", "shop"} <= set(ids)
    engines = {c["engine"] for c in console.navigator_clusters()}
    assert engines == {"aurora-postgresql", "aurora-mysql"}
    regions = {c["region"] for c in console.navigator_clusters()}
    assert len(regions) >= 2
    assert console.window.windowTitle().endswith("sandbox")
    console.refresh_navigator()
    assert set(console.cluster_ids()) == set(ids)  # refreshed in place, same rows


def test_no_secret_in_logs_or_settings_after_a_full_connect_cycle(console, aurora_sandbox):
    """SSM password -> tunnel -> TLS login; then the console's log and settings files are searched."""
    from aurora_console.core.logs import setup_logging, teardown_logging
    from aurora_console.sandbox.checks import check_database_through_bastion

    paths = console.services.paths
    setup_logging(paths.log_file)
    try:
        for backend in ("native", "paramiko"):
            result = check_database_through_bastion(
                aurora_sandbox.info, console.services.aws, backend=backend,
                known_hosts=console.services.paths.known_hosts_file)
            assert result["database"] and result["tls"]
        console.services.settings.save()
    finally:
        teardown_logging()
    password = (aurora_sandbox.state_dir / "db_password").read_text().strip()
    files = [p for d in (paths.log_dir, paths.config_dir, paths.data_dir) if d.exists() for p in d.rglob("*")
             if p.is_file()]
    assert paths.log_file in files and console.services.settings.path in files  # the sandbox's own settings
    for f in files:
        data = f.read_bytes()
        assert password.encode() not in data, f"the database password leaked into {f}"
        assert aurora_sandbox.info.secret_key.encode() not in data, f"the AWS secret key leaked into {f}"


def test_changes_are_refused_on_a_real_profile_without_the_flag(qtbot):
    from aurora_console.testing.pages import ChangesNotAllowed, ConsoleRoot

    root = ConsoleRoot(window=None, qtbot=qtbot, allow_changes=False, sandbox=False)
    with pytest.raises(ChangesNotAllowed, match="--aurora-allow-changes"):
        root.guard_change("Failover of prod-db")
    ConsoleRoot(window=None, qtbot=qtbot, allow_changes=True, sandbox=False).guard_change("ok")
    ConsoleRoot(window=None, qtbot=qtbot, allow_changes=False, sandbox=True).guard_change("ok")
