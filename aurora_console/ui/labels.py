"""Display texts shared by the screens."""

from __future__ import annotations


def engine_label(engine: str, version: str) -> str:
    """'aurora-postgresql', '15.4' -> 'PostgreSQL 15.4'; MySQL shows the Aurora release too."""
    if engine == "aurora-postgresql":
        return f"PostgreSQL {version}".strip()
    if engine in ("aurora-mysql", "aurora"):
        if ".mysql_aurora." in version:
            mysql, aurora = version.split(".mysql_aurora.", 1)
            return f"MySQL {mysql} (Aurora {aurora})"
        return f"MySQL {version}".strip()
    return f"{engine} {version}".strip()
