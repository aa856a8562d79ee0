"""The embedded sandbox: a local AWS endpoint, a real PostgreSQL and a loopback bastion (see runtime.py)."""
