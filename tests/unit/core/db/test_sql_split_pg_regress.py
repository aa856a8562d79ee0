"""split_sql agrees with psql on PostgreSQL's own regression SQL, statement for statement.

The corpus (tests/data/pg_regress/sql, PostgreSQL Licence, see its README.md) and psql's cuts
(tests/data/pg_regress/psql_boundaries.json) are vendored; scripts/pg_regress_oracle.py made the
latter by running psql 15 on every file against a real server and recording each query psql sent
(its docstring says how meta-commands were taken out and how COPY data is handled). Running psql
here would take minutes, so the suite checks the splitter against that record.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from aurora_console.core.db.sql_split import split_sql

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[4]
CORPUS = ROOT / "tests" / "data" / "pg_regress"
_spec = importlib.util.spec_from_file_location("pg_regress_oracle", ROOT / "scripts" / "pg_regress_oracle.py")
oracle = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, oracle)
_spec.loader.exec_module(oracle)

RECORD = json.loads((CORPUS / "psql_boundaries.json").read_text())
FILES = sorted(RECORD["files"])


def test_the_record_covers_the_whole_corpus():
    on_disk = sorted(p.name for p in (CORPUS / "sql").glob("*.sql"))
    assert FILES == on_disk
    assert len(on_disk) > 200
    assert sum(len(f["ends"]) for f in RECORD["files"].values()) > 40_000
    assert RECORD["psql"].startswith("psql (PostgreSQL)")


@pytest.mark.parametrize("name", FILES)
def test_statement_boundaries_match_psql(name):
    entry = RECORD["files"][name]
    path = CORPUS / "sql" / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], "re-run the oracle script"
    text, codec = oracle.read_script(path)
    assert codec == entry["encoding"]
    cleaned = oracle.apply_edits(text, entry["edits"])
    statements = split_sql(cleaned)
    got = [s.stop if s.terminated else s.end for s in statements]
    if got != entry["ends"]:
        expected = entry["ends"]
        i = next((k for k, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), min(len(got), len(expected)))
        at = min(got[i] if i < len(got) else len(cleaned), expected[i] if i < len(expected) else len(cleaned))
        pytest.fail(
            f"{name}: {len(got)} statements, psql {len(expected)}; first difference at statement {i + 1} "
            f"(splitter ends at {got[i] if i < len(got) else None}, psql at "
            f"{expected[i] if i < len(expected) else None}): {cleaned[max(0, at - 80):at + 80]!r}"
        )
    blocks = [[s.data_start, s.data_end] for s in statements if s.data_start is not None]
    assert blocks == entry["copy_data"]


def test_the_meta_command_edits_are_reproducible():
    """The script's cleaning, re-run here on a few files, gives the recorded edits."""
    for name in ("psql.sql", "copy2.sql", "strings.sql"):
        text, _ = oracle.read_script(CORPUS / "sql" / name)
        assert oracle.meta_command_edits(text) == RECORD["files"][name]["edits"], name


def test_cleaned_corpus_has_no_meta_command_left():
    from aurora_console.core.db.sql_split import tokenize

    for name in ("psql.sql", "psql_crosstab.sql", "copy.sql"):
        entry = RECORD["files"][name]
        text, _ = oracle.read_script(CORPUS / "sql" / name)
        cleaned = oracle.apply_edits(text, entry["edits"])
        for st in split_sql(cleaned):
            for tok in tokenize(st.text, standard_conforming_strings=st.standard_conforming_strings):
                assert not (tok.kind == "other" and st.text[tok.start] == "\\"), (name, st.text)
