"""MySQL values as the content editor's text, and the row fingerprint's SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aurora_console.core.db.content.mysql.queries import as_text, row_version


def test_values_as_mysql_prints_them():
    assert as_text(None) is None
    assert as_text("0000-00-00") == "0000-00-00"  # a zero date the driver could not convert
    assert as_text(5) == "5"
    assert as_text(Decimal("12.50")) == "12.50"
    assert as_text(Decimal("1E+3")) == "1000"
    assert as_text(dt.datetime(2026, 11, 27, 14, 30)) == "2026-11-27 14:30:00"
    assert as_text(dt.datetime(2026, 11, 27, 14, 30, 0, 120)) == "2026-11-27 14:30:00.000120"
    assert as_text(dt.date(2026, 1, 2)) == "2026-01-02"
    assert as_text(dt.timedelta(hours=26, minutes=3, seconds=4)) == "26:03:04"
    assert as_text(-dt.timedelta(minutes=1)) == "-00:01:00"
    assert as_text(b"\x00\xff") == "\\x00ff"
    assert as_text(b"a" * 600).endswith("…") and len(as_text(b"a" * 600)) == 2 + 1024 + 1
    assert as_text(0.1) == "0.1"


def test_fingerprint():
    sql = row_version(["id", "title"])
    assert sql == "MD5(CONCAT_WS(',', IFNULL(HEX(CONCAT(t.`id`)), 'N'), IFNULL(HEX(CONCAT(t.`title`)), 'N')))"
    assert row_version(["id"], "") == "MD5(CONCAT_WS(',', IFNULL(HEX(CONCAT(`id`)), 'N')))"


def test_text_columns_are_decoded_without_failing():
    from aurora_console.core.db.content.mysql.queries import decoded, text_expr

    assert decoded(b"caf\xc3\xa9") == "café"
    assert decoded(b"ca\xc3") == "ca\ufffd"  # not valid UTF-8: a replacement character, not an error
    assert decoded(None) is None and decoded(5) == "5"
    assert text_expr("note") == "CAST(CONVERT(t.`note` USING utf8mb4) AS BINARY)"
