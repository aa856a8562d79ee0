"""Relocated PostgreSQL data folders (root only): owner locks, stale collection, reset."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aurora_console.sandbox import postgres_relocation as reloc
from aurora_console.sandbox.postgres_env import PostgresError, RunAs, is_root

pytestmark = [pytest.mark.unit, pytest.mark.skipif(not is_root(), reason="relocation only happens as root")]

# A separate process that claims a relocated data folder and holds it until killed.
_OWNER = """
import sys
from pathlib import Path
from aurora_console.sandbox import postgres_relocation as reloc
from aurora_console.sandbox.postgres_env import RunAs
reloc.relocation_root = lambda: Path(sys.argv[1])
reloc.collect_relocated = lambda: []
data_dir, fd = reloc.claim_data_dir(Path(sys.argv[2]), RunAs.for_current_process())
print(data_dir, flush=True)
sys.stdin.read()
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "reloc"
    folder.mkdir()
    monkeypatch.setattr(reloc, "relocation_root", lambda: folder)
    return folder


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    return path


def _owner(root: Path, requested: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-c", _OWNER, str(root), str(requested)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line, "the owner process did not claim the folder"
    return proc, Path(line)


def _age(holder: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in (holder, *holder.iterdir()):
        os.utime(path, (then, then), follow_symlinks=False)


def test_holder_is_made_whole_with_its_records(root: Path, tmp_path: Path) -> None:
    requested = _private(tmp_path / "private") / "pgdata"
    data_dir = reloc.usable_data_dir(requested, RunAs.for_current_process())
    holder = data_dir.parent
    assert holder.parent == root and holder.name.startswith(reloc.RELOCATED_PREFIX)
    assert (holder / "requested").read_text() == str(requested)
    assert (holder / "owner.lock").is_file()
    assert [p.name for p in root.iterdir()] == [holder.name]  # no half-made sibling left behind


def test_live_owner_keeps_its_folder_and_a_dead_ones_folder_is_collected(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reloc, "THROWAWAY_GRACE_SECONDS", 0.0)
    requested = _private(tmp_path / "state") / "pg"  # under the temp folder: throw-away
    proc, data_dir = _owner(root, requested)
    try:
        data_dir.mkdir()
        (data_dir / "PG_VERSION").write_text("15\n")
        assert reloc.collect_relocated() == []
        assert data_dir.is_dir()
        with pytest.raises(PostgresError, match="in use by another process"):
            reloc.claim_data_dir(requested, RunAs.for_current_process(), attempts=2)
        assert reloc.remove_relocated(requested) is False and data_dir.is_dir()
    finally:
        proc.kill()
        proc.wait()
    assert reloc.collect_relocated() == [data_dir.parent]
    assert not data_dir.parent.exists() and list(root.iterdir()) == []


def test_unused_throwaway_folder_waits_for_the_grace_period(root: Path, tmp_path: Path) -> None:
    requested = _private(tmp_path / "state") / "pg"
    data_dir = reloc.usable_data_dir(requested, RunAs.for_current_process())
    data_dir.mkdir()
    assert reloc.collect_relocated() == []  # just stopped: a restart may want it back
    _age(data_dir.parent, reloc.THROWAWAY_GRACE_SECONDS + 60)
    _age(data_dir, reloc.THROWAWAY_GRACE_SECONDS + 60)
    assert reloc.collect_relocated() == [data_dir.parent]


def test_persistent_sandbox_data_is_kept_until_reset(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a state folder outside the temp folder (like ~/.local/share/aurora-console/sandbox)
    monkeypatch.setattr(reloc, "temp_root", lambda: tmp_path / "elsewhere")
    requested = _private(tmp_path / "home" / "sandbox") / "pg"
    data_dir = reloc.usable_data_dir(requested, RunAs.for_current_process())
    data_dir.mkdir()
    _age(data_dir.parent, 10 * reloc.LEGACY_GRACE_SECONDS)
    assert reloc.collect_relocated() == []
    assert reloc.remove_relocated(requested) is True
    assert not data_dir.parent.exists()


def test_sandbox_reset_removes_the_relocated_data(root: Path, tmp_path: Path) -> None:
    from aurora_console.sandbox.runtime import Sandbox

    state = _private(tmp_path / "sbx")
    data_dir = reloc.usable_data_dir(state / "pg", RunAs.for_current_process())
    data_dir.mkdir()
    Sandbox(state, reset=True)
    assert not data_dir.parent.exists()


def test_old_holders_without_records_are_collected_once_idle(root: Path) -> None:
    legacy = root / f"{reloc.RELOCATED_PREFIX}0123456789abcdef"
    (legacy / "data").mkdir(parents=True)
    assert reloc.collect_relocated() == []  # an older version may be setting it up right now
    _age(legacy / "data", 2 * reloc.LEGACY_GRACE_SECONDS)
    _age(legacy, 2 * reloc.LEGACY_GRACE_SECONDS)
    assert reloc.collect_relocated() == [legacy]


def test_a_holder_served_by_a_running_postgres_is_never_collected(root: Path, pg_server) -> None:
    legacy = root / f"{reloc.RELOCATED_PREFIX}fedcba9876543210"
    (legacy / "data").mkdir(parents=True)
    pid_file = legacy / "data" / "postmaster.pid"
    pid_file.write_text(f"{pg_server.pid}\n")  # the rig's real PostgreSQL
    _age(legacy / "data", 2 * reloc.LEGACY_GRACE_SECONDS)
    _age(legacy, 2 * reloc.LEGACY_GRACE_SECONDS)
    assert reloc.collect_relocated() == []
    pid_file.write_text(f"{os.getpid()}\n")  # a live process, but not a PostgreSQL
    _age(legacy / "data", 2 * reloc.LEGACY_GRACE_SECONDS)
    assert reloc.collect_relocated() == [legacy]


def test_old_empty_socket_folders_are_collected(tmp_path: Path) -> None:
    empty_old, empty_new, in_use = (tmp_path / f"pgsock-{n}" for n in ("old", "new", "used"))
    for folder in (empty_old, empty_new, in_use):
        folder.mkdir()
    (in_use / ".s.PGSQL.5432.lock").write_text("123\n")
    for folder in (empty_old, in_use):
        _age(folder, 2 * reloc.LEGACY_GRACE_SECONDS)
    assert reloc.collect_socket_dirs(tmp_path) == [empty_old]
    assert empty_new.is_dir() and in_use.is_dir()


@pytest.fixture
def searchable_root(monkeypatch: pytest.MonkeyPatch):
    """A relocation root the server account can reach (as the real temp folder is)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="aurora-reloc-test-"))
    folder.chmod(0o755)
    monkeypatch.setattr(reloc, "relocation_root", lambda: folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_running_server_holds_its_folder_until_stopped(
    searchable_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aurora_console.sandbox.postgres import PostgresServer
    from aurora_console.sandbox.postgres_env import find_postgres_bin

    if find_postgres_bin() is None:
        pytest.skip("no PostgreSQL server binaries")
    root = searchable_root
    monkeypatch.setattr(reloc, "THROWAWAY_GRACE_SECONDS", 0.0)
    server = PostgresServer(_private(tmp_path / "state") / "pg", settings={"fsync": "off"})
    server.start()
    try:
        assert server.data_dir.parent.parent == root
        assert reloc.collect_relocated() == []  # locked by this process's server
        with server.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        server.stop()
    assert reloc.collect_relocated() == [server.data_dir.parent]


def test_a_claim_does_not_wait_for_the_stale_folders_to_be_deleted(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting other runs' data folders took seconds off the server's start: the claim returns at
    once and a thread of its own deletes them (never the folder just claimed)."""
    import threading

    stale_requested = _private(tmp_path / "old") / "pg"
    stale = reloc.usable_data_dir(stale_requested, RunAs.for_current_process())
    stale.mkdir()
    _age(stale.parent, reloc.THROWAWAY_GRACE_SECONDS + 60)
    _age(stale, reloc.THROWAWAY_GRACE_SECONDS + 60)
    release_delete = threading.Event()
    deleting = threading.Event()
    original = reloc._delete_holder

    def slow_delete(holder: Path) -> None:
        deleting.set()
        assert release_delete.wait(10)
        original(holder)

    monkeypatch.setattr(reloc, "_delete_holder", slow_delete)
    requested = _private(tmp_path / "new") / "pg"
    data_dir, fd = reloc.claim_data_dir(requested, RunAs.for_current_process())
    try:
        assert deleting.wait(10) and stale.parent.exists()  # claimed while the deletion still runs
        collectors = [t for t in threading.enumerate() if t.name == "pg-relocated-collector"]
        assert collectors and not any(t.daemon for t in collectors)  # an exit waits for it
        release_delete.set()
        for t in collectors:
            t.join(10)
        assert not stale.parent.exists() and data_dir.parent.is_dir()
    finally:
        release_delete.set()
        reloc.release(fd)


def test_a_deletion_cut_short_by_a_dead_process_is_finished_by_the_next_collection(root: Path) -> None:
    """A console that left with os._exit (Ctrl+C before its window existed) or was killed while
    its collector thread deleted a stale folder leaves a half-deleted ``.deleting-...`` folder."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = root / f".deleting-{reloc.RELOCATED_PREFIX}0123456789abcdef-{dead.pid}"
    (left / "data" / "base").mkdir(parents=True)
    (left / "data" / "base" / "1").write_bytes(b"x" * 1000)
    busy = root / f".deleting-{reloc.RELOCATED_PREFIX}fedcba9876543210-{os.getpid()}"  # still under way
    (busy / "data").mkdir(parents=True)
    assert reloc.collect_relocated() == [left]
    assert not left.exists() and busy.is_dir()
