"""Shared test set-up: isolation from the user's files and AWS, the real peers, and failure rules.

Fixtures come from tests/rig/: isolation (autouse), pg (real PostgreSQL), mysql (real MariaDB), sshd (real OpenSSH),
moto (a moto server reset between tests), sso_portal (a local AWS SSO portal and ``aws sso login``'s token
file, for expiring SSO sessions). The console fixture and page objects come from the
installed pytest plugin ``aurora_console.testing.plugin``.

Hypothesis profiles: ``ci`` (loaded when the ``CI`` environment variable is set, as ``.ci/run``
runs on CI) derives every example from the test itself (``derandomize``), so a CI run is
reproducible and a failure prints the blob to replay it; ``dev`` (the default elsewhere) explores
new random examples on every run. Neither has a deadline (tests assert no timings; a loaded
machine made the 200 ms default fail examples that pass). ``HYPOTHESIS_PROFILE=ci`` picks a profile explicitly. Tests set
their own ``max_examples``/``deadline`` with ``@settings`` where they need to; none pins a seed.
"""

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", print_blob=True, deadline=None,  # no timing assertions: a loaded machine is not a failure
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

pytest_plugins = ["tests.rig.isolation", "tests.rig.pg", "tests.rig.mysql", "tests.rig.sshd", "tests.rig.moto",
                  "tests.rig.sso_portal"]


@pytest.fixture(autouse=True)
def _full_gc_passes_given_back():
    """A screen closed while it held back full GC passes (a fleet load, a fetch-all, a followed
    log whose task's end is dropped with its released owner) must not keep them held for the
    tests after it: those would see another collector policy than the one they test."""
    yield
    full_collections = sys.modules.get("aurora_console.ui.full_collections")
    while full_collections is not None and full_collections.holding():
        full_collections.release()
