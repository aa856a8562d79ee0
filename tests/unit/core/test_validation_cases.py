"""Validators that mean what they say (issue 14): the inputs each one got wrong, as cases.

Each case failed before the fix: a trailing newline kept (``re.match`` with ``$``), another
script's digits taken for ASCII ones (``\\d``, ``int("٣") == 3``), or a raw ValueError /
TypeError / AttributeError / OverflowError instead of the project's ValidationError.
"""

from __future__ import annotations

import pytest

from aurora_console.core.aws.backups import windows as bw
from aurora_console.core.aws.backups.backtrack import validate_window_hours
from aurora_console.core.aws.backups.event_subscriptions import validate_topic_arn
from aurora_console.core.aws.backups.settings import validate_retention
from aurora_console.core.aws.backups.snapshot_ids import (
    validate_account_ids,
    validate_kms_key,
    validate_region,
)
from aurora_console.core.aws.fleet.validation import validate_az, validate_tier
from aurora_console.core.aws.metrics.query import validate_stat
from aurora_console.core.aws.metrics.range import RangeError, validate_range
from aurora_console.core.connections.aws_names import validate_parameter_name, validate_secret_id
from aurora_console.core.connections.profile import validate_profile_name
from aurora_console.core.db.content.slug import slug_problem
from aurora_console.core.db.migrations.history import check_identifier
from aurora_console.core.errors import ValidationError
from aurora_console.core.ssh.config import validate_host, validate_port, validate_user
from aurora_console.core.validation import VALUE, not_a_validator, shown, validator
from aurora_console.sandbox.aws_seed import validate_password
from aurora_console.sandbox.postgres_env import PostgresError
from aurora_console.sandbox.postgres_win import server_options

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("call", [
    lambda: validate_parameter_name("/web/blog/db\n"),
    lambda: validate_parameter_name("0\n"),  # the example hypothesis found on main
    lambda: validate_parameter_name("arn:aws:ssm:us-east-1:123456789012:parameter/web/db\n"),
    lambda: validate_parameter_name("arn:aws:ssm:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:parameter/web/db"),
    lambda: validate_secret_id("blog/db\n"),
    lambda: validate_secret_id("arn:aws:secretsmanager:us-east-1:123456789012:secret:blog\n"),
    lambda: validate_stat("p99\n"),
    lambda: validate_stat("p٩٩"),
    lambda: validate_stat("Average\n"),
    lambda: validate_region("eu-west-١"),
    lambda: validate_account_ids("١٢٣٤٥٦٧٨٩٠١٢"),
    lambda: validate_kms_key("arn:aws:kms:eu-west-1:١٢٣٤٥٦٧٨٩٠١٢:key/abc"),
    lambda: validate_topic_arn("arn:aws:sns:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:alerts", "us-east-1"),
    lambda: validate_az("us-east-1-lax-١a", "us-east-1"),
    lambda: validate_tier("١"),
    lambda: validate_retention("٣"),
    lambda: validate_window_hours("٣"),
    lambda: validate_port("٢٢"),
    lambda: bw.parse_backup_window("٠٣:٠٠-٠٣:٣٠"),
    lambda: bw.parse_maintenance_window("sun:٠٥:٠٠-sun:٠٥:٣٠"),
])
def test_trailing_newlines_and_foreign_digits_are_refused(call):
    with pytest.raises(ValidationError):
        call()


@pytest.mark.parametrize("name", ["aurora_console_schema_history\n", "history ", " public", "hist\x00ory",
                                  "histor\u0443", "", None, 7, b"history", ["history"]])
def test_history_table_name_is_the_whole_text(name):
    """A table name with a newline named a second history table (with another lock key)."""
    with pytest.raises(ValidationError) as info:
        check_identifier(name, "table")
    assert isinstance(info.value, ValueError)  # what the migrate CLI catches
    assert check_identifier("aurora_console_schema_history", "table") == "aurora_console_schema_history"


@pytest.mark.parametrize("value", ["²", "٣", "３", "7.0", "1e1", "+7\n-", "9" * 5000, 10**100, -10**100, None,
                                   True, 7.0, b"7", ["7"], "", " "])
def test_retention_refuses_anything_but_a_whole_number(value):
    with pytest.raises(ValidationError):
        validate_retention(value)


