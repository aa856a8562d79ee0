"""Versioned SQL migrations with Flyway-grade guarantees (Qt-free; used by the GUI and the CLI).

Quick use::

    from aurora_console.core.db.migrations import MigrationRunner
    runner = MigrationRunner("host=127.0.0.1 port=5432 dbname=blog user=app", "migrations/")
    runner.info()       # Status: every migration with its state
    runner.validate()   # raises ValidationFailed / DiscoveryError
    runner.migrate()    # MigrateResult; raises MigrationFailed, LockTimeout...
"""

from .blog import apply_bundled_blog_schema
from .engine import AppliedStep, MigrateResult, MigrationRunner, connection_factory
from .errors import (
    BaselineError,
    DiscoveryError,
    LockTimeout,
    MigrationError,
    MigrationFailed,
    Problem,
    ValidationFailed,
)
from .events import MigrationEvent
from .files import Discovery, MigrationFile, discover, parse_name
from .history import DEFAULT_SCHEMA, DEFAULT_TABLE, AppliedMigration
from .repair import RepairResult, repair_preview
from .status import MigrationInfo, Status
from .version import Version

__all__ = [
    "AppliedMigration",
    "AppliedStep",
    "BaselineError",
    "DEFAULT_SCHEMA",
    "DEFAULT_TABLE",
    "Discovery",
    "DiscoveryError",
    "LockTimeout",
    "MigrateResult",
    "MigrationError",
    "MigrationEvent",
    "MigrationFailed",
    "MigrationFile",
    "MigrationInfo",
    "MigrationRunner",
    "Problem",
    "RepairResult",
    "Status",
    "ValidationFailed",
    "Version",
    "apply_bundled_blog_schema",
    "connection_factory",
    "discover",
    "parse_name",
    "repair_preview",
]
