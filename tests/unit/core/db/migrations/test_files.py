"""Discovery: what the engine finds in a folder, and the bad files it reports (never skips)."""

import pytest

from aurora_console.core.db.migrations import discover
from aurora_console.core.db.migrations.files import checksum_of, normalise

pytestmark = pytest.mark.unit


def write(folder, name, content):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def kinds(d):
    return {(p.script, p.kind) for p in d.problems}


def test_orders_versioned_numerically_then_repeatables(tmp_path):
    for name in ["V10__ten.sql", "V2__two.sql", "V1_1__one_one.sql", "V1__one.sql", "R__views.sql",
                 "sub/V3__in_sub.sql", "README.md", "notes.txt"]:
        write(tmp_path, name, "SELECT 1;")
    d = discover(tmp_path)
    assert d.problems == []
    assert [m.script for m in d.migrations] == [
        "V1__one.sql", "V1_1__one_one.sql", "V2__two.sql", "sub/V3__in_sub.sql", "V10__ten.sql", "R__views.sql"]
    assert d.migrations[1].description == "one one"


def test_misnamed_sql_files_are_ignored_with_a_warning_naming_them(tmp_path):
    """Flyway ignores .sql files that are not migrations ('detected but not run because they did not
    follow the filename convention'); validateMigrationNaming=true makes them a failure
    (flyway-core/.../internal/resource/ResourceNameValidator.java, flyway-13.0.0)."""
    write(tmp_path, "V1__ok.sql", "SELECT 1;")
    write(tmp_path, "v2__lower.sql", "SELECT 1;")
    write(tmp_path, "V3-dash.sql", "SELECT 1;")
    write(tmp_path, "create.sql", "SELECT 1;")
    d = discover(tmp_path)
    assert [m.script for m in d.migrations] == ["V1__ok.sql"] and d.problems == []
    assert sorted(d.ignored) == ["V3-dash.sql", "create.sql", "v2__lower.sql"]
    assert {(w.script, w.kind) for w in d.warnings} == {
        ("v2__lower.sql", "ignored_file"), ("V3-dash.sql", "ignored_file"), ("create.sql", "ignored_file")}
    strict = discover(tmp_path, strict_naming=True)
    assert kinds(strict) == {("v2__lower.sql", "bad_name"), ("V3-dash.sql", "bad_name"), ("create.sql", "bad_name")}
    assert all("malformed file name" in p.message for p in strict.problems) and strict.warnings == []


def test_callbacks_conf_files_and_undo_scripts_are_not_migrations(tmp_path):
    write(tmp_path, "V1__a.sql", "SELECT 1;")
    write(tmp_path, "V1__a.sql.conf", "executeInTransaction=false\n")
    write(tmp_path, "beforeMigrate.sql", "SELECT 1;")
    write(tmp_path, "afterEachMigrate__audit.sql", "SELECT 1;")
    write(tmp_path, "U1__a.sql", "DROP TABLE a;")
    write(tmp_path, "V2__upper_suffix.SQL", "SELECT 2;")  # Flyway matches the suffix in any case
    d = discover(tmp_path, strict_naming=True)
    assert d.problems == [] and d.warnings == []
    assert [m.script for m in d.migrations] == ["V1__a.sql", "V2__upper_suffix.SQL"]
    assert [(u.script, str(u.version)) for u in d.undo] == [("U1__a.sql", "1")]


def test_duplicate_versions(tmp_path):
    write(tmp_path, "V1__a.sql", "SELECT 1;")
    write(tmp_path, "V1.0__b.sql", "SELECT 1;")
    write(tmp_path, "R__x.sql", "SELECT 1;")
    write(tmp_path, "sub/R__x.sql", "SELECT 2;")
    d = discover(tmp_path)
    msgs = {p.script: p.message for p in d.problems if p.kind == "duplicate"}
    assert "also used by V1.0__b.sql" in msgs["V1__a.sql"]
    assert any("repeatable" in m for m in msgs.values())
    assert len(msgs) == 2


