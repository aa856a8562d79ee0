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
(``AWS_DATA_PATH``) keep a loader of their own.

The shared loader merges a model's extras (botocore's ``sdk-extras`` files) into a copy of what it
decoded, not into the decoded file itself (botocore's ``Loader.load_service_model`` merges in
place), so the decoded file stays as it is on disk and moto's model loader
(``moto_speedups.shared_moto_loader``, which merges moto's own extras instead) takes it from here
rather than decoding EC2's 4.4 MB again: :func:`model_with_extras`. Only the dictionaries on the
path of a merged key are copied; everything else is shared, and nothing changes a loaded model.
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


def merged_copy(base: Any, extra: Any) -> Any:
    """``botocore.utils.deep_merge(base, extra)``'s result as a new dictionary (of ``base``'s type),
    ``base`` left as it was: the dictionaries on the path of a merged key are copied, the rest
    shared."""
    out = type(base)(base)  # a shallow copy of the same dict type
    for key, value in extra.items():
        if key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = merged_copy(out[key], value)
        else:
            out[key] = value
    return out


def model_with_extras(loader: Any, service_name: str, type_name: str, api_version: str | None = None) -> Any:
    """What ``botocore.loaders.Loader.load_service_model`` returns for ``loader`` (its extras
    merged the way its ``ExtrasProcessor`` merges them: each extras file's ``merge`` section, in
    turn), with the decoded file left unchanged (:func:`merged_copy`)."""
    from botocore.exceptions import UnknownServiceError

    known = loader.list_available_services(type_name)
    if service_name not in known:
        raise UnknownServiceError(service_name=service_name, known_service_names=", ".join(known))
    if api_version is None:
        api_version = loader.determine_latest_version(service_name, type_name)
    model = loader.load_data(os.path.join(service_name, api_version, type_name))
    for extras in loader._find_extras(service_name, type_name, api_version):
        if "merge" in extras:
            model = merged_copy(model, extras["merge"])
    return model


def _shared_loader_class() -> type:
    from botocore.loaders import Loader, instance_cache

    class SharedLoader(Loader):
        """botocore's loader, merging extras into a copy (:func:`model_with_extras`)."""

        @instance_cache
        def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
            return model_with_extras(self, service_name, type_name, api_version)

    return SharedLoader


def default_loader() -> Any | None:
    """The loader every default session shares (None before a session made it, or when not installed)."""
    return _STATE.get("loader")


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
            loader = _shared_loader_class()()  # what botocore's create_loader(None) makes, merging into copies
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