@pytest.mark.parametrize("value, days", [(7, 7), ("7", 7), (" 35\n", 35), ("01", 1)])
def test_retention_strips_surrounding_whitespace(value, days):
    assert validate_retention(value) == days


@pytest.mark.parametrize("call", [
    lambda: validate_tier("9" * 5000),  # int() refuses more than 4300 digits with a ValueError
    lambda: validate_tier(10**100),
    lambda: validate_window_hours(10**400),  # float() of it overflows
    lambda: validate_window_hours("1_0"),
    lambda: validate_window_hours("inf"),
    lambda: validate_window_hours(float("nan")),
    lambda: validate_port(float("inf")),
    lambda: validate_port(10**4400),
    lambda: validate_port(b"22"),
    lambda: validate_port(True),
    lambda: validate_host(5),
    lambda: validate_host(["bastion"]),
    lambda: validate_user(5),
    lambda: validate_profile_name(5),
    lambda: validate_parameter_name(5),
    lambda: validate_secret_id(b"blog/db"),
    lambda: validate_stat(10**4400),
    lambda: validate_account_ids([123456789012]),
    lambda: validate_account_ids(b"123456789012"),
])
def test_wrong_types_and_huge_numbers_raise_the_validation_error(call):
    with pytest.raises(ValidationError):
        call()


@pytest.mark.parametrize("start", ["x", None, 10**400, [1]])
def test_metric_range_refuses_non_numbers_with_its_range_error(start):
    with pytest.raises(RangeError):
        validate_range(start, 1_800_000_000.0, 1_800_000_000.0)


@pytest.mark.parametrize("password", [None, 12345678, b"password-123"])
def test_sandbox_password_of_the_wrong_type_is_refused(password):
    with pytest.raises(ValidationError) as info:
        validate_password(password)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("call, expected", [
    (lambda: validate_host(" bastion.example.com\n"), "bastion.example.com"),
    (lambda: validate_user("ec2-user\n"), "ec2-user"),
    (lambda: validate_port(" 22\n"), 22),
    (lambda: validate_port(22.0), 22),
    (lambda: validate_profile_name(" blog \n"), "blog"),
    (lambda: validate_tier(" 3\n"), 3),
    (lambda: validate_window_hours(" 12.5\n"), 12.5),
    (lambda: validate_az("us-east-1a\n", "us-east-1"), "us-east-1a"),
    (lambda: validate_region("eu-west-1\n"), "eu-west-1"),
    (lambda: bw.parse_backup_window("03:00-03:30\n").text(), "03:00-03:30"),
])
def test_validators_that_strip_return_the_stripped_value(call, expected):
    assert call() == expected


def test_slug_with_a_trailing_newline_is_malformed():
    assert slug_problem("my-post") == ""
    assert "lowercase" in slug_problem("my-post\n")


def test_postgres_setting_name_is_the_whole_text():
    assert "-c work_mem=4MB" in server_options("127.0.0.1", 5432, {"work_mem": "4MB"})
    with pytest.raises(PostgresError, match="invalid PostgreSQL setting name"):
        server_options("127.0.0.1", 5432, {"work_mem\n": "4MB"})


def test_registry_decorators_check_their_arguments():
    with pytest.raises(TypeError):
        validator(args=("region",))  # no VALUE: the property test could not call it
    with pytest.raises(TypeError):
        validator(KeyError.__name__)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        not_a_validator(" ")
    with pytest.raises(TypeError):
        validator(args=(VALUE, VALUE))


def test_shown_is_safe_for_any_value():
    assert shown(10**5000) == "a number that large"
    assert shown("x" * 500).endswith("...") and len(shown("x" * 500)) == 80

    class Broken:
        def __repr__(self):
            raise RuntimeError("no")

    assert shown(Broken()) == "<Broken>"


@pytest.mark.parametrize("flag, value", [("--table", "aurora_console_schema_history\n"), ("--schema", "public\n")])
def test_migrate_cli_refuses_a_history_name_with_a_newline_before_connecting(capsys, flag, value):
    """``--table 'name<newline>'`` named a second history table with its own lock key."""
    from aurora_console.cli_migrate import main

    assert main(["migrate", "info", flag, value, "--dsn", "postgresql://127.0.0.1:1/none"]) == 2
    assert "is not a plain identifier" in capsys.readouterr().err
