"""The content editor on MySQL (Aurora MySQL, MySQL 8.0, MariaDB): the same ``TableInfo``, pages,
change sets and save results as on PostgreSQL, with the SQL MySQL needs beside the PostgreSQL
modules (``introspect``, ``pager``, ``lookup``, ``save``, ``session``). ``ContentSession(connect)``
picks these when ``connect`` makes MySQL connections."""
