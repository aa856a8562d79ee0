"""One botocore data loader for every default session in the sandbox's process.

Each ``boto3.Session()`` builds its own botocore ``Loader``, and each loader decodes the JSON
files it needs again: ``endpoints.json`` (1.2 MB) and the service models (EC2's is 4.4 MB). The
sandbox's process makes many sessions: moto's backends ask ``Session().get_available_regions``
for every service (moto.ec2 alone makes three sessions at import, and one more for its backend
dict), the seed makes its own, the console makes its own. On the sandbox's start-up path that
was about 0.9 s of CPU spent decoding the same files again (measured with ``py-spy --gil``:
``JSONFileLoader.load_file`` under ``Session.get_available_regions``).

:func:`install` makes ``botocore.session.create_loader`` hand every session on the default
search path the same loader, which already knows boto3's data folder (boto3 appends it to each
session's loader; the shared loader keeps one copy of each folder). A botocore session shares
its loader with all of its clients the same way, so the decoded models were already shared
within a session; this shares them across sessions. Sessions given their own data path
(``AWS_DATA_PATH``) keep a loader of their own. moto's own loader (``moto.core.loaders``,
which merges moto's extras into the models) is a different class and is left alone.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


class _PathsOnce(list):
    """A loader's search paths that keep one copy of each folder (boto3 appends its own per session)."""

    def append(self, item: str) -> None:
        if item not in self:
            super().append(item)


def _boto3_data_path() -> str:
    import boto3

    return os.path.join(os.path.dirname(boto3.__file__), "data")


def shared_create_loader(search_path_string: str | None = None) -> Any:
    """``botocore.loaders.create_loader``, with one loader for the default search path."""
    original = _STATE["create_loader"]
    if search_path_string is not None:
        return original(search_path_string)
    with _LOCK:
        loader = _STATE.get("loader")
        if loader is None:
            loader = original(None)
            loader._search_paths = _PathsOnce(loader.search_paths)
            loader.search_paths.append(_boto3_data_path())
            _STATE["loader"] = loader
        return loader


def install() -> None:
    """Share the loader from now on (idempotent; sessions made before keep their own)."""
    import botocore.session

    with _LOCK:
        if "create_loader" in _STATE:
            return
        _STATE["create_loader"] = botocore.session.create_loader
        botocore.session.create_loader = shared_create_loader


def uninstall() -> None:
    """Give each new session its own loader again (tests compare both)."""
    import botocore.session

    with _LOCK:
        original = _STATE.pop("create_loader", None)
        _STATE.pop("loader", None)
        if original is not None:
            botocore.session.create_loader = original


def installed() -> bool:
    return "create_loader" in _STATE
