"""Shared test set-up: isolation from the user's files and AWS, the real peers, and failure rules.

Fixtures come from tests/rig/: isolation (autouse), pg (real PostgreSQL), sshd (real OpenSSH),
moto (a moto server reset between tests). The console fixture and page objects come from the
installed pytest plugin ``aurora_console.testing.plugin``.
"""

pytest_plugins = ["tests.rig.isolation", "tests.rig.pg", "tests.rig.sshd", "tests.rig.moto"]
