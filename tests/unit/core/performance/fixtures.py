"""Helpers for the Top SQL tests: samples of ``pg_stat_statements`` built by hand, and a model
server whose counters follow what ran on it (resets, restarts, evictions, failover)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aurora_console.core.performance.statements import StatementCounters, StatementsSample

USERID, DBID = 10, 16384


def counters(queryid: int, calls: int, total_ms: float, *, query: str | None = None, rows: int | None = None,
             hit: int = 0, read: int = 0, temp_read: int = 0, temp_written: int = 0, blk_read_ms: float = 0.0,
             blk_write_ms: float = 0.0, userid: int = USERID, dbid: int = DBID) -> StatementCounters:
    return StatementCounters(
        queryid=queryid, userid=userid, dbid=dbid, query=query if query is not None else f"SELECT {queryid}",
        calls=calls, total_ms=total_ms, rows=calls if rows is None else rows, shared_blks_hit=hit,
        shared_blks_read=read, temp_blks_read=temp_read, temp_blks_written=temp_written, blk_read_ms=blk_read_ms,
        blk_write_ms=blk_write_ms, user="app", database="blog")


def sample(taken_at: float, rows, *, identity: str = "db-1|started 100", stats_reset: str | None = "r0",
           hidden: int = 0) -> StatementsSample:
    return StatementsSample(taken_at=taken_at, server_identity=identity, stats_reset=stats_reset,
                            rows=tuple(rows), hidden=hidden)


@dataclass
class ModelServer:
    """One PostgreSQL instance's pg_stat_statements, driven by what runs on it.

    Each counter of statement ``q`` after ``n`` calls of ``ms`` milliseconds: calls n, total_ms
    n*ms, rows 2n, shared hits 3n, reads n, temp blocks n, block read time ms/4."""

    name: str
    started: int = 100
    has_info: bool = True
    resets: int = 0
    entries: dict[int, list[float]] = field(default_factory=dict)  # queryid -> [calls, ms]

    @property
    def identity(self) -> str:
        return f"{self.name}|started {self.started}"

    def run(self, queryid: int, calls: int, ms_each: float) -> None:
        entry = self.entries.setdefault(queryid, [0, 0.0])
        entry[0] += calls
        entry[1] += calls * ms_each

    def reset_all(self) -> None:
        self.entries.clear()
        self.resets += 1

    def forget(self, queryid: int) -> None:
        """Evicted (pg_stat_statements.max) or reset alone: the entry is gone, stats_reset stays."""
        self.entries.pop(queryid, None)

    def restart(self) -> None:
        self.entries.clear()
        self.started += 1

    def sample(self, taken_at: float) -> StatementsSample:
        rows = [counters(q, int(c), ms, rows=2 * int(c), hit=3 * int(c), read=int(c), temp_read=int(c),
                         blk_read_ms=ms / 4) for q, (c, ms) in sorted(self.entries.items())]
        return sample(taken_at, rows, identity=self.identity,
                      stats_reset=f"reset {self.resets}" if self.has_info else None)
