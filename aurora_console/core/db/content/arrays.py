"""PostgreSQL array literals (``{1,2,"a b",NULL}``): parse into nested lists and write back."""

from __future__ import annotations


class ArraySyntaxError(ValueError):
    pass


def parse_array(text: str) -> list:
    """Parse an array literal into nested lists of ``str`` / ``None`` (elements stay text)."""
    p = _Parser(text)
    p.skip_ws()
    if p.peek() != "{":
        raise ArraySyntaxError("an array starts with '{', for example {1,2,3}")
    value = p.array()
    p.skip_ws()
    if not p.at_end():
        raise ArraySyntaxError(f"unexpected text after the closing '}}' at position {p.pos + 1}")
    return value


def format_array(items: list) -> str:
    """Write nested lists of ``str`` / ``None`` as an array literal (every element quoted)."""
    parts = []
    for item in items:
        if item is None:
            parts.append("NULL")
        elif isinstance(item, list):
            parts.append(format_array(item))
        else:
            escaped = str(item).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{escaped}"')
    return "{" + ",".join(parts) + "}"


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_ws(self) -> None:
        while self.peek() and self.peek().isspace():
            self.pos += 1

    def array(self) -> list:
        self.pos += 1  # "{"
        items: list = []
        self.skip_ws()
        if self.peek() == "}":
            self.pos += 1
            return items
        while True:
            self.skip_ws()
            ch = self.peek()
            if ch == "{":
                items.append(self.array())
            elif ch == '"':
                items.append(self.quoted())
            elif ch in (",", "}", ""):
                raise ArraySyntaxError(f"missing element at position {self.pos + 1}")
            else:
                items.append(self.unquoted())
            self.skip_ws()
            ch = self.peek()
            if ch == ",":
                self.pos += 1
                continue
            if ch == "}":
                self.pos += 1
                return items
            raise ArraySyntaxError(
                "unterminated array: expected ',' or '}'"
                if not ch
                else f"expected ',' or '}}' at position {self.pos + 1}"
            )

    def quoted(self) -> str:
        self.pos += 1
        out = []
        while True:
            ch = self.peek()
            if not ch:
                raise ArraySyntaxError("unterminated quoted element")
            self.pos += 1
            if ch == "\\":
                nxt = self.peek()
                if not nxt:
                    raise ArraySyntaxError("unterminated quoted element")
                out.append(nxt)
                self.pos += 1
            elif ch == '"':
                return "".join(out)
            else:
                out.append(ch)

    def unquoted(self) -> str | None:
        start = self.pos
        while self.peek() and self.peek() not in ',}{"':
            if self.peek() == "\\":
                raise ArraySyntaxError("use double quotes around elements with backslashes")
            self.pos += 1
        if self.peek() in ("{", '"'):
            raise ArraySyntaxError(f"unexpected {self.peek()!r} at position {self.pos + 1}")
        raw = self.text[start : self.pos].strip()
        return None if raw.upper() == "NULL" else raw
