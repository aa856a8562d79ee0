"""One property test over every input validator of the code base (issue 14).

The validators are found through the registry in :mod:`aurora_console.core.validation`; every
module of the package is imported first so each ``@validator`` has run. A module-level function
named ``validate_*`` or ``check_*`` that is neither registered nor marked ``@not_a_validator``
fails :func:`test_every_validator_is_registered`, so a new validator is covered without editing
this file.

The property, for arbitrary input (any text including control characters, newlines and non-ASCII
digits; text built from valid values with whitespace and foreign digits; ``None``; huge ints;
floats; bytes; lists; other objects): the validator returns a value or raises its registered
validation error, nothing else. An accepted value has no surrounding whitespace (a trailing
newline is stripped or refused, never kept), text with a non-ASCII digit is never accepted, and
an accepted value validates again to the same value (round trip).
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import warnings
from datetime import datetime, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aurora_console
from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import Validator, registered

pytestmark = pytest.mark.unit

PREFIXES = ("validate_", "check_")


def _all_modules() -> list:
    with warnings.catch_warnings():  # third-party import-time deprecations are not this test's subject
        warnings.simplefilter("ignore")
        return [importlib.import_module(m.name)
                for m in pkgutil.walk_packages(aurora_console.__path__, "aurora_console.")
                if m.name.rsplit(".", 1)[-1] != "__main__"]


MODULES = _all_modules()
VALIDATORS = registered()

# Valid values of the validators (and near misses): the mutations below turn them into the inputs
# that matter (a valid name with a trailing newline, with foreign digits, ...). One pool for all:
# a validator given another one's valid value must still answer with its own error.
VALID_LOOKING = [
    "/web/blog/database/secret", "plain_name", "blog/db", "rds!cluster-abc",
    "arn:aws:ssm:us-east-1:123456789012:parameter/web/blog/db",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf",
    "arn:aws:sns:us-east-1:123456789012:blog-alerts",
    "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/aws/rds",
    "blog", "blog-snap-1", "db.r6g.large", "db.serverless", "us-east-1a", "us-east-1-lax-1a", "eu-west-1",
    "123456789012", "111122223333, 444455556666", "p99", "tm90", "p99.9", "Average", "0", "1", "7", "15", "35",
    "22", "5432", "65535", "12.5", ".5", "72", "03:00-03:30", "23:30-00:30", "sun:23:00-sun:23:30",
    "sun:05:00-sun:05:30", "2026-11-27T08:00:00Z", "2026-11-27 08:00:00", "latest",
    "aurora_console_schema_history", "public", "bastion.example.com", "[::1]", "127.0.0.1", "ec2-user",
    "postgres", "my profile", "Secret-pw-123", "1800000000", "flyway", "console", "auto",
]
FOREIGN_DIGITS = ["²", "٣", "١٢", "１", "߁", "𝟗", "৩", "Ⅻ", "½", "²²"]
EDGES = ["\n", "\r\n", " ", "\t", "\x00", "\x0b", "\u2028", "\u00a0", "\u200b"]


def _replace_digits(text: str, digit: str) -> str:
    return "".join(digit if c.isdigit() else c for c in text)


valid_looking = st.sampled_from(VALID_LOOKING)
mutated = st.one_of(
    st.builds(lambda v, e: v + e, valid_looking, st.sampled_from(EDGES)),
    st.builds(lambda v, e: e + v, valid_looking, st.sampled_from(EDGES)),
    st.builds(lambda v, e, i: v[:i] + e + v[i:], valid_looking, st.sampled_from(EDGES), st.integers(0, 40)),
    st.builds(_replace_digits, valid_looking, st.sampled_from(FOREIGN_DIGITS)),
    st.builds(lambda v, d, i: v[:i] + d + v[i:], valid_looking, st.sampled_from(FOREIGN_DIGITS),
              st.integers(0, 40)),
    st.builds(lambda v, n: v * n, valid_looking, st.integers(2, 60)),
)
huge_ints = st.sampled_from([10**100, -10**100, 10**400, 2**63, -(2**63), 10**4400])
other_types = st.one_of(
    st.none(), st.booleans(), st.integers(), huge_ints, st.floats(), st.binary(max_size=20),
    st.sampled_from([b"7", b"blog", b"/web/blog/db", bytearray(b"22"), 7.0, 22.5, complex(1, 1)]),
    st.lists(st.one_of(st.text(max_size=12), st.integers(), valid_looking), max_size=5),
    st.tuples(valid_looking), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just(object()), st.just(datetime(2026, 11, 27, 8, tzinfo=timezone.utc)), st.just(datetime(2026, 11, 27, 8)),
)
any_input = st.one_of(
    st.text(),  # every code point: control characters, newlines, other scripts' digits
    st.text(st.sampled_from("0123456789:-./ \n\tapsmunwetbd²٣")),
    valid_looking, mutated, st.sampled_from(["", " ", "\n", "\x00", "9" * 5000, "1" * 4301]), other_types,
)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in _strings(item)]
    return []


def _has_foreign_digit(value) -> bool:
    return isinstance(value, str) and any(c.isdigit() or c.isnumeric() for c in value if not c.isascii())


def _shown(value) -> str:
    """A short repr, also for ints too large for str()."""
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"<int of {value.bit_length()} bits>"
    return repr(value)[:200]


def check_validator(v: Validator, value) -> None:
    """Assert the property for one validator and one input (plain function: reused below)."""
    try:
        result = v(value)
    except v.error:
        return
    except Exception as exc:  # noqa: BLE001 - the point: any other error is a defect
        pytest.fail(f"{v.name}({_shown(value)}) raised {type(exc).__name__}: {exc!s:.200} "
                    f"instead of {v.error.__name__}")
    shown = v.input_of(result)
    for s in _strings(shown):
        assert s == s.strip(), f"{v.name}({_shown(value)}) accepted and kept surrounding whitespace: {_shown(s)}"
        if isinstance(value, str) and value.endswith("\n"):
            assert "\n" not in s, f"{v.name}({_shown(value)}) kept the trailing newline: {_shown(s)}"
    assert not _has_foreign_digit(value), f"{v.name} accepted non-ASCII digits: {_shown(value)} -> {_shown(result)}"
    if result is None:
        return  # a check that only refuses (or 'latest' for a restore time): nothing to validate again
    try:
        again = v(shown)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{v.name} accepted {_shown(value)} as {_shown(result)} but refuses that: {exc!s:.200}")
    assert v.input_of(again) == shown and again == result, f"{v.name}: {result!r} -> {again!r} (no round trip)"


def test_the_registry_holds_the_known_validators():
    names = {v.name.rsplit(".", 1)[-1] for v in VALIDATORS}
    assert {"validate_parameter_name", "validate_secret_id", "validate_stat", "check_identifier",
            "validate_retention", "validate_backup_window", "parse_backup_window", "validate_identifier",
            "validate_account_ids", "validate_topic_arn", "validate_host", "validate_user", "validate_port",
            "validate_profile_name", "validate_window_hours", "parse_restore_time"} <= names
    assert all(issubclass(v.error, ValidationError) for v in VALIDATORS), \
        [v.name for v in VALIDATORS if not issubclass(v.error, ValidationError)]


@pytest.mark.parametrize("v", VALIDATORS, ids=lambda v: v.name.removeprefix("aurora_console."))
def test_each_validator_says_whether_it_strips_or_refuses_whitespace(v):
    doc = " ".join((v.func.__doc__ or "").split()).lower()
    assert re.search(r"strip|refuse|(?:times|values) are numbers", doc), \
        f"{v.name}: say in the docstring whether surrounding whitespace is stripped or refused"


def test_every_validator_is_registered():
    """Module-level ``validate_*``/``check_*`` functions are validators unless marked otherwise."""
    unregistered = []
    for module in MODULES:
        for name, func in vars(module).items():
            if (inspect.isfunction(func) and func.__module__ == module.__name__ and name.startswith(PREFIXES)
                    and not hasattr(func, "__validator__") and not getattr(func, "__not_a_validator__", "")):
                unregistered.append(f"{module.__name__}.{name}")
    assert unregistered == [], (
        "register these with @validator (aurora_console.core.validation) so the property test covers them, "
        f"or mark them @not_a_validator(reason): {unregistered}")


@pytest.mark.parametrize("v", VALIDATORS, ids=lambda v: v.name.removeprefix("aurora_console."))
@settings(max_examples=int(os.environ.get("VALIDATOR_EXAMPLES", "300")))
@given(value=any_input)
@example(value="0\n")
@example(value="²")
@example(value="٣")
@example(value=None)
@example(value=10**100)
def test_validator_returns_a_clean_value_or_its_own_error(v, value):
    check_validator(v, value)


@pytest.mark.parametrize("v", VALIDATORS, ids=lambda v: v.name.removeprefix("aurora_console."))
def test_no_validator_keeps_a_trailing_newline_of_a_value_it_accepts(v):
    """Deterministic: every value of the pool the validator accepts, with a newline (or CR LF,
    or spaces) around it, is stripped or refused."""
    accepted = []
    for base in VALID_LOOKING:
        try:
            v(base)
        except v.error:
            continue
        accepted.append(base)
        for edge in EDGES:
            check_validator(v, base + edge)
            check_validator(v, edge + base)
    assert accepted or v.name.endswith("validate_range"), \
        f"no value of the pool is valid for {v.name}: add one to VALID_LOOKING"
