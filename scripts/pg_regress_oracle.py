#!/usr/bin/env python3
"""PostgreSQL's regression SQL as a corpus for the statement splitter, with psql as the oracle.

    python scripts/pg_regress_oracle.py vendor /path/to/postgres-checkout COMMIT
        copy src/test/regress/sql/*.sql and COPYRIGHT to tests/data/pg_regress/
    python scripts/pg_regress_oracle.py oracle [FILE.sql ...]
        run psql on every file (or the ones named) and write tests/data/pg_regress/psql_boundaries.json

What the oracle records, per file:

* ``edits``: how psql's backslash meta-commands are taken out first (offsets into the vendored
  file), found with our lexer from the top of the file, one at a time, left to right:
  ``\\;`` and ``\\:`` become ``;`` and ``:`` (psql's own translation, except that ``\\;`` would not
  end the query for psql); a command that sends the query buffer (``\\g``, ``\\gx``, ``\\gset``,
  ``\\gexec``, ``\\gdesc``, ``\\crosstabview``, ``\\watch``, ``\\sendpipeline``, ``\\parse``,
  anywhere on the rest of the line) becomes ``;``; ``\\copy ... from stdin`` goes with its data
  lines and their ``\\.``; any other command is removed to the end of its line. The result has no
  meta-command left: if our lexer missed one, psql would run it and the comparison would fail.
* ``ends``: for every query psql sent that the server found non-empty (no EmptyQueryResponse),
  the offset in the cleaned text just past its ``;`` (or past its last character at the end of
  the file), and ``copy_data``: the ``[start, end)`` of each COPY data block psql sent.

How: a real PostgreSQL server (initdb'd here, run as an unprivileged user when root), psql 15
(``psql -X -f FILE -v ON_ERROR_STOP=0``) connected through a small proxy that records each
simple-protocol Query message and the CopyData psql sends. The proxy forwards everything; the
one thing it changes: when the server refuses a ``COPY ... FROM STDIN`` (most often: its table
does not exist because the file runs alone, outside the regression schedule), the proxy answers
CopyInResponse itself and takes the data, as the scripts' authors intended and as a splitter
must assume (it cannot know the COPY will fail). Every file runs in a fresh database, in its own
session, starting with ``standard_conforming_strings = on``.

Each query psql sent is found back in the cleaned file by walking both texts: psql drops
leading whitespace and ``--`` comments (psqlscan.l's {whitespace} rule; psql before 15 dropped
every ``--`` comment) and empty lines outside quotes (mainloop.c), and nothing else, as long as
no psql variable is defined (all ``\\set`` lines are gone; psql leaves an undefined
``:name`` as written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aurora_console.core.db.sql_split import split_sql, tokenize  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "pg_regress"
SQL_DIR = CORPUS / "sql"
BOUNDARIES = CORPUS / "psql_boundaries.json"
PSQL = os.environ.get("PSQL", "/usr/bin/psql")


# --- the corpus files ---------------------------------------------------------------------------


def read_script(path: Path) -> tuple[str, str]:
    """A corpus file's text and the codec that gives its bytes back (latin-1 for non-UTF-8)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def apply_edits(text: str, edits: list[list]) -> str:
    out = []
    pos = 0
    for start, end, replacement in edits:
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


