from __future__ import annotations

import json

import pytest

from aurora_console.core.settings import SETTINGS_VERSION, Settings, SettingsStore

pytestmark = pytest.mark.unit


def test_defaults_when_missing(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    assert store.settings == Settings()
    assert store.warnings == []


def test_round_trip_and_atomic_write(tmp_path):
    path = tmp_path / "cfg" / "settings.json"
    store = SettingsStore(path)
    store.settings.aws_profile = "prod"
    store.settings.aws_regions = ["eu-west-1", "us-east-1"]
    store.section("metrics")["layout:blog"] = ["CPUUtilization"]
    store.save()
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left
    again = SettingsStore(path)
    assert again.settings.aws_profile == "prod"
    assert again.settings.aws_regions == ["eu-west-1", "us-east-1"]
    assert again.section("metrics") == {"layout:blog": ["CPUUtilization"]}
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b'{"version": "x"}'])
def test_corrupt_file_is_backed_up_and_replaced(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert len(store.warnings) == 1 and "defaults are used" in store.warnings[0]
    backups = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    store.save()
    assert SettingsStore(path).warnings == []


def test_wrong_types_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "aws_regions": "us-east-1", "theme": 3, "aws_profile": "x"}))
    s = SettingsStore(path).settings
    assert s.aws_regions == ["us-east-1"] and s.theme == "system" and s.aws_profile == "x"


def test_old_version_is_migrated(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"aws_profile": "old"}))
    store = SettingsStore(path)
    assert store.settings.aws_profile == "old" and store.settings.version == SETTINGS_VERSION


def test_refuses_to_write_secrets(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    store.section("connections")["password"] = "hunter2hunter2"
    with pytest.raises(ValueError, match="secret"):
        store.save()
    assert not (tmp_path / "settings.json").exists()


def test_a_registered_secret_inside_ordinary_text_does_not_block_saving(tmp_path):
    from aurora_console.core.redaction import forget_all_secrets, register_secret

    register_secret("postgres")  # a weak dev password that also appears in engine names
    try:
        store = SettingsStore(tmp_path / "settings.json")
        store.settings.open_tabs = [{"kind": "metrics", "engine": "aurora-postgresql"}]
        store.save()
        assert SettingsStore(tmp_path / "settings.json").settings.open_tabs[0]["engine"] == "aurora-postgresql"
    finally:
        forget_all_secrets()


def test_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{"version": 99, "aws_profile": "future"}')
    store = SettingsStore(path)
    assert store.settings == Settings() and "newer" in store.warnings[0] and store.read_only
    store.settings.aws_profile = "now"
    store.save()
    assert path.read_text() == '{"version": 99, "aws_profile": "future"}'
    assert not list(tmp_path.glob("*.corrupt-*"))


# -- Top SQL settings (core/performance) ----------------------------------------------------------------
def test_top_sql_settings_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    assert (store.settings.top_sql_background_profiles, store.settings.top_sql_retention_days,
            store.settings.top_sql_store_max_mb) == ([], 7, 200)
    store.settings.top_sql_background_profiles = ["prod"]
    store.settings.top_sql_retention_days = 14
    store.settings.top_sql_store_max_mb = 500
    store.save()
    again = SettingsStore(path).settings
    assert (again.top_sql_background_profiles, again.top_sql_retention_days, again.top_sql_store_max_mb) == \
        (["prod"], 14, 500)


@pytest.mark.parametrize("name, bad", [
    ("top_sql_retention_days", 0), ("top_sql_retention_days", 366), ("top_sql_retention_days", True),
    ("top_sql_retention_days", 7.5), ("top_sql_store_max_mb", 5), ("top_sql_store_max_mb", -1),
    ("top_sql_background_profiles", ["prod", 3]), ("top_sql_background_profiles", [""]),
])
def test_a_bad_top_sql_setting_in_the_file_falls_back_to_its_default(tmp_path, name, bad):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, name: bad, "aws_profile": "kept"}))
    settings = SettingsStore(path).settings
    assert getattr(settings, name) == getattr(Settings(), name) and settings.aws_profile == "kept"


def test_top_sql_validators():
    from aurora_console.core.errors import ValidationError
    from aurora_console.core.settings import validate_retention_days, validate_store_max_mb

    assert validate_retention_days(" 30 ") == 30 and validate_retention_days(1) == 1
    assert validate_store_max_mb("1024") == 1024
    for bad in ("٣", "7.0", "", None, [7], 10**400, True, "0"):
        with pytest.raises(ValidationError):
            validate_retention_days(bad)
    with pytest.raises(ValidationError, match="from 10 to 100000"):
        validate_store_max_mb(9)
