"""Which database engine a connection factory speaks, so a screen's core picks its MySQL or
PostgreSQL module without being told (the migrations runner, the content editor).

A profile's ``DatabaseConnection.connect`` (``core.connections.opener``) knows its engine; a plain
factory may say so with an ``engine_name`` attribute; anything else (a libpq conninfo string or
dict, a psycopg factory) is PostgreSQL, as before MySQL existed.
"""

from __future__ import annotations

from typing import Any


def connect_engine(connect: Any) -> str:
    """"postgres" or "mysql" (or another registered engine's name) for a connection factory."""
    owner = getattr(connect, "__self__", None)
    engine = getattr(owner, "engine", None) or getattr(connect, "engine", None)
    name = getattr(engine, "name", None) or getattr(connect, "engine_name", None)
    return name if isinstance(name, str) and name else "postgres"

