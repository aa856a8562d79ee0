"""The rig leaves nothing in the temp folder: a whole pytest session run in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.rig.isolation import SESSION_PREFIX, make_session_root, remove_session_root

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

INNER_TESTS = '''
import os
from pathlib import Path

from tests.rig.isolation import session_root


def test_uses_the_rig(pg_server, request):
    root = session_root(request.config)
    assert root.is_dir()
    Path(os.environ["RIG_REPORT"]).write_text(f"{root}\\n{pg_server.data_dir}\\n")
    with pg_server.connect() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_fails():
    assert False, "this session fails on purpose"
'''


@pytest.fixture
def temp_folder():
    """A temp folder for the inner session (searchable, as /tmp is, for the PostgreSQL account)."""
    folder = Path(tempfile.mkdtemp(prefix="aurora-rig-cleanup-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_failed_session_leaves_nothing_and_spares_other_sessions(temp_folder: Path, tmp_path: Path) -> None:
    project = tmp_path / "inner"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_inner.py").write_text(INNER_TESTS)
    live_root, live_fd = make_session_root(temp_folder)  # a session running right now
    legacy_root = temp_folder / f"{SESSION_PREFIX}older"  # an older version's folder (no lock)
    legacy_root.mkdir()
    dead_root, dead_fd = make_session_root(temp_folder)
    os.close(dead_fd)  # its session was killed: nobody holds the lock
    report = tmp_path / "report.txt"
    env = dict(os.environ, TMPDIR=str(temp_folder), RIG_REPORT=str(report),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
             "-p", "tests.rig.isolation", "-p", "tests.rig.pg", str(project)],
            cwd=project, env=env, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "1 failed, 1 passed" in result.stdout
        root, data_dir = report.read_text().splitlines()
        session_root = Path(root)
        assert session_root.parent == temp_folder and session_root.name.startswith(SESSION_PREFIX)
        assert not session_root.exists()
        if os.geteuid() == 0:  # PostgreSQL ran as another account: its data was relocated
            assert Path(data_dir).parent.parent == temp_folder
        assert not Path(data_dir).exists()
        assert not dead_root.exists()
        assert live_root.is_dir() and legacy_root.is_dir()
        left = sorted(p.name for p in temp_folder.iterdir())
        assert left == sorted([live_root.name, legacy_root.name, f"pytest-of-{_user()}"]), left
    finally:
        remove_session_root(live_root, live_fd)


def _user() -> str:
    import getpass

    return getpass.getuser()
