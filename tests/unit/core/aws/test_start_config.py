from __future__ import annotations

import sys

import pytest

from aurora_console.core.aws.session import COMMON_REGIONS, AwsSessionFactory
from aurora_console.core.aws.start_config import resolve_start_config

pytestmark = pytest.mark.unit


def _config(home, text):
    (home / "home/.aws/config").write_text(text)


@pytest.mark.no_aws_credentials  # no files and no keys: nothing to start on (the welcome page)
def test_no_profiles_needs_no_boto3(isolated_env, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    cfg = resolve_start_config(AwsSessionFactory(), cli_profile=None, cli_region=None, saved_profile=None)
    assert cfg.profiles == [] and cfg.profile is None and cfg.region is None
    assert cfg.available_regions == list(COMMON_REGIONS)


def test_environment_keys_alone_are_the_default_profile(isolated_env):
    # the rig's dummy keys and AWS_DEFAULT_REGION, no AWS files: what `aws` would use (issue 14)
    cfg = resolve_start_config(AwsSessionFactory(), cli_profile=None, cli_region=None, saved_profile="gone")
    assert (cfg.profiles, cfg.profile, cfg.explicit, cfg.region) == (["default"], "default", False, "us-east-1")


@pytest.mark.parametrize("cli,env,saved,expected", [
    ("cli", "envp", "saved", "cli"), (None, "envp", "saved", "envp"), (None, None, "saved", "saved"),
    (None, None, None, "default"),
])
def test_profile_precedence(isolated_env, monkeypatch, cli, env, saved, expected):
    # (with keys in the environment, a saved choice gives way to them: test_aws_credentials_precedence.py)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    _config(isolated_env, "[default]\nregion = eu-west-1\n[profile envp]\n[profile saved]\n[profile cli]\n")
    if env:
        monkeypatch.setenv("AWS_PROFILE", env)
    cfg = resolve_start_config(AwsSessionFactory(), cli_profile=cli, cli_region=None, saved_profile=saved)
    assert cfg.profile == expected


def test_region_precedence(isolated_env, monkeypatch):
    _config(isolated_env, "[profile p]\nregion = ap-south-1\n")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    f = AwsSessionFactory()
    assert resolve_start_config(f, cli_profile="p", cli_region=None, saved_profile=None).region == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    assert resolve_start_config(f, cli_profile="p", cli_region=None, saved_profile=None).region == "eu-north-1"
    assert resolve_start_config(f, cli_profile="p", cli_region="us-west-1", saved_profile=None).region == "us-west-1"


def test_unknown_cli_profile_is_still_offered(isolated_env):
    cfg = resolve_start_config(AwsSessionFactory(), cli_profile="typo", cli_region="us-east-1", saved_profile=None)
    assert cfg.profiles[0] == "typo" and cfg.profile == "typo"
    assert "boto3" in sys.modules  # a profile to call with: regions come from botocore's list
