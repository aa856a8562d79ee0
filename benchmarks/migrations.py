"""Benchmark: the console's migrations engine against yoyo-migrations on the same files.

1. apply 500 generated small migrations (3 statements each) to a fresh database, engine vs yoyo
   (same SQL files, same server, same run; median of several runs, alternating);
2. info and validate over 5,000 applied files, engine vs yoyo's equivalent "what is pending"
   (``read_migrations`` + ``backend.to_apply``; note yoyo never reads the files' contents for it,
   while the engine reads, checksums and compares every file).

Run by hand: ``.venv/bin/python benchmarks/migrations.py`` (needs the ``bench`` extra:
``pip install -e .[bench]``). It starts its own throw-away PostgreSQL server (fsync off, as the
test rig does) and prints each figure with its ratio to yoyo (lower is better; target <= 1.0).
"""

from __future__ import annotations

import argparse
import logging
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg

from aurora_console.core.db.migrations import MigrationRunner
from aurora_console.sandbox.postgres import PostgresServer
from aurora_console.sandbox.postgres_env import find_postgres_bin

SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "50"}


def generate(folder: Path, count: int, *, tiny: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        if tiny:
            sql = f"-- migration {i}\nCOMMENT ON TABLE bench_base IS 'version {i}';\n"
        else:
            sql = (f"-- migration {i}: a small table, two rows and an index\n"
                   f"CREATE TABLE t_{i:05d} (id serial PRIMARY KEY, name text NOT NULL, "
                   f"created timestamptz DEFAULT now());\n"
                   f"INSERT INTO t_{i:05d} (name) VALUES ('alpha; beta'), ('it''s {i}');\n"
                   f"CREATE INDEX t_{i:05d}_name_idx ON t_{i:05d} (name);\n")
        # Zero-padded so that yoyo (file-name order) and the engine (numeric order) agree.
        (folder / f"V{i:05d}__migration_{i}.sql").write_text(sql)


def yoyo_uri(server: PostgresServer, dbname: str) -> str:
    info = server.conninfo(dbname)
    return (f"postgresql+psycopg://{quote(info['user'])}:{quote(info.get('password') or '')}"
            f"@{info['host']}:{info['port']}/{dbname}")


def fresh_db(server: PostgresServer, setup_sql: str = "") -> str:
    name = f"b_{secrets.token_hex(4)}"
    server.create_database(name)
    if setup_sql:
        with server.connect(name, autocommit=True) as c:
            c.execute(setup_sql)
    return name


def run_engine(server: PostgresServer, dbname: str, folder: Path) -> int:
    result = MigrationRunner(server.dsn(dbname), folder).migrate()
    return len(result.applied)


def run_yoyo(server: PostgresServer, dbname: str, folder: Path) -> int:
    from yoyo import get_backend, read_migrations

    backend = get_backend(yoyo_uri(server, dbname))
    migrations = read_migrations(str(folder))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    n = len(pending)
    backend.connection.close()
    return n


def yoyo_mark(server: PostgresServer, dbname: str, folder: Path) -> None:
    from yoyo import get_backend, read_migrations

    backend = get_backend(yoyo_uri(server, dbname))
    with backend.lock():
        backend.mark_migrations(backend.to_apply(read_migrations(str(folder))))
    backend.connection.close()


def yoyo_pending(server: PostgresServer, dbname: str, folder: Path) -> int:
    from yoyo import get_backend, read_migrations

    backend = get_backend(yoyo_uri(server, dbname))
    n = len(backend.to_apply(read_migrations(str(folder))))
    backend.connection.close()
    return n


def timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def report(label: str, ours: list[float], theirs: list[float]) -> None:
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"{label:<44} engine {a * 1000:9.1f} ms   yoyo {b * 1000:9.1f} ms   ratio {a / b:5.2f}"
          f"   (medians of {len(ours)}; engine runs {', '.join(f'{x * 1000:.0f}' for x in ours)} ms)", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apply-count", type=int, default=500)
    ap.add_argument("--apply-runs", type=int, default=3)
    ap.add_argument("--info-count", type=int, default=5000)
    ap.add_argument("--info-runs", type=int, default=5)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    try:
        import yoyo  # noqa: F401
    except ImportError:
        print("yoyo-migrations is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        print("no PostgreSQL server binaries found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mig-bench-") as tmp:
        tmp = Path(tmp)
        server = PostgresServer(tmp / "data", bin_dir=bin_dir, password=secrets.token_urlsafe(12),
                                settings=SETTINGS)
        server.start()
        try:
            print(f"PostgreSQL {server.connect().info.server_version} at {server.host}; psycopg {psycopg.__version__}")
            small = tmp / "apply"
            generate(small, args.apply_count)
            ours, theirs = [], []
            for _ in range(args.apply_runs):  # alternate, so drift hits both
                t, n = timed(run_engine, server, fresh_db(server), small)
                assert n == args.apply_count, n
                ours.append(t)
                t, n = timed(run_yoyo, server, fresh_db(server), small)
                assert n == args.apply_count, n
                theirs.append(t)
            report(f"apply {args.apply_count} migrations (fresh db)", ours, theirs)

            many = tmp / "many"
            generate(many, args.info_count, tiny=True)
            base = "CREATE TABLE bench_base (id int)"
            db_ours, db_yoyo = fresh_db(server, base), fresh_db(server, base)
            t_ours, _ = timed(run_engine, server, db_ours, many)
            print(f"(set-up) engine applied {args.info_count} tiny migrations in {t_ours:.1f} s; "
                  "yoyo's history is filled with `mark` to keep the run short", flush=True)
            yoyo_mark(server, db_yoyo, many)
            runner = MigrationRunner(server.dsn(db_ours), many)
            info_t, val_t, yoyo_t = [], [], []
            for _ in range(args.info_runs):
                t, status = timed(runner.info)
                assert len(status.infos) == args.info_count and not status.pending
                info_t.append(t)
                t, status = timed(runner.validate)
                assert status.ok
                val_t.append(t)
                t, n = timed(yoyo_pending, server, db_yoyo, many)
                assert n == 0
                yoyo_t.append(t)
            report(f"info over {args.info_count} applied files", info_t, yoyo_t)
            report(f"validate over {args.info_count} applied files", val_t, yoyo_t)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
