"""How many rows one FETCH of a fetch-all asks for, so the server never writes them to disk first.

PostgreSQL runs ``FETCH`` as a utility statement that returns rows: its rows are first stored in
a tuplestore, then sent (``FillPortalStore`` in src/backend/tcop/pquery.c). That store keeps at
most ``work_mem`` (4 MB by default) in memory; a FETCH of more spills them to a temporary file,
written and read back, and removed. Measured on the SQL benchmark's rows (int4, text, numeric:
some 90 bytes stored each), 1M rows fetched 50,000 at a time made the server spend 0.39-0.45 s
of CPU (and write ~90 MB of temporary files), 25,000 at a time or with a larger ``work_mem``
0.31-0.35 s (a plain ``SELECT``'s ``fetchall``: 0.22 s). On a machine whose cores are shared,
that server time is time the console waits for.

So a fetch-all asks for as many rows as fit in a share of the session's ``work_mem``, estimating
a row's stored size from a sample of the rows the last FETCH brought (their sizes on the wire),
capped by the batch size the caller asked for.
"""

from __future__ import annotations

import re

#: ``work_mem`` when the server does not say (PostgreSQL's default)
DEFAULT_WORK_MEM = 4 * 1024 * 1024
#: the part of ``work_mem`` a FETCH's rows may fill (the estimate below is a rough one)
WORK_MEM_SHARE = 0.75
#: rows per FETCH at least (very wide rows: a FETCH may then spill, as any would)
MIN_ROWS = 100
#: rows of a result sampled for the size estimate
SAMPLE_ROWS = 32
#: the sample stops once its values came to this many bytes (each read is a copy of the value)
SAMPLE_BYTES = 1024 * 1024

#: a stored row: the tuple header, allocated in a power-of-two chunk up to this size ...
_HEADER = 16
_POWER_OF_TWO_LIMIT = 8192
#: ... plus the chunk's own header and the store's pointer to it (its array grows by doubling)
_PER_ROW = 32

_SETTING = re.compile(r"\s*(\d+)\s*(B|kB|MB|GB|TB)?\s*")
_UNITS = {None: 1024, "B": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_work_mem(text: str | None) -> int:
    """Bytes of a ``SHOW work_mem`` answer ("4MB", "65536kB", "1GB"; a bare number is kB, as the
    setting's unit is); :data:`DEFAULT_WORK_MEM` for anything else."""
    m = _SETTING.fullmatch(text or "")
    if m is None:
        return DEFAULT_WORK_MEM
    value = int(m.group(1)) * _UNITS[m.group(2)]
    return value if value > 0 else DEFAULT_WORK_MEM


def stored_row_bytes(value_lengths: list[list[int | None]]) -> float:
    """The memory a FETCH's tuplestore takes per row, estimated from the wire lengths of some
    rows' values (None for NULL). The wire form is close to the stored one: binary values are
    the stored bytes, text ones a few characters longer for numbers (which errs on the safe side)."""
    if not value_lengths:
        return 0.0
    total = 0
    for row in value_lengths:
        data = sum(0 if n is None else n + (1 if n < 127 else 4) for n in row)  # varlena header
        size = _HEADER + data
        if size <= _POWER_OF_TWO_LIMIT:
            size = 1 << (size - 1).bit_length()
        total += size + _PER_ROW
    return total / len(value_lengths)


def sample_lengths(pgresult, sample: int = SAMPLE_ROWS) -> list[list[int | None]]:
    """The wire lengths of the values of up to ``sample`` rows spread over a result (a psycopg
    ``PGresult``): no value is decoded. Rows of big values (documents, images) are sampled fewer,
    until :data:`SAMPLE_BYTES` were read."""
    n = pgresult.ntuples
    cols = pgresult.nfields
    if n <= 0 or cols <= 0:
        return []
    sample = max(4, min(sample, 1024 // cols))  # a wide result: fewer rows, about as many values
    step = max(1, n // sample)
    out = []
    read = 0
    for r in range(0, n, step):
        row = []
        for c in range(cols):
            v = pgresult.get_value(r, c)
            row.append(None if v is None else len(v))
            read += row[-1] or 0
        out.append(row)
        if len(out) >= sample or read >= SAMPLE_BYTES:
            break
    return out


def rows_per_fetch(work_mem: int, row_bytes: float, most: int) -> int:
    """Rows one FETCH asks for: as many as fit in :data:`WORK_MEM_SHARE` of ``work_mem`` at
    ``row_bytes`` each, between :data:`MIN_ROWS` and ``most`` (``most`` when nothing is known)."""
    if row_bytes <= 0:
        return most
    fit = int(work_mem * WORK_MEM_SHARE / row_bytes)
    return max(min(MIN_ROWS, most), min(most, fit))
