"""Every file and folder the console writes is owner-only (0600/0700), from its creation.

Each writer is driven through its real code path under the most permissive umask (0o000), so a
writer that relied on the umask (``open(..., "w")``, ``mkdir()``) would create 0666/0777 and fail.
``test_no_raw_writer_outside_private_files`` reads the source, so a new writer that bypasses
``core.private_files`` fails the suite even before a flow test exercises it.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from aurora_console.core import private_files
from aurora_console.core.paths import AppPaths, app_paths
from aurora_console.core.private_files import atomic_write_text, open_private, private_dir

pytestmark = [pytest.mark.unit, pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")]


@pytest.fixture
def open_umask():
    old = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(path: Path) -> None:
    """The file (or folder) and its folder are readable by the owner alone."""
    path = Path(path)
    assert path.exists(), path
    assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"
    assert mode(path.parent) & 0o077 == 0, f"{path.parent} is {oct(mode(path.parent))}"


# -- the helpers ---------------------------------------------------------------------------------------
def test_private_dir_makes_every_missing_folder_0700(tmp_path, open_umask):
    leaf = private_dir(tmp_path / "a" / "b" / "c")
    for folder in (leaf, leaf.parent, leaf.parent.parent):
        assert mode(folder) == 0o700


def test_private_dir_narrows_an_existing_folder_of_ours_unless_told_not_to(tmp_path, open_umask):
    legacy = tmp_path / "legacy"
    legacy.mkdir(mode=0o755)
    os.chmod(legacy, 0o755)
    users = tmp_path / "exports"
    users.mkdir()
    os.chmod(users, 0o755)
    private_dir(legacy)
    private_dir(users, narrow_existing=False)
    assert mode(legacy) == 0o700
    assert mode(users) == 0o755


def test_a_umask_without_owner_bits_still_gives_exactly_0600_and_0700(tmp_path):
    old = os.umask(0o377)
    try:
        atomic_write_text(tmp_path / "d" / "f.txt", "x")
        with open_private(tmp_path / "d" / "g.log") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "d") == 0o700
    assert mode(tmp_path / "d" / "f.txt") == 0o600 == mode(tmp_path / "d" / "g.log")


def test_atomic_write_replaces_a_wide_file_with_a_private_one_and_leaves_no_temp(tmp_path, open_umask):
    folder = private_dir(tmp_path / "w")
    target = folder / "settings.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and mode(target) == 0o600
    assert [p.name for p in folder.iterdir()] == ["settings.json"]


def test_append_narrows_a_file_an_older_version_made_world_readable(tmp_path, open_umask):
    legacy = tmp_path / "audit.jsonl"
    legacy.write_text("line 1\n")
    os.chmod(legacy, 0o644)
    with open_private(legacy, "a") as fh:
        fh.write("line 2\n")
    assert legacy.read_text() == "line 1\nline 2\n" and mode(legacy) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, open_umask, monkeypatch):
    folder = private_dir(tmp_path / "w")
    target = folder / "profiles.json"
    atomic_write_text(target, "old")
    monkeypatch.setattr(private_files.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and [p.name for p in folder.iterdir()] == ["profiles.json"]


def test_app_paths_ensure_narrows_the_folders_of_an_older_version(tmp_path, open_umask):
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "logs", tmp_path / "cache")
    paths.config_dir.mkdir()
    os.chmod(paths.config_dir, 0o755)
    paths.ensure()
    assert all(mode(d) == 0o700 for d in paths.roots)


# -- each writer, through its real code path ------------------------------------------------------------
def test_settings_file(tmp_path, open_umask):
    from aurora_console.core.settings import SettingsStore

    store = SettingsStore(tmp_path / "config" / "settings.json")
    store.settings.theme = "dark"
    store.save()
    assert_private(store.path)


def test_connection_profiles_file(tmp_path, open_umask):
    from aurora_console.core.connections.profile import ConnectionProfile
    from aurora_console.core.connections.store import ProfileStore

    store = ProfileStore(tmp_path / "config" / "profiles.json")
    store.save(ConnectionProfile(name="dev", host="db.example.com"))
    assert_private(store.path)


def test_audit_log(tmp_path, open_umask):
    from aurora_console.core.audit import AuditLog

    log = AuditLog(tmp_path / "data" / "audit.jsonl")
    log.record(None, "reboot", {"cluster": "c1"}, "ok")
    assert_private(log.path)


def test_rotating_log_files_current_and_rotated(tmp_path, open_umask):
    from aurora_console.core.logs import setup_logging, teardown_logging

    log_file = tmp_path / "logs" / "aurora-console.log"
    setup_logging(log_file, max_bytes=200, backups=2)
    try:
        for i in range(20):
            logging.getLogger("test.private").warning("line %d %s", i, "x" * 40)
    finally:
        teardown_logging()
    rotated = log_file.with_name(log_file.name + ".1")
    assert rotated.exists()
    assert_private(log_file)
    assert_private(rotated)


def test_sql_history_and_snippets(tmp_path, open_umask):
    from aurora_console.core.db.history import HistoryEntry, QueryHistory, Snippets

    history = QueryHistory("dev", folder=tmp_path / "data" / "sql-history", max_entries=2,
                           keep_on_disk=lambda: True)
    for i in range(30):  # past the trim threshold: the trimmed file is rewritten
        history.add(HistoryEntry(f"select {i} -- {'x' * 50}", "ok", 1.0))
    assert len(history.entries()) == 2
    assert_private(history.path)
    snippets = Snippets(tmp_path / "data" / "sql-snippets.json")
    snippets.save("one", "select 1")
    assert_private(snippets.path)


def test_sql_autosave(tmp_path, open_umask):
    from aurora_console.core.db.sql_files import write_autosave

    path = tmp_path / "data" / "autosave" / "sql-1.sql"
    write_autosave(path, "select 1")
    assert_private(path)


def test_saved_sql_file_is_private_when_new_and_keeps_the_users_mode_when_it_existed(tmp_path, open_umask):
    from aurora_console.core.db.sql_files import save_sql_file

    os.chmod(tmp_path, 0o700)
    new = tmp_path / "new.sql"
    save_sql_file(new, "select 1")
    assert mode(new) == 0o600
    shared = tmp_path / "shared.sql"
    shared.write_text("old")
    os.chmod(shared, 0o640)
    save_sql_file(shared, "select 2")
    assert shared.read_text() == "select 2" and mode(shared) == 0o640


def test_content_pending_edits(tmp_path, open_umask):
    from aurora_console.core.db.content.changes import ChangeSet
    from aurora_console.core.db.content.introspect import Column, TableInfo
    from aurora_console.core.db.content.store import PendingStore

    info = TableInfo("public", "posts", "r", (Column(name="id", type_name="int4", type_schema="pg_catalog",
                                                     type_ident="int4", base_type="int4"),
                                              Column(name="title", type_name="text", type_schema="pg_catalog",
                                                     type_ident="text", base_type="text")), ("id",))
    changes = ChangeSet(info)
    store = PendingStore("dev", "public", "posts", tmp_path / "data")
    changes.listeners.append(store.write)
    changes.insert({"title": "draft"})
    assert_private(store.path)
    assert mode(store.path.parent.parent) == 0o700  # content/


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_result_export(tmp_path, open_umask, fmt):
    from aurora_console.core.db.export import write_rows

    os.chmod(tmp_path, 0o700)  # the user's folder is theirs: only the file is the console's
    path = tmp_path / f"result.{fmt}"
    assert write_rows(path, fmt, ["a"], [[(1,), (2,)]]) == 2
    assert_private(path)


def test_metric_export(tmp_path, open_umask):
    from aurora_console.core.aws.metrics.dashboard import DashboardData
    from aurora_console.core.aws.metrics.export import write_csv

    os.chmod(tmp_path, 0o700)
    path = tmp_path / "metrics.csv"
    write_csv(DashboardData(start=0, end=60, period=60, plots=[]), path)
    assert_private(path)


def test_sandbox_tls_files(tmp_path, open_umask):
    from aurora_console.sandbox.tls import ensure_certificates

    tls = ensure_certificates(tmp_path / "sandbox" / "tls", ["blog.example"])
    for path in (tls.ca_file, tls.cert_file, tls.key_file, tls.key_file.with_name("names.txt")):
        assert_private(path)


def test_sandbox_bastion_keys(tmp_path, open_umask):
    from aurora_console.sandbox.bastion_keys import BastionKeys

    keys = BastionKeys(tmp_path / "sandbox" / "bastion")
    keys.ensure()
    keys.write_known_hosts("127.0.0.1", 2222)
    for path in (keys.host_key_path, keys.client_key_path, keys.client_public_key_path, keys.known_hosts_path):
        assert_private(path)


def test_sandbox_state_folder_and_password(tmp_path, open_umask):
    from aurora_console.sandbox.runtime import PASSWORD_FILE, Sandbox

    sandbox = Sandbox(tmp_path / "sandbox")
    assert mode(sandbox.state_dir) == 0o700
    assert_private(sandbox.state_dir / PASSWORD_FILE)


def test_sandbox_state_folder_a_user_pointed_at_is_not_narrowed(tmp_path, open_umask):
    from aurora_console.sandbox.runtime import PASSWORD_FILE, Sandbox

    theirs = tmp_path / "work"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    os.chmod(theirs, 0o755)
    sandbox = Sandbox(theirs)
    assert mode(theirs) == 0o755  # not the console's folder to change
    assert mode(sandbox.state_dir / PASSWORD_FILE) == 0o600


def test_host_key_trusted_always(tmp_path, open_umask):
    """Host keys trusted with 'Always' go to the console's own known_hosts (the trust flow's writer)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from aurora_console.core.ssh.hostkeys import HostKeyStore

    key_type, key_b64 = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode().split()[:2]
    store = HostKeyStore(tmp_path / "config" / "known_hosts")
    store.trust("bastion.example.com", 22, key_type, key_b64, always=True)
    store.trust("other.example.com", 2222, key_type, key_b64, always=True)  # rewritten, still private
    assert "[other.example.com]:2222" in store.console_file.read_text()
    assert_private(store.console_file)


