"""What the window starts on: which profile, which region, which profiles and regions to offer.

Resolved the AWS CLI's way: ``--profile`` / ``AWS_PROFILE`` / the saved choice / ``default`` /
the first profile; ``--region`` / ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` / the profile's region.
boto3 is imported only when there is a profile to call with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aurora_console.core.aws.session import COMMON_REGIONS, AwsSessionFactory


@dataclass(frozen=True)
class StartConfig:
    profiles: list[str]
    profile: str | None
    region: str | None
    available_regions: list[str]


def resolve_start_config(aws: AwsSessionFactory, *, cli_profile: str | None, cli_region: str | None,
                         saved_profile: str | None) -> StartConfig:
    profiles = aws.available_profiles()
    wanted = cli_profile or os.environ.get("AWS_PROFILE") or saved_profile
    if not wanted and profiles:
        wanted = "default" if "default" in profiles else profiles[0]
    region = (cli_region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
              or (aws.default_region(wanted) if wanted else None))
    if not profiles and not wanted:  # nothing to call: keep boto3 unloaded
        return StartConfig(profiles, wanted, region, list(COMMON_REGIONS))
    if wanted and wanted not in profiles:
        profiles = [wanted, *profiles]
    return StartConfig(profiles, wanted, region, aws.available_regions(wanted))
