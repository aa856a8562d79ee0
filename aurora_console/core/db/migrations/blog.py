"""The bundled blog schema, applied through the engine: ``resources/migrations/blog`` on
PostgreSQL, ``resources/migrations/blog-mysql`` (the same tables and sample content in MySQL's
words) on MySQL, picked by the connection's engine.

The sandbox builds its blog database with :func:`apply_bundled_blog_schema`; a user can do the
same with ``aurora-console migrate migrate --dir <resources>/migrations/blog`` (or ``blog-mysql``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aurora_console.core.resources import blog_migrations_dir, resource

from .engine import ConnectFn, MigrateResult, MigrationRunner, connect_engine
from .events import MigrationEvent
from .history import DEFAULT_SCHEMA


def blog_mysql_migrations_dir() -> Path:
    return resource("migrations", "blog-mysql")


def bundled_blog_dir(engine: str) -> Path:
    """The bundled blog migrations for ``engine`` ("postgres" or "mysql")."""
    return blog_mysql_migrations_dir() if engine == "mysql" else blog_migrations_dir()


def apply_bundled_blog_schema(
    conninfo: ConnectFn | str | Mapping[str, Any],
    task: Any = None,
    *,
    schema: str = DEFAULT_SCHEMA,
    on_event: Callable[[MigrationEvent], None] | None = None,
    engine: str | None = None,
) -> MigrateResult:
    """Create (or bring up to date) the blog tables and sample content in the given database
    (on MySQL: the connection's database, unless ``schema`` names another)."""
    engine = engine or connect_engine(conninfo)
    runner = MigrationRunner(conninfo, bundled_blog_dir(engine), schema=schema, engine=engine)
    return runner.migrate(task=task, on_event=on_event)
