"""The Transaction cell and tooltip: on MySQL a file with DDL says it cannot be fully rolled back."""

from aurora_console.core.db.migrations.transactions import IN_TRANSACTION, TxDecision
from aurora_console.ui.migrations.table_model import transaction_text, transaction_tooltip


def test_a_mysql_file_with_ddl_says_what_commits_implicitly():
    tx = TxDecision(True, implicit_commit="CREATE TABLE at line 1")
    assert transaction_text(tx) == "yes, but CREATE TABLE at line 1 commits implicitly"
    assert "MySQL commits DDL implicitly (CREATE TABLE at line 1)" in transaction_tooltip(tx)
    assert "records nothing" not in transaction_tooltip(tx)


def test_plain_transactional_and_non_transactional_files():
    assert transaction_text(IN_TRANSACTION) == "yes"
    assert "rolls it back and records nothing" in transaction_tooltip(IN_TRANSACTION)
    assert transaction_text(TxDecision(False, "VACUUM at line 1")) == "no: VACUUM at line 1"
