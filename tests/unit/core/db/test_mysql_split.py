"""MySQL statement splitter: the client's cases (MySQL manual, mysqldump output) and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db.mysql_split import split_mysql
from aurora_console.core.db.sql_split import statement_at

pytestmark = pytest.mark.unit


def texts(script: str, **kw) -> list[str]:
    return [s.text for s in split_mysql(script, **kw)]


def test_simple_offsets_lines():
    script = "select 1;\n  select 2 ;\n\nselect 3"
    stmts = split_mysql(script)
    assert [s.text for s in stmts] == ["select 1", "select 2", "select 3"]
    assert [s.line for s in stmts] == [1, 2, 4]
    assert [s.terminated for s in stmts] == [True, True, False]
    assert stmts[1].stop == script.index(";", 10) + 1
    for s in stmts:
        assert script[s.start:s.end] == s.text


def test_strings_with_backslashes_and_doubled_quotes():
    first = "select 'a;b', 'it''s;', 'x\\';y', \"q\\\";\", \"d\"\";\""
    assert texts(first + ";select 2;") == [first, "select 2"]


def test_backslash_in_string_versus_no_backslash_escapes():
    script = r"select 'a\'; select 2'; select 3;"
    assert texts(script) == [r"select 'a\'; select 2'", "select 3"]
    # NO_BACKSLASH_ESCAPES: a backslash is an ordinary character (the last quote opens a string)
    assert texts(script, backslash_escapes=False) == [r"select 'a\'", "select 2'; select 3;"]


def test_backticks_no_backslash_escape_and_doubled_backtick():
    assert texts("select `a\\`;`x`;") == ["select `a\\`", "`x`"]  # as the MariaDB 10.11 client sends it
    assert texts("select `we``ird;name` from t; select 2") == ["select `we``ird;name` from t", "select 2"]


def test_comments():
    script = (
        "# a hash comment; not a statement\n"
        "select 1 # trailing; comment\n;\n"
        "select 2 -- dash; comment\n;\n"
        "select 3 --not-a-comment\n;\n"
        "select 4 /* block; comment */ + 1;\n"
        "-- only a comment;\n"
    )
    assert texts(script) == ["select 1", "select 2", "select 3 --not-a-comment", "select 4 /* block; comment */ + 1"]


def test_dash_dash_needs_whitespace_or_line_end():
    assert texts("select 5--1;select 6-- x;\n;") == ["select 5--1", "select 6"]
    assert texts("select 7 --\n;") == ["select 7"]
    assert texts("select 8 --\t;\n;") == ["select 8"]
    # at the start of a statement the MariaDB client takes '--x' for a comment
    assert texts("--x; select 1\nselect 9;") == ["select 9"]


def test_version_comments_are_code():
    script = (
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "/*!80000 SET @x = 1 */;\n"
        "/*M!100100 SET @y = 2 */;\n"
        "select 1 /*!50000 , 2 */;\n"
    )
    assert texts(script) == [
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */",
        "/*!80000 SET @x = 1 */",
        "/*M!100100 SET @y = 2 */",
        "select 1 /*!50000 , 2 */",
    ]


def test_delimiter_inside_a_version_comment_ends_the_statement_as_in_the_client():
    # the mysql and mariadb clients read a version comment's content as SQL: the ';' ends it
    assert texts("select /*!40101 15; */ ;") == ["select /*!40101 15", "*/"]


def test_optimizer_hints_are_kept_and_not_split():
    assert texts("select /*+ MAX_EXECUTION_TIME(1000); */ 18; select 2") == [
        "select /*+ MAX_EXECUTION_TIME(1000); */ 18", "select 2"]


def test_delimiter_command_procedure_body():
    script = (
        "DELIMITER //\n"
        "CREATE PROCEDURE p(IN n INT)\n"
        "BEGIN\n"
        "  DECLARE i INT DEFAULT 0;\n"
        "  WHILE i < n DO SET i = i + 1; END WHILE;\n"
        "  SELECT i;\n"
        "END //\n"
        "DELIMITER ;\n"
        "CALL p(3);\n"
    )
    stmts = split_mysql(script)
    assert [s.text for s in stmts] == [
        "CREATE PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n"
        "  WHILE i < n DO SET i = i + 1; END WHILE;\n  SELECT i;\nEND",
        "CALL p(3)",
    ]
    assert [s.line for s in stmts] == [2, 9]
    assert stmts[0].end_line == 7


def test_delimiter_forms():
    assert texts("delimiter $$\nselect 1 $$ select 2$$\ndelimiter ;\nselect 3;") == ["select 1", "select 2", "select 3"]
    # any case, leading spaces, a tab, a quoted argument, words after the argument ignored
    assert texts('  DeLiMiTeR\t"//" ignored words\nselect 1 // select 2//') == ["select 1", "select 2"]
    assert texts("delimiter ;;\nselect 1;; select 2;;") == ["select 1", "select 2"]
    # DELIMITER right after a statement on the same line
    assert texts("select 1; delimiter //\nselect 2 //") == ["select 1", "select 2"]


def test_delimiter_not_a_command_inside_a_statement_or_after_a_comment_on_its_line():
    # inside a statement (nothing ended it) "delimiter" is just a word
    assert texts("select 10 delimiter //\nselect 11 //\n  DELIMITER ;") == [
        "select 10 delimiter //\nselect 11 //\n  DELIMITER"]
    # a column alias
    assert texts("select 1 as mydelimiter , 2;") == ["select 1 as mydelimiter , 2"]
    assert texts("select 1 as delimiter;") == ["select 1 as delimiter"]


def test_refused_delimiter_commands_change_nothing():
    assert texts("delimiter\nselect 1; select 2;") == ["select 1", "select 2"]
    assert texts("delimiter a\\b\nselect 1; select 2;") == ["select 1", "select 2"]


def test_go_commands():
    assert texts("select 20\\g select 21\\G\nSHOW ENGINE INNODB STATUS\\G") == [
        "select 20", "select 21", "SHOW ENGINE INNODB STATUS"]
    assert texts("select '\\g'; select 1") == ["select '\\g'", "select 1"]


def test_unterminated_string_runs_to_the_end():
    stmts = split_mysql("select 1; select 'abc; select 2;")
    assert [s.text for s in stmts] == ["select 1", "select 'abc; select 2;"]
    assert not stmts[1].terminated


def test_empty_and_comment_only_pieces_are_dropped():
    assert texts(";;  ; /* x */ ; # y\n -- z\n") == []
    assert texts("") == []


def test_mysqldump_excerpt():
    script = (
        "-- MariaDB dump 10.19\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "/*!40103 SET TIME_ZONE='+00:00' */;\n"
        "DROP TABLE IF EXISTS `t`;\n"
        "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `s` varchar(20) DEFAULT NULL\n)"
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
        "LOCK TABLES `t` WRITE;\n"
        "INSERT INTO `t` VALUES (1,'a;b'),(2,'it\\'s'),(3,'x\\\\');\n"
        "UNLOCK TABLES;\n"
        "DELIMITER ;;\n"
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr` BEFORE INSERT ON `t` "
        "FOR EACH ROW BEGIN SET NEW.s = 'z'; END */;;\n"
        "DELIMITER ;\n"
    )
    got = texts(script)
    assert len(got) == 8
    assert got[5] == "INSERT INTO `t` VALUES (1,'a;b'),(2,'it\\'s'),(3,'x\\\\')"
    assert got[7].startswith("/*!50003 CREATE*/") and got[7].endswith("END */")


def test_statement_at_works_with_mysql_statements():
    script = "select 1;\nselect 2;"
    stmts = split_mysql(script)
    assert statement_at(stmts, script.index("2")).text == "select 2"


def test_bad_initial_delimiter_refused():
    with pytest.raises(ValueError):
        split_mysql("select 1", delimiter="")
    with pytest.raises(ValueError):
        split_mysql("select 1", delimiter="\\")


# --- properties ------------------------------------------------------------------------------------

_WORDS = st.sampled_from(["select", "1", "a", "from", "t", ",", "(", ")", "+", "-", "*", "/", "=", "$", ".", "@x"])
_STRINGS = st.builds(lambda q, body: q + body.replace(q, q + q).replace("\\", "\\\\") + q,
                     st.sampled_from(["'", '"', "`"]),
                     st.text(alphabet="ab;# -*/\n'\"`$\\", max_size=8))
_COMMENTS = st.one_of(
    st.builds(lambda b: "/*" + b.replace("*/", "") + "*/", st.text(alphabet="ab;'\"`# -\n", max_size=8)),
    st.builds(lambda b: "# " + b + "\n", st.text(alphabet="ab;'\"`/*", max_size=8)),
    st.builds(lambda b: "-- " + b + "\n", st.text(alphabet="ab;'\"`/*", max_size=8)),
)
_SPACE = st.sampled_from([" ", "\n", "\t", "  "])


@st.composite
def statements(draw) -> str:
    """A statement that starts and ends with a word, with strings, identifiers and comments inside."""
    parts = draw(st.lists(st.one_of(_WORDS, _STRINGS, _COMMENTS), min_size=0, max_size=8))
    out = [draw(_WORDS)]
    for p in parts:
        out.append(draw(_SPACE))
        out.append(p)
    out.append(draw(_SPACE))
    out.append(draw(_WORDS))
    return "".join(out)


@st.composite
def scripts(draw) -> tuple[str, list[str]]:
    """A script of statements, some behind a DELIMITER change, and the statements' texts."""
    body = draw(st.lists(statements(), min_size=1, max_size=6))
    delimiter = ";"
    out = []
    for stmt in body:
        if draw(st.booleans()) and draw(st.booleans()):
            delimiter = draw(st.sampled_from([";", "$$", "//", ";;", "@@"]))
            out.append(f"\nDELIMITER {delimiter}\n")
        out.append(stmt + draw(_SPACE) + delimiter + draw(st.sampled_from(["", " ", "\n", " -- after\n", " # c\n"])))
    return "".join(out), body


