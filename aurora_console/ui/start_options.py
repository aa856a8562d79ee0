"""What the command line asked the window for (``--sandbox``, ``--profile``, ``--region``...),
typed, so screens read ``options.sandbox`` rather than probing an argparse namespace."""

from __future__ import annotations

from argparse import Namespace
from dataclasses import dataclass


@dataclass(frozen=True)
class StartOptions:
    """What the command line asked for, as the window reads it."""

    sandbox: bool = False  # start on the embedded sandbox
    sandbox_dir: str | None = None  # its state folder (default: in the user data folder)
    sandbox_reset: bool = False  # start the sandbox from a fresh seed
    profile: str | None = None  # the AWS profile named on the command line
    region: str | None = None
    endpoint_url: str | None = None  # an AWS-compatible endpoint instead of AWS
    theme: str | None = None  # "system", "light" or "dark"; None: the saved setting

    @classmethod
    def from_namespace(cls, opts: Namespace | None) -> StartOptions:
        """From ``cli.build_parser()``'s result (None: no command line, the defaults)."""
        if opts is None:
            return cls()
        given = vars(opts)
        return cls(sandbox=bool(given.get("sandbox")), sandbox_dir=given.get("sandbox_dir"),
                   sandbox_reset=bool(given.get("sandbox_reset")), profile=given.get("profile"),
                   region=given.get("region"), endpoint_url=given.get("endpoint_url"), theme=given.get("theme"))
