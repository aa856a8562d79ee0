"""What the window starts on: which profile, which region, which profiles and regions to offer.

Resolved the AWS CLI's way
(https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html#configure-precedence):

1. ``--profile NAME``: that profile, named explicitly (environment keys are not used);
2. ``AWS_PROFILE`` (or ``AWS_DEFAULT_PROFILE``): shown as that profile, resolved as the CLI
   without ``--profile``: environment keys win over the profile's keys, its region applies;
3. credentials in the environment (``AWS_ACCESS_KEY_ID``, a web identity, container
   credentials): ``default``, resolved through the default chain (the saved choice is not used:
   the shell's credentials are what ``aws`` would use here). With no AWS config or credentials
   file at all too, as ``aws rds describe-db-clusters`` does under ``aws-vault exec``, on a CI
   runner or in a container: ``default`` is then the only profile offered, its region comes from
   ``AWS_REGION`` / ``AWS_DEFAULT_REGION``;
4. the profile last picked in the navigator (saved): explicit, as when it was picked;
5. ``default`` (the default chain) or, without one, the first profile (explicit).

Regions: ``--region`` / ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` / the profile's region. boto3 is
imported only when there is a profile to call with. The factory is told which name stands for
the default chain (:meth:`AwsSessionFactory.resolve_from_environment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aurora_console.core.aws.profiles import environment_credentials, environment_profile
from aurora_console.core.aws.session import COMMON_REGIONS, AwsSessionFactory


@dataclass(frozen=True)
class StartConfig:
    """What start-up read from the AWS configuration: the profiles, the one to use, its region,
    and the regions offered."""

    profiles: list[str]
    profile: str | None
    region: str | None
    available_regions: list[str]
    explicit: bool = False  # the profile is named explicitly (--profile, or picked in the navigator)


def choose_start_profile(profiles: list[str], *, cli_profile: str | None,
                         saved_profile: str | None) -> tuple[str | None, bool]:
    """``(profile, explicit)`` by the precedence in the module docstring."""
    if cli_profile:
        return cli_profile, True
    named = environment_profile()
    if named:
        return named, False
    if environment_credentials():  # with or without AWS files, as the CLI
        return "default", False
    if saved_profile:
        return saved_profile, True
    if "default" in profiles:
        return "default", False
    if profiles:
        return profiles[0], True
    return None, False


def resolve_start_config(aws: AwsSessionFactory, *, cli_profile: str | None, cli_region: str | None,
                         saved_profile: str | None) -> StartConfig:
    profiles = aws.available_profiles()
    wanted, explicit = choose_start_profile(profiles, cli_profile=cli_profile, saved_profile=saved_profile)
    if not aws.is_sandbox:
        aws.resolve_from_environment(None if explicit else wanted)
    region = (cli_region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
              or (aws.default_region(wanted) if wanted else None))
    if not profiles and not wanted:  # nothing to call: keep boto3 unloaded
        return StartConfig(profiles, wanted, region, list(COMMON_REGIONS), explicit)
    if wanted and wanted not in profiles:
        profiles = [wanted, *profiles]
    return StartConfig(profiles, wanted, region, aws.available_regions(wanted), explicit)