@settings(max_examples=300)
@given(scripts())
def test_round_trip_and_never_splits_inside_strings_or_comments(case):
    """Joined back, the statements are the script less its delimiters, DELIMITER lines and edge
    comments; a delimiter inside a string, identifier or comment never splits."""
    script, body = case
    stmts = split_mysql(script)
    assert [s.text for s in stmts] == body
    for s in stmts:
        assert script[s.start:s.end] == s.text
        assert s.terminated
        assert s.start < s.end < s.stop


@settings(max_examples=300)
@given(st.text(alphabet="ab ;'\"`#-/*!+\\\n$DELIMTR", max_size=60))
def test_any_text_tiles_into_ordered_statements(script):
    """On any input: offsets are ordered, in range, and each statement's text is its slice."""
    stmts = split_mysql(script)
    last = 0
    for s in stmts:
        assert last <= s.start < s.end <= s.stop <= len(script)
        assert script[s.start:s.end] == s.text
        assert s.text == s.text.lstrip(" \t\n\r\f\v")
        if s.terminated:  # an unterminated string runs to the end, spaces included
            assert s.text == s.text.rstrip(" \t\n\r\f\v")
        last = s.stop


def test_delimiter_lines_for_the_editor():
    from aurora_console.core.db.mysql_split import delimiter_lines

    text = "select 1;\nDELIMITER //\ncreate ... //\n  delimiter \"$$\" words\nDelimiter ;\nselect delimiter 5;"
    assert delimiter_lines(text) == [(text.index("create"), "//"), (text.index("Delimiter ;"), "$$"),
                                     (text.index("select delimiter"), ";")]
    assert delimiter_lines("delimiter a\\b\n") == []


_REFERENCE_DELIMITER_LINE = re.compile(
    r"""^[ \t]*(?i:delimiter)[ \t]+(?:(['"`])(.+?)\1|([^ \t\r\n]+))[^\n]*(?:\n|\Z)""", re.M)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["delimiter", "DELIMITER", "DeLiMiTeR", " ", "\t", "\n", "//", "$$", ";", "'",
                                  "\\", "x", "İ"]), max_size=30).map("".join))
def test_delimiter_lines_is_the_line_scan(text):
    """The quick scan finds exactly the lines a multi-line expression over the whole text finds."""
    from aurora_console.core.db.mysql_split import delimiter_lines

    expected = []
    for m in _REFERENCE_DELIMITER_LINE.finditer(text):
        value = m.group(2) if m.group(1) else m.group(3)
        if value and "\\" not in value:
            expected.append((m.end(), value))
    assert delimiter_lines(text) == expected
