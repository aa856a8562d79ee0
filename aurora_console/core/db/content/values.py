"""Parse and validate what a user typed into a cell, per column type.

``parse_cell(column, text)`` returns the text to send to the server (cast there to the column's
type) or ``None`` for SQL NULL; it raises ``InvalidValue`` with a plain message. ``None`` in means
NULL; ``""`` stays the empty string (for text columns) and is never turned into NULL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from .arrays import ArraySyntaxError, format_array, parse_array
from .introspect import Column

MASK = "••••••"

_INT_RANGES = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1)}
_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}
_TEXT_TYPES = {"text", "varchar", "bpchar", "name", "citext", "char"}
_PASS_THROUGH_SPECIAL = {"infinity", "-infinity"}
_NUMBER_TYPES = {*_INT_RANGES, "numeric", "float4", "float8"}


_SHORT_OFFSET = re.compile(r"\d:\d\d(\.\d+)?[+-]\d\d$")


class InvalidValue(ValueError):
    """The input does not fit the column; ``str(exc)`` is the plain message for the cell."""


def parse_cell(column: Column, text: str | None) -> str | None:
    if text is None:
        return None
    if column.is_array:
        return _parse_array_cell(column, text)
    return _parse_scalar(column, column.base_type, text)


def _parse_array_cell(column: Column, text: str) -> str:
    try:
        items = parse_array(text)
    except ArraySyntaxError as exc:
        raise InvalidValue(f"{column.name}: not a valid array ({exc})") from None

    def walk(values: list) -> list:
        out = []
        for v in values:
            if isinstance(v, list):
                out.append(walk(v))
            else:
                out.append(None if v is None else _parse_scalar(column, column.base_type, v))
        return out

    return format_array(walk(items))


def _parse_scalar(column: Column, base: str, text: str) -> str:
    name = column.name
    if base == "bytea":
        raise InvalidValue(f"{name} is binary (bytea) and read-only here")
    if column.enum_labels:
        if text not in column.enum_labels:
            raise InvalidValue(f"{name}: {text!r} is not one of {', '.join(column.enum_labels)}")
        return text
    if base in _TEXT_TYPES:
        if column.max_length is not None and len(text) > column.max_length:
            raise InvalidValue(f"{name}: {len(text)} characters is too long (at most {column.max_length})")
        if "\x00" in text:
            raise InvalidValue(f"{name}: text cannot contain a NUL character")
        return text
    stripped = text.strip()
    if base in _NUMBER_TYPES and not stripped.isascii():
        # int()/float()/Decimal() read any Unicode digit ('٣', '１'); PostgreSQL reads ASCII only
        raise InvalidValue(f"{name}: {text!r} is not a number (digits 0-9 only)")
    if base in _INT_RANGES:
        return _parse_int(name, base, stripped)
    if base == "numeric":
        return _parse_numeric(column, stripped)
    if base in ("float4", "float8"):
        try:
            value = float(stripped)
        except ValueError:
            raise InvalidValue(f"{name}: {text!r} is not a number") from None
        return repr(value) if value == value and abs(value) != float("inf") else stripped
    if base == "bool":
        low = stripped.lower()
        if low in _TRUE:
            return "true"
        if low in _FALSE:
            return "false"
        raise InvalidValue(f"{name}: {text!r} is not true or false")
    if base in ("json", "jsonb"):
        return _parse_json(name, text)
    if base in ("timestamptz", "timestamp", "date", "time", "timetz"):
        return _parse_temporal(name, base, stripped)
    if base == "uuid":
        try:
            return str(uuid.UUID(stripped))
        except ValueError:
            raise InvalidValue(f"{name}: {text!r} is not a UUID") from None
    return text  # other types (inet, interval, ...): the server parses and reports


def _parse_int(name: str, base: str, text: str) -> str:
    try:
        value = int(text, 10)
    except ValueError:
        raise InvalidValue(f"{name}: {text!r} is not a whole number") from None
    lo, hi = _INT_RANGES[base]
    if not lo <= value <= hi:
        raise InvalidValue(f"{name}: {value} is out of range ({lo} to {hi})")
    return str(value)


def _parse_numeric(column: Column, text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"{column.name}: {text!r} is not a number") from None
    if not value.is_finite():
        if value.is_nan():
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    precision, scale = column.numeric_precision, column.numeric_scale
    if precision is not None:
        scale = scale or 0
        quantized = value.quantize(Decimal(1).scaleb(-scale)) if scale >= 0 else value
        digits = len(quantized.as_tuple().digits) - max(-quantized.as_tuple().exponent, 0)
        if quantized != 0 and digits > precision - scale:
            raise InvalidValue(
                f"{column.name}: {text} has too many digits before the decimal point "
                f"(numeric({precision},{scale}) allows {precision - scale})"
            )
    return format(value, "f")


def _parse_json(name: str, text: str) -> str:
    def reject(token):
        raise ValueError(f"{token} is not valid JSON")

    try:
        json.loads(text, parse_constant=reject)
    except ValueError as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidValue(f"{name}: invalid JSON: {msg}{where}") from None
    return text


def _parse_temporal(name: str, base: str, text: str) -> str:
    if text.lower() in _PASS_THROUGH_SPECIAL and base in ("timestamptz", "timestamp", "date"):
        return text.lower()
    candidate = text.replace(" ", "T", 1) if base in ("timestamptz", "timestamp") else text
    if _SHORT_OFFSET.search(candidate):
        candidate += ":00"  # PostgreSQL's "+02" offset style
    try:
        if base == "date":
            dt.date.fromisoformat(candidate)
        elif base in ("time", "timetz"):
            dt.time.fromisoformat(candidate)
        else:
            dt.datetime.fromisoformat(candidate)
    except ValueError:
        example = {"date": "2026-11-27", "time": "14:30:00", "timetz": "14:30:00+00"}.get(
            base, "2026-11-27 14:30:00+00"
        )
        raise InvalidValue(f"{name}: {text!r} is not a valid {base} (for example {example})") from None
    return text


def display_text(column: Column, value: str | None, *, revealed: bool = False) -> str:
    """What a cell shows: ``NULL`` for NULL (the UI styles it), the mask for unrevealed secrets."""
    if value is None:
        return "NULL"
    if column.secret and not revealed:
        return MASK
    return value
