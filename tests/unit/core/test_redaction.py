from __future__ import annotations

import logging
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.logs import setup_logging, teardown_logging
from aurora_console.core.redaction import MASK, forget_all_secrets, redact, redact_mapping, register_secret

pytestmark = pytest.mark.unit

secret_text = st.text(alphabet=string.ascii_letters + string.digits + "!#$%^*-_+=~", min_size=6, max_size=40)


@given(secret=secret_text, before=st.text(max_size=30), after=st.text(max_size=30))
@settings(max_examples=200)
def test_registered_secret_never_survives(secret, before, after):
    register_secret(secret)
    try:
        assert secret not in redact(before + secret + after)
    finally:
        forget_all_secrets()


@pytest.mark.parametrize("text", [
    "password=Sup3rSecret!", "PGPASSWORD='Sup3rSecret!'", '{"password": "Sup3rSecret!"}',
    "aws_secret_access_key = Sup3rSecret!", '"SecretAccessKey": "Sup3rSecret!"', "SessionToken=Sup3rSecret!",
    "postgresql://blog_admin:Sup3rSecret!@db.example:5432/blog", "passphrase: Sup3rSecret!",
    "https://host/?X-Amz-Signature=Sup3rSecret!&x=1", '{"MasterUserPassword": "Sup3rSecret!"}',
    # values holding separators, spaces or '@' are masked whole
    "{'MasterUserPassword': 'Sup3rSecret!&, }x'}", '"SecretString": "p@ss, Sup3rSecret! word"',
    "password=Sup3rSecret!;more", "postgresql://u:Sup3rSecret!@x@db.example:5432/blog",
    "db_password=Sup3rSecret!", '{"ssh_passphrase": "Sup3rSecret! with spaces"}',
])
def test_patterns_mask_common_shapes(text):
    out = redact(text)
    assert "Sup3rSecret!" not in out and MASK in out


def test_redact_mapping_masks_secret_keys():
    data = {"DBClusterIdentifier": "blog", "MasterUserPassword": "x" * 12, "nested": [{"token": "abcdefgh"}],
            "db_password": "xyzzy123", "password_source": {"kind": "ssm", "parameter": "/web/blog/x"}}
    assert redact_mapping(data) == {"DBClusterIdentifier": "blog", "MasterUserPassword": MASK,
                                    "nested": [{"token": MASK}], "db_password": MASK,
                                    "password_source": {"kind": "ssm", "parameter": "/web/blog/x"}}


def test_url_keeps_host_visible():
    assert redact("postgresql://u:p@ss@db.example:5432/blog") == "postgresql://u:***@db.example:5432/blog"


@pytest.mark.expected_errors
def test_log_file_never_holds_secrets(tmp_path):
    log_file = setup_logging(tmp_path / "logs" / "console.log")
    try:
        register_secret("Registered-Value-123")
        log = logging.getLogger("aurora_console.test")
        log.warning("connecting with password=%s", "Plain-Value-456")
        log.warning("fetched %s from SSM", "Registered-Value-123")
        try:
            raise RuntimeError("auth failed for postgresql://u:Url-Value-789@h/db")
        except RuntimeError:
            log.exception("boom")
        for h in logging.getLogger().handlers:
            h.flush()
        text = log_file.read_text()
        for secret in ("Plain-Value-456", "Registered-Value-123", "Url-Value-789"):
            assert secret not in text
        assert text.count(MASK) >= 3
    finally:
        teardown_logging()
        forget_all_secrets()


def test_plpgsql_context_and_query_lines_quoting_a_password_statement_are_masked():
    """A statement run inside a DO block is quoted by PL/pgSQL as CONTEXT/QUERY, not LINE n:."""
    message = ('role "nosuch" does not exist\n'
               "CONTEXT:  SQL statement \"ALTER ROLE nosuch PASSWORD 'hunter2'\"\n"
               "PL/pgSQL function inline_code_block line 1 at SQL statement")
    assert "hunter2" not in redact(message)
    assert 'CONTEXT:  SQL statement "ALTER ROLE nosuch PASSWORD \'***\'' in redact(message)
    query = "syntax error at or near \"x\"\nQUERY:  ALTER ROLE a PASSWORD 'hunter2' x\nCONTEXT:  PL/pgSQL function f()"
    assert "hunter2" not in redact(query)


def _every_pattern_applied(text: str) -> str:
    """redact() without its literal guards: every pattern run on every text (as before the guards)."""
    import re

    from aurora_console.core import redaction

    for value in sorted(redaction._known, key=len, reverse=True):
        text = text.replace(value, MASK)
    if "LINE " in text or "QUERY:" in text or "SQL statement" in text:
        text = redaction._mask_quoted_sql(text)
    for source, flags, repl, _needs in redaction._PATTERN_SOURCES:
        text = re.compile(source, flags).sub(repl, text)
    return text


_shapes = st.sampled_from(["password=", "Token: ", '"SecretString": "', "postgresql://u:", "HTTPS://admin:",
                           "s3+x://a:", "@db.example:5432/x",
                           "https://h/x?X-Amz-Signature=", "&X-Amz-Credential=", "-----BEGIN RSA PRIVATE KEY-----",
                           "-----BEGIN PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "-----END PRIVATE KEY-----",
                           "x-amz-signature=", "://", "'", '"', " ", "\n", "pw"])


@given(parts=st.lists(st.one_of(_shapes, st.text(max_size=12)), max_size=12))
@settings(max_examples=400)
def test_patterns_skipped_for_a_missing_literal_give_the_same_text(parts):
    """A pattern is only tried on a text holding the literal each of its matches holds (start-up's
    first log lines compile none): the result is the one every pattern gives when always run."""
    text = "".join(parts)
    assert redact(text) == _every_pattern_applied(text)


def test_a_plain_log_line_compiles_no_pattern(tmp_path):
    import subprocess
    import sys

    code = ("from aurora_console.core import redaction as r\n"
            "r.redact('starting Aurora Console 0.1.0 (sandbox=False)')\n"
            "print(r._pattern.cache_info().currsize)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "0"


@given(parts=st.lists(st.sampled_from(["password", "PASS", "word", "Secret", "_access_key", "aws-", "token", "x",
                                       " ", "\n", "é", "ſ"]), max_size=30),
       piece=st.integers(1, 12))
@settings(max_examples=300)
def test_a_key_name_is_found_across_the_pieces_a_long_text_is_searched_in(parts, piece):
    """A long text is searched piece by piece (so a worker redacting a big autosave lets the UI
    thread run between pieces): the answer is the one a single search gives."""
    from aurora_console.core import redaction

    text = "".join(parts)
    saved = redaction._KEY_PIECE
    redaction._KEY_PIECE = piece  # tiny pieces: names cross their borders
    try:
        assert redaction._names_a_key(text) == (redaction._key_name().search(text) is not None)
    finally:
        redaction._KEY_PIECE = saved
