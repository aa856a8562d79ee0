"""Java ``.properties`` text (``flyway.conf``, ``V1__x.sql.conf``) parsed as ``java.util.Properties`` does.

Rules (java.util.Properties.load): lines ending in an odd number of backslashes continue on the
next line (its leading whitespace dropped); a line whose first non-blank character is ``#`` or
``!`` is a comment; the key ends at the first unescaped ``=``, ``:`` or whitespace (whitespace
around the separator is dropped); ``\\t \\n \\r \\f \\uXXXX`` and ``\\<any>`` escapes work in keys
and values. Later keys replace earlier ones. Line terminators: ``\\n``, ``\\r\\n``, ``\\r``.
"""

from __future__ import annotations

import re

_WS = " \t\f"
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_LINES = re.compile(r"\r\n|\r|\n")


class PropertiesError(ValueError):
    """Malformed properties text (a bad ``\\u`` escape), with the line number."""


def _logical_lines(text: str):
    """(first physical line number, logical line) pairs, joining continued lines."""
    physical = _LINES.split(text)
    i = 0
    n = len(physical)
    while i < n:
        first = i + 1
        line = physical[i].lstrip(_WS)
        i += 1
        if not line or line[0] in "#!":
            continue
        while _ends_with_continuation(line) and i < n:
            line = line[:-1] + physical[i].lstrip(_WS)
            i += 1
        if _ends_with_continuation(line):
            line = line[:-1]
        yield first, line


def _ends_with_continuation(line: str) -> bool:
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def _unescape(raw: str, line: int) -> str:
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = raw[i + 1]
        if e == "u":
            digits = raw[i + 2:i + 6]
            if len(digits) != 4 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise PropertiesError(f"line {line}: malformed \\uXXXX escape")
            out.append(chr(int(digits, 16)))
            i += 6
            continue
        out.append(_ESCAPES.get(e, e))
        i += 2
    return "".join(out)


def parse_properties(text: str) -> dict[str, str]:
    """Parse properties text into a dict (insertion order = file order of last assignment)."""
    result: dict[str, str] = {}
    for line_no, line in _logical_lines(text):
        i = 0
        n = len(line)
        while i < n:
            c = line[i]
            if c == "\\":
                i += 2
                continue
            if c in "=:" or c in _WS:
                break
            i += 1
        key_raw = line[:i]
        j = i
        while j < n and line[j] in _WS:
            j += 1
        if j < n and line[j] in "=:":
            j += 1
            while j < n and line[j] in _WS:
                j += 1
        result[_unescape(key_raw, line_no)] = _unescape(line[j:], line_no)
    return result


def escape_properties(key: str, value: str) -> str:
    """One ``key=value`` line that :func:`parse_properties` reads back as (key, value) (for tests/exports)."""

    def esc(s: str, is_key: bool) -> str:
        out = []
        for k, ch in enumerate(s):
            if ch == "\\":
                out.append("\\\\")
            elif ch in "\t\n\r\f":
                out.append("\\" + {"\t": "t", "\n": "n", "\r": "r", "\f": "f"}[ch])
            elif ch in "=:#!" or (ch == " " and (is_key or k == 0)):
                out.append("\\" + ch)
            else:
                out.append(ch)
        return "".join(out)

    return f"{esc(key, True)}={esc(value, False)}"


_ENV_REF = re.compile(r"\$\{([A-Za-z0-9_]+)}")


def parse_flyway_conf(text: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """Parse a Flyway ``.conf`` file (``flyway.conf``, ``V1__x.sql.conf``) as Flyway reads it.

    Flyway (``ConfigUtils.loadConfigurationFromString``, github.com/flyway/flyway) first trims
    each line and doubles every backslash, so a backslash is a literal character (Windows paths
    work) except at the end of a line, where it continues the value on the next line unless that
    line is blank or starts a new ``flyway.`` property. Then ``${NAME}`` is replaced by the
    environment variable NAME (empty when unset), then the text is read as Java properties.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        replaced = line.strip("".join(chr(c) for c in range(33))).replace("\\", "\\\\")
        if replaced.endswith("\\\\") and i < len(lines) - 1:
            nxt = lines[i + 1]
            restore = False
            if not nxt:
                restore = False
            elif nxt.strip().startswith("flyway.") and "=" in nxt:
                restore = not nxt.startswith("shouldExecute") and ("==" in nxt or "!=" in nxt)
            else:
                restore = True
            if restore:
                replaced = replaced[:-2] + "\\"
        out.append(replaced)
    contents = "\n".join(out) + "\n"
    if env is not None:
        contents = _ENV_REF.sub(lambda m: env.get(m.group(1), ""), contents)
    return parse_properties(contents)