def test_migrations_folder_list(tmp_path, open_umask):
    from aurora_console.core.db.migrations.folders import MigrationFolders

    folders = MigrationFolders(tmp_path / "config" / "migrations.json")
    folders.set("dev", tmp_path / "migrations")
    assert_private(folders.path)


def test_postgres_server_log(pg_server):
    """The rig's server is a PostgresServer: its log file is created by the console, 0600."""
    assert mode(pg_server.log_file) == 0o600


# -- a flow over the app folders, and the source ---------------------------------------------------------
def test_every_file_under_the_app_folders_is_private_after_a_session(open_umask):
    """Settings, profiles, history, snippets, autosave, audit, logs and pending edits written
    through the default paths; then nothing under the four folders is readable by others."""
    from aurora_console.core.audit import AuditLog
    from aurora_console.core.connections.profile import ConnectionProfile
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.content.store import pending_dir
    from aurora_console.core.db.history import HistoryEntry, QueryHistory, Snippets
    from aurora_console.core.db.sql_files import write_autosave
    from aurora_console.core.logs import setup_logging, teardown_logging
    from aurora_console.core.private_files import atomic_write_text as write
    from aurora_console.core.settings import SettingsStore

    paths = app_paths().ensure()
    setup_logging(paths.log_file)
    try:
        logging.getLogger("test.flow").warning("a session")
        SettingsStore(paths.settings_file).save()
        profiles = ProfileStore.for_paths(paths)
        profiles.save(ConnectionProfile(name="dev", host="db.example.com"))
        QueryHistory.for_profile("dev", paths, profiles).add(HistoryEntry("select 1", "ok", 1.0))
        Snippets.for_paths(paths).save("s", "select 2")
        write_autosave(paths.autosave_dir / "sql-x.sql", "select 3")
        AuditLog(paths.audit_file).record(None, "reboot", {}, "ok")
        write(pending_dir("dev", paths.data_dir) / "public.t.json", json.dumps({}))
    finally:
        teardown_logging()
    seen = 0
    for root in paths.roots:
        assert mode(root) == 0o700, root
        for folder, dirs, files in os.walk(root):
            for name in dirs:
                assert mode(Path(folder, name)) == 0o700, Path(folder, name)
            for name in files:
                seen += 1
                assert mode(Path(folder, name)) & 0o077 == 0, Path(folder, name)
    assert seen >= 8


