"""split_sql against psql itself, on scripts that hit the lexer's corners.

psql 15 runs each script against the rig's real server, through the recording proxy of
scripts/pg_regress_oracle.py, and the statements it sent must be exactly where split_sql cuts.
This is how the rules below were checked (a few of them differ from what the server's lexer
alone, or a reading of psqlscan.l, would suggest):

* standard_conforming_strings follows SET/RESET/DISCARD and the transaction they are in, and
  psql applies a new value from the next input line on;
* a -- comment ends at a bare carriage return; a vertical tab is not part of a word, NBSP is;
* psql reads a script line by line, so 'a' newline 'b' is two strings (no SQL continuation);
* a number and the identifier glued to it are one token (1e'x' is 1e then a plain string);
* COPY ... FROM STDIN data, two COPYs on one line.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from aurora_console.core.db.sql_split import split_sql

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("pg_regress_oracle", ROOT / "scripts" / "pg_regress_oracle.py")
oracle = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, oracle)
_spec.loader.exec_module(oracle)

CASES = {
    "set_on_the_same_line_applies_from_the_next": (
        "set standard_conforming_strings = off; select 'a\\'; select 2;\nselect 'b\\'; select 3';\n"
    ),
    "set_spellings": (
        "set standard_conforming_strings to false;\nselect 'a\\'; x';\n"
        "set session standard_conforming_strings = 'on';\nselect 'a\\'; select 1;\n"
        "set standard_conforming_strings = 0;\nselect 'q\\'; z';\n"
        "set standard_conforming_strings to default;\nselect 'a\\'; select 4;\n"
    ),
    "set_local_lasts_until_commit": (
        "begin;\nset local standard_conforming_strings = off;\nselect 'a\\'; x';\ncommit;\n"
        "select 'b\\'; select 5;\n"
    ),
    "set_local_outside_a_transaction_does_nothing": (
        "set local standard_conforming_strings = off;\nselect 'a\\'; select 6;\n"
    ),
    "rollback_undoes_set": (
        "begin;\nset standard_conforming_strings = off;\nselect 'a\\'; x';\nrollback;\n"
        "select 'b\\'; select 7;\n"
    ),
    "commit_keeps_set_and_reset_all_undoes_it": (
        "begin;\nset standard_conforming_strings = off;\ncommit;\nselect 'b\\'; x';\nreset all;\n"
        "select 'c\\'; select 8;\n"
    ),
    "rollback_to_savepoint": (
        "set standard_conforming_strings = on;\nbegin;\nsavepoint s1;\n"
        "set standard_conforming_strings = off;\nselect 'a\\'; x';\nrollback to savepoint s1;\n"
        "select 'b\\'; select 9;\ncommit;\n"
    ),
    "discard_all": "set standard_conforming_strings = off;\ndiscard all;\nselect 'a\\'; select 10;\n",
    "line_comment_ends_at_carriage_return": "select 1; -- comment\rselect 2;\nselect 3;\n",
    "nbsp_is_a_word_character": "select\u00a0x from t; select 1;\n",
    "vertical_tab": "select 1;\vselect 2;\n",
    "escape_string": "select E'a\\'; b', 'c';\n",
    "unicode_escapes": "select U&'a\\'; select 19;\nselect u&\"x;\"; select 20;\n",
    "no_continuation_across_lines": (
        "select E'a'\n'b\\'; select 21;\nselect 'a'\n'b'; select 22;\nselect E'a'\r 'b\\'; c'; select 23;\n"
    ),
    "begin_atomic": (
        "create function f() returns int language sql\nbegin atomic\n select 1;\n"
        " select case when true then 2 end;\nend;\nselect 11;\n"
    ),
    "copy_data_two_on_one_line": (
        "create table t(a int);\ncopy t from stdin; copy t from stdin; select 12;\n1\n\\.\n2\n\\.\nselect 13;\n"
    ),
    "prefix_letters_inside_words": "select fooe'x'; select 14;\nselect 1e'a\\'; b'; select 15;\n",
    "numbers_glued_to_words": (
        "select 1a$$x;$$; select 1.e'a\\'; b'; select 12ab'x\\'; y'; select 1e+'q'; select 17;\n"
        "select x1a$$; select t.e'a\\'; b'; select 1.5e3x$$;$$; select 18;\n"
    ),
    "dollars": "select a$$b; select $1$$x;$$; select 16;\n",
}


@pytest.fixture(scope="module")
def run_psql(pg_server, tmp_path_factory):
    psql = shutil.which("psql") or "/usr/bin/psql"
    if not os.path.exists(psql):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("psql is missing (CI installs it: scripts/install-os-deps.sh)")
        pytest.skip("psql is not installed")
    oracle.PSQL = psql
    passfile = tmp_path_factory.mktemp("psql") / "pgpass"
    password = pg_server.conninfo().get("password")
    with open(os.open(passfile, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(f"127.0.0.1:*:*:{pg_server.superuser}:{password}\n" if password else "")
    proxy = oracle.RecordingProxy(pg_server.port)
    counter = iter(range(1_000_000))

    def run(text: str) -> list:
        return oracle.run_psql(text.encode(), proxy, pg_server, f"split_psql_{next(counter)}", 120,
                               passfile=passfile)

    yield run
    proxy.close()


@pytest.mark.parametrize("name", sorted(CASES))
def test_split_sql_cuts_where_psql_does(run_psql, name):
    text = CASES[name]
    queries = run_psql(text)
    assert queries, "psql sent nothing: it could not connect"
    ends, blocks = oracle.align(text, queries, "utf-8")
    statements = split_sql(text)
    assert [s.stop if s.terminated else s.end for s in statements] == ends
    assert [[s.data_start, s.data_end] for s in statements if s.data_start is not None] == blocks
