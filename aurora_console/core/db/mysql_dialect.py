"""Small pieces every MySQL screen shares: identifier quoting and the server's flavour.

Aurora MySQL 3 is MySQL 8.0; the test rig and the sandbox run MariaDB (Debian has no MySQL 8.0
package). Where the two differ (``EXPLAIN FORMAT=TREE`` and ``EXPLAIN ANALYZE`` are MySQL 8 only;
the statement time limit is ``max_execution_time`` in milliseconds on MySQL, for SELECT only, and
``max_statement_time`` in seconds on MariaDB), code asks :class:`Flavour`, read once per
connection from ``SELECT VERSION()`` (MariaDB's contains "MariaDB").

Screens append their own shared helpers here (re-reading the file first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["quote_ident", "qualified", "Flavour", "flavour_of", "server_flavour"]

_VERSION = re.compile(r"([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")
#: the MySQL release Aurora MySQL 3.01 is compatible with (later 3.x versions are newer)
AURORA_3_BASE = (8, 0, 23)


def quote_ident(name: str) -> str:
    """``name`` as a MySQL identifier in backticks (a backtick inside is doubled).

    MySQL identifiers cannot hold NUL, and an empty one is refused: both raise ValueError, as
    does anything that is not a ``str``. Surrounding spaces are kept (they are part of the name;
    the server refuses names ending in a space, and says so)."""
    if not isinstance(name, str):
        raise ValueError(f"an identifier is text, not {type(name).__name__}")
    if not name or "\x00" in name:
        raise ValueError("a MySQL identifier is not empty and holds no NUL character")
    return "`" + name.replace("`", "``") + "`"


def qualified(*names: str | None) -> str:
    """``db.table`` (or ``table``, or ``db.table.column``) quoted; ``None`` parts are left out."""
    return ".".join(quote_ident(n) for n in names if n is not None)


@dataclass(frozen=True)
class Flavour:
    """The server: MariaDB or MySQL, and its version (``(8, 0, 39)``)."""

    mariadb: bool
    version: tuple[int, int, int]
    text: str = ""

    @property
    def name(self) -> str:
        return "MariaDB" if self.mariadb else "MySQL"

    @property
    def explain_tree(self) -> bool:
        """``EXPLAIN FORMAT=TREE``: MySQL 8.0.16 and later, never MariaDB."""
        return not self.mariadb and self.version >= (8, 0, 16)

    @property
    def explain_analyze(self) -> bool:
        """``EXPLAIN ANALYZE`` (runs the statement, TREE output): MySQL 8.0.18 and later. MariaDB
        has ``ANALYZE FORMAT=JSON <statement>`` instead (10.1 and later)."""
        return not self.mariadb and self.version >= (8, 0, 18)

    def statement_timeout_sql(self, ms: int) -> str:
        """The ``SET SESSION`` that limits a statement's run time to ``ms`` (0: no limit).

        MySQL's ``max_execution_time`` (milliseconds) stops SELECTs only; MariaDB's
        ``max_statement_time`` (seconds, fractions allowed) stops every statement."""
        ms = int(ms)
        if ms < 0:
            raise ValueError("a statement timeout is >= 0 ms (0 means none)")
        if self.mariadb:
            return f"SET SESSION max_statement_time = {ms / 1000:.3f}"
        return f"SET SESSION max_execution_time = {ms}"


def flavour_of(version: str) -> Flavour:
    """The flavour of a ``VERSION()`` text: ``"10.11.9-MariaDB-0+deb12u1"`` or ``"8.0.39"``
    (Aurora MySQL 3's ``"8.0.mysql_aurora.3.05.2"`` counts as MySQL 8.0.23, the release 3.01 is
    compatible with: ``SELECT @@aurora_version`` has the Aurora version itself)."""
    text = str(version or "")
    m = _VERSION.match(text)
    numbers = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else (0, 0, 0)
    if m and m.group(3) is None and numbers[:2] == (8, 0) and "mysql_aurora" in text:
        numbers = AURORA_3_BASE  # Aurora MySQL 3 names no patch level: it is 8.0.23 or later
    return Flavour("mariadb" in text.lower(), numbers, text)


def server_flavour(conn) -> Flavour:
    """The flavour of the server behind a DB-API connection (one ``SELECT VERSION()``)."""
    cur = conn.cursor()
    try:
        cur.execute("SELECT VERSION()")
        row = cur.fetchone()
    finally:
        cur.close()
    return flavour_of(row[0] if row else "")
