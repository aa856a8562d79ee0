"""The initialised PostgreSQL data folder template: ``initdb`` once, then copy it (Qt-free).

``initdb`` is the slowest step of a fresh sandbox's start (seconds on a busy machine); copying
its result takes a fraction of that. :class:`~aurora_console.sandbox.postgres.PostgresServer`
with a ``template_root`` therefore makes a fresh data folder like this:

1. :func:`copy_template` copies the template for these binaries and superuser, if there is one;
   else the server runs ``initdb --auth=trust`` *without* a password and :func:`save_template`
   copies that untouched result (no data, no password: nothing of one sandbox reaches another)
   into the template folder, owner-only, under the console's cache folder.
2. :func:`begin_password` makes the copy accept only the superuser over its private Unix socket
   (``local all all trust``; nothing over TCP) and leaves a marker, :data:`PASSWORD_PENDING`.
3. After the server starts, :func:`set_password` gives the superuser this server's own fresh
   password, writes the final ``pg_hba.conf`` (scram-sha-256 everywhere, as
   ``initdb --auth=scram-sha-256`` makes it), reloads it and removes the marker. A start that
   died in between finds the marker and does step 3 again.

The template is keyed by the binaries (their folder, the ``initdb`` file's size and time) and
the superuser name, so a PostgreSQL upgrade makes a new one.

A template setup (``PostgresServer(template_setup=...)``; the sandbox's is the blog database
without a password, ``blog_database.BlogTemplate``) puts more in it: the first fresh start runs
``initdb``, starts the server, runs the setup through the Unix socket while nothing else can log
in (step 2's ``pg_hba.conf``), stops the server cleanly, saves the folder as the template (its
log folder left out) and starts the server again for step 3. The setup's ``key`` is part of the
template's name, so a changed setup makes a new template; a failing setup saves none.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from pathlib import Path

from aurora_console.core.private_files import atomic_write_text, private_dir

#: in a data folder: copied from a template, its superuser has no password yet
PASSWORD_PENDING = "aurora_password_pending"
#: the data folder accepts the superuser only through the (private) Unix socket meanwhile
BOOTSTRAP_HBA = "local all all trust\n"
#: what ``initdb --auth=scram-sha-256`` writes (without its comments)
FINAL_HBA = """\
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     scram-sha-256
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
local   replication     all                                     scram-sha-256
host    replication     all             127.0.0.1/32            scram-sha-256
host    replication     all             ::1/128                 scram-sha-256
"""


def template_root(cache_dir: Path) -> Path:
    """Where the templates are kept: ``<the console's cache folder>/postgres-templates`` (the
    caller passes its ``AppPaths.cache_dir``)."""
    return Path(cache_dir) / "postgres-templates"


def template_key(bin_dir: Path, superuser: str, setup_key: str = "") -> str:
    """The template's folder name for these binaries, this superuser and what the template's
    setup puts in (its ``key``; none: initdb's output only)."""
    initdb = bin_dir / "initdb"
    try:
        info = initdb.stat()
        stamp = f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        stamp = "?"
    digest = hashlib.sha256(f"{bin_dir.resolve()}\0{stamp}\0{superuser}".encode()).hexdigest()[:16]
    return f"pg-{digest}" + (f"-{setup_key}" if setup_key else "")


def copy_template(root: Path, key: str, data_dir: Path) -> bool:
    """Copy the template ``root/key`` into the (empty) ``data_dir``; False if there is none."""
    template = root / key
    if not (template / "PG_VERSION").is_file():
        return False
    if not _copy_with_cp(template, data_dir):
        shutil.copytree(template, data_dir, symlinks=True, dirs_exist_ok=True)
    return True


def _copy_with_cp(template: Path, data_dir: Path) -> bool:
    """GNU ``cp -a --reflink=auto`` (Linux): ~1,000 files copied without holding the GIL, which the
    sandbox's AWS endpoint needs meanwhile (shutil.copytree spent ~0.2 s of it per copy), and
    cloned instead of copied where the file system can. False where there is no such cp or it
    failed (the caller copies with shutil then)."""
    import subprocess
    import sys

    from aurora_console.sandbox.postgres_env import child_env

    cp = shutil.which("cp")
    if not sys.platform.startswith("linux") or cp is None:
        return False
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # the minimal environment of every sandbox child: none of the console's (AWS keys, PGPASSWORD)
        done = subprocess.run([cp, "-a", "--reflink=auto", f"{template}{os.sep}.", str(data_dir)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=child_env(), timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def save_template(data_dir: Path, root: Path, key: str, *, leave_out: tuple[str, ...] = ()) -> None:
    """Copy a just-initialised ``data_dir`` (initdb's output, and what a template setup made on
    it with its server stopped cleanly) as the template ``root/key``, owner-only; a template
    another process saved meanwhile is kept. ``leave_out``: names in ``data_dir`` itself not
    copied (the first server's log folder); the pending-password marker never is."""
    private_dir(root)
    final = root / key
    if final.exists():
        return
    partial = root / f".{key}.{secrets.token_hex(4)}"
    skipped = {*leave_out, PASSWORD_PENDING, "postmaster.opts", "postmaster.pid", "current_logfiles"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        return skipped.intersection(names) if Path(folder) == Path(data_dir) else set()

    try:
        shutil.copytree(data_dir, partial, symlinks=True, ignore=ignore)
        _dig_holes(partial / "pg_wal")
        _owner_only(partial)
        os.rename(partial, final)
    except OSError:
        if not (final / "PG_VERSION").is_file():
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _dig_holes(folder: Path) -> None:
    """Leave the zeros of the template's write-ahead log files out of the disk (``fallocate
    --dig-holes``, Linux): a segment is 16 MB, mostly unwritten in a template, and each fresh copy
    (GNU ``cp``, which keeps holes) then skips them, a third of the template. Reads are unchanged
    (a hole reads as zeros); where there is no such tool, nothing changes."""
    import subprocess
    import sys

    from aurora_console.sandbox.postgres_env import child_env

    tool = shutil.which("fallocate")
    if not sys.platform.startswith("linux") or tool is None or not folder.is_dir():
        return
    files = [str(p) for p in folder.iterdir() if p.is_file() and not p.is_symlink()]
    for path in files:
        try:
            subprocess.run([tool, "--dig-holes", path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=child_env(), timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            return


def _owner_only(folder: Path) -> None:
    """The template belongs to whoever runs the console, readable by nobody else (as root,
    initdb's files are the server account's until copied here)."""
    uid, gid = os.getuid(), os.getgid()
    for dirpath, _dirnames, filenames in os.walk(folder):
        os.chown(dirpath, uid, gid)
        os.chmod(dirpath, 0o700)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chown(path, uid, gid)
                os.chmod(path, 0o600)


def begin_password(data_dir: Path) -> list[Path]:
    """Step 2: the bootstrap ``pg_hba.conf`` and the marker; the files written (to hand to the
    server's account)."""
    hba, marker = data_dir / "pg_hba.conf", data_dir / PASSWORD_PENDING
    atomic_write_text(hba, BOOTSTRAP_HBA, private_parent=False)
    atomic_write_text(marker, "the superuser's password is set at the next start\n", private_parent=False)
    return [hba, marker]


def password_pending(data_dir: Path) -> bool:
    return (data_dir / PASSWORD_PENDING).exists()


def set_password(conn, data_dir: Path, superuser: str, password: str, chown=None) -> None:
    """Step 3 on ``conn`` (the superuser through the Unix socket, autocommit): the password (kept
    out of the server's log), the final ``pg_hba.conf``, a reload, the marker removed."""
    from psycopg import sql

    conn.execute("SET log_statement = 'none'")
    conn.execute("SET log_min_duration_statement = -1")
    conn.execute("SET password_encryption = 'scram-sha-256'")
    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(superuser), sql.Literal(password)))
    hba = data_dir / "pg_hba.conf"
    atomic_write_text(hba, FINAL_HBA, private_parent=False)
    if chown is not None:
        chown(hba)
    conn.execute("SELECT pg_reload_conf()")
    (data_dir / PASSWORD_PENDING).unlink(missing_ok=True)
