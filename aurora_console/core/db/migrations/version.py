"""Migration versions: dotted numbers ordered numerically (1 < 1.1 < 2 < 10).

``1``, ``1.0`` and ``1_0`` are the same version (trailing zeros do not count), as in Flyway; an
underscore in a file name stands for a dot (``V1_1__x.sql`` is version 1.1).

The text is kept as written, underscores turned into dots and nothing else: ``V04_11__x.sql`` is
version ``04.11``, stored as ``04.11`` in the history table and equal to ``4.11``. That is what
Flyway stores (``MigrationVersion``: its display text is the raw version with ``_`` replaced by
``.``; ``toString()`` returns it and the schema history insert writes ``version.toString()``;
flyway/flyway flyway-core/src/main/java/org/flywaydb/core/api/MigrationVersion.java and
internal/schemahistory/JdbcTableSchemaHistory.java, flyway-13.0.0).
"""

from __future__ import annotations

import re
from functools import lru_cache, total_ordering

_VERSION = re.compile(r"[0-9]+(?:[._][0-9]+)*")  # ASCII digits only (\d is any Unicode digit)
_SEPARATOR = re.compile(r"[._]")


@total_ordering
class Version:
    __slots__ = ("parts", "text", "_key", "_hash")

    def __init__(self, parts: tuple[int, ...], text: str | None = None) -> None:
        if not parts or any(p < 0 for p in parts):
            raise ValueError(f"not a version: {parts!r}")
        self.parts = tuple(parts)
        self.text = text if text is not None else ".".join(map(str, parts))
        key = list(self.parts)
        while len(key) > 1 and key[-1] == 0:
            key.pop()
        self._key = tuple(key)
        self._hash = hash(self._key)

    @classmethod
    def parse(cls, text: str) -> Version:
        return _parse(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key == other._key

    def __lt__(self, other: Version) -> bool:
        return self._key < other._key

    # explicit (total_ordering's derived methods are several times slower; max() and sorting
    # thousands of versions use them)
    def __gt__(self, other: Version) -> bool:
        return self._key > other._key

    def __le__(self, other: Version) -> bool:
        return self._key <= other._key

    def __ge__(self, other: Version) -> bool:
        return self._key >= other._key

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Version({self.text!r})"


@lru_cache(maxsize=65536)
def _parse(text: str) -> Version:
    """Versions are immutable, so the parse of a text is cached (info over thousands of files)."""
    text = text.strip()
    if not _VERSION.fullmatch(text):
        raise ValueError(f"not a version (digits separated by dots): {text!r}")
    parts = tuple(int(p) for p in _SEPARATOR.split(text))
    return Version(parts, text.replace("_", "."))
