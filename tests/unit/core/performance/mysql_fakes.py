"""A stand-in for a MySQL 8.0 connection (PyMySQL's API) for the code paths the rig's MariaDB cannot
run (``performance_schema.processlist``, ``data_lock_waits``/``data_locks``, Aurora's
``REPLICA_HOST_STATUS``): each ``execute`` is recorded and answered by the first rule whose
words are in the statement."""

from __future__ import annotations


class FakeCursor:
    def __init__(self, conn) -> None:
        self.conn = conn
        self.description = None
        self._rows: list = []

    def execute(self, sql, args=None):
        self.conn.executed.append((" ".join(sql.split()), args))
        for words, answer in self.conn.rules:
            if all(w in sql for w in words):
                if isinstance(answer, BaseException):
                    raise answer
                names, rows = answer
                self.description = [(n,) for n in names]
                self._rows = list(rows)
                return len(self._rows)
        raise AssertionError(f"no answer for: {' '.join(sql.split())[:200]}")

    def fetchall(self):
        return tuple(self._rows)

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def close(self):
        pass


class FakeMysql8:
    """``server_version`` like Aurora MySQL 3's handshake; ``rules``: [(words, (names, rows)) or (words, error)]."""

    server_version = "8.0.mysql_aurora.3.05.2"

    def __init__(self, rules) -> None:
        self.rules = list(rules)
        self.executed: list = []

    def cursor(self):
        return FakeCursor(self)
