"""Password literals masked with the SQL tokenizer, in the history and the autosave alike.

The property tests build password statements in every form the masker knows (PostgreSQL and
MySQL), with random passwords (quotes, backslashes, ``$``, non-ASCII, newlines), random keyword
case, and comments or white space between the tokens, and check that the password survives in
neither the history file nor the autosave file.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aurora_console.core.db.history import HistoryEntry, QueryHistory
from aurora_console.core.db.sql_files import read_autosave, write_autosave
from aurora_console.core.db.sql_secrets import STATEMENT_MASK, mask_sql, mask_sql_secrets
from aurora_console.core.redaction import redact

pytestmark = pytest.mark.unit


# -- examples: every form, and what must stay as it is -----------------------------------------------
MASKED = [
    ("ALTER ROLE app PASSWORD 'hunter2'", "ALTER ROLE app PASSWORD '***'"),
    ("alter user app with encrypted password 'hun''ter2'", "alter user app with encrypted password '***'"),
    ("CREATE ROLE r LOGIN PASSWORD 'hunter2' VALID UNTIL '2030-01-01'",
     "CREATE ROLE r LOGIN PASSWORD '***' VALID UNTIL '2030-01-01'"),
    ("CREATE GROUP g PASSWORD 'hunter2'", "CREATE GROUP g PASSWORD '***'"),
    ("ALTER ROLE r PASSWORD U&'hun\\0074er2' UESCAPE '!'", "ALTER ROLE r PASSWORD '***' UESCAPE '!'"),
    ("ALTER ROLE r PASSWORD /* why */ 'hunter2'", "ALTER ROLE r PASSWORD /* why */ '***'"),
    ("ALTER ROLE r PASSWORD -- why\n 'hunter2'", "ALTER ROLE r PASSWORD -- why\n '***'"),
    ("ALTER ROLE r PASSWORD E'hun\\'ter2'", "ALTER ROLE r PASSWORD '***'"),
    ("ALTER ROLE r PASSWORD $$hunter2$$", "ALTER ROLE r PASSWORD '***'"),
    ("ALTER ROLE r PASSWORD $pw$hun$$ter2$pw$; SELECT 1", "ALTER ROLE r PASSWORD '***'; SELECT 1"),
    ("ALTER ROLE r PASSWORD 'hun'\n'ter2'", "ALTER ROLE r PASSWORD '***'\n'***'"),
    ("CREATE USER u IDENTIFIED BY 'hunter2'", "CREATE USER u IDENTIFIED BY '***'"),
    ('CREATE USER u IDENTIFIED WITH mysql_native_password BY "hunter2"',
     'CREATE USER u IDENTIFIED WITH mysql_native_password BY "***"'),
    ("CREATE USER u IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'",
     "CREATE USER u IDENTIFIED BY PASSWORD '***'"),
    ("ALTER USER u IDENTIFIED WITH caching_sha2_password AS '$A$005$hunter2'",
     "ALTER USER u IDENTIFIED WITH caching_sha2_password AS '***'"),
    ("SET PASSWORD FOR 'u'@'%' = 'hunter2'", "SET PASSWORD FOR 'u'@'%' = '***'"),
    ("SET PASSWORD = PASSWORD('hunter2')", "SET PASSWORD = PASSWORD('***')"),
    ("ALTER USER u IDENTIFIED BY 'new' REPLACE 'hunter2' RETAIN CURRENT PASSWORD",
     "ALTER USER u IDENTIFIED BY '***' REPLACE '***' RETAIN CURRENT PASSWORD"),
    ("CREATE USER u IDENTIFIED BY _utf8mb4'hunter2'", "CREATE USER u IDENTIFIED BY _utf8mb4'***'"),
    ("CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', password 'hunter2')",
     "CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', password '***')"),
    ("SELECT dblink_connect('host=h password=hunter2 dbname=d')",
     "SELECT dblink_connect('host=h password=*** dbname=d')"),
    ("SELECT dblink_connect('c', 'host=h password=''hun ter2'' dbname=d')",
     "SELECT dblink_connect('c', 'host=h password=***')"),
    ("ALTER USER u IDENTIFIED BY 'hun\\'ter2'", "ALTER USER u IDENTIFIED BY '***'"),
    # SQL inside a DO block or a routine body, and dynamic SQL in a string
    ("DO $$ BEGIN CREATE ROLE app LOGIN PASSWORD 'hunter2'; END $$",
     "DO $$ BEGIN CREATE ROLE app LOGIN PASSWORD '***'; END $$"),
    ("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $f$ ALTER ROLE x PASSWORD $$hunter2$$ $f$",
     "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $f$ ALTER ROLE x PASSWORD '***' $f$"),
    ("DO $$ BEGIN EXECUTE 'ALTER ROLE x PASSWORD ''hunter2'''; END $$", "DO $$ BEGIN EXECUTE '***'; END $$"),
]
UNCHANGED = [
    "ALTER ROLE r PASSWORD NULL",
    "SELECT password FROM users",
    "SELECT id, password FROM users WHERE password IS NULL",
    "SELECT u.password AS p FROM users u",
    "CREATE TABLE users (id int, password text)",
    "CREATE USER u IDENTIFIED WITH auth_socket",
    "ALTER USER u IDENTIFIED BY RANDOM PASSWORD",
    "ALTER USER u PASSWORD EXPIRE INTERVAL 90 DAY",
    "ALTER USER u DISCARD OLD PASSWORD",
    "SELECT 'the password is in the keyring'",
    "SELECT * FROM config WHERE key = 'password'",
    "UPDATE users SET note = 'reset password' WHERE id = 1",
    "DO $$ BEGIN RAISE NOTICE 'forgot password'; END $$",
    "select 42 -- keep me",
]
WHOLE = [  # a password is named, but its literal cannot be placed: the statement goes
    "ALTER ROLE r PASSWORD :pw",
    "ALTER ROLE r PASSWORD $1",
    "UPDATE users SET password = crypt('hunter2', gen_salt('bf'))",
    "CREATE USER u IDENTIFIED somehow 'hunter2'",
    "SET PASSWORD FOR u = concat('hun', 'ter2')",
    # one word to the lexer (psql and the server read $ and non-ASCII characters as word characters)
    "ALTER ROLE r PASSWORD$$hunter2$$",
    "ALTER ROLE r PASSWORD\u00a0'hunter2'",
    # dynamic SQL whose password is elsewhere
    "SELECT format('ALTER ROLE x PASSWORD %L', 'hunter2')",
    "SELECT 'ALTER ROLE x PASSWORD ' || quote_literal('hunter2')",
]


@pytest.mark.parametrize(("sql", "expected"), MASKED)
def test_each_form_is_masked(sql, expected):
    assert mask_sql_secrets(sql) == expected
    assert "hunter2" not in mask_sql(sql) and "ter2" not in mask_sql(sql)


@pytest.mark.parametrize("sql", UNCHANGED)
def test_what_sets_no_password_is_kept_as_it_is(sql):
    assert mask_sql_secrets(sql) == sql


@pytest.mark.parametrize("sql", WHOLE)
def test_a_password_that_cannot_be_placed_masks_the_whole_statement(sql):
    masked = mask_sql_secrets("SELECT 1; " + sql + ";\nSELECT 2")
    assert masked == f"SELECT 1; {STATEMENT_MASK};\nSELECT 2"


def test_a_backslash_read_either_way_leaves_nothing_of_the_password():
    """MySQL reads 'a\\'b' as one string; PostgreSQL as 'a\\' then b...: both readings are masked."""
    sql = "ALTER USER u IDENTIFIED BY 'se\\'cr' REPLACE 'old-one'; SELECT 1"
    masked = mask_sql_secrets(sql)
    assert "cr" not in masked.split(";")[0].replace("CURRENT", "") and "old-one" not in masked
    assert masked.endswith("; SELECT 1")


