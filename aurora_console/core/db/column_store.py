"""Result rows kept column by column in compact chunks, read back as rows.

A million rows kept as a list of tuples cost a tuple (56 bytes and more) plus a Python object per
cell (an ``int`` 28 bytes, a ``Decimal`` over 100) on top of the values' own bytes. A
:class:`ColumnChunk` keeps one batch of rows as columns instead:

* integers in an ``array('q')`` (8 bytes a value), float8 in an ``array('d')``;
* text in one string, NUL-separated (the characters and one more a value; where each starts,
  4 bytes a value, is worked out for the chunks that are read);
* numeric the same way as text, as the server wrote it (``core.db.query`` loads it as text for a
  fetch-all), turned into the exact ``Decimal`` only when a cell is read;
* uuids as their 16 bytes each in one ``bytes`` (fetched so in the binary format);
* NULLs as the set of their row positions in that column;
* every other type (timestamps, uuids, json, ...) as a list of its values.

A column whose values do not fit its compact form (an integer beyond 64 bits, a value of an
unexpected type, a NUL in a string) falls back to the list of its values, so what is read back is always exactly what was
stored. :class:`RowStore` strings chunks (or row ranges of them) together behind a read-only
sequence of row tuples, which is what the grid, copy and export read.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import accumulate, repeat
from operator import add, itemgetter
from uuid import UUID

#: how a column is stored, by its PostgreSQL type name (anything else: a list of its values)
INT_TYPES = frozenset({"int2", "int4", "int8", "oid"})
FLOAT_TYPES = frozenset({"float8"})
TEXT_TYPES = frozenset({"text", "varchar", "bpchar", "name"})
NUMERIC_TYPES = frozenset({"numeric"})
UUID_TYPES = frozenset({"uuid"})

_OFFSET_SMALL = "I" if array("I").itemsize == 4 else "L"


class _Numbers:
    """Integers or floats in one ``array``; NULLs at the positions in ``nulls`` (stored as 0)."""

    __slots__ = ("values", "nulls")

    def __init__(self, code: str, col: list) -> None:
        self.nulls: frozenset[int] | None = None
        try:
            self.values = array(code, col)
        except TypeError:  # NULLs (or a value of another type: raised again below)
            self.nulls = _nulls(col)
            self.values = array(code, [0 if v is None else v for v in col])

    def __getitem__(self, i: int):
        return None if self.nulls and i in self.nulls else self.values[i]


class _Texts:
    """Strings joined into one, separated by NUL (which PostgreSQL text never holds); where each
    starts is worked out when the first one is read. NULLs at ``nulls`` (stored as "")."""

    __slots__ = ("text", "nulls", "numeric", "_offsets")

    def __init__(self, col: list, numeric: bool) -> None:
        self.nulls: frozenset[int] | None = None
        try:
            self.text = "\0".join(col)
        except TypeError:  # NULLs (or a value of another type: raised again below)
            self.nulls = _nulls(col)
            self.text = "\0".join(["" if v is None else v for v in col])
        if self.text.count("\0") != len(col) - 1:
            raise ValueError("a value holds NUL")  # kept as a list instead (_column)
        self.numeric = numeric
        self._offsets: array | None = None

    def _starts(self) -> array:
        code = _OFFSET_SMALL if len(self.text) < 2**32 else "q"
        lengths = map(len, self.text.split("\0"))
        self._offsets = array(code, accumulate(map(add, lengths, repeat(1)), initial=0))
        return self._offsets

    def __getitem__(self, i: int):
        if self.nulls and i in self.nulls:
            return None
        starts = self._offsets or self._starts()
        s = self.text[starts[i]:starts[i + 1] - 1]
        return Decimal(s) if self.numeric else s


class _Uuids:
    """uuids fetched as their 16 bytes (the binary format), joined; NULLs at ``nulls``."""

    __slots__ = ("data", "nulls")

    def __init__(self, col: list) -> None:
        self.nulls: frozenset[int] | None = None
        try:
            self.data = b"".join(col)
        except TypeError:  # NULLs (or UUID objects: raised again below)
            self.nulls = _nulls(col)
            self.data = b"".join([bytes(16) if v is None else v for v in col])
        if len(self.data) != 16 * len(col):
            raise ValueError("not 16 bytes a value")  # kept as a list instead (_column)

    def __getitem__(self, i: int):
        if self.nulls and i in self.nulls:
            return None
        return UUID(bytes=self.data[16 * i:16 * i + 16])


def _nulls(col: list) -> frozenset[int]:
    return frozenset(i for i, v in enumerate(col) if v is None)


def _column(kind: str, col: list):
    """The compact form of one column, or the list itself when its values do not fit it."""
    try:
        if kind == "int":
            return _Numbers("q", col)
        if kind == "float":
            return _Numbers("d", col)
        if kind in ("text", "numeric"):  # numeric: when it was fetched as text
            return _Texts(col, kind == "numeric")
        if kind == "uuid":  # when it was fetched as bytes
            return _Uuids(col)
    except (TypeError, OverflowError, ValueError):  # another type, an int beyond 64 bits, a NUL
        pass
    return col


def column_kinds(type_names: Sequence[str]) -> list[str]:
    """The storage kind of each column: int, float, text, numeric, uuid or object."""
    out = []
    for t in type_names:
        if t in INT_TYPES:
            out.append("int")
        elif t in FLOAT_TYPES:
            out.append("float")
        elif t in TEXT_TYPES:
            out.append("text")
        elif t in NUMERIC_TYPES:
            out.append("numeric")
        elif t in UUID_TYPES:
            out.append("uuid")
        else:
            out.append("object")
    return out


class ColumnChunk:
    """One batch of rows, stored by column (see the module doc); read with ``row(i)``/``value``."""

    __slots__ = ("columns", "length")

    def __init__(self, columns: list, length: int) -> None:
        self.columns = columns
        self.length = length

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], kinds: Sequence[str]) -> ColumnChunk:
        if not rows:
            return cls([[] for _ in kinds], 0)
        if len(rows[0]) != len(kinds):
            raise ValueError(f"rows of {len(rows[0])} values for {len(kinds)} columns")
        return cls([_column(k, list(map(itemgetter(c), rows))) for c, k in enumerate(kinds)], len(rows))

    @classmethod
    def from_columns(cls, cols: Sequence[list], kinds: Sequence[str], length: int) -> ColumnChunk:
        """``length`` rows given as one list of values per column (each is consumed: kept as the
        column's list when it has no compact form)."""
        if len(cols) != len(kinds) or any(len(col) != length for col in cols):
            raise ValueError(f"{len(cols)} columns of {[len(c) for c in cols]} values for {len(kinds)} kinds, {length} rows")
        return cls([_column(k, col) for col, k in zip(cols, kinds, strict=True)], length)

    def __len__(self) -> int:
        return self.length

    def value(self, i: int, c: int):
        return self.columns[c][i]

    def row(self, i: int) -> tuple:
        return tuple(col[i] for col in self.columns)

    def rows(self, lo: int = 0, hi: int | None = None) -> list[tuple]:
        """Rows ``lo`` to ``hi`` as tuples (export, copy)."""
        hi = self.length if hi is None else hi
        cols = [col[lo:hi] if isinstance(col, list) else [col[i] for i in range(lo, hi)] for col in self.columns]
        return list(zip(*cols, strict=True)) if cols else [() for _ in range(hi - lo)]


class RowStore(Sequence):
    """The rows of a result as a read-only sequence of tuples, kept as row ranges of chunks.

    ``extend`` appends a list of row tuples (stored as they are: a first batch, a scroll fetch) or
    a range of a :class:`ColumnChunk` (a fetch-all's batches, appended a slice at a time).
    """

    def __init__(self, kinds: Sequence[str], rows: Sequence[tuple] = ()) -> None:
        self.kinds = list(kinds)
        self._parts: list[tuple[object, int, int]] = []  # (chunk or list of tuples, lo, hi)
        self._starts: list[int] = []  # the store's index of each part's first row
        self._len = 0
        if rows:
            self.extend(list(rows))

    def extend(self, part, lo: int = 0, hi: int | None = None) -> None:
        hi = len(part) if hi is None else hi
        if hi <= lo:
            return
        self._parts.append((part, lo, hi))
        self._starts.append(self._len)
        self._len += hi - lo

    def __len__(self) -> int:
        return self._len

    def snapshot(self) -> RowStore:
        """The rows stored so far, as a store of their own (the chunks are shared, not copied):
        what an export running on a worker reads while more rows are appended here."""
        out = RowStore(self.kinds)
        out._parts, out._starts, out._len = list(self._parts), list(self._starts), self._len
        return out

    def _locate(self, i: int) -> tuple[object, int]:
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError("row index out of range")
        k = bisect.bisect_right(self._starts, i) - 1
        part, lo, _hi = self._parts[k]
        return part, lo + i - self._starts[k]

    def value(self, i: int, c: int):
        """The value of row ``i``, column ``c`` (what a grid cell shows), without building the row."""
        part, j = self._locate(i)
        return part.value(j, c) if isinstance(part, ColumnChunk) else part[j][c]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._len))]
        part, j = self._locate(i)
        return part.row(j) if isinstance(part, ColumnChunk) else part[j]

    def __iter__(self) -> Iterator[tuple]:
        for batch in self.batches():
            yield from batch

    def batches(self, size: int = 10000) -> Iterator[list[tuple]]:
        """The rows in order as lists of at most ``size`` tuples (export streams these)."""
        for part, lo, hi in self._parts:
            for a in range(lo, hi, size):
                b = min(hi, a + size)
                yield part.rows(a, b) if isinstance(part, ColumnChunk) else list(part[a:b])
