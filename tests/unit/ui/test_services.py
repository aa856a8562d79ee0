"""Services: typed fields built once (ui/services.py), no string-keyed locator, never changed
after it is built; what arrives later goes through its typed holders."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from aurora_console.ui.services import Services

pytestmark = pytest.mark.unit


@pytest.fixture
def services(qapp, tmp_path):
    from aurora_console.core.paths import AppPaths
    from aurora_console.core.settings import SettingsStore
    from aurora_console.ui.notifications import Notifier
    from aurora_console.ui.tasks import TaskRunner

    paths = AppPaths(config_dir=tmp_path / "config", data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                     log_dir=tmp_path / "log").ensure()
    runner = TaskRunner()
    yield Services.create(paths=paths, settings=SettingsStore(paths.settings_file), runner=runner, notifier=Notifier())
    runner.shutdown(3000)


def test_services_has_no_extras_dict():
    names = {f.name for f in dataclasses.fields(Services)}
    assert "extras" not in names and not hasattr(Services, "extras")
    assert not any(f.type in ("dict[str, Any]", "Any") for f in dataclasses.fields(Services))


def test_services_cannot_be_changed_after_it_is_built(services):
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.aws = object()
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.extras = {}


def test_stores_come_from_the_paths_it_was_given(services):
    assert services.profiles.path == services.paths.config_dir / "profiles.json"
    assert services.migration_folders.path == services.paths.config_dir / "migrations.json"
    assert services.audit.path == services.paths.audit_file


def test_late_values_go_through_observable_holders(services):
    heard = []
    services.aws_session.watch(heard.append)
    factory = SimpleNamespace(is_sandbox=True)
    assert services.aws is None and services.profile_label(None) == "default" and not services.aws_is_sandbox
    services.aws_session.set(factory)
    assert services.aws is factory and heard == [factory]
    assert services.profile_label(None) == "sandbox" and services.aws_is_sandbox

    info = SimpleNamespace(database_ready=True)
    services.sandbox_info.set(info)
    assert services.sandbox is info

    from aurora_console.core.settings import SettingsStore

    other = SettingsStore(services.paths.config_dir / "sandbox-settings.json")
    services.settings_store.set(other)
    assert services.settings is other


def test_shutdown_features_stops_each_late_service_even_when_one_fails(services):
    stopped = []

    class Failing:
        def shutdown(self):
            stopped.append("connections")
            raise RuntimeError("tunnel stuck")

    class Fine:
        def shutdown(self):
            stopped.append("sandbox")

    services.connections.set(Failing())
    services.sandbox_controller.set(Fine())
    failures = services.shutdown_features()
    assert stopped == ["connections", "sandbox"]
    assert [(name, str(exc)) for name, exc in failures] == [("connections", "tunnel stuck")]



def test_the_audit_log_is_made_on_first_use_once_whichever_thread_asks(services):
    import threading

    assert services._audit.peek() is None  # start-up never made it
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(services.audit)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 4 and all(log is seen[0] for log in seen)
    assert services.audit is seen[0] and services.audit.path == services.paths.audit_file