@pytest.mark.parametrize("sql", [
    "-- ALTER ROLE app PASSWORD 'hunter2'\nSELECT 1",
    "SELECT 1; /* CREATE USER u IDENTIFIED BY 'hunter2' */ SELECT 2",
    "SELECT 1 /* old: ALTER ROLE app PASSWORD 'hunter2'; */ + 1",
])
def test_a_commented_out_password_statement_is_masked_too(sql):
    masked = mask_sql_secrets(sql)
    assert "hunter2" not in masked and "'***'" in masked
    assert masked.replace("'***'", "'hunter2'") == sql


def test_a_password_inside_a_routine_body_is_masked():
    sql = ("CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); "
           "UPDATE users SET password = 'hunter2' WHERE id = 1; END; SELECT 1")
    assert mask_sql_secrets(sql) == sql.replace("'hunter2'", "'***'")


def test_an_unterminated_password_literal_is_masked_to_the_end():
    assert mask_sql_secrets("SELECT 1;\nALTER ROLE r PASSWORD 'hunter2") == "SELECT 1;\nALTER ROLE r PASSWORD '***'"


def test_server_errors_quoting_the_statement_are_masked_in_logs_and_crash_reports():
    message = ('syntax error at or near "VALID"\nLINE 1: ALTER ROLE x PASSWORD \'hunter2\' VALID\n'
               '                                              ^')
    assert "hunter2" not in redact(message)
    assert "LINE 1: ALTER ROLE x PASSWORD '***' VALID" in redact(message)


