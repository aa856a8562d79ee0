"""The command line, typed for the window (ui/start_options.py)."""

from __future__ import annotations

import pytest

from aurora_console.cli import build_parser
from aurora_console.ui.start_options import StartOptions

pytestmark = pytest.mark.unit


def test_every_option_the_window_reads_comes_from_the_parser():
    opts, _ = build_parser().parse_known_args(
        ["--sandbox", "--sandbox-dir", "/tmp/sb", "--sandbox-reset", "--profile", "dev", "--region", "eu-west-1",
         "--endpoint-url", "http://127.0.0.1:5000", "--theme", "dark"])
    assert StartOptions.from_namespace(opts) == StartOptions(
        sandbox=True, sandbox_dir="/tmp/sb", sandbox_reset=True, profile="dev", region="eu-west-1",
        endpoint_url="http://127.0.0.1:5000", theme="dark")


def test_no_options_and_no_command_line_are_the_defaults():
    opts, _ = build_parser().parse_known_args([])
    assert StartOptions.from_namespace(opts) == StartOptions() == StartOptions.from_namespace(None)
    assert StartOptions().sandbox is False and StartOptions().profile is None
