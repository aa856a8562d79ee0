"""What a MySQL statement does to the transaction around it, read from its first keywords.

MySQL (and MariaDB) has no transactional DDL: ``CREATE``, ``ALTER``, ``DROP``, ``RENAME``,
``TRUNCATE``, ``GRANT``... commit the open transaction before they run and commit themselves
after (MySQL reference manual, "Statements That Cause an Implicit Commit"). A migration that fails
part-way therefore keeps what its earlier DDL did; only the DML since the last implicit commit
rolls back. :func:`kept_statements` works out how many statements stay applied, which is what the
history records for a failed migration and what ``repair`` asks the user to check.

Classification is conservative: a statement is *transactional* (rolled back with the
migration) only when it is plain DML (``INSERT``, ``UPDATE``, ``DELETE``, ``REPLACE``,
``SELECT``, ``WITH``, ``DO``, ``VALUES``, ``TABLE``, ``SET`` other than ``SET autocommit``/
``SET PASSWORD``, savepoints) or a ``CREATE``/``DROP TEMPORARY TABLE``; anything else (``CALL``
included: a procedure may run DDL) counts as committing.

How a file runs (:func:`decide`): in a transaction, as Flyway runs MySQL migrations, unless its
``.sql.conf`` says ``executeInTransaction=false``, it has the console's ``no-transaction``
directive, or it manages its own transaction (``START TRANSACTION``, ``BEGIN``, ``COMMIT``,
``ROLLBACK``, ``XA``): then statement by statement in autocommit mode. MySQL has no statement
that refuses to run inside a transaction (Flyway's MySQL parser marks none), so there is no
"mixed" problem here.
"""

from __future__ import annotations

import re

from aurora_console.core.db.sql_split import Statement

from ..transactions import IN_TRANSACTION, TxDecision

_SKIP = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|\Z)|--(?:[ \t\r\f\v][^\n]*)?(?:\n|\Z)"
    r"|/\*(?![!M+])(?:.|\n)*?(?:\*/|\Z)|/\*M?!(?:[0-9]{5,6})?|\*/|\()",
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_DML = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "DO", "VALUES", "TABLE",
                  "SAVEPOINT", "RELEASE", "HANDLER"})


def keywords(text: str, limit: int = 4) -> list[str]:
    """The statement's first ``limit`` words, upper case. Leading comments are skipped; the content
    of a version comment (``/*!40101 SET ... */``) is code and counts."""
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n and len(out) < limit:
        m = _SKIP.match(text, pos)
        if m and m.end() > pos:
            pos = m.end()
            continue
        w = _WORD.match(text, pos)
        if not w:
            break
        out.append(w.group().upper())
        pos = w.end()
    return out


def commits_implicitly(text: str) -> bool:
    """True when the statement may commit (DDL, account and lock statements, ``CALL``...)."""
    words = keywords(text)
    if not words:
        return False  # nothing but comments: nothing runs
    first = words[0]
    if first in _DML:
        return False
    if first == "SET":
        return words[1:2] in (["AUTOCOMMIT"], ["PASSWORD"]) or words[1:3] in (
            ["SESSION", "AUTOCOMMIT"], ["LOCAL", "AUTOCOMMIT"])
    if first in ("CREATE", "DROP") and words[1:3] == ["TEMPORARY", "TABLE"]:
        return False
    if first == "ROLLBACK" and words[1:2] == ["TO"]:
        return False
    return True


def own_transaction_word(text: str) -> str:
    """``"START TRANSACTION"``, ``"BEGIN"``, ``"COMMIT"``... when the statement controls the
    transaction itself (a ``BEGIN`` that opens a compound statement is never a statement of its own)."""
    words = keywords(text, 2)
    if not words:
        return ""
    first = words[0]
    if first == "START" and words[1:2] == ["TRANSACTION"]:
        return "START TRANSACTION"
    if first == "BEGIN" and words[1:2] in ([], ["WORK"]):
        return "BEGIN"
    if first in ("COMMIT", "XA"):
        return first
    if first == "ROLLBACK" and words[1:2] != ["TO"]:
        return "ROLLBACK"
    if first == "SET" and words[1:2] == ["AUTOCOMMIT"]:
        return "SET autocommit"
    return ""


def decide(statements: list[Statement], *, script: str, execute_in_transaction: bool | None = None,
           conf_name: str = "", directive: bool = False, default_in_transaction: bool = True) -> TxDecision:
    """How one MySQL migration (or callback) file runs; see the module docs."""
    if execute_in_transaction is not None:
        value = "true" if execute_in_transaction else "false"
        return TxDecision(execute_in_transaction, f"{conf_name or script + '.conf'}: executeInTransaction={value}")
    if directive:
        return TxDecision(False, "directive '-- aurora-console: no-transaction'")
    for st in statements:
        own = own_transaction_word(st.text)
        if own:
            return TxDecision(False, f"manages its own transaction ({own} at line {st.line})", own_transaction=True)
    if not default_in_transaction:
        return TxDecision(False, "executeInTransaction=false in the configuration")
    for st in statements:
        if commits_implicitly(st.text):
            return TxDecision(True, implicit_commit=f"{' '.join(keywords(st.text, 2))} at line {st.line}")
    return IN_TRANSACTION


def kept_statements(statements: list[Statement], reached: int, *, in_transaction: bool,
                    failing_commits: bool | None = None) -> int:
    """How many of the first statements stay applied when statement number ``reached`` (0-based;
    ``len(statements)`` for a failure after the last one) failed.

    Without a transaction every statement before it was committed on its own. In a transaction,
    the DML since the last implicit commit is rolled back: the statements up to the last
    committing one before ``reached`` stay; when the failing statement commits implicitly itself,
    the commit it made before running kept everything before it. ``failing_commits`` overrides the
    failing statement's classification (None: read it from its text)."""
    if not in_transaction:
        return reached
    if reached < len(statements):
        failing = commits_implicitly(statements[reached].text) if failing_commits is None else failing_commits
        if failing:
            return reached
    for i in range(min(reached, len(statements)) - 1, -1, -1):
        if commits_implicitly(statements[i].text):
            return i + 1
    return 0
