"""The failure text a MySQL history row carries in its description, and Flyway's lock name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.mysql.history import (
    description_with_failure,
    failure_text,
    flyway_create_statements,
    split_failure,
)
from aurora_console.core.db.migrations.mysql.lock import java_string_hash, lock_name


def test_failure_text():
    assert failure_text(3, 4, 7, 2) == "failed at statement 3 of 4, line 7; statements 1-2 stay applied"
    assert failure_text(2, 2, None, 1) == "failed at statement 2 of 2; statement 1 stays applied"


@given(st.text(max_size=250), st.integers(1, 500), st.integers(1, 500), st.integers(1, 10**6), st.integers(1, 500))
def test_description_with_failure_round_trips_and_fits_flyways_column(desc, reached, total, line, kept):
    failure = failure_text(reached, total, line, kept)
    column = description_with_failure(desc, failure)
    assert len(column) <= 200
    head, found = split_failure(column)
    assert found == failure
    if len(column) < 200:
        assert head == desc


def test_a_description_without_failure_is_left_alone():
    assert split_failure("add orders (v2)") == ("add orders (v2)", "")


def test_flyway_ddl_names():
    create, index = flyway_create_statements("shop", "flyway_schema_history")
    assert create.startswith("CREATE TABLE `shop`.`flyway_schema_history` (")
    assert "`checksum` INT," in create and "`success` BOOL NOT NULL" in create
    assert "CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)" in create
    assert index == "CREATE INDEX `flyway_schema_history_s_idx` ON `shop`.`flyway_schema_history` (`success`)"


def test_lock_name_is_flyways():
    assert java_string_hash("") == 0
    assert java_string_hash("hello") == 99162322  # Java: "hello".hashCode()
    assert java_string_hash("\u00e9t\u00e9") == (0xE9 * 31 * 31 + ord("t") * 31 + 0xE9)
    name = lock_name("a_database_name_of_sixty_four_characters_xxxxxxxxxxxxxxxxxxxxxxx", "flyway_schema_history")
    assert name.startswith("Flyway-") and len(name) <= 64
