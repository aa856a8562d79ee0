"""A connection string kept in the settings (an SQL tab reopened after a restart) has no password:
libpq's own parser decides what the password is, so no spelling of it survives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from aurora_console.core.connections.conninfo import without_password
from aurora_console.ui.sql.feature import strip_password

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("conninfo", "expected"), [
    ("host=h password=s3cret dbname=d", {"host": "h", "dbname": "d"}),
    ("host=h password = 'a b\\' c' dbname=d", {"host": "h", "dbname": "d"}),
    ("postgresql://u:p%40ss@db.example.com:5432/app?sslmode=require",
     {"user": "u", "host": "db.example.com", "port": "5432", "dbname": "app", "sslmode": "require"}),
    ("postgresql://u@db/app?password=s3cret&application_name=x",
     {"user": "u", "host": "db", "dbname": "app", "application_name": "x"}),
])
def test_the_password_goes_and_everything_else_stays(conninfo, expected):
    assert conninfo_to_dict(without_password(conninfo)) == expected
    assert conninfo_to_dict(strip_password(conninfo)) == expected


def test_a_profile_name_is_not_a_connection_string():
    assert strip_password("sandbox-blog") == "sandbox-blog"


def test_a_string_libpq_refuses_keeps_no_password():
    assert "s3cret" not in without_password("host=h password=s3cret 'unbalanced")


@settings(max_examples=200)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20))
def test_no_password_survives_in_any_spelling(password):
    conninfo = make_conninfo("", host="db.example.com", dbname="app", password=password)
    assert "password" not in conninfo_to_dict(without_password(conninfo))
