"""open_profile on the sandbox's built-in profile while the sandbox's database is down:
a plain reason, not "No connection profile named 'sandbox-blog'"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.core.connections.opener import open_profile
from aurora_console.core.connections.profile import SANDBOX_DB_PROFILE
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit


def test_sandbox_database_down_says_why():
    info = SimpleNamespace(database_ready=False, db_error="no PostgreSQL server binaries found (install postgresql)")
    with pytest.raises(ValidationError, match="sandbox's database is not running: no PostgreSQL server binaries"):
        open_profile(SANDBOX_DB_PROFILE, sandbox_info=info)


def test_sandbox_database_still_starting():
    info = SimpleNamespace(database_ready=False, db_error=None)
    with pytest.raises(ValidationError, match="still starting"):
        open_profile(SANDBOX_DB_PROFILE, sandbox_info=info)


def test_other_profiles_are_looked_up_as_before(tmp_path):
    from aurora_console.core.connections.store import ProfileStore

    info = SimpleNamespace(database_ready=False, db_error=None)
    with pytest.raises(ValidationError, match="No connection profile named 'mine'"):
        open_profile("mine", sandbox_info=info, store=ProfileStore(tmp_path / "profiles.json"))


def test_the_runtime_names_its_profile_the_same():
    from aurora_console.sandbox.runtime import BLOG_PROFILE_NAME

    assert BLOG_PROFILE_NAME == SANDBOX_DB_PROFILE
