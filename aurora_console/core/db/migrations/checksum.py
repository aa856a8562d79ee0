"""Checksums of migration scripts: the console's own (sha256) and Flyway's (CRC32).

Both are computed on the decoded text of the file, so a checkout with CRLF line endings or a UTF-8
byte-order mark does not look edited.

* The console's history table stores ``console_checksum``: the sha256 (hex) of the text with its
  line endings normalised to ``\\n`` and the BOM removed.
* Flyway's ``flyway_schema_history`` stores ``flyway_checksum``: a signed 32-bit CRC32. Flyway reads
  the script with a ``BufferedReader`` line by line (a line ends at ``\\n``, ``\\r`` or ``\\r\\n``, and
  the terminator is not part of the line), drops a BOM at the start of the first line, and feeds
  the UTF-8 bytes of every line, without terminators, to one CRC32; the stored value is
  ``(int) crc32.getValue()``, i.e. the unsigned CRC seen as a Java ``int``. Feeding lines one after
  the other to one CRC is the CRC of their concatenation, so the checksum is the CRC32 of the
  text with every ``\\r`` and ``\\n`` removed. An empty file (or one holding only line breaks or a
  BOM) has checksum 0 (the CRC32 of no bytes).
  Source: flyway/flyway ``flyway-core/src/main/java/org/flywaydb/core/internal/resolver/
  ChecksumCalculator.java`` and ``internal/util/BomFilter.java`` (flyway-13.0.0, commit c5e20fc7;
  unchanged in substance since Flyway 6: Flyway 7.0.1 only dropped a ``trimLineBreak`` call that
  had nothing left to trim).

Flyway computes a versioned migration's checksum on the script as it is on disk (placeholders not
replaced); a repeatable migration's checksum is computed after placeholder replacement when
placeholder replacement is on, and the raw checksum is accepted as equivalent
(``SqlMigrationResolver.getChecksumForLoadableResource`` / ``getEquivalentChecksumForLoadableResource``).
"""

from __future__ import annotations

import hashlib
import zlib

_BOM = "\ufeff"
_NO_LINE_BREAKS = str.maketrans("", "", "\r\n")


def console_checksum(text: str) -> str:
    """sha256 hex of ``text`` with line endings normalised to ``\\n`` and a leading BOM removed."""
    if text.startswith(_BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def flyway_checksum(text: str) -> int:
    """Flyway's checksum of a script's decoded text (see the module docs): a signed 32-bit int."""
    if text.startswith(_BOM):
        text = text[1:]
    return to_signed32(zlib.crc32(text.translate(_NO_LINE_BREAKS).encode("utf-8")))


def to_signed32(value: int) -> int:
    """An unsigned 32-bit value as Java's ``(int)`` cast sees it."""
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value
