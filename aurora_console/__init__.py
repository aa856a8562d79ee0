"""Aurora Console: a desktop admin console for AWS Aurora."""

from __future__ import annotations

APP_NAME = "Aurora Console"
APP_ID = "aurora-console"

# The single source of the version: hatchling reads it from here into the package metadata
# ([tool.hatch.version] in pyproject.toml). A literal, so start-up never pays for importlib.metadata.
__version__ = "0.1.0"
