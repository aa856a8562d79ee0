"""A libpq connection string (``host=... dbname=...`` or a ``postgresql://`` URL) without its
password, parsed by libpq itself (through psycopg), so whatever libpq would read as the password
(a quoted value with escapes, a URL's ``user:pw@``, a ``?password=`` parameter) is what goes."""

from __future__ import annotations

from aurora_console.core.redaction import redact


def without_password(conninfo: str) -> str:
    """``conninfo`` with no password in it (libpq may still find one in ``~/.pgpass``); a string
    libpq refuses is returned with its secret-looking parts masked."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(conninfo)
    except ProgrammingError:
        return redact(conninfo)
    params.pop("password", None)
    return make_conninfo("", **params)
