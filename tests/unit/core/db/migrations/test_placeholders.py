"""Placeholders as Flyway replaces them (``PlaceholderReplacingReader``, ``ParsingContext``;
github.com/flyway/flyway flyway-core/src/main/java/org/flywaydb/core/internal/parser/), and which
checksum they change (``SqlMigrationResolver.getChecksumForLoadableResource``: repeatables only)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.files import discover
from aurora_console.core.db.migrations.placeholders import PlaceholderError, Placeholders
from aurora_console.core.db.migrations.prepared import Preparer


def test_replacement_everywhere_and_case_insensitive():
    p = Placeholders({"Owner": "app", "flyway:defaultSchema": "s"})
    sql = "GRANT ALL ON ${flyway:defaultSchema}.t TO ${owner}; -- ${OWNER}\nSELECT '${Owner}';"
    assert p.replace(sql) == "GRANT ALL ON s.t TO app; -- app\nSELECT 'app';"


def test_unknown_placeholder_names_file_and_line():
    p = Placeholders({"a": "1"})
    with pytest.raises(PlaceholderError) as e:
        p.replace("SELECT ${a};\n\nSELECT ${missing};", "V2__x.sql")
    assert e.value.message == "V2__x.sql, line 3: no value provided for placeholder: ${missing}"
    with pytest.raises(PlaceholderError, match="failed to populate value for default placeholder: \\$\\{flyway:nope\\}"):
        p.replace("${flyway:nope}", "V2__x.sql")
    with pytest.raises(PlaceholderError, match="line 2: placeholder \\$\\{abc... has no closing suffix"):
        p.replace("x\n${abc", "V2__x.sql")


def test_custom_syntax_filename_and_disabled():
    p = Placeholders({"x": "1"}, prefix="#[", suffix="]")
    assert p.replace("SELECT #[x], '${x}', #[flyway:filename]", filename="V1__a.sql") == "SELECT 1, '${x}', V1__a.sql"
    assert Placeholders({}, enabled=False).replace("${anything}") == "${anything}"
    with pytest.raises(ValueError):
        Placeholders(prefix="")


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@given(st.dictionaries(_NAMES, st.text(max_size=10), min_size=1, max_size=5),
       st.lists(st.one_of(st.text(alphabet="ab ;'\n-$}", max_size=8), _NAMES.map(lambda n: ("ph", n))), max_size=10))
def test_replace_is_substitution(values, parts):
    """Property: text built from plain pieces (no '${') and known placeholders becomes the pieces
    with each placeholder swapped for its value."""
    known = list(values)
    source, expected = [], []
    for i, part in enumerate(parts):
        if isinstance(part, tuple):
            name = known[i % len(known)]
            source.append("${" + name + "}")
            expected.append(values[name])
        else:
            source.append(part)  # the alphabet has no '{': a plain piece never forms a placeholder
            expected.append(part)
    assert Placeholders(values).replace("".join(source)) == "".join(expected)


def test_only_repeatables_are_checksummed_after_replacement(tmp_path):
    (tmp_path / "V1__t.sql").write_text("CREATE TABLE ${t} (a int);")
    (tmp_path / "R__v.sql").write_text("CREATE OR REPLACE VIEW v AS SELECT * FROM ${t};")
    raw = discover(tmp_path)
    one = Preparer(Placeholders({"t": "one"})).with_repeatable_checksums(raw)
    two = Preparer(Placeholders({"t": "two"})).with_repeatable_checksums(raw)
    by = {m.script: m for m in raw.migrations}
    by1 = {m.script: m for m in one.migrations}
    by2 = {m.script: m for m in two.migrations}
    # Versioned: the file as written, whatever the values.
    assert by1["V1__t.sql"].checksum == by2["V1__t.sql"].checksum == by["V1__t.sql"].checksum
    assert by1["V1__t.sql"].flyway_checksum == by["V1__t.sql"].flyway_checksum
    # Repeatable: the replaced text, so a new value makes it run again.
    assert by1["R__v.sql"].checksum != by2["R__v.sql"].checksum
    assert by1["R__v.sql"].flyway_checksum != by["R__v.sql"].flyway_checksum
    assert by1["R__v.sql"].sql == by["R__v.sql"].sql  # the text kept is the file's


def test_prepare_replaces_and_decides(tmp_path):
    (tmp_path / "V1__i.sql").write_text("CREATE INDEX CONCURRENTLY i ON ${t} (a);")
    (tmp_path / "V2__raw.sql").write_text("SELECT '${not_a_placeholder}';")
    (tmp_path / "V2__raw.sql.conf").write_text("placeholderReplacement=false\n")
    (tmp_path / "V3__bad.sql").write_text("SELECT 1;\n${nope};")
    migs = discover(tmp_path).migrations
    prepared, problems = Preparer(Placeholders({"t": "tab"})).prepare_all(migs)
    assert [p.script for p in prepared] == ["V1__i.sql", "V2__raw.sql"]
    assert prepared[0].sql == "CREATE INDEX CONCURRENTLY i ON tab (a);"
    assert prepared[0].transaction.reason == "CREATE INDEX CONCURRENTLY at line 1"
    assert prepared[1].sql == "SELECT '${not_a_placeholder}';"
    assert [(p.script, p.kind, p.message) for p in problems] == [
        ("V3__bad.sql", "placeholder", "line 2: no value provided for placeholder: ${nope}")]
