"""Benchmark: statement splitting throughput, ``split_sql`` against psql's own lexer.

Corpus: PostgreSQL's regression SQL vendored in tests/data/pg_regress (247 files, ~5 MB), with
psql's meta-commands taken out as recorded there, joined into one script.

Baseline, psql 15: psql cannot lex without a server, and timing it against a real server
measures the server, not the lexer (tens of thousands of round trips). So psql runs the whole
script inside ``\\if false`` ... ``\\endif``: it reads and lexes every line, finds every statement
boundary and backslash command exactly as usual, but sends nothing. Its figure is that run's time
minus the time of psql on an empty script (start-up and connection).

Figures are medians over interleaved runs, in CPU seconds (user + system, of psql's process or of
ours), which a busy shared machine disturbs far less than wall time; wall-time rates are printed
too.

Cases (MB/s of UTF-8 input; higher is better; target: split_sql >= 0.5x psql):
* ``psql -f`` (lexing only, as above);
* ``split_sql`` on the whole corpus as one text;
* ``tokenize`` (every token as a Token tuple), for reference.

Run by hand: ``.venv/bin/python benchmarks/sql_split.py [--repeat N]``. It starts its own
throw-away PostgreSQL server (only for psql to connect to).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aurora_console.core.db.sql_split import split_sql, tokenize  # noqa: E402
from aurora_console.sandbox.postgres import PostgresServer  # noqa: E402
from aurora_console.sandbox.postgres_env import find_postgres_bin  # noqa: E402

PSQL = os.environ.get("PSQL", "/usr/bin/psql")


def load_oracle():
    spec = importlib.util.spec_from_file_location("pg_regress_oracle", ROOT / "scripts" / "pg_regress_oracle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def corpus_text() -> str:
    oracle = load_oracle()
    record = json.loads(oracle.BOUNDARIES.read_text())
    parts = []
    for name, entry in sorted(record["files"].items()):
        if entry["encoding"] != "utf-8":
            continue  # one latin-1 file: psql would read its bytes, we its characters
        text, _ = oracle.read_script(oracle.SQL_DIR / name)
        parts.append(oracle.apply_edits(text, entry["edits"]))
    # A file that ends inside a statement (psql.sql ends in an open parenthesis; psql sends the
    # rest at the end of *that* file) would swallow every file after it into one statement when
    # joined: such files go last, so that the joined script has the files' own boundaries.
    parts.sort(key=lambda part: _ends_open(part))
    return "\n".join(parts)


def _ends_open(text: str) -> bool:
    statements = split_sql(text)
    return bool(statements) and not statements[-1].terminated


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its finished children) of one call."""
    w0, c0, k0 = time.perf_counter(), time.process_time(), child_cpu()
    fn()
    return time.perf_counter() - w0, (time.process_time() - c0) + (child_cpu() - k0)


def psql_runner(server: PostgresServer):
    env = dict(os.environ, PGSSLMODE="disable", PGGSSENCMODE="disable")
    argv = [PSQL, "-X", "-q", "-h", server.host, "-p", str(server.port), "-U", server.superuser, "-d", "postgres",
            "-o", os.devnull]

    def run(path: Path) -> None:
        proc = subprocess.run([*argv, "-f", str(path)], env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    text = corpus_text()
    size_mb = len(text.encode("utf-8")) / 1e6
    statements = split_sql(text)
    print(f"corpus: {size_mb:.2f} MB, {len(statements)} statements")

    work = Path(tempfile.mkdtemp(prefix="bench-split-"))
    script = work / "corpus.sql"
    script.write_text("\\if false\n" + text + "\n;\n\\endif\n", encoding="utf-8")
    empty = work / "empty.sql"
    empty.write_text("", encoding="utf-8")
    server = PostgresServer(work / "data", bin_dir=find_postgres_bin(), settings={"fsync": "off"})
    server.start()
    cases: dict[str, list[tuple[float, float]]] = {"psql -f (lexing only)": [], "split_sql": [], "tokenize": []}
    try:
        run_psql = psql_runner(server)
        run_psql(script)  # warm-up (file cache)
        split_sql(text)
        # interleaved, so that the load of a shared machine falls on all cases alike
        for i in range(args.repeat):
            empty_wall, empty_cpu = measure(lambda: run_psql(empty))
            wall, cpu = measure(lambda: run_psql(script))
            cases["psql -f (lexing only)"].append((wall - empty_wall, cpu - empty_cpu))
            cases["split_sql"].append(measure(lambda: split_sql(text)))
            if i % 2 == 0:
                cases["tokenize"].append(measure(lambda: sum(1 for _ in tokenize(text))))
    finally:
        server.stop()
        server.remove_data()

    base_cpu = statistics.median(c for _, c in cases["psql -f (lexing only)"])
    print(f"\n{'case':28} {'MB/s (CPU time)':>16} {'MB/s (wall)':>12}  ratio to psql (CPU)")
    for name, runs in cases.items():
        cpu = statistics.median(c for _, c in runs)
        wall = statistics.median(w for w, _ in runs)
        print(f"{name:28} {size_mb / cpu:16.1f} {size_mb / wall:12.1f}  {base_cpu / cpu:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
