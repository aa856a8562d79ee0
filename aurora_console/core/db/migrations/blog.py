"""The bundled blog schema (``resources/migrations/blog``), applied through the engine.

The sandbox builds its blog database with :func:`apply_bundled_blog_schema`; a user can do the
same with ``aurora-console migrate migrate --dir <resources>/migrations/blog``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aurora_console.core.resources import blog_migrations_dir

from .engine import ConnectFn, MigrateResult, MigrationRunner
from .events import MigrationEvent


def apply_bundled_blog_schema(
    conninfo: ConnectFn | str | Mapping[str, Any],
    task: Any = None,
    *,
    schema: str = "public",
    on_event: Callable[[MigrationEvent], None] | None = None,
) -> MigrateResult:
    """Create (or bring up to date) the blog tables and sample content in the given database."""
    runner = MigrationRunner(conninfo, blog_migrations_dir(), schema=schema)
    return runner.migrate(task=task, on_event=on_event)
