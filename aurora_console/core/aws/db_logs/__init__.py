"""The database's own logs (RDS/Aurora PostgreSQL server log), read through the AWS APIs.

Not the console's log: that is :mod:`aurora_console.core.logs`.

* ``files``: an instance's log files (``DescribeDBLogFiles``), newest first; permission names.
* ``reader``: one file read with ``DownloadDBLogFilePortion`` portion by portion (streamed),
  the last lines first, scroll-back; ``LogFileGone``.
* ``follow``: follow mode (``tail -f``) across hourly rotations, a cancellable loop.
* ``entries``: the ``%t:%r:%u@%d:[%p]:`` prefix parsed into entries, continuation lines joined,
  slow statements and ``auto_explain`` plans recognised.
* ``search``: severity/time filters, regex search with next/previous, line search over portions.
* ``cloudwatch``: one search over all of a cluster's instances with ``FilterLogEvents``.
* ``export``: entries to text or CSV.
"""
