"""MySQL driver benchmark: 1,000,000 rows x 3 columns from a real MariaDB, fetched by each
candidate driver, against the ``mariadb`` command-line client in batch mode, same run.

    .venv/bin/python benchmarks/mysql_drivers.py [--rows 1000000] [--runs 3] [--no-tls]

The server is a throw-away :class:`~aurora_console.sandbox.mysql.MysqlServer` (TLS on, as Aurora
is used). Each measurement runs in its own subprocess (so peak memory is comparable), the cases
interleaved, several times; medians are printed with their ratio to the client's time:

* ``mariadb --batch`` (the baseline: C client, rows written to /dev/null);
* mysql-connector-python with its C extension and pure Python, buffered ``fetchall`` and
  unbuffered iteration;
* PyMySQL (pure Python): ``Cursor.fetchall`` and ``SSCursor`` (unbuffered) in 1,000-row batches;
* mysqlclient (C, libmariadb/libmysqlclient): ``Cursor.fetchall`` and ``SSCursor``;
* the console's engine (``MYSQL.connect`` + ``STREAMING_CURSOR``, 1,000-row ``fetchmany``).

A driver that is not installed is reported as missing (mysqlclient needs the client library's
headers to build: ``apt-get install libmariadb-dev pkg-config``). Peak memory is the RSS growth of
the fetching process (for the client: its own peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from common import machine, summary  # noqa: E402

QUERY = "SELECT id, name, amount FROM bench ORDER BY id"
BATCH = 1000

CASES = [
    ("client", "mariadb --batch (C client, baseline)"),
    ("connector-c-buffered", "mysql-connector-python C ext, fetchall"),
    ("connector-c-unbuffered", "mysql-connector-python C ext, unbuffered fetchmany"),
    ("connector-pure-buffered", "mysql-connector-python pure Python, fetchall"),
    ("pymysql-buffered", "PyMySQL Cursor.fetchall"),
    ("pymysql-unbuffered", "PyMySQL SSCursor fetchmany"),
    ("mysqlclient-buffered", "mysqlclient Cursor.fetchall"),
    ("mysqlclient-unbuffered", "mysqlclient SSCursor fetchmany"),
    ("engine", "console engine (PyMySQL) STREAMING_CURSOR fetchmany"),
]


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Missing(Exception):
    """The driver of a case is not installed (or its C part does not load here)."""


# -- subprocess workers --------------------------------------------------------------------------
def _drain(cur, batch: int) -> int:
    n = 0
    while True:
        rows = cur.fetchmany(batch)
        if not rows:
            return n
        n += len(rows)


def worker(case: str, cfg: dict) -> dict:
    host, port, user, pw, db, tls, ca = (cfg[k] for k in ("host", "port", "user", "password", "db", "tls", "ca"))
    if case == "client":
        return _worker_client(cfg)
    family, _, mode = case.rpartition("-") if case != "engine" else ("engine", "", "unbuffered")
    conn, cursor_of, tls_of = _open(family, host, port, user, pw, db, tls, ca)
    base = _rss_mb()
    t0 = time.perf_counter()
    cur = cursor_of(mode == "unbuffered")
    cur.execute(QUERY)
    if mode == "buffered":
        rows = len(cur.fetchall())
    else:
        rows = _drain(cur, BATCH)
    total = time.perf_counter() - t0
    mem = _peak_mb() - base
    cur.close()
    tls_version = tls_of()
    conn.close()
    return {"total_s": total, "rows": rows, "mem_mb": mem, "tls": tls_version}


def _open(family: str, host, port, user, pw, db, tls, ca):
    import ssl as ssl_mod

    def status_of(conn_cursor):
        def read():
            c = conn_cursor()
            c.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
            row = c.fetchone()
            c.close()
            return row[1] if row else ""
        return read

    if family.startswith("connector"):
        try:
            import mysql.connector
        except ImportError:
            raise Missing("mysql-connector-python is not installed") from None
        pure = family == "connector-pure"
        if not pure and not mysql.connector.HAVE_CEXT:
            try:
                import _mysql_connector  # noqa: F401  (for the reason only)
                why = "unknown reason"
            except ImportError as exc:  # 26.x's Linux wheel needs OpenSSL >= 3.2 (Debian 12 has 3.0)
                why = str(exc)
            raise Missing(f"mysql-connector-python {mysql.connector.__version__}'s C extension does not load "
                          f"here: {why}")
        kw = {"host": host, "port": port, "user": user, "password": pw, "database": db, "use_pure": pure}
        kw.update({"ssl_ca": ca, "ssl_verify_cert": False} if tls else {"ssl_disabled": True})
        conn = mysql.connector.connect(**kw)
        return conn, lambda unbuffered: conn.cursor(buffered=not unbuffered), \
            status_of(lambda: conn.cursor(buffered=True))
    if family == "mysqlclient":
        try:
            import MySQLdb
            import MySQLdb.cursors
        except ImportError:
            raise Missing("mysqlclient is not installed (it builds against libmariadb-dev/libmysqlclient-dev)") \
                from None
        kw = {"host": host, "port": port, "user": user, "password": pw, "database": db}
        if tls:
            kw["ssl"] = {"ca": ca}
        conn = MySQLdb.connect(**kw)
        return conn, lambda unbuffered: conn.cursor(MySQLdb.cursors.SSCursor if unbuffered else
                                                    MySQLdb.cursors.Cursor), status_of(conn.cursor)
    if family == "pymysql":
        import pymysql
        import pymysql.cursors

        ctx = None
        if tls:
            ctx = ssl_mod.create_default_context(cafile=ca)
            ctx.check_hostname = False
        conn = pymysql.connect(host=host, port=port, user=user, password=pw, database=db, ssl=ctx,
                               ssl_disabled=not tls)
        return conn, lambda unbuffered: conn.cursor(pymysql.cursors.SSCursor if unbuffered else
                                                    pymysql.cursors.Cursor), status_of(conn.cursor)
    if family == "engine":
        from aurora_console.core.connections.engines.mysql import MYSQL, STREAMING_CURSOR

        conn = MYSQL.connect(host=host, port=port, user=user, password=pw, database=db,
                             tls_mode="verify-ca" if tls else "disable", tls_ca=ca)
        return conn, lambda unbuffered: conn.cursor(STREAMING_CURSOR), status_of(conn.cursor)
    raise ValueError(family)


def _worker_client(cfg: dict) -> dict:
    with tempfile.TemporaryDirectory() as folder:  # the password in a private option file, not argv/env
        opts = Path(folder) / "client.cnf"
        opts.touch(mode=0o600)
        opts.write_text(f"[client]\npassword={cfg['password']}\n")
        argv = ["mariadb", f"--defaults-extra-file={opts}", "--batch", "--skip-column-names", "-h", cfg["host"],
                "-P", str(cfg["port"]), "-u", cfg["user"], "-e", QUERY, cfg["db"]]
        argv += ["--ssl", f"--ssl-ca={cfg['ca']}"] if cfg["tls"] else ["--skip-ssl"]
        t0 = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            out = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, timeout=600)
        total = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"total_s": total, "rows": cfg["rows"], "mem_mb": peak, "tls": "on" if cfg["tls"] else ""}


# -- driver ------------------------------------------------------------------------------------------
def _sub(case: str, cfg: dict) -> dict:
    cmd = [sys.executable, __file__, "--worker", case]
    out = subprocess.run(cmd, input=json.dumps(cfg), capture_output=True, text=True, timeout=900, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{case} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _seed(server, rows: int) -> None:
    server.execute(
        "CREATE TABLE bench (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL)",
        # MariaDB's Sequence engine generates the ids; the name and amount vary per row
        f"INSERT INTO bench SELECT seq, CONCAT('customer-', seq, '-', MD5(seq) ), (seq % 100000) / 100 "
        f"FROM seq_1_to_{int(rows)}", database="bench")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-tls", action="store_true", help="plain TCP for every case (default: TLS, as on Aurora)")
    ap.add_argument("--cases", default="", help="comma-separated case names (default: all)")
    ap.add_argument("--worker")
    a = ap.parse_args()
    if a.worker:
        cfg = json.loads(sys.stdin.read())
        try:
            res = worker(a.worker, cfg)
        except Missing as exc:
            res = {"missing": str(exc)}
        print(json.dumps(res))
        return

    from aurora_console.sandbox.mysql import MysqlServer
    from aurora_console.sandbox.tls import ensure_certificates

    cases = [c for c in CASES if not a.cases or c[0] in a.cases.split(",")]
    with tempfile.TemporaryDirectory(prefix="mysql-bench-") as folder:
        tls = ensure_certificates(Path(folder) / "tls", ["localhost"])
        server = MysqlServer(Path(folder) / "data", password=secrets.token_urlsafe(16), tls=tls,
                             settings={"innodb-buffer-pool-size": "256M", "innodb-flush-log-at-trx-commit": "0"})
        with server:
            server.create_database("bench")
            t0 = time.perf_counter()
            _seed(server, a.rows)
            print(f"seeded {a.rows:,} rows in {time.perf_counter() - t0:.1f} s")
            cfg = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
                   "db": "bench", "tls": not a.no_tls, "ca": str(tls.ca_file), "rows": a.rows}
            results: dict[str, list[dict]] = {c: [] for c, _ in cases}
            missing: dict[str, str] = {}
            for _ in range(a.runs):  # interleaved, so machine noise hits every case
                for case, _label in cases:
                    if case in missing:
                        continue
                    res = _sub(case, cfg)
                    if "missing" in res:
                        missing[case] = res["missing"]
                        continue
                    if res["rows"] != a.rows:
                        raise RuntimeError(f"{case} fetched {res['rows']} rows, not {a.rows}")
                    results[case].append(res)
            base = statistics.median(r["total_s"] for r in results["client"]) if results.get("client") else None
            tag = "TLS" if not a.no_tls else "no TLS"
            for case, label in cases:
                if case in missing:
                    print(f"{label}: not measured: {missing[case]}")
                    continue
                runs = results[case]
                t = statistics.median(r["total_s"] for r in runs)
                mem = statistics.median(r["mem_mb"] for r in runs)
                ratio = f"{t / base:.2f}x" if base else "-"
                memory = f"peak RSS {mem:.0f} MB" if case == "client" else f"peak RSS +{mem:.0f} MB"
                summary(f"fetch {a.rows:,} rows x 3 cols ({tag}): {label} vs mariadb --batch",
                        f"{t:.2f} s, {memory}, TLS {runs[0]['tls'] or 'off'}", ratio, "report only", True)
            print(f"runs: {a.runs} (medians); machine: {machine()}")


if __name__ == "__main__":
    main()
