"""A second rig MariaDB started with ``performance_schema=ON`` (the session rig's runs with it off,
MariaDB's default, which keeps the other tests fast): for the Performance screen's Top SQL on MySQL
(``events_statements_summary_by_digest``) and connection attributes (``program_name``).

``performance_schema_server(folder)`` is a context manager yielding a started
:class:`~aurora_console.sandbox.mysql.MysqlServer` (same account, TLS and fast settings as the rig's);
the integration and GUI Performance tests wrap it in their own session fixtures.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.rig.mysql import FAST_SETTINGS


@contextmanager
def performance_schema_server(folder: Path) -> Iterator:
    from aurora_console.sandbox.mysql import MysqlServer, find_mysql_server
    from aurora_console.sandbox.tls import ensure_certificates
    from tests.rig.pg import _missing

    if find_mysql_server() is None:
        _missing("no MariaDB/MySQL server (install mariadb-server)")
    tls = ensure_certificates(folder / "tls", ["localhost"])
    server = MysqlServer(folder / "data", password=secrets.token_urlsafe(16), tls=tls,
                         settings={**FAST_SETTINGS, "performance-schema": "ON"})
    server.start()
    try:
        yield server
    finally:
        server.remove_data()
