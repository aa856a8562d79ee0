"""The post form's timestamp parse matches the whole text in ASCII digits (issue 14): a value
with another script's digits is shown as it is, not converted as if it were a timestamp."""

from __future__ import annotations

import pytest

from aurora_console.ui.content.post_form import display_timestamp

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("raw", ["2026-10-01 11:51:47+0٢", "2026-10-01 11:51:47+٠٢", "2026-10-01 1١:51:47+02",
                                 "2026-10-01 11:51:47+02x", "x2026-10-01 11:51:47+02"])
def test_text_that_is_not_a_whole_ascii_timestamp_is_shown_unchanged(raw):
    assert display_timestamp(raw) == raw


def test_surrounding_whitespace_is_stripped_before_the_parse():
    assert display_timestamp("2026-10-01 11:51:47+02\n") == "2026-10-01 09:51:47 UTC"
