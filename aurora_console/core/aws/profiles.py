"""Read the AWS profile names and regions without importing boto3 (fast start-up).

The same files botocore reads: ``AWS_CONFIG_FILE`` (default ``~/.aws/config``; sections
``[default]`` and ``[profile NAME]``) and ``AWS_SHARED_CREDENTIALS_FILE`` (default
``~/.aws/credentials``; sections ``[NAME]``). Anything deeper (SSO, assume-role,
credential_process) is left to boto3 when a call is made.

The environment is read the way botocore reads it: the profile from ``AWS_DEFAULT_PROFILE``
then ``AWS_PROFILE`` (botocore/configprovider.py), and credentials that come before any
profile's in its default chain (botocore/credentials.py ``create_credential_resolver``).
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path


def _read(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        pass  # boto3 reports a broken file with its own message when the profile is used
    return parser


def config_path() -> Path:
    return Path(os.path.expanduser(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")))


def credentials_path() -> Path:
    return Path(os.path.expanduser(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")))


def environment_profile() -> str | None:
    """The profile the environment names (``AWS_DEFAULT_PROFILE``, then ``AWS_PROFILE``), or None."""
    for var in ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"):
        value = os.environ.get(var)
        if value:
            return value
    return None


def environment_credentials() -> str | None:
    """Which environment variables give credentials without naming a profile, or None.

    ``AWS_ACCESS_KEY_ID`` (with ``AWS_SECRET_ACCESS_KEY``) comes first in the default chain; a web
    identity (``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE``) and container credentials
    (``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` / ``_FULL_URI``) are read later in the chain.
    Instance metadata is not detected here: that would be a network call."""
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID"):
        return "AWS_ACCESS_KEY_ID"
    if env.get("AWS_ROLE_ARN") and env.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        return "AWS_WEB_IDENTITY_TOKEN_FILE"
    for var in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        if env.get(var):
            return var
    return None


def profile_names() -> list[str]:
    names: set[str] = set()
    for section in _read(config_path()).sections():
        if section == "default":
            names.add("default")
        elif section.startswith("profile "):
            names.add(section[len("profile "):].strip())
    names.update(s.strip() for s in _read(credentials_path()).sections())
    return sorted(n for n in names if n)


def profile_region(profile: str | None) -> str | None:
    """The region as the CLI resolves it: AWS_REGION / AWS_DEFAULT_REGION, then the profile's."""
    env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if env:
        return env
    name = profile or environment_profile() or "default"
    parser = _read(config_path())
    section = "default" if name == "default" else f"profile {name}"
    if parser.has_section(section) and parser.has_option(section, "region"):
        return parser.get(section, "region").strip() or None
    return None
