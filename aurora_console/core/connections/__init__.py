"""Connection profiles: where the database is, how to reach it, where the password comes from."""