# -- the property: no password literal survives, in any form -------------------------------------------
PASSWORD_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
SECRET_TAIL = st.text(PASSWORD_CHARS, max_size=12) | st.text("'\"\\$ \n\t;()-/*", max_size=8)


def _word(draw, word: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in word)


SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", " /* c */ ", "/**/", " -- note\n", "\n-- x\n ",
                              " /* a /* nested */ b */ "])


def _dollar(secret: str, draw) -> str:
    for tag in ("", "pw", "x1", "Tag_9"):
        delim = f"${tag}$"
        if (secret + delim).find(delim) == len(secret):
            return delim + secret + delim
    assume(False)
    return ""


def _uescape(secret: str, escape: str) -> str:
    out = []
    for ch in secret:
        if ch == escape:
            out.append(escape * 2)
        elif ch == "'":
            out.append("''")
        elif ord(ch) < 128 and ch.isalnum():
            out.append(ch)
        else:
            out.append(f"{escape}+{ord(ch):06X}")
    return "".join(out)


def _literal(draw, secret: str, mysql: bool) -> str:
    kinds = ["plain", "escape", "unicode", "unicode_uescape", "dollar"]
    if mysql:
        kinds += ["mysql_single", "mysql_double"]
    kind = draw(st.sampled_from(kinds))
    if kind == "plain":
        return "'" + secret.replace("'", "''") + "'"
    if kind == "escape":
        return draw(st.sampled_from("eE")) + "'" + secret.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if kind == "unicode":
        return draw(st.sampled_from(["U&", "u&"])) + "'" + _uescape(secret, "\\") + "'"
    if kind == "unicode_uescape":
        return "U&'" + _uescape(secret, "!") + "' UESCAPE '!'"
    if kind == "dollar":
        return _dollar(secret, draw)
    if kind == "mysql_single":
        return "'" + secret.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return '"' + secret.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def password_statements(draw) -> tuple[str, list[str]]:
    """(a statement setting one or two passwords, the passwords)."""
    secret = "S3cr" + draw(SECRET_TAIL)
    sep = lambda: draw(SEPARATORS)  # noqa: E731
    w = lambda word: _word(draw, word)  # noqa: E731
    form = draw(st.integers(0, 11))
    secrets = [secret]
    lit = lambda s, mysql=False: _literal(draw, s, mysql)  # noqa: E731
    if form == 0:
        parts = [w("ALTER"), w(draw(st.sampled_from(["ROLE", "USER"]))), "app"]
        parts += draw(st.sampled_from([[], [w("WITH")]])) + draw(st.sampled_from([[], [w("ENCRYPTED")]]))
        parts += [w("PASSWORD"), lit(secret)] + draw(st.sampled_from([[], [w("VALID"), w("UNTIL"), "'2030-01-01'"]]))
    elif form == 1:
        parts = [w("CREATE"), w(draw(st.sampled_from(["ROLE", "USER", "GROUP"]))), "r"]
        parts += draw(st.sampled_from([[], [w("WITH"), w("LOGIN")], [w("LOGIN")]])) + [w("PASSWORD"), lit(secret)]
    elif form == 2:
        parts = [w("CREATE"), w("USER"), w("MAPPING"), w("FOR"), "bob", w("SERVER"), "s", w("OPTIONS"), "(",
                 "user", "'bob'", ",", w("password"), lit(secret), ")"]
    elif form == 3:
        value = draw(st.text("abcXYZ019!#%&*+,.:<=>?@[]^_{|}~", min_size=1, max_size=10))
        secrets = ["S3cr" + value]
        parts = [w("SELECT"), "dblink_connect", "(", f"'host=h {w('password')}=S3cr{value} dbname=d'", ")"]
    elif form == 4:
        value = draw(st.text("abcXYZ019 !#%&*+,.:<=>?@[]^_{|}~", min_size=1, max_size=10))
        secrets = ["S3cr" + value]
        parts = [w("SELECT"), "dblink_connect", "(", f"'host=h password = ''S3cr{value}'' dbname=d'", ")"]
    elif form == 5:
        parts = [w(draw(st.sampled_from(["CREATE", "ALTER"]))), w("USER"), "u", w("IDENTIFIED"), w("BY"),
                 lit(secret, True)]
    elif form == 6:
        parts = [w("CREATE"), w("USER"), "u", w("IDENTIFIED"), w("WITH"),
                 draw(st.sampled_from(["mysql_native_password", "'caching_sha2_password'"])),
                 w(draw(st.sampled_from(["BY", "AS"]))), lit(secret, True)]
    elif form == 7:
        parts = [w("CREATE"), w("USER"), "u", w("IDENTIFIED"), w("BY"), w("PASSWORD"), lit(secret, True)]
    elif form == 8:
        parts = [w("SET"), w("PASSWORD")] + draw(st.sampled_from([[], [w("FOR"), "'u'@'%'"], [w("FOR"), "u"]]))
        parts += ["=", lit(secret, True)]
    elif form == 9:
        parts = [w("SET"), w("PASSWORD")] + draw(st.sampled_from([[], [w("FOR"), "'u'@'%'"]]))
        parts += ["=", w(draw(st.sampled_from(["PASSWORD", "OLD_PASSWORD"]))), "(", lit(secret, True), ")"]
    elif form == 10:
        old = "Old1" + draw(SECRET_TAIL)
        secrets.append(old)
        parts = [w("ALTER"), w("USER"), "u", w("IDENTIFIED"), w("BY"), lit(secret, True), w("REPLACE"),
                 lit(old, True), w("RETAIN"), w("CURRENT"), w("PASSWORD")]
    else:
        parts = [w("UPDATE"), "users", w("SET"), w("password"), "=", lit(secret, True), w("WHERE"), "id", "=", "1"]
    statement = parts[0] + "".join(sep() + p for p in parts[1:])
    wrap = draw(st.sampled_from(["", "do", "function"]))
    if wrap and form in (0, 1, 11) and "$" not in statement:  # inside a DO block or a routine body
        tag = draw(st.sampled_from(["$$", "$body$"]))
        statement = (f"{w('DO')} {tag} {w('BEGIN')} {statement}; {w('END')} {tag}" if wrap == "do" else
                     f"{w('CREATE')} {w('FUNCTION')} f() {w('RETURNS')} void {w('AS')} {tag} {statement} {tag}")
    return statement, secrets


