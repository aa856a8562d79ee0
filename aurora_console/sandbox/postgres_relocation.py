"""Data folders the server account cannot reach, moved under the temp folder (Qt-free, POSIX).

When we run as root, PostgreSQL runs as ``postgres`` (else ``nobody``), and that account needs
search permission on every folder above its data folder. The console's own folders usually sit
below ``/root`` (mode 0700), and pytest's and ``mkdtemp``'s folders are 0700 too. Relocating
inside the user data folder instead is not possible without widening the permissions of the
user's home (``/root``) or adding an ACL to it, which we will not do to someone's home folder;
the temp folder is world-searchable (1777), so the data goes to
``<tempdir>/aurora-pg-<hash of the requested path>/data`` (holder root-owned 0755, data folder
owned by the server account, 0700).

Every holder is made complete in one step (a temporary sibling renamed into place) and holds:

* ``requested``: the requested data folder's path;
* ``owner.lock``: while a :class:`~aurora_console.sandbox.postgres.PostgresServer` uses the
  folder, its process holds an exclusive ``flock`` on this file (see :func:`claim_data_dir`);
  the kernel releases it when that process ends, however it ends.

:func:`collect_relocated` deletes a holder when nothing uses it (no lock held, no PostgreSQL
serving it) and it is stale: its requested folder's parent is gone, or the requested folder is
itself under the temp folder (a test's or a script's throw-away server). The data of a sandbox
whose state folder lives elsewhere (``~/.local/share/aurora-console/sandbox``) persists between
runs, as it does for everyone else; ``--sandbox-reset`` deletes it (:func:`remove_relocated`).
Holders made by older versions (no lock file) count as unused once nothing has touched them for
:data:`LEGACY_GRACE_SECONDS`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path

from aurora_console.core.private_files import atomic_write_text
from aurora_console.sandbox import postgres_env

log = logging.getLogger(__name__)

RELOCATED_PREFIX = "aurora-pg-"
REQUESTED_FILE = "requested"
LOCK_FILE = "owner.lock"
#: a holder without a lock file (older versions) is left alone until untouched this long
LEGACY_GRACE_SECONDS = 3600.0
#: an unused throw-away holder whose requested folder still exists is kept this long after its
#: last use (a test stopping and restarting a sandbox on the same folder finds its data again)
THROWAWAY_GRACE_SECONDS = 600.0


def relocation_root() -> Path:
    return Path(tempfile.gettempdir())


def temp_root() -> Path:
    """The folder whose contents count as throw-away (requests below it are not kept)."""
    return Path(tempfile.gettempdir())


def holder_for(requested: Path) -> Path:
    """The holder folder a relocated ``requested`` data folder lives in (no I/O)."""
    requested = Path(requested).expanduser().absolute()
    digest = hashlib.sha256(str(requested).encode()).hexdigest()[:16]
    return relocation_root() / f"{RELOCATED_PREFIX}{digest}"


def needs_relocation(requested: Path, run_as: postgres_env.RunAs) -> bool:
    return not run_as.can_traverse(Path(requested).expanduser().absolute().parent)


def usable_data_dir(requested: Path, run_as: postgres_env.RunAs) -> Path:
    """The data folder to really use for ``requested``: itself, or (see the module docstring)
    ``<holder>/data``, the holder being made, with its records, if it does not exist yet.

    The same request always maps to the same holder, so a restart finds its data again.
    """
    requested = Path(requested).expanduser().absolute()
    if not needs_relocation(requested, run_as):
        return requested
    holder = holder_for(requested)
    if not holder.exists():
        _make_holder(holder, requested)
    info = holder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (0, run_as.uid):
        raise RuntimeError(f"{holder} exists and is not owned by root or {run_as.user}; remove it")
    os.chmod(holder, 0o755)
    marker = holder / REQUESTED_FILE
    if not marker.exists():  # a holder made by an older version
        atomic_write_text(marker, str(requested), private_parent=False)
    (holder / LOCK_FILE).touch(mode=0o600)
    return holder / "data"


def _make_holder(holder: Path, requested: Path) -> None:
    """Create ``holder`` with its records in one step: never seen half-made by a collector."""
    fresh = Path(tempfile.mkdtemp(prefix=f".{holder.name}-", dir=holder.parent))
    try:
        atomic_write_text(fresh / REQUESTED_FILE, str(requested), private_parent=False)
        (fresh / LOCK_FILE).touch(mode=0o600)
        os.chmod(fresh, 0o755)
        try:
            os.rename(fresh, holder)
        except OSError:  # another process made it first (rename onto a non-empty folder fails)
            if not holder.is_dir():
                raise
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def claim_data_dir(requested: Path, run_as: postgres_env.RunAs, attempts: int = 20) -> tuple[Path, int | None]:
    """The data folder for ``requested`` and, when relocated, an open descriptor holding the
    holder's ``owner.lock`` (close it with :func:`release` when the server stops).

    Raises :class:`~aurora_console.sandbox.postgres_env.PostgresError` if another process holds
    the folder (two servers on one data folder cannot work). Then collects the stale holders on
    a thread of its own (:func:`collect_in_background`).
    """
    requested = Path(requested).expanduser().absolute()
    if not needs_relocation(requested, run_as):
        return requested, None
    import fcntl  # POSIX only, as relocation is (root)

    busy = False
    for _ in range(attempts):
        busy = False
        try:
            data_dir = usable_data_dir(requested, run_as)
            fd = os.open(data_dir.parent / LOCK_FILE, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:  # a collector deleted it meanwhile: make it again
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live owner, or a collector looking at it for a moment
            os.close(fd)
            busy = True
            time.sleep(0.1)
            continue
        if os.fstat(fd).st_nlink == 0:  # a collector deleted it while we waited: start over
            os.close(fd)
            continue
        log.info("%s is not reachable by %s; using %s", requested, run_as.user, data_dir)
        collect_in_background()  # ours is locked now: the collector leaves it alone
        return data_dir, fd
    if busy:
        raise postgres_env.PostgresError(
            f"{holder_for(requested)}/data (the relocated data folder of {requested}) is in use by "
            "another process"
        )
    raise postgres_env.PostgresError(f"could not claim the relocated data folder of {requested}")


def release(fd: int | None) -> None:
    """Close a descriptor from :func:`claim_data_dir` (None: nothing); returns None."""
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
    return None


def _try_lock(holder: Path) -> int | None | bool:
    """An fd holding the holder's lock; None: no lock file (older version); False: held by a
    live process."""
    import fcntl

    try:
        fd = os.open(holder / LOCK_FILE, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    return fd


def _idle_seconds(holder: Path) -> float:
    newest = 0.0
    for path in (holder, holder / "data", *_children(holder / "data")):
        try:
            newest = max(newest, path.lstat().st_mtime)
        except OSError:
            pass
    return time.time() - newest


def _children(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _served_by_postgres(holder: Path) -> bool:
    try:
        pid = abs(int((holder / "data" / "postmaster.pid").read_text().splitlines()[0]))
    except (OSError, ValueError, IndexError):
        return False
    return bool(pid) and postgres_env.is_postgres_process(pid)


def _is_throwaway(requested: Path) -> bool:
    try:
        requested.resolve().relative_to(temp_root().resolve())
    except ValueError:
        return False
    return True


def _stale(holder: Path, locked: bool) -> bool:
    """Whether an unused holder should go (``locked``: we hold its lock, so its owner is gone)."""
    if not locked and _idle_seconds(holder) < LEGACY_GRACE_SECONDS:
        return False  # an older version may be setting it up right now
    try:
        requested = Path((holder / REQUESTED_FILE).read_text().strip())
    except OSError:
        return True  # made by an old version without the record, and unused
    if not requested.is_absolute() or not requested.parent.exists():
        return True
    return _is_throwaway(requested) and _idle_seconds(holder) >= THROWAWAY_GRACE_SECONDS


def collect_socket_dirs(base: Path = Path("/tmp"), grace: float = LEGACY_GRACE_SECONDS) -> list[Path]:
    """Delete ``pgsock-*`` folders (:func:`~aurora_console.sandbox.postgres_env.short_temp_dir`)
    left empty by servers whose owner was killed: a running server's socket is in there within
    seconds, so a folder empty for ``grace`` seconds serves nobody."""
    removed = []
    for folder in base.glob("pgsock-*"):
        try:
            if folder.is_symlink() or any(folder.iterdir()) or time.time() - folder.stat().st_mtime < grace:
                continue
            folder.rmdir()  # fails if a socket appeared meanwhile
        except OSError:
            continue
        removed.append(folder)
    return removed


def collect_relocated() -> list[Path]:
    """Delete the stale, unused holders (see the module docstring); returns what it deleted.

    Also deletes old empty socket folders (:func:`collect_socket_dirs`)."""
    collect_socket_dirs()
    removed = []
    for holder in sorted(relocation_root().glob(f"{RELOCATED_PREFIX}*")):
        if not holder.is_dir() or holder.is_symlink():
            continue
        fd = _try_lock(holder)
        if fd is False:
            continue
        try:
            if _served_by_postgres(holder) or not _stale(holder, locked=fd is not None):
                continue
            _delete_holder(holder)
            removed.append(holder)
        finally:
            release(fd)
    removed += _collect_half_deleted()
    return removed


def _collect_half_deleted() -> list[Path]:
    """Finish the deletions a process began (:func:`_delete_holder`) and never ended: it was
    killed, or left with ``os._exit`` (a Ctrl+C before the window existed) while its collector
    thread was deleting. The folder's name ends with the deleting process's id."""
    removed = []
    for doomed in sorted(relocation_root().glob(f".deleting-{RELOCATED_PREFIX}*")):
        pid = doomed.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or doomed.is_symlink() or not doomed.is_dir() or _process_alive(int(pid)):
            continue  # still being deleted by a live process, or not one of ours
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(doomed)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or no way to tell: leave its folder alone
    return True


def collect_in_background() -> threading.Thread:
    """:func:`collect_relocated` on a thread of its own: deleting other runs' data folders (tens of
    megabytes each) took seconds off the server's start when it ran before it. Not a daemon
    thread, so the process's exit waits for a deletion under way instead of cutting it short."""

    def run() -> None:
        try:
            collect_relocated()
        except Exception:  # noqa: BLE001 - only tidying; the next start tries again
            log.warning("collecting stale relocated PostgreSQL data folders failed", exc_info=True)

    thread = threading.Thread(target=run, name="pg-relocated-collector")
    thread.start()
    return thread


def _delete_holder(holder: Path) -> None:
    """Rename away first (a claimant then sees the holder gone and makes a new one), then delete."""
    doomed = holder.with_name(f".deleting-{holder.name}-{os.getpid()}")
    try:
        os.rename(holder, doomed)
    except OSError:
        doomed = holder
    shutil.rmtree(doomed, ignore_errors=True)


def remove_data_dir(requested: Path, run_as: postgres_env.RunAs) -> None:
    """Delete the data folder of ``requested`` (a relocated one with its holder)."""
    requested = Path(requested).expanduser().absolute()
    if needs_relocation(requested, run_as):
        shutil.rmtree(holder_for(requested), ignore_errors=True)
    else:
        shutil.rmtree(requested, ignore_errors=True)


def remove_relocated(requested: Path) -> bool:
    """Delete the relocated data of ``requested`` (``--sandbox-reset``), unless a process uses
    it; True if there is none left."""
    holder = holder_for(requested)
    if not holder.is_dir():
        return True
    fd = _try_lock(holder)
    if fd is False or _served_by_postgres(holder):
        log.warning("not deleting %s: a running PostgreSQL uses it", holder)
        return False
    try:
        _delete_holder(holder)
    finally:
        release(fd)
    return True
