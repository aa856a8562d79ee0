"""Database engines behind one seam: ``engine_for(profile)`` picks the module that speaks the
profile's engine (see ``base.Engine``). PostgreSQL and MySQL are built in; another engine registers here."""

from __future__ import annotations

from aurora_console.core.connections.engines.base import DatabaseConnectError, Engine, ServerFacts
from aurora_console.core.errors import ValidationError

__all__ = ["DatabaseConnectError", "Engine", "ServerFacts", "engine_for", "engine_named", "register_engine"]

_ENGINES: dict[str, Engine] = {}


def register_engine(engine: Engine) -> Engine | None:
    """Make ``engine`` serve profiles whose ``engine`` is ``engine.name``; returns the one it replaces
    (a test plugs a fake engine in and puts the previous one back)."""
    previous = _ENGINES.get(engine.name)
    _ENGINES[engine.name] = engine
    return previous


def unregister_engine(name: str) -> None:
    _ENGINES.pop(name, None)


def engine_named(name: str) -> Engine:
    _builtins()
    try:
        return _ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(_ENGINES)) or "none"
        raise ValidationError(f"The console cannot connect to {name!r} databases yet (it knows: {known}).",
                              hint="Pick a PostgreSQL profile, or wait for the release that adds this engine.") \
            from None


def engine_for(profile) -> Engine:
    """The engine for ``profile`` (its ``engine`` field; profiles saved before it existed: postgres)."""
    return engine_named(getattr(profile, "engine", "") or "postgres")


def _builtins() -> None:
    # imported on first use: a driver loads only when a connection is made
    if "postgres" not in _ENGINES:
        from aurora_console.core.connections.engines.postgres import POSTGRES

        _ENGINES.setdefault("postgres", POSTGRES)
    if "mysql" not in _ENGINES:
        from aurora_console.core.connections.engines.mysql import MYSQL

        _ENGINES.setdefault("mysql", MYSQL)