def _survivors(text: str, secrets: list[str]) -> list[str]:
    """Secrets found in ``text`` as typed, or as JSON writes them."""
    found = []
    for s in secrets:
        for form in {s, json.dumps(s, ensure_ascii=False)[1:-1], json.dumps(s)[1:-1]}:
            if form in text:
                found.append(form)
    return found


SCRIPT = st.tuples(st.sampled_from(["", "SELECT 1;\n", "select 'x';  ", "/* kept for later:\n", "-- ",
                                    "SET standard_conforming_strings = off;\n"]),
                   st.sampled_from(["", ";", "; SELECT 2", ";\n-- done\n", " */ SELECT 3"]))


def _in_script(statement: str, around: tuple[str, str]) -> str:
    """The statement among others, or commented out (each line, as an editor's "comment" does)."""
    if around[0] == "-- ":
        return "\n".join("-- " + line for line in statement.splitlines()) + "\nSELECT 4"
    if around[0].startswith("/*") and not around[1].startswith(" */"):
        return around[0] + statement + " */" + around[1]
    if around[1].startswith(" */") and not around[0].startswith("/*"):
        return around[0] + "/* " + statement + around[1]
    return around[0] + statement + around[1]


@settings(max_examples=400)
@given(password_statements(), SCRIPT)
def test_no_password_literal_survives_masking(statement_secrets, around):
    statement, secrets = statement_secrets
    text = _in_script(statement, around)
    masked = mask_sql(text)
    assert not _survivors(masked, secrets), (text, masked)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password_statements())