_SENDS = re.compile(r"\\(?:g|gx|gset|gexec|gdesc|crosstabview|watch|sendpipeline|parse)(?![A-Za-z_])")
_COPY_FROM_STDIN = re.compile(r"\\copy\b.*\bfrom\s+stdin\b", re.IGNORECASE)
_DATA_END = re.compile(r"^\\\.[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


def _first_backslash(text: str, start: int, conforming: bool) -> tuple[int, int, bool] | None:
    """The first top-level backslash at or after statement-start ``start``: (offset, statement
    start, standard_conforming_strings there)."""
    for st in split_sql(text[start:], standard_conforming_strings=conforming):
        if "\\" not in st.text:
            continue
        for tok in tokenize(st.text, standard_conforming_strings=st.standard_conforming_strings):
            if tok.kind == "other" and st.text[tok.start] == "\\":
                return start + st.start + tok.start, start + st.start, st.standard_conforming_strings
    return None


def meta_command_edits(text: str) -> list[list]:
    """The edits that take psql's meta-commands out of ``text`` (see the module docstring)."""
    edits: list[list] = []
    cleaned = text
    delta = 0  # len(cleaned) - len(text) for offsets past the last edit
    restart, conforming = 0, True
    while True:
        found = _first_backslash(cleaned, restart, conforming)
        if found is None:
            return edits
        at, restart, conforming = found
        line_end = cleaned.find("\n", at)
        if line_end < 0:
            line_end = len(cleaned)
        command = cleaned[at:line_end]
        if command.startswith(("\\;", "\\:")):
            end, replacement = at + 2, command[1]
        elif _COPY_FROM_STDIN.match(command):
            close = _DATA_END.search(cleaned, line_end + 1)
            end, replacement = (close.end() if close else len(cleaned)), ""
        elif _SENDS.search(command):
            end, replacement = line_end, ";"
        else:
            end, replacement = line_end, ""
        edits.append([at - delta, end - delta, replacement])
        cleaned = cleaned[:at] + replacement + cleaned[end:]
        delta += len(replacement) - (end - at)


# --- the recording proxy ------------------------------------------------------------------------


@dataclass
class SentQuery:
    text: bytes
    empty: bool = False  # the server answered EmptyQueryResponse
    copy_data: bytes | None = None  # COPY data psql sent after it
    forced_copy: bool = False  # the proxy accepted a COPY the server refused
    messages: list = field(default_factory=list)


_COPY_QUERY = re.compile(rb"^\s*copy\b.*\bfrom\s+std(?:in|out)\b", re.IGNORECASE | re.DOTALL)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise ConnectionError("closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    head = _recv_exact(sock, 5)
    (length,) = struct.unpack("!I", head[1:])
    return head[:1], _recv_exact(sock, length - 4)


def _message(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("!I", len(payload) + 4) + payload


class RecordingProxy:
    """Between psql and the server: records Query messages and COPY data (one client at a time)."""

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.queries: list[SentQuery] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with client:
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    self._session(client)
                except ConnectionError:
                    pass

    def _session(self, client: socket.socket) -> None:
        with socket.create_connection(("127.0.0.1", self.server_port)) as server:
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            (length,) = struct.unpack("!I", _recv_exact(client, 4))
            server.sendall(struct.pack("!I", length) + _recv_exact(client, length - 4))
            self._relay_until_ready(server, client)
            while True:
                kind, payload = _read_message(client)
                if kind == b"Q":
                    self._query(client, server, payload)
                    continue
                server.sendall(_message(kind, payload))
                if kind == b"X":
                    return

    def _relay_until_ready(self, server: socket.socket, client: socket.socket) -> None:
        while True:
            kind, payload = _read_message(server)
            client.sendall(_message(kind, payload))
            if kind == b"Z" or kind == b"E":
                return
            if kind == b"R" and struct.unpack("!I", payload[:4])[0] in (3, 5, 10, 11):
                # a password or SASL step: the client answers once
                answer, body = _read_message(client)
                server.sendall(_message(answer, body))

    def _copy_in(self, client: socket.socket, server: socket.socket | None, query: SentQuery) -> None:
        data = []
        while True:
            kind, payload = _read_message(client)
            if server is not None:
                server.sendall(_message(kind, payload))
            if kind == b"d":
                data.append(payload)
            elif kind in (b"c", b"f"):
                query.copy_data = b"".join(data)
                return

    def _query(self, client: socket.socket, server: socket.socket, payload: bytes) -> None:
        query = SentQuery(payload[:-1])
        self.queries.append(query)
        server.sendall(_message(b"Q", payload))
        while True:
            kind, body = _read_message(server)
            if kind == b"G":
                client.sendall(_message(kind, body))
                self._copy_in(client, server, query)
                continue
            if kind == b"E" and query.copy_data is None and _COPY_QUERY.match(query.text):
                held = [(kind, body)]
                while held[-1][0] != b"Z":
                    held.append(_read_message(server))
                query.forced_copy = True
                client.sendall(_message(b"G", b"\x00\x00\x00"))  # text format, no columns
                self._copy_in(client, None, query)
                for k, b in held:
                    client.sendall(_message(k, b))
                return
            if kind == b"I":
                query.empty = True
            client.sendall(_message(kind, body))
            if kind == b"Z":
                return


# --- psql against a real server -----------------------------------------------------------------


def run_psql(cleaned: bytes, proxy: RecordingProxy, server, dbname: str, timeout: float,
             passfile: Path | None = None) -> list[SentQuery]:
    """Run psql on ``cleaned`` in a fresh database ``dbname``; the queries it sent.

    ``passfile``: a libpq password file for a server with a password (psql reads it; the
    password never goes into psql's environment or command line)."""
    with server.connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE template0')
    proxy.queries = []
    with tempfile.NamedTemporaryFile("wb", suffix=".sql", delete=False) as f:
        f.write(cleaned)
    env = dict(os.environ, PGSSLMODE="disable", PGGSSENCMODE="disable", PGCONNECT_TIMEOUT="10",
               PGOPTIONS="-c statement_timeout=20s -c lock_timeout=5s")
    if passfile is not None:
        env["PGPASSFILE"] = str(passfile)
    try:
        subprocess.run(
            [PSQL, "-X", "-q", "-h", "127.0.0.1", "-p", str(proxy.port), "-U", server.superuser, "-d", dbname,
             "-v", "ON_ERROR_STOP=0", "-o", os.devnull, "-f", f.name],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            timeout=timeout, check=False,
        )
    finally:
        os.unlink(f.name)
    try:
        with server.connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    except Exception as exc:  # e.g. a subscription the file left behind: keep that database
        print(f"  (database {dbname} kept: {exc})", flush=True)
    return list(proxy.queries)


_VARIABLE = re.compile(r":(?:'[A-Z_]+'|\"[A-Z_]+\"|[A-Z_]+)")
_VALUE = re.compile(r"E?'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^\s;,)]+")
_VARIABLE_TEST = re.compile(r":\{\?[A-Za-z0-9_\u0080-\U0010ffff]+\}")


class Mismatch(Exception):
    pass


def _skip_leading(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] in " \t\n\r\f":
            i += 1
        elif text.startswith("--", i):
            while i < n and text[i] not in "\n\r":
                i += 1
        else:
            break
    return i


def align(text: str, queries: list[SentQuery], codec: str) -> tuple[list[int], list[list[int]]]:
    """Where each sent query ends in ``text``, and where each COPY data block is."""
    ends: list[int] = []
    blocks: list[list[int]] = []
    n = len(text)
    i = 0
    resume = -1  # after COPY data read from the lines below the current one
    for q in queries:
        sent = q.text.decode(codec, errors="surrogateescape")
        if resume >= 0 and _line_rest_is_blank(text, i):
            i, resume = resume, -1
        i = _skip_leading(text, i)
        j = 0
        while j < len(sent):
            if i < n and text[i] == sent[j]:
                i += 1
                j += 1
            elif text.startswith("--", i):  # psql < 15 drops -- comments inside a query
                while i < n and text[i] not in "\n\r":
                    i += 1
            elif text[i] == "\n":  # psql skips empty input lines (MainLoop)
                i += 1
            elif (test := _VARIABLE_TEST.match(text, i)) and sent.startswith(("TRUE", "FALSE"), j):
                i = test.end()  # psql replaces :{?name} with TRUE or FALSE
                j += 4 if sent.startswith("TRUE", j) else 5
            elif (var := _VARIABLE.match(text, i)) and (value := _VALUE.match(sent, j)):
                i, j = var.end(), value.end()  # a variable psql sets itself (LAST_ERROR_MESSAGE...)
            else:
                raise Mismatch(f"at offset {i}: file has {text[i:i + 40]!r}, psql sent {sent[j:j + 40]!r}")
        terminated = sent.endswith(";")
        end = i if terminated else len(text[:i].rstrip(" \t\n\r\f"))
        if not q.empty:
            ends.append(end)
        if q.copy_data is not None:
            # psql reads the data from the next lines (after the data of an earlier COPY on the
            # same line), then goes on with the rest of this line
            if resume >= 0:
                start = resume
            else:
                nl = text.find("\n", i)
                start = n if nl < 0 else nl + 1
            data = q.copy_data.decode(codec, errors="surrogateescape")
            terminator = _DATA_END.search(data)
            if terminator and terminator.end() == len(data):
                data = data[: terminator.start()]  # psql 15 sends the \. line too; later ones do not
            if not text.startswith(data, start):
                raise Mismatch(f"COPY data at {start} differs: {text[start:start + 40]!r} vs {data[:40]!r}")
            blocks.append([start, start + len(data)])
            close = _DATA_END.match(text, start + len(data))
            resume = close.end() if close else start + len(data)
    return ends, blocks


def _line_rest_is_blank(text: str, i: int) -> bool:
    """Only spaces and a -- comment from ``i`` to the end of its line."""
    m = re.compile(r"[ \t\r\f]*(?:--[^\n]*)?(?:\n|\Z)").match(text, i)
    return m is not None


def oracle(names: list[str], timeout: float) -> int:
    from aurora_console.sandbox.postgres import PostgresServer
    from aurora_console.sandbox.postgres_env import find_postgres_bin

    existing = json.loads(BOUNDARIES.read_text()) if BOUNDARIES.exists() else {"files": {}}
    files = existing.setdefault("files", {})
    paths = [SQL_DIR / n for n in names] if names else sorted(SQL_DIR.glob("*.sql"))
    work = Path(tempfile.mkdtemp(prefix="pg-oracle-"))
    failures = 0
    server = PostgresServer(work / "data", bin_dir=find_postgres_bin(),
                            settings={"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                                      "max_prepared_transactions": "2"})
    server.start()
    proxy = RecordingProxy(server.port)
    started = time.monotonic()
    try:
        for k, path in enumerate(paths):
            text, codec = read_script(path)
            edits = meta_command_edits(text)
            cleaned = apply_edits(text, edits)
            t0 = time.monotonic()
            queries = run_psql(cleaned.encode(codec, errors="surrogateescape"), proxy, server,
                               f"oracle_{k}", timeout)
            try:
                ends, blocks = align(cleaned, queries, codec)
            except Mismatch as exc:
                failures += 1
                print(f"{path.name}: cannot align psql's queries: {exc}", flush=True)
                continue
            files[path.name] = {
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "encoding": codec,
                "edits": edits,
                "ends": ends,
                "copy_data": blocks,
                "forced_copies": sum(q.forced_copy for q in queries),
            }
            print(f"{path.name}: {len(ends)} statements, {len(blocks)} COPY blocks, "
                  f"{len(edits)} meta-commands out, {time.monotonic() - t0:.1f} s", flush=True)
    finally:
        proxy.close()
        server.stop()
        server.remove_data()
        shutil.rmtree(work, ignore_errors=True)
    existing["psql"] = subprocess.run([PSQL, "--version"], capture_output=True, text=True).stdout.strip()
    existing["files"] = dict(sorted(files.items()))
    BOUNDARIES.write_text(json.dumps(existing, indent=0, sort_keys=False) + "\n")
    total = sum(len(f["ends"]) for f in files.values())
    print(f"{len(files)} files, {total} statements, {time.monotonic() - started:.0f} s; {failures} failed")
    return 1 if failures else 0


def vendor(checkout: Path, commit: str) -> int:
    src = checkout / "src" / "test" / "regress" / "sql"
    if SQL_DIR.exists():
        shutil.rmtree(SQL_DIR)
    SQL_DIR.mkdir(parents=True)
    for path in sorted(src.glob("*.sql")):
        shutil.copy2(path, SQL_DIR / path.name)
    shutil.copy2(checkout / "COPYRIGHT", CORPUS / "COPYRIGHT")
    print(f"{len(list(SQL_DIR.glob('*.sql')))} files from {commit}; update README.md's commit")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("vendor", help="copy the regression SQL from a PostgreSQL checkout")
    v.add_argument("checkout", type=Path)
    v.add_argument("commit")
    o = sub.add_parser("oracle", help="run psql on the corpus and record its statement boundaries")
    o.add_argument("files", nargs="*")
    o.add_argument("--timeout", type=float, default=600.0, help="seconds per file")
    args = parser.parse_args(argv)
    if args.command == "vendor":
        return vendor(args.checkout, args.commit)
    return oracle(args.files, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
