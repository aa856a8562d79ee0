"""Database errors as the SQL editor shows them (no psycopg types leak to the UI)."""

from __future__ import annotations

from aurora_console.core.errors import ConsoleError

# kinds
SYNTAX = "syntax"
CANCELLED = "cancelled"
TIMEOUT = "timeout"
CONNECTION = "connection"
READ_ONLY = "read_only"
SERVER = "server"


class SqlError(ConsoleError):
    """A failed statement: the server's message, its SQLSTATE and where in the statement.

    ``position`` is the server's 1-based character position inside ``statement`` (None when the
    server gave none); ``kind`` is one of the module constants so the UI can offer the right next
    step (a reconnect after ``connection``).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = SERVER,
        sqlstate: str = "",
        position: int | None = None,
        statement: str = "",
        detail: str = "",
        hint: str = "",
        context: str = "",
        code: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint, detail=detail)
        self.kind = kind
        self.sqlstate = sqlstate
        #: the server's numeric error code where it has one (MySQL: 1064...); PostgreSQL: None
        self.code = code
        self.position = position
        self.statement = statement
        self.context = context

    @property
    def connection_lost(self) -> bool:
        return self.kind == CONNECTION

    def user_text(self) -> str:
        tag = f" ({self.sqlstate})" if self.sqlstate else (f" (MySQL error {self.code})" if self.code else "")
        parts = [f"ERROR: {self.message}{tag}"]
        if self.detail:
            parts.append(f"DETAIL: {self.detail}")
        if self.hint:
            parts.append(f"HINT: {self.hint}")
        if self.context:
            parts.append(f"CONTEXT: {self.context}")
        return "\n".join(parts)


def from_psycopg(exc: BaseException, statement: str = "", *, position_shift: int = 0) -> SqlError:
    """Translate a psycopg exception; ``position_shift`` removes a prefix we added (DECLARE ...)."""
    import psycopg
    from psycopg import errors as pe

    if isinstance(exc, SqlError):
        return exc
    diag = getattr(exc, "diag", None)
    sqlstate = (getattr(exc, "sqlstate", None) or "") if isinstance(exc, psycopg.Error) else ""
    message = (diag.message_primary if diag else None) or str(exc).strip() or type(exc).__name__
    pos = None
    if diag is not None and diag.statement_position:
        try:
            pos = int(diag.statement_position) - position_shift
        except ValueError:
            pos = None
        if pos is not None and pos < 1:
            pos = None
    kind = SERVER
    hint = (diag.message_hint if diag else None) or ""
    if isinstance(exc, pe.QueryCanceled):
        kind = TIMEOUT if "timeout" in message else CANCELLED
    elif isinstance(exc, pe.ReadOnlySqlTransaction):
        kind = READ_ONLY
        hint = hint or "This session is read-only (the profile is marked read-only)."
    elif sqlstate.startswith("42") and sqlstate in ("42601", "42000"):
        kind = SYNTAX
    elif sqlstate.startswith(("08", "57P")) or isinstance(
        exc, (psycopg.OperationalError, psycopg.InterfaceError)
    ):
        kind = CONNECTION
        hint = hint or "The connection was lost. Reconnect to continue; the editor text is kept."
    return SqlError(
        message,
        kind=kind,
        sqlstate=sqlstate,
        position=pos,
        statement=statement,
        detail=(diag.message_detail if diag else None) or "",
        hint=hint,
        context=(diag.context if diag else None) or "",
    )