def test_no_password_survives_in_the_history_file(tmp_path, statement_secrets):
    statement, secrets = statement_secrets
    history = QueryHistory("p", folder=tmp_path / "h", keep_on_disk=lambda: True)
    history.clear()
    quoted = "\n".join(f"LINE {i}: {line}" for i, line in enumerate(statement.splitlines(), 1))
    message = f'syntax error at or near "{statement}"\n{quoted}\n        ^'
    history.add(HistoryEntry(statement, "error", 1.0, message=message))
    on_disk = history.path.read_text(encoding="utf-8")
    assert not _survivors(on_disk, secrets), (statement, on_disk)
    assert not _survivors(history.entries()[0].sql, secrets)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password_statements(), SCRIPT)
def test_no_password_survives_in_the_autosave_file(tmp_path, statement_secrets, around):
    statement, secrets = statement_secrets
    path = tmp_path / "autosave" / "sql-t.sql"
    write_autosave(path, _in_script(statement, around))
    saved = read_autosave(path)
    assert not _survivors(saved, secrets), (statement, saved)


def test_a_password_assigned_inside_a_do_block_is_masked():
    """Found by the property test: the body's ``password = `` also reads as a conninfo parameter."""
    sql = "DO $$ BEGIN UPDATE users SET password = /* c */ 'hunter2' WHERE id = 1; END $$"
    assert "hunter2" not in mask_sql(sql)


@settings(max_examples=300)
@given(password_statements(), st.sampled_from(["", "SELECT 1; ", "SET standard_conforming_strings = off;\n"]))
def test_no_password_survives_in_a_statement_cut_after_it(statement_secrets, before):
    """The editor's text while the user is still typing (autosave): the literal is not closed yet,
    so the statement does not tokenize as a whole; nothing of the password is kept either."""
    statement, secrets = statement_secrets
    at = statement.find(secrets[0])
    assume(at >= 0)
    text = before + statement[:at + len(secrets[0])]
    masked = mask_sql(text)
    assert not _survivors(masked, secrets[:1]), (text, masked)


@given(parts=st.lists(st.sampled_from(["pass", "word", "PASSWORD", "ident", "ified", "IDENTIFIED", "x", " ", "\n",
                                       "ſ", "é"]), max_size=30),
       piece=st.integers(1, 12))
@settings(max_examples=300)
def test_password_is_found_across_the_pieces_a_long_text_is_searched_in(parts, piece):
    """A long text is searched piece by piece (a worker masking a big autosave lets the UI thread
    run between pieces): the answer is the one a single search gives."""
    from aurora_console.core.db import sql_secrets

    text = "".join(parts)
    saved = sql_secrets._QUICK_PIECE
    sql_secrets._QUICK_PIECE = piece  # tiny pieces: words cross their borders
    try:
        assert sql_secrets.names_password(text) == (sql_secrets._QUICK.search(text) is not None)
    finally:
        sql_secrets._QUICK_PIECE = saved
