"""Safe editing of table contents (the blog tables and any table with a primary key).

Qt-free. Modules:

- ``introspect``: what a table looks like (columns, types, keys, triggers, masking).
- ``values``: parse and validate what a user typed into a cell, per column type.
- ``pager``: keyset pagination on the primary key, sorting and per-column filters.
- ``changes``: pending edits / inserts / deletes and the all-or-nothing save.
- ``store``: pending changes kept on disk so they survive a dropped connection.
- ``lookup``: foreign-key lookups (labels) and "who references this row".
- ``slug``: slug suggestion and uniqueness for the post form.
- ``session``: one table editor bound to a connection (what the UI talks to).

Every statement is composed with ``psycopg.sql`` (identifiers and placeholders); values are
sent as text parameters cast to the column's type, so the server parses them.
"""
