"""Whether a migration runs inside a transaction, decided as Flyway decides it, with the reason.

Order of precedence (first that applies wins):

1. the file's per-script configuration ``<file>.conf`` (``executeInTransaction=true|false``), as in
   Flyway (``SqlScriptMetadata``);
2. the console's directive ``-- aurora-console: no-transaction``;
3. a file that manages its own transaction (a statement starting with ``BEGIN``, ``START
   TRANSACTION``, ``COMMIT``, ``END``, ``ROLLBACK`` but not ``ROLLBACK TO``, ``ABORT``, ``PREPARE
   TRANSACTION``): it runs as written, without a wrapping transaction, and is recorded once it has
   run. (Flyway would wrap it in its own transaction, where PostgreSQL only warns "there is already
   a transaction in progress" and the file's ``COMMIT`` ends Flyway's transaction early; running it
   as written gives the same end state without that surprise.) A file that leaves a transaction
   open fails;
4. statements PostgreSQL refuses inside a transaction block make the file run outside one.
   Flyway's list (``PostgreSQLParser.detectCanExecuteInTransaction``, github.com/flyway/flyway,
   flyway-database/flyway-database-postgresql/.../PostgreSQLParser.java): ``CREATE|DROP
   DATABASE|TABLESPACE|SUBSCRIPTION``, ``ALTER SYSTEM``, ``CREATE|DROP [UNIQUE] INDEX
   CONCURRENTLY``, ``REINDEX [VERBOSE] SCHEMA|DATABASE|SYSTEM``, ``VACUUM``, ``DISCARD ALL``,
   and ``ALTER TYPE ... ADD VALUE`` on servers older than 12. Flyway matches these against the
   statement's first keywords (unquoted words outside parentheses, at most 10; strings, quoted
   identifiers and comments never count). PostgreSQL also refuses ``REINDEX ... CONCURRENTLY``,
   ``CLUSTER`` without a table, and ``ALTER DATABASE ... SET TABLESPACE`` in a transaction, which
   Flyway's list misses: the console adds them.

A file mixing such a statement with ordinary ones fails discovery (Flyway: "Detected both
transactional and non-transactional statements within the same migration (even though mixed is
false)") unless ``mixed`` is on; with ``mixed`` it runs outside a transaction, as in Flyway.

The decision carries a reason the screen and ``info`` show ("CREATE INDEX CONCURRENTLY at line 12",
"V3__x.sql.conf: executeInTransaction=false", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aurora_console.core.db.sql_split import Statement, tokenize

#: Flyway's cut-off: after this many keywords a statement can no longer be non-transactional.
KEYWORD_CUTOFF = 10

# (pattern over the space-joined upper-case keywords, fullmatch on a prefix; label for the reason)
_FLYWAY_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)"), ""),
    (re.compile(r"ALTER SYSTEM"), ""),
    (re.compile(r"(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY"), ""),
    (re.compile(r"REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)"), ""),
    (re.compile(r"VACUUM"), ""),
    (re.compile(r"DISCARD ALL"), ""),
)
_ADD_VALUE = re.compile(r"ALTER TYPE( .*)? ADD VALUE")
# Beyond Flyway's list: what PostgreSQL itself refuses in a transaction block.
_POSTGRES_RULES: tuple[re.Pattern[str], ...] = (
    re.compile(r"REINDEX( .*)? CONCURRENTLY"),
    re.compile(r"ALTER DATABASE( .*)? SET TABLESPACE"),
)
_OWN_TX_FIRST = {"BEGIN", "COMMIT", "END", "ABORT"}



@dataclass(frozen=True)
class TxDecision:
    """How a file runs: ``in_transaction`` and why; ``own_transaction`` for BEGIN/COMMIT files."""

    in_transaction: bool
    reason: str = ""
    own_transaction: bool = False
    problem: str = ""  # non-empty: the file cannot run as configured (mixed statements)
    #: MySQL: the first statement that commits implicitly ("CREATE TABLE at line 3"): the file runs
    #: in a transaction, but a failure after that statement cannot roll it back
    implicit_commit: str = ""

    @property
    def label(self) -> str:
        if self.in_transaction:
            return "in a transaction"
        return f"without a transaction ({self.reason})" if self.reason else "without a transaction"


IN_TRANSACTION = TxDecision(True)


def keywords(statement_text: str, limit: int = KEYWORD_CUTOFF + 1, *,
             standard_conforming_strings: bool = True) -> list[str]:
    """The statement's leading keywords, upper case, as Flyway's parser collects them.

    Unquoted words outside parentheses, from the project's lexer (``sql_split.tokenize``): string
    literals (``E''``, dollar-quoted...), quoted identifiers, comments, numbers and punctuation never
    count, so a word inside a string or a comment is not a keyword. ``limit`` bounds the work.
    """
    out: list[str] = []
    depth = 0
    for tok in tokenize(statement_text, standard_conforming_strings=standard_conforming_strings):
        kind = tok.kind
        if kind == "ident":
            if depth == 0:
                out.append(statement_text[tok.start:tok.end].upper())
                if len(out) >= limit:
                    break
        elif kind == "open_paren":
            depth += 1
        elif kind == "close_paren":
            depth = max(0, depth - 1)
    return out


def non_transactional_reason(words: list[str], server_version: int | None = None) -> str:
    """The statement kind (``"CREATE INDEX CONCURRENTLY"``) when it cannot run in a transaction.

    ``server_version`` is libpq's number (``160004``); ``None`` means "12 or later" (the screen
    before connecting); ``ALTER TYPE ... ADD VALUE`` is refused in a transaction only before 12.
    """
    words = words[:KEYWORD_CUTOFF]
    for k in range(1, len(words) + 1):
        prefix = " ".join(words[:k])
        for rule, _ in _FLYWAY_RULES:
            if rule.fullmatch(prefix):
                return prefix
        if server_version is not None and server_version < 120000 and _ADD_VALUE.fullmatch(prefix):
            return "ALTER TYPE ... ADD VALUE (PostgreSQL before 12)"
        for rule in _POSTGRES_RULES:
            if rule.fullmatch(prefix):
                return prefix if k <= 3 else f"{words[0]} ... {words[k - 1]}"
    if words[:1] == ["CLUSTER"] and words[1:] in ([], ["VERBOSE"]):
        return "CLUSTER without a table"
    return ""


def own_transaction_word(words: list[str]) -> str:
    """``"BEGIN"``, ``"START TRANSACTION"``... when the statement controls the transaction itself."""
    if not words:
        return ""
    first = words[0]
    if first in _OWN_TX_FIRST:
        return first
    if first == "START" and words[1:2] == ["TRANSACTION"]:
        return "START TRANSACTION"
    if first == "ROLLBACK" and words[1:2] != ["TO"]:
        return "ROLLBACK"
    if first == "PREPARE" and words[1:2] == ["TRANSACTION"]:
        return "PREPARE TRANSACTION"
    return ""


# First keywords that can start a statement the rules above care about; any other statement is
# ordinary after two keywords (a cheap exit: most statements are CREATE TABLE, INSERT...).
_INTERESTING_FIRST = {"CREATE", "DROP", "ALTER", "REINDEX", "VACUUM", "DISCARD", "CLUSTER", "BEGIN", "START",
                      "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE"}
_INTERESTING_SECOND = {"CREATE": {"INDEX", "UNIQUE", "DATABASE", "TABLESPACE", "SUBSCRIPTION"},
                       "DROP": {"INDEX", "UNIQUE", "DATABASE", "TABLESPACE", "SUBSCRIPTION"},
                       "ALTER": {"SYSTEM", "TYPE", "DATABASE"}}


def _head(st: Statement) -> list[str]:
    scs = st.standard_conforming_strings
    words = keywords(st.text, 2, standard_conforming_strings=scs)
    if not words or words[0] not in _INTERESTING_FIRST:
        return words
    second = _INTERESTING_SECOND.get(words[0])
    if second is not None and (len(words) < 2 or words[1] not in second):
        return words
    return keywords(st.text, standard_conforming_strings=scs)


def decide(
    statements: list[Statement],
    *,
    script: str,
    execute_in_transaction: bool | None = None,
    conf_name: str = "",
    directive: bool = False,
    server_version: int | None = None,
    mixed: bool = False,
    default_in_transaction: bool = True,
) -> TxDecision:
    """Decide how one migration (or callback) file runs; see the module docs for the order."""
    if execute_in_transaction is not None:
        value = "true" if execute_in_transaction else "false"
        return TxDecision(execute_in_transaction, f"{conf_name or script + '.conf'}: executeInTransaction={value}")
    if directive:
        return TxDecision(False, "directive '-- aurora-console: no-transaction'")
    non_tx: tuple[Statement, str] | None = None
    plain: Statement | None = None
    for st in statements:
        words = _head(st)
        own = own_transaction_word(words)
        if own:
            return TxDecision(False, f"manages its own transaction ({own} at line {st.line})", own_transaction=True)
        why = non_transactional_reason(words, server_version)
        if why:
            if non_tx is None:
                non_tx = (st, why)
        elif plain is None:
            plain = st
    if non_tx is None:
        if not default_in_transaction:
            return TxDecision(False, "executeInTransaction=false in the configuration")
        return IN_TRANSACTION
    st, why = non_tx
    reason = f"{why} at line {st.line}"
    if plain is not None and not mixed and default_in_transaction:
        return TxDecision(
            False,
            reason,
            problem=(
                f"mixes a statement that cannot run in a transaction ({reason}) with ordinary statements "
                f"(line {plain.line}); Flyway refuses this too: move it to a file of its own, set "
                f"mixed=true (flyway.mixed / FLYWAY_MIXED), or add {script.rsplit('/', 1)[-1]}.conf "
                "with executeInTransaction=false"
            ),
        )
    return TxDecision(False, reason)
