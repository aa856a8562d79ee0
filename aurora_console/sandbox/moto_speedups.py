"""Speed-ups for the sandbox's in-process moto server: the one place that installs them all.

Each is a replacement that gives moto's own answers faster. This module holds the small ones and
installs, with them, the two larger ones that have modules of their own:

* ``moto_metric_index.py``: CloudWatch metric queries read an index per series instead of
  scanning every datapoint once per period;
* ``moto_ec2_data.py``: moto's default EC2 images and instance type offerings are built and
  decoded when first read, not on the start path.

The small ones, all on the sandbox's start-up path (the first seed stage, before the first
listing; measured with cProfile on the endpoint's process, moto 5.2):

* moto parses every request timestamp with botocore's general parser (dateutil, local time
  zones): a third of a put_metric_data call. Epoch numbers, which boto3's JSON protocol sends,
  are converted directly instead; anything else goes to moto's parser.
* each request asks ``moto.backends.list_of_moto_modules`` whether its host names a service:
  that lists moto's package folder and stats its ~170 entries, every time. The folder does not
  change while the process runs, so its answer is kept.
* moto decodes the botocore service models it serializes with (EC2's is 4.4 MB) through a new
  ``moto.core.loaders.Loader`` per model, each walking the data folders again; one loader serves
  them all (its cache is per loader), and it takes botocore's files from the shared botocore
  loader (``shared_loader.py``) that decoded them already, merging moto's extras into a copy.
* ``stop_db_cluster`` answers with a shallow copy of the cluster (moto deep-copies it).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from aurora_console.sandbox import moto_ec2_data, moto_metric_index
from aurora_console.sandbox.moto_patching import Patch, PatchSet

_INSTALL_LOCK = threading.Lock()


def fast_timestamp_parser(value: Any) -> datetime:
    """moto's timestamp parser (naive UTC result), short-cut for epoch numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            pass
    return PATCHES.original("default_timestamp_parser")(value)


_MOTO_MODULES: dict[str, tuple[str, ...]] = {}


def cached_list_of_moto_modules() -> tuple[str, ...]:
    """``moto.backends.list_of_moto_modules``, listed once (moto lists its folder per request)."""
    found = _MOTO_MODULES.get("names")
    if found is None:
        found = _MOTO_MODULES["names"] = tuple(PATCHES.original("list_of_moto_modules")())
    return found


_LOADER_LOCK = threading.Lock()
_MOTO_LOADER: dict[str, Any] = {}


def _sharing_moto_loader_class() -> type:
    import os

    from botocore.loaders import instance_cache
    from moto.core.loaders import Loader, moto_root

    from aurora_console.sandbox import shared_loader

    class SharingMotoLoader(Loader):
        """moto's loader (moto's extras merged into botocore's models), taking the files botocore's
        shared loader decodes from it (``sandbox/shared_loader.py``) instead of decoding them again;
        moto's own files (its extras) it reads itself."""

        @staticmethod
        def _shared() -> Any:
            return shared_loader.default_loader() if shared_loader.installed() else None

        @instance_cache
        def load_data_with_path(self, name: str) -> Any:
            shared = self._shared()
            if shared is None or self.file_loader.exists(os.path.join(moto_root, name)):
                return super().load_data_with_path(name)
            return shared.load_data_with_path(name)  # (moto's folder holds no such file: botocore's)

        @instance_cache
        def list_available_services(self, type_name: str) -> Any:
            shared = self._shared()  # (moto's folder holds extras only, which make no service)
            return super().list_available_services(type_name) if shared is None else shared.list_available_services(type_name)

        @instance_cache
        def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
            return shared_loader.model_with_extras(self, service_name, type_name, api_version)

    return SharingMotoLoader


def shared_moto_loader() -> Any:
    """``moto.core.loaders.create_loader``: one loader for every model moto loads (it caches what
    it decoded; moto made a new one, and decoded again, for each model), which takes botocore's
    files from the process's shared botocore loader when there is one (``shared_loader.py``):
    EC2's model, for one, was decoded there already for moto's own region list."""
    from moto.core.loaders import moto_root

    with _LOADER_LOCK:
        loader = _MOTO_LOADER.get("loader")
        if loader is None:
            loader = _MOTO_LOADER["loader"] = _sharing_moto_loader_class()(extra_search_paths=[moto_root])
        return loader


def shallow_stop_db_cluster(self: Any, cluster_identifier: str) -> Any:
    """moto's ``stop_db_cluster``, answering with a shallow copy of the cluster's previous state:
    moto deep-copies the cluster, whose back-references reach the whole RDS backend (0.1 s of CPU
    for the sandbox's one stopped cluster, on its start-up path). Only ``status`` changes, so a
    shallow copy keeps the previous state just the same."""
    import copy

    from moto.rds.exceptions import DBClusterNotFoundError, InvalidDBClusterStateFault

    if cluster_identifier not in self.clusters:
        raise DBClusterNotFoundError(cluster_identifier)
    cluster = self.clusters[cluster_identifier]
    if cluster.status not in ["available"]:
        raise InvalidDBClusterStateFault(
            f"DbCluster {cluster_identifier} is in {cluster.status} state but expected it to be one of available.")
    previous_state = copy.copy(cluster)
    cluster.status = "stopped"
    return previous_state


PATCHES = PatchSet(
    Patch("moto.rds.models", "RDSBackend", "stop_db_cluster", shallow_stop_db_cluster),
    Patch("moto.core.parse", None, "default_timestamp_parser", fast_timestamp_parser),
    Patch("moto.backends", None, "list_of_moto_modules", cached_list_of_moto_modules),
    Patch("moto.core.utils", None, "create_loader", shared_moto_loader),
)


def install() -> None:
    """Patch moto in this process (idempotent). Call before the server handles requests, and
    before anything imports moto's EC2 models for the offerings to be decoded on first read."""
    with _INSTALL_LOCK:
        moto_ec2_data.import_ec2_deferring_offerings()
    # Plain imports of the patched modules, so freezing tools see them.
    import moto.backends  # noqa: F401
    import moto.cloudwatch.models  # noqa: F401
    import moto.core.parse  # noqa: F401
    import moto.core.utils  # noqa: F401
    import moto.ec2.models  # noqa: F401
    import moto.rds.models  # noqa: F401

    with _INSTALL_LOCK:
        if PATCHES.applied:
            return
        PATCHES.apply()
        moto_metric_index.PATCHES.apply()
        moto_ec2_data.install_lazy_images()


def uninstall() -> None:
    """Restore moto's own implementations (tests compare both)."""
    with _INSTALL_LOCK:
        if not PATCHES.applied:
            return
        moto_ec2_data.uninstall_lazy_images()
        moto_metric_index.PATCHES.restore()
        PATCHES.restore()
        _MOTO_LOADER.clear()
        _MOTO_MODULES.clear()


def installed() -> bool:
    return PATCHES.applied
