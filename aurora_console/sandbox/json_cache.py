"""Decoded JSON data files kept between starts of the sandbox's endpoint process.

On its way to the first listing the endpoint's process decodes the same package data files at
every start: botocore's EC2 model (4.4 MB), its endpoints and RDS model, moto's instance types.
Measured (moto 5.2, botocore 1.44, one start): 122 ms of CPU decoding JSON, 33 ms reading the
same data back with ``marshal``. So the process keeps each decoded file in the console's cache
folder (``<cache>/aws-endpoint-json``, beside the PostgreSQL templates, owner-only) and reads it
back from there at the next start.

An entry is named by a hash of the source file's path, size and modification time and of the
Python version (``marshal``'s format is the interpreter's): a package upgrade or another Python
makes new entries, never reads old ones. Entries unused for :data:`UNUSED_DAYS` days are removed
at install. An entry that cannot be read is decoded from its source again (and rewritten); new
entries are written on a thread of their own, so a start that decodes is not slowed by the
writes. Only what ``marshal`` keeps as is is cached (dicts, lists, strings, numbers, booleans,
None): botocore's files are decoded into plain dicts (botocore asks for ``OrderedDict``, whose
order every Python 3.7+ dict keeps; botocore, boto3 and moto use no ``OrderedDict`` method on
them), so a model compares equal either way.

Used by the endpoint's child process (``aws_process.py``), where :func:`install` patches
botocore's ``JSONFileLoader`` and moto's ``load_resource``, and by the console's process while it
runs a sandbox (``runtime.Sandbox``: botocore's only, ``moto=False``), whose own sessions decode
botocore's endpoints and RDS model on the way to the first listing (measured: the first RDS
client 86-111 ms of CPU decoding, 44-50 ms read back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FOLDER = "aws-endpoint-json"
UNUSED_DAYS = 30
_SUFFIX = ".marshal"


class JsonCache:
    """Decoded files in ``folder``: :meth:`load` returns the cached value or decodes and keeps it."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self._writers: list[threading.Thread] = []

    def entry(self, source: str) -> Path | None:
        """Where ``source``'s decoded value is kept (None: the source cannot be stat'ed)."""
        try:
            st = os.stat(source)
        except OSError:
            return None
        key = f"{os.path.abspath(source)}\0{st.st_size}\0{st.st_mtime_ns}\0{sys.version}\0{marshal.version}"
        return self.folder / (hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:40] + _SUFFIX)

    def load(self, source: str, decode: Callable[[], Any]) -> Any:
        """``source``'s decoded value: from the cache, else ``decode()`` (then kept for next time)."""
        entry = self.entry(source)
        if entry is not None:
            try:
                value = marshal.loads(entry.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                pass
            else:
                self.hits += 1
                try:
                    os.utime(entry)  # used: not pruned
                except OSError:
                    pass
                return value
        value = decode()
        self.misses += 1
        if entry is not None:
            self._keep(entry, value)
        return value

    def _keep(self, entry: Path, value: Any) -> None:
        def write() -> None:
            from aurora_console.core.private_files import atomic_write_bytes

            try:
                atomic_write_bytes(entry, marshal.dumps(value))
            except (OSError, ValueError) as exc:  # a full disk, a value marshal does not keep
                log.debug("not keeping %s in the endpoint's JSON cache: %s", entry.name, exc)

        thread = threading.Thread(target=write, name="sandbox-json-cache", daemon=True)
        thread.start()
        self._writers = [t for t in self._writers if t.is_alive()] + [thread]

    def flush(self, timeout: float = 30.0) -> None:
        """Wait for the entries being written (tests)."""
        for thread in list(self._writers):
            thread.join(timeout)

    def prune(self, now: float | None = None) -> int:
        """Remove entries unused for :data:`UNUSED_DAYS` days; how many were removed."""
        cutoff = (now if now is not None else time.time()) - UNUSED_DAYS * 86400
        removed = 0
        try:
            entries = list(self.folder.glob("*" + _SUFFIX))
        except OSError:
            return 0
        for entry in entries:
            try:
                if entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


def decode_botocore_file(full_path: str, open_method: Callable[..., Any]) -> Any:
    """What botocore's ``JSONFileLoader._load_file`` decodes, as plain dicts (module docstring)."""
    with open_method(full_path, "rb") as fp:
        return json.loads(fp.read().decode("utf-8"))


_STATE: dict[str, Any] = {}
_LOCK = threading.Lock()


def install(folder: Path, *, moto: bool = True) -> JsonCache:
    """Keep the decoded files of botocore's loaders and (``moto``) moto's ``load_resource`` in
    ``folder`` from now on (call before moto's models are imported; idempotent: the first folder
    stays). ``moto=False``: botocore's files only, and moto is not imported."""
    import botocore.loaders

    with _LOCK:
        if "cache" in _STATE:
            return _STATE["cache"]
        cache = JsonCache(folder)
        cache.prune()
        loader_load = botocore.loaders.JSONFileLoader._load_file

        def load_file(self: Any, full_path: str, open_method: Callable[..., Any]) -> Any:
            if not os.path.isfile(full_path):
                return None  # (as botocore: the caller tries the next extension)
            return cache.load(full_path, lambda: decode_botocore_file(full_path, open_method))

        botocore.loaders.JSONFileLoader._load_file = load_file
        _STATE.update(cache=cache, loader_load=loader_load)
        if not moto:
            return cache
        import moto.utilities.utils as utilities

        moto_load = utilities.load_resource

        def load_resource(resource: str) -> Any:
            import importlib.resources

            base = importlib.resources.files("moto")
            for name in (resource if resource.endswith(".gz") else f"{resource}.gz", resource):
                path = base / name
                if isinstance(path, Path) and path.is_file():  # moto's own order: the .gz first
                    return cache.load(str(path), lambda: moto_load(resource))
            return moto_load(resource)

        utilities.load_resource = load_resource
        _STATE.update(moto_load=moto_load)
        return cache


def uninstall() -> None:
    """botocore's and moto's own loading again (tests; modules that bound moto's ``load_resource``
    by name while installed keep the caching one)."""
    import botocore.loaders

    with _LOCK:
        if "cache" not in _STATE:
            return
        botocore.loaders.JSONFileLoader._load_file = _STATE.pop("loader_load")
        if "moto_load" in _STATE:
            import moto.utilities.utils as utilities

            utilities.load_resource = _STATE.pop("moto_load")
        _STATE.pop("cache").flush()


def installed() -> JsonCache | None:
    return _STATE.get("cache")
