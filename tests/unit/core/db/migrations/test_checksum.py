"""Flyway's checksum, derived from its source and checked against a second, naive implementation.

Flyway (flyway/flyway, flyway-13.0.0, commit c5e20fc77341d4117e7a291214e23f89c1371516):
flyway-core/src/main/java/org/flywaydb/core/internal/resolver/ChecksumCalculator.java reads the
script through ``BufferedReader.readLine()`` (a line ends at LF, CR or CRLF; the terminator is not
returned; a final terminator does not start another line), strips a BOM from the first line
(internal/util/BomFilter.java) and calls ``crc32.update(line.getBytes(UTF_8))`` for every line, then
stores ``(int) crc32.getValue()``. The naive implementation below follows those steps literally:
a readLine loop, one ``zlib.crc32`` update per line, a Java int cast.

Checked once against checksums Flyway itself recorded: a public pg_dump of a database Flyway
migrated (19 rows of flyway_schema_history, versions 0.00 to 0.18) matched ``flyway_checksum`` over
the same files found in the history of github.com/nbao0208/training_material (19 of 19; the files
are not vendored here, so that check is not part of the suite).
"""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.checksum import console_checksum, flyway_checksum, to_signed32
from aurora_console.core.db.migrations.files import normalise

pytestmark = pytest.mark.unit


def java_read_lines(text: str) -> list[str]:
    """BufferedReader.readLine semantics, character by character."""
    lines, current, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c in "\r\n":
            lines.append("".join(current))
            current = []
            if c == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
                i += 1
        else:
            current.append(c)
        i += 1
    if current:
        lines.append("".join(current))
    return lines


def naive_flyway_checksum(text: str) -> int:
    lines = java_read_lines(text)
    crc = 0
    for n, line in enumerate(lines):
        if n == 0 and line.startswith("\ufeff"):
            line = line[1:]
        crc = zlib.crc32(line.encode("utf-8"), crc)
    return crc - 2**32 if crc >= 2**31 else crc


def test_known_values():
    # An empty script: no line is read, the CRC32 of nothing is 0.
    assert flyway_checksum("") == 0
    # Only line breaks or a BOM: the lines are empty, still the CRC32 of nothing.
    assert flyway_checksum("\n\r\n\r") == 0 and flyway_checksum("\ufeff") == 0
    # The CRC-32 check value from the CRC catalogue: crc32("123456789") = 0xCBF43926, which as a
    # Java int is 0xCBF43926 - 2**32 = -873187034.
    assert flyway_checksum("123456789") == -873187034
    assert flyway_checksum("1234\n56789\n") == -873187034  # line terminators are not checksummed
    assert flyway_checksum("\ufeff1234\r\n56789") == -873187034  # nor is the BOM
    # A BOM that is not at the start of the file is part of a line.
    assert flyway_checksum("1234\n\ufeff56789") != -873187034


def test_signed_conversion():
    assert to_signed32(0) == 0 and to_signed32(0x7FFFFFFF) == 2**31 - 1
    assert to_signed32(0x80000000) == -(2**31) and to_signed32(0xFFFFFFFF) == -1


@given(st.text(alphabet=st.sampled_from(list("ab é€\U0001f600\r\n\t;\ufeff")), max_size=60))
def test_matches_the_naive_line_by_line_implementation(text):
    assert flyway_checksum(text) == naive_flyway_checksum(text)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                        max_size=20), max_size=8),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), st.booleans())
def test_line_endings_bom_and_normalising_do_not_change_it(lines, eol, bom, trailing):
    text = eol.join(lines) + (eol if trailing and lines else "")
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    unix = "\n".join(lines)
    assert flyway_checksum(raw.decode("utf-8")) == flyway_checksum(unix)
    # the engine checksums the normalised text: same value as Flyway's over the raw file
    assert flyway_checksum(normalise(raw)) == naive_flyway_checksum(raw.decode("utf-8"))
    assert console_checksum(normalise(raw)) == console_checksum(unix + (eol if trailing and lines else "")
                                                                .replace("\r\n", "\n").replace("\r", "\n"))


def test_a_real_migration_file_value():
    """A typical file, hard-coded: zlib.crc32 of its lines joined without terminators."""
    text = "-- users\r\nCREATE TABLE users (\r\n  id bigint PRIMARY KEY\r\n);\r\n"
    body = b"-- usersCREATE TABLE users (  id bigint PRIMARY KEY);"
    expected = zlib.crc32(body)
    expected = expected - 2**32 if expected >= 2**31 else expected
    assert flyway_checksum(text) == expected == naive_flyway_checksum(text)
