"""The sandbox keeps its own settings: never those of real AWS use, in either direction."""

from __future__ import annotations

import json

import pytest

from aurora_console.core.paths import SANDBOX_SETTINGS_NAME, app_paths, settings_file_for
from aurora_console.core.settings import SettingsStore, read_preferences

pytestmark = pytest.mark.unit

def test_one_place_chooses_the_file(isolated_env, tmp_path):
    paths = app_paths()
    assert settings_file_for(paths, sandbox=False) == paths.settings_file
    assert settings_file_for(paths, sandbox=True) == paths.sandbox_dir / SANDBOX_SETTINGS_NAME
    other = tmp_path / "my-sandbox"
    assert settings_file_for(paths, sandbox=True, sandbox_dir=str(other)) == other / SANDBOX_SETTINGS_NAME
    assert settings_file_for(paths, sandbox=True, sandbox_dir=other) != paths.settings_file


def test_preferences_are_read_without_touching_a_bad_file(tmp_path):
    bad = tmp_path / "settings.json"
    bad.write_text("{not json")
    assert read_preferences(bad) == {}
    assert bad.read_text() == "{not json"  # not moved aside, not rewritten
    assert read_preferences(tmp_path / "missing.json") == {}
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"version": 99, "theme": 3}))
    assert read_preferences(newer) == {}
    store = SettingsStore(tmp_path / "sandbox" / SANDBOX_SETTINGS_NAME, inherit_from=bad)
    assert store.settings.theme == "system" and store.warnings == []


def test_sandbox_reset_accepts_a_folder_holding_its_settings(tmp_path):
    from aurora_console.core.errors import ConsoleError
    from aurora_console.sandbox.runtime import _check_is_sandbox_folder

    folder = tmp_path / "sandbox"
    folder.mkdir()
    (folder / "sandbox.json").write_text("{}")
    (folder / SANDBOX_SETTINGS_NAME).write_text("{}")
    _check_is_sandbox_folder(folder)  # no error: --sandbox-reset may delete it
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ConsoleError):
        _check_is_sandbox_folder(folder)
