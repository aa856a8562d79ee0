"""Performance diagnostics for a cluster ("why is it slow right now?"), Qt-free.

Every function that talks to PostgreSQL takes a DB-API connection (psycopg 3) made on a
worker thread and returns plain data (frozen dataclasses). One module per concept:

Where to connect
- ``instances``: the instances of a cluster (writer first, then readers) with their own endpoints,
  and the connection profile aimed at one of them.

Live data plane
- ``activity``: sessions from ``pg_stat_activity`` (``read_sessions``, ``SessionRow``,
  ``SessionsSnapshot``, ``flag``), the console's own backends hidden, the missing
  ``pg_read_all_stats`` grant named.
- ``blocking``: the tree of who blocks whom (``pg_blocking_pids`` + ``pg_locks``):
  ``read_blocking_tree`` (from a sessions snapshot, so a refresh reads the activity once),
  ``BlockingNode``, ``LockInfo``.
- ``backends``: cancel / terminate a backend (``signal_backend``) with its refusals, the
  typed confirmation and the audit entry.
- ``replication``: replica lag from ``aurora_replica_status()`` or ``pg_stat_replication``
  and CloudWatch ``AuroraReplicaLag``.

Top SQL
- ``statements``: samples of ``pg_stat_statements``.
- ``snapshots``: the local SQLite snapshot store (deltas, baselines across resets).
- ``top_sql``: the top statements of a window.

Database load
- ``activity_history``: the 1 s sampler of ``pg_stat_activity`` (active-session history).
- ``insights``: Performance Insights (``pi`` API).
- ``load``: database load by wait, from Performance Insights or sampling.

Explain a window
- ``explain_window``: top statements, load, RDS events, migrations and audit entries of a
  time window, side by side.
"""