#: writes that stay outside core.private_files, each with the reason (anything else fails the test)
ALLOWED_RAW_WRITERS = {
    # the one helper itself
    ("core/private_files.py", "mkstemp"), ("core/private_files.py", "os.open"), ("core/private_files.py", "mkdir"),
    # tunnel scratch files inside a mkdtemp folder (0700), a key copy created 0600 by os.open
    ("core/ssh/native_backend.py", "mkdtemp"), ("core/ssh/native_backend.py", "os.open"),
    ("core/ssh/native_backend.py", "write_text"),
    # the askpass helper script, chmod 0700 (an executable)
    ("core/ssh/askpass.py", "write_text"),
    # PostgreSQL's own data folder (0700, owned by the server account when we are root), its one-shot
    # password file (created 0600 inside a mkdtemp folder), and the relocation holders under the temp
    # folder, which must be 0755 so the server account can reach its data (postgres_relocation docstring)
    ("sandbox/postgres.py", "mkdir"), ("sandbox/postgres.py", "touch"), ("sandbox/postgres.py", "write_text"),
    ("sandbox/postgres_relocation.py", "mkdtemp"), ("sandbox/postgres_relocation.py", "touch"),
    ("sandbox/postgres_env.py", "mkdtemp"),
    # EC2 bastion routes: the endpoint helper's one-shot ticket and the pushed key's private file,
    # each created 0600 with O_EXCL inside a mkdtemp folder (0700) and removed once used; the
    # pushed key's public half (not secret) beside it; the Session Manager relay's cookie file (0600)
    ("core/aws/bastion_route/eice_proxy.py", "mkdtemp"), ("core/aws/bastion_route/eice_proxy.py", "os.open"),
    ("core/aws/bastion_route/key_push.py", "mkdtemp"), ("core/aws/bastion_route/key_push.py", "os.open"),
    ("core/aws/bastion_route/key_push.py", "write_text"),
    ("core/aws/bastion_route/ssm.py", "mkdtemp"), ("core/aws/bastion_route/ssm.py", "os.open"),
    ("core/aws/bastion_route/ssm.py", "copy"),  # a local function pumping bytes between sockets, not a file copy
    # MariaDB's own data folder (0700, the server account's when we are root) and its TLS files,
    # chmod 0600 as soon as copied into it, as for PostgreSQL above
    ("sandbox/mysql.py", "mkdir"), ("sandbox/mysql.py", "copyfile"),
    # PostgreSQL data folder templates (initdb's output, no data, no password): copied, then narrowed
    # to owner-only file by file (postgres_template._owner_only); a copy keeps those modes
    ("sandbox/postgres_template.py", "copytree"),
    # ... or by ``cp -a`` into the data folder made for it (0700, as PostgreSQL requires)
    ("sandbox/postgres_template.py", "mkdir"),
    # copy.copy of moto's cluster object (its stop_db_cluster's previous state), not a file copy
    ("sandbox/moto_speedups.py", "copy"),
    # QImage.copy of the window's pixels under the plots (shown scaled during a resize), in memory
    ("ui/metrics/plots.py", "copy"),
    # the stand-in session-manager-plugin's launcher script (no secret; chmod 0700, an executable)
    ("sandbox/ssm_plugin.py", "mkdir"), ("sandbox/ssm_plugin.py", "write_text"),
}
#: the pytest plugin's own scratch folders (tests, not the console, write there)
NOT_THE_CONSOLE = ("testing/",)
_RAW_CALLS = {"write_text", "write_bytes", "mkdir", "makedirs", "touch", "mkstemp", "mkdtemp", "copyfile",
              "copy", "copy2", "copytree", "RotatingFileHandler", "FileHandler", "NamedTemporaryFile"}


def _raw_writers(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _RAW_CALLS:
            found.add(name)
        elif name == "open" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "os":
            if any(isinstance(n, ast.Attribute) and n.attr == "O_CREAT" for a in node.args for n in ast.walk(a)):
                found.add("os.open")  # os.open that may create a file
        elif name == "open":  # builtin open / Path.open with a writing mode
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            if isinstance(func, ast.Attribute):
                modes += [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
            if any(isinstance(m, str) and set(m) & set("wax+") for m in modes):
                found.add("open")
    return found


def test_no_raw_writer_outside_private_files():
    package = Path(__file__).resolve().parents[3] / "aurora_console"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith(NOT_THE_CONSOLE):
            continue
        for call in sorted(_raw_writers(path.read_text(encoding="utf-8"))):
            if (rel, call) not in ALLOWED_RAW_WRITERS:
                offenders.append(f"{rel}: {call}")
    assert not offenders, "write through aurora_console.core.private_files instead: " + ", ".join(offenders)