def test_empty_and_comment_only_files_are_migrations(tmp_path):
    """Flyway applies and records them (projects keep them to align version numbers)."""
    write(tmp_path, "V1__empty.sql", "")
    write(tmp_path, "V2__comments.sql", "-- nothing here\n/* still nothing */\n")
    d = discover(tmp_path)
    assert d.problems == []
    assert [(m.script, m.statements) for m in d.migrations] == [("V1__empty.sql", []), ("V2__comments.sql", [])]
    assert d.migrations[0].flyway_checksum == 0  # the CRC32 of no bytes


def test_non_utf8_file_names_the_line(tmp_path):
    write(tmp_path, "V1__latin1.sql", "SELECT 1;\nSELECT 'caf\u00e9';\n".encode("latin-1"))
    d = discover(tmp_path)
    (p,) = d.problems
    assert p.kind == "encoding" and "line 2" in p.message and "0xe9" in p.message


def test_no_transaction_directive_and_unknown_directive(tmp_path):
    write(tmp_path, "V1__idx.sql", "-- aurora-console: no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n")
    write(tmp_path, "V2__typo.sql", "-- aurora-console: no-transactoin\nSELECT 1;\n")
    d = discover(tmp_path)
    assert d.migrations[0].no_transaction
    assert kinds(d) == {("V2__typo.sql", "directive")}


def test_checksum_ignores_line_endings_and_bom(tmp_path):
    a = write(tmp_path, "V1__a.sql", b"SELECT 1;\nSELECT 2;\n")
    b = write(tmp_path / "crlf", "V1__a.sql", b"\xef\xbb\xbfSELECT 1;\r\nSELECT 2;\r\n")
    assert checksum_of(normalise(a.read_bytes())) == checksum_of(normalise(b.read_bytes()))
    assert discover(tmp_path / "crlf").migrations[0].checksum == discover(tmp_path).migrations[0].checksum
    assert discover(tmp_path / "crlf").migrations[0].flyway_checksum == discover(tmp_path).migrations[0].flyway_checksum


def test_version_text_is_kept_as_written(tmp_path):
    write(tmp_path, "V04_11__x.sql", "SELECT 1;")
    write(tmp_path, "V4_2__y.sql", "SELECT 1;")
    d = discover(tmp_path)
    assert [str(m.version) for m in d.migrations] == ["4.2", "04.11"]  # 4.2 < 4.11, text as written
    assert d.migrations[1].description == "x"


def test_missing_folder(tmp_path):
    d = discover(tmp_path / "nope")
    assert d.migrations == [] and d.problems[0].kind == "folder"


def test_unreadable_file_is_a_problem_naming_it_not_a_crash(tmp_path):
    # A dangling symlink (a checkout missing its target) and a .sql.conf that is a folder: before,
    # discover() raised FileNotFoundError / IsADirectoryError and `migrate info` printed a traceback.
    write(tmp_path, "V1__ok.sql", "SELECT 1;")
    (tmp_path / "V2__gone.sql").symlink_to(tmp_path / "nowhere.sql")
    write(tmp_path, "V3__x.sql", "SELECT 3;")
    (tmp_path / "V3__x.sql.conf").mkdir()
    d = discover(tmp_path)
    assert [m.script for m in d.migrations] == ["V1__ok.sql"]
    by_script = {p.script: p for p in d.problems}
    assert set(by_script) == {"V2__gone.sql", "V3__x.sql"}
    assert by_script["V2__gone.sql"].kind == "unreadable"
    assert "cannot read" in by_script["V2__gone.sql"].message
    assert by_script["V3__x.sql"].kind == "script_config" and "V3__x.sql.conf" in by_script["V3__x.sql"].message


def test_file_name_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path):
    # A Latin-1 name on a UTF-8 system reaches Python with a surrogate ('caf\udce9'); before, it was
    # listed as pending and `migrate` died writing it to the history table (UnicodeEncodeError).
    import os

    write(tmp_path, "V2__ok.sql", "SELECT 2;")
    with open(os.path.join(os.fsencode(tmp_path), b"V1__caf\xe9.sql"), "wb") as fh:
        fh.write(b"SELECT 1;")
    d = discover(tmp_path)
    assert [m.script for m in d.migrations] == ["V2__ok.sql"]
    (p,) = d.problems
    assert p.kind == "encoding" and "file name is not valid UTF-8" in p.message
    assert p.script == "V1__caf\\xe9.sql"  # shown with the byte escaped, printable anywhere
