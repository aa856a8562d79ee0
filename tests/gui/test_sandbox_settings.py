"""The sandbox keeps its own settings file: a sandbox session never reads or changes the
settings of real AWS use, and a real session never sees the sandbox's tabs, regions or layouts."""

from __future__ import annotations

import json
from argparse import Namespace

import pytest

from aurora_console.app import build_services
from aurora_console.core.paths import SANDBOX_SETTINGS_NAME, app_paths
from aurora_console.testing.console import close_console, console_options, open_console

pytestmark = pytest.mark.gui

REAL = {"version": 1, "theme": "dark", "aws_profile": "default", "aws_regions": ["eu-central-1"],
        "open_tabs": [{"kind": "fleet"}, {"kind": "sql", "profile": "prod-db"}],
        "sections": {"metrics": {"layouts": {"default/eu-central-1/orders": {"preset": "1d"}}}}}


def _real_file(paths):
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps(REAL))
    return paths.settings_file.read_bytes()


def test_build_services_gives_the_sandbox_its_own_settings(isolated_env, qapp, tmp_path):
    paths = app_paths()
    before = _real_file(paths)
    sandbox = build_services(console_options(sandbox=True), qapp).settings
    assert sandbox.path == paths.sandbox_dir / SANDBOX_SETTINGS_NAME
    s = sandbox.settings
    # a personal preference comes along; nothing about real AWS use does
    assert s.theme == "dark"
    assert s.open_tabs == [] and s.aws_regions == ["us-east-1"] and s.aws_profile is None and s.sections == {}
    s.open_tabs = [{"kind": "sql", "profile": "sandbox-blog"}]
    s.aws_regions = ["us-east-1", "eu-west-1"]
    sandbox.section("metrics")["layouts"] = {"sandbox/us-east-1/blog": {"preset": "3h"}}
    sandbox.save()
    assert paths.settings_file.read_bytes() == before  # the real file is untouched

    real = build_services(console_options(sandbox=False), qapp).settings
    assert real.path == paths.settings_file
    assert real.settings.open_tabs == REAL["open_tabs"] and real.settings.aws_regions == ["eu-central-1"]
    assert "sandbox/us-east-1/blog" not in json.dumps(real.settings.sections)

    again = build_services(console_options(sandbox=True), qapp).settings  # the sandbox's own, next time
    assert again.settings.open_tabs == [{"kind": "sql", "profile": "sandbox-blog"}]
    assert again.settings.aws_regions == ["us-east-1", "eu-west-1"]

    opts = console_options(sandbox=True)
    elsewhere = build_services(Namespace(**{**vars(opts), "sandbox_dir": str(tmp_path / "sb2")}), qapp).settings
    assert elsewhere.path == tmp_path / "sb2" / SANDBOX_SETTINGS_NAME and elsewhere.settings.open_tabs == []




@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_a_real_session_that_opens_the_sandbox_keeps_both_apart(qtbot, isolated_env, aurora_sandbox):
    from aurora_console.ui.fleet import open_fleet
    from aurora_console.ui.metrics import open_metrics

    aurora_sandbox.ensure_seeded()
    paths = app_paths()
    window = open_console(qtbot, persist_layout=True)  # a real session (no AWS profile here)
    real = window.services.settings
    assert real.path == paths.settings_file
    open_fleet(window)
    window.use_sandbox(aurora_sandbox.info)  # File > Open the sandbox, once it is up
    try:
        # the real session's tabs were saved with the real settings; the sandbox has its own now
        assert json.loads(paths.settings_file.read_text())["open_tabs"] == [{"kind": "fleet"}]
        assert window.services.settings.path == paths.sandbox_dir / SANDBOX_SETTINGS_NAME
        qtbot.waitUntil(lambda: any(s.ref.cluster_id == "blog" for s in window.navigator.model.summaries()),
                        timeout=30000)
        ref = next(s.ref for s in window.navigator.model.summaries() if s.ref.cluster_id == "blog")
        open_metrics(window, ref).set_utc(True)
        assert window.services.profile_label(ref.profile) == "sandbox"
    finally:
        close_console(window)
    real_saved = json.loads(paths.settings_file.read_text())
    sandbox_saved = json.loads((paths.sandbox_dir / SANDBOX_SETTINGS_NAME).read_text())
    assert real_saved["open_tabs"] == [{"kind": "fleet"}] and real_saved["aws_regions"] == ["us-east-1"]
    assert "metrics" not in real_saved["sections"]
    assert [t["kind"] for t in sandbox_saved["open_tabs"]] == ["metrics"]
    assert list(sandbox_saved["sections"]["metrics"]["layouts"]) == ["sandbox/us-east-1/blog"]
