"""Speed-ups for the sandbox's in-process moto server (metric queries, timestamp parsing).

moto's ``CloudWatchBackend.get_metric_data`` scans every stored datapoint of the region once per
period of every query: with the sandbox's day of 1-minute data (a few hundred thousand
datapoints) one 24-hour query takes tens of seconds. :func:`install` swaps in an indexed
implementation of ``get_metric_data`` (MetricStat queries), ``get_metric_statistics`` and
``list_metrics`` (moto's is quadratic in the datapoints):
datapoints are indexed per series (namespace, metric name, dimension set) as they arrive, kept
sorted by time, and a query reads only its own series with a binary search.

Statistics are computed with moto's own ``Statistics`` class, so values agree with moto. Two
deliberate differences, both closer to CloudWatch: a MetricStat query with dimensions also
matches on the namespace, and dimension sets compare as sets (moto's sort of ``Dimension`` is not
a total order, so a Role+DBClusterIdentifier query may miss datapoints sent in the other order).
Metric math and Metrics Insights queries fall back to moto's implementation.

Datapoints are indexed as put_metric_data stores them, so a dashboard query never pays for
indexing a whole day at once.

moto parses every request timestamp with botocore's general parser (dateutil, local time
zones): a third of a put_metric_data call. Epoch numbers, which boto3's JSON protocol sends,
are converted directly instead; anything else goes to moto's parser.

The index hangs off the backend object: moto's reset replaces the backend's ``__dict__``, which
drops the index with the data.

On the sandbox's start-up path (the first seed stage, before the first listing; measured with
cProfile on the endpoint's process, moto 5.2):

* each request asks ``moto.backends.list_of_moto_modules`` whether its host names a service:
  that lists moto's package folder and stats its ~170 entries, every time. The folder does not
  change while the process runs, so its answer is kept.
* moto decodes the botocore service models it serializes with (EC2's is 4.4 MB) through a new
  ``moto.core.loaders.Loader`` per model, each walking the data folders again; one loader serves
  them all (its cache is per loader), and it takes botocore's files from the shared botocore
  loader (``shared_loader.py``) that decoded them already, merging moto's extras into a copy.
* a region's EC2 backend loads moto's default images (about 1,300 per region, each made with its
  own volume and snapshot) when it is made, though the first stage only makes a security group
  in the default VPC. The images are loaded the first time the backend's images, volumes or
  snapshots are read instead (the bastion's image lookup, a describe_snapshots), so every
  answer holds the same images as before.
* moto's EC2 models decode, when imported, which instance types each region and zone of every
  region offers: 90 files, 150,000 entries, 66 ms of CPU, used only by describe_instance_type_offerings,
  describe_spot_price_history and run_instances' check of the instance type. A region's file is
  decoded the first time one of those asks for it instead (:func:`_import_ec2_deferring_offerings`).
"""

from __future__ import annotations

import bisect
import importlib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

_INSTALLED: dict[str, Any] = {}
_INSTALL_LOCK = threading.Lock()
_INDEX_ATTR = "_aurora_console_series_index"
_PLAIN_STATS = frozenset({"Average", "Sum", "Minimum", "Maximum", "SampleCount"})

SeriesKey = tuple[str, str, frozenset[tuple[str, str | None]]]


@dataclass
class _Series:
    times: list[datetime] = field(default_factory=list)
    data: list[Any] = field(default_factory=list)

    def add(self, datum: Any) -> None:
        ts = datum.timestamp
        if not self.times or ts >= self.times[-1]:
            self.times.append(ts)
            self.data.append(datum)
            return
        pos = bisect.bisect_right(self.times, ts)
        self.times.insert(pos, ts)
        self.data.insert(pos, datum)

    def between(self, start: datetime, end: datetime) -> list[Any]:
        """Datapoints with ``start <= timestamp < end``, oldest first."""
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_left(self.times, end)
        return self.data[lo:hi]


class _SeriesIndex:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.indexed = 0
        self.source: list[Any] | None = None
        self.series: dict[SeriesKey, _Series] = {}
        self.order: list[SeriesKey] = []
        self.by_name: dict[tuple[str, str], list[SeriesKey]] = {}

    def refresh(self, metric_data: list[Any]) -> None:
        with self.lock:
            if metric_data is not self.source or len(metric_data) < self.indexed:
                self._clear()
                self.source = metric_data
            end = len(metric_data)
            for datum in metric_data[self.indexed : end]:
                key = series_key(datum.namespace, datum.name, datum.dimensions)
                entry = self.series.get(key)
                if entry is None:
                    entry = self.series[key] = _Series()
                    self.order.append(key)
                    self.by_name.setdefault(key[:2], []).append(key)
                else:
                    _share_fields(datum, entry.data[0])
                entry.add(datum)
            self.indexed = end


def _share_fields(datum: Any, like: Any) -> None:
    """Point a datapoint's equal fields at its series' first one (a day of data is ~200k objects)."""
    datum.namespace = like.namespace
    datum.name = like.name
    datum.dimensions = like.dimensions
    if datum.unit == like.unit:
        datum.unit = like.unit


def series_key(namespace: str, name: str, dimensions: list[Any]) -> SeriesKey:
    """Index key of a datapoint (moto ``Dimension`` objects or ``{"Name", "Value"}`` dicts)."""
    pairs = []
    for dim in dimensions:
        if isinstance(dim, dict):
            pairs.append((dim["Name"], dim.get("Value")))
        else:
            pairs.append((dim.name, dim.value))
    return (namespace, name, frozenset(pairs))


def _index_of(backend: Any) -> _SeriesIndex:
    index = backend.__dict__.get(_INDEX_ATTR)
    if index is None:
        index = backend.__dict__.setdefault(_INDEX_ATTR, _SeriesIndex())
    index.refresh(backend.metric_data)
    return index


def _matches_subset(key: SeriesKey, wanted: list[dict[str, Any]]) -> bool:
    names = dict(key[2])
    for dim in wanted:
        name, value = dim["Name"], dim.get("Value")
        if name not in names:
            return False
        if value is not None and names[name] is not None and names[name] != value:
            return False
    return True


def _extra_data(backend: Any) -> list[Any]:
    """Datapoints that moto computes on the fly for other services (usually none)."""
    return list(backend.aws_metric_data)


def _plain_statistic(stat: str, bucket: list[Any]) -> float | int | None:
    """moto's statistic of single values, without its per-bucket object; None: let moto compute it."""
    from moto.cloudwatch.models import MetricDatum

    if stat not in _PLAIN_STATS or any(type(md) is not MetricDatum for md in bucket):
        return None
    values = [md.value for md in bucket]
    if stat == "Average":
        return sum(values) / len(values)
    if stat == "Sum":
        return sum(values)
    if stat == "Minimum":
        return min(values)
    if stat == "Maximum":
        return max(values)
    return len(values)


def _metric_stat_result(backend: Any, index: _SeriesIndex, query: dict[str, Any], start: datetime,
                        end: datetime, extra: list[Any]) -> dict[str, Any]:
    from moto.cloudwatch.models import Statistics

    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    namespace, name = metric["Namespace"], metric["MetricName"]
    dims = metric.get("Dimensions", [])
    delta = timedelta(seconds=int(stat_spec["Period"]))
    stat = stat_spec["Stat"]
    unit = stat_spec.get("Unit")

    if dims:
        wanted = series_key(namespace, name, dims)
        keys = [wanted] if wanted in index.series else []
        extra_hits = [md for md in extra if series_key(md.namespace, md.name, md.dimensions) == wanted]
    else:
        keys = list(index.by_name.get((namespace, name), []))
        extra_hits = [md for md in extra if md.namespace == namespace and md.name == name]
    points: list[Any] = []
    with index.lock:  # a concurrent put may be inserting into these lists
        for key in keys:
            points.extend(index.series[key].between(start, end))
    points.extend(md for md in extra_hits if start <= md.timestamp < end)
    if unit:
        points = [md for md in points if md.unit == unit]
    if len(keys) + (1 if extra_hits else 0) > 1:
        points.sort(key=lambda md: md.timestamp)

    buckets: dict[int, list[Any]] = {}
    for md in points:
        buckets.setdefault((md.timestamp - start) // delta, []).append(md)
    timestamps: list[datetime] = []
    values: list[Any] = []
    for slot in sorted(buckets):
        bucket = buckets[slot]
        value = _plain_statistic(stat, bucket)
        if value is None:
            stats = Statistics([stat], start + slot * delta)
            stats.metric_data = bucket
            value = stats.get_statistics_for_type(stat)
        values.append(value)
        timestamps.append(start + slot * delta)
    return {"id": query["Id"], "label": query.get("Label") or f"{name} {stat}", "values": values,
            "timestamps": timestamps, "status_code": "Complete"}


def fast_get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: datetime,
                         end_time: datetime, scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
    if any("MetricStat" not in q for q in queries):
        return _INSTALLED["get_metric_data"](self, queries, start_time, end_time, scan_by)
    from moto.cloudwatch.exceptions import ValidationError

    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    index = _index_of(self)
    extra = _extra_data(self)
    results = []
    for query in queries:
        result = _metric_stat_result(self, index, query, start, end, extra)
        if scan_by == "TimestampDescending":
            result["timestamps"].reverse()
            result["values"].reverse()
        if query.get("ReturnData", True):
            results.append(result)
    return results


def fast_get_metric_statistics(self: Any, namespace: str, metric_name: str, start_time: datetime,
                               end_time: datetime, period: int, stats: list[str],
                               dimensions: list[dict[str, str]], unit: str | None = None) -> list[Any]:
    from moto.cloudwatch.exceptions import InvalidParameterValue
    from moto.cloudwatch.models import Statistics

    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    if start >= end:
        raise InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
    index = _index_of(self)
    points: list[Any] = []
    with index.lock:
        for key in index.by_name.get((namespace, metric_name), []):
            if not dimensions or _matches_subset(key, dimensions):
                points.extend(index.series[key].between(start, end))
    for md in _extra_data(self):
        if (md.namespace == namespace and md.name == metric_name and start <= md.timestamp < end
                and (not dimensions or md.filter(None, None, dimensions))):
            points.append(md)
    if unit:
        points = [md for md in points if md.unit == unit]
    if not points:
        return []
    points.sort(key=lambda md: md.timestamp)
    delta = timedelta(seconds=period)
    first = points[0].timestamp
    data: list[Any] = []
    current: Any = None
    current_slot = -1
    for md in points:
        slot = (md.timestamp - first) // delta
        if slot != current_slot:
            current = Statistics(stats, first + slot * delta)
            data.append(current)
            current_slot = slot
        current.metric_data.append(md)
        current.unit = md.unit
    return data


def fast_get_filtered_metrics(self: Any, metric_name: str, namespace: str,
                              dimensions: list[dict[str, str]]) -> list[Any]:
    """list_metrics: one entry per series (moto compares each datapoint with every entry so far)."""
    index = _index_of(self)
    found: list[Any] = []
    with index.lock:
        for key in list(index.order):
            data = index.series[key].data
            if not data or not data[0].filter(namespace=namespace, name=metric_name, dimensions=dimensions):
                continue
            # moto lists every dimensionless datapoint on its own; a series with dimensions once.
            found.extend(data if not key[2] else data[:1])
    for md in _extra_data(self):
        if md.filter(namespace=namespace, name=metric_name, dimensions=dimensions, already_present_metrics=found):
            found.append(md)
    return found


def indexing_put_metric_data(self: Any, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    _INSTALLED["put_metric_data"](self, namespace, metric_data)
    _index_of(self)


def fast_timestamp_parser(value: Any) -> datetime:
    """moto's timestamp parser (naive UTC result), short-cut for epoch numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            pass
    return _INSTALLED["timestamp_parser"](value)


_MOTO_MODULES: dict[str, tuple[str, ...]] = {}


def cached_list_of_moto_modules() -> tuple[str, ...]:
    """``moto.backends.list_of_moto_modules``, listed once (moto lists its folder per request)."""
    found = _MOTO_MODULES.get("names")
    if found is None:
        found = _MOTO_MODULES["names"] = tuple(_INSTALLED["list_of_moto_modules"]())
    return found


_LOADER_LOCK = threading.Lock()


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
        loader = _INSTALLED.get("moto_loader")
        if loader is None:
            loader = _INSTALLED["moto_loader"] = _sharing_moto_loader_class()(extra_search_paths=[moto_root])
        return loader


#: a backend's default images are not loaded yet (in its ``__dict__``: moto's reset drops it)
_AMIS_PENDING = "_aurora_console_amis_pending"
_AMIS_LOADING = "_aurora_console_amis_loading"
#: one lock for every backend's load (a load is rare; a reader of a backend that is loading waits)
_AMIS_LOCK = threading.RLock()


def deferred_load_amis(self: Any) -> None:
    """``AmiBackend._load_amis``, left for the first read of the backend's images, volumes or
    snapshots (:class:`_LoadsAmisFirst`)."""
    self.__dict__[_AMIS_PENDING] = True


def _load_pending_amis(backend: Any) -> None:
    state = backend.__dict__
    with _AMIS_LOCK:  # re-entrant: the load itself reads and fills amis, volumes, snapshots
        if not state.get(_AMIS_PENDING):
            return
        state[_AMIS_LOADING] = True  # set before pending is cleared: a reader always sees one of them
        state[_AMIS_PENDING] = False
        try:
            _INSTALLED["_load_amis"](backend)
        finally:
            state[_AMIS_LOADING] = False


class _LoadsAmisFirst:
    """An EC2 backend's ``amis``, ``volumes`` or ``snapshots``, kept in its ``__dict__`` under the
    same name (so the values are its own again once the descriptor is removed), with its default
    images loaded before the first read."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        state = obj.__dict__
        if state.get(_AMIS_PENDING) or state.get(_AMIS_LOADING):
            _load_pending_amis(obj)
        try:
            return state[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


_AMI_ATTRIBUTES = ("amis", "volumes", "snapshots")


def _install_lazy_amis() -> None:
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.amis import AmiBackend

    _INSTALLED["_load_amis"] = AmiBackend._load_amis
    AmiBackend._load_amis = deferred_load_amis
    for name in _AMI_ATTRIBUTES:
        setattr(EC2Backend, name, _LoadsAmisFirst(name))


def _uninstall_lazy_amis() -> None:
    import gc

    from moto.ec2.models import EC2Backend
    from moto.ec2.models.amis import AmiBackend

    for backend in [o for o in gc.get_objects() if isinstance(o, EC2Backend)]:
        _load_pending_amis(backend)  # no backend is left without its images
    for name in _AMI_ATTRIBUTES:
        delattr(EC2Backend, name)
    AmiBackend._load_amis = _INSTALLED.pop("_load_amis")


_OFFERINGS_PREFIX = "ec2/resources/instance_type_offerings/"


class _NotDecoded(list):
    """An instance type offerings file moto's import was handed without decoding it: empty, so
    the import's loop over it does nothing; :class:`_OfferingsByRegion` decodes it when asked."""

    def __init__(self, resource: str) -> None:
        super().__init__()
        self.resource = resource


class _OfferingsByRegion(dict):
    """``moto.ec2.models.instance_types.INSTANCE_TYPE_OFFERINGS[location_type]``: region ->
    offerings, each region's file decoded (and marked with its location type, as moto's import
    does) the first time it is read."""

    def __init__(self, location_type: str, regions: dict[str, Any], load: Any) -> None:
        super().__init__(regions)
        self._location_type = location_type
        self._load = load
        self._lock = threading.Lock()

    def _decoded(self, region: str) -> Any:
        value = dict.__getitem__(self, region)
        if isinstance(value, _NotDecoded):
            with self._lock:
                value = dict.__getitem__(self, region)
                if isinstance(value, _NotDecoded):
                    decoded = self._load(value.resource)
                    for offering in decoded:
                        offering["LocationType"] = self._location_type
                    dict.__setitem__(self, region, decoded)
                    value = decoded
        return value

    def __getitem__(self, region: str) -> Any:
        return self._decoded(region)

    def get(self, region: str, default: Any = None) -> Any:
        return self._decoded(region) if region in self else default

    def values(self) -> Any:
        for region in list(self):
            self._decoded(region)
        return super().values()

    def items(self) -> Any:
        self.values()
        return super().items()

    def __eq__(self, other: object) -> bool:
        self.values()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def _import_ec2_deferring_offerings() -> None:
    """Import moto's EC2 models with the instance type offerings left undecoded until read
    (:class:`_OfferingsByRegion`); nothing to do once they are imported (decoded as moto does)."""
    import sys

    if "moto.ec2.models.instance_types" in sys.modules:
        return
    import moto.utilities.utils as utilities

    decode = utilities.load_resource

    def skip_offerings(resource: str) -> Any:
        if resource.startswith(_OFFERINGS_PREFIX):
            return _NotDecoded(resource)
        return decode(resource)

    utilities.load_resource = skip_offerings
    try:
        import moto.ec2.models.instance_types as instance_types
    finally:
        utilities.load_resource = decode
        for name, module in list(sys.modules.items()):  # the modules imported meanwhile use moto's own again
            if name.startswith("moto.") and getattr(module, "load_resource", None) is skip_offerings:
                module.load_resource = decode
    offerings = instance_types.INSTANCE_TYPE_OFFERINGS
    for location_type, regions in list(offerings.items()):
        offerings[location_type] = _OfferingsByRegion(location_type, regions, decode)


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


_PATCHES = (
    ("moto.rds.models", "RDSBackend", "stop_db_cluster", shallow_stop_db_cluster),
    ("moto.cloudwatch.models", "CloudWatchBackend", "get_metric_data", fast_get_metric_data),
    ("moto.cloudwatch.models", "CloudWatchBackend", "get_metric_statistics", fast_get_metric_statistics),
    ("moto.cloudwatch.models", "CloudWatchBackend", "put_metric_data", indexing_put_metric_data),
    ("moto.cloudwatch.models", "CloudWatchBackend", "get_filtered_metrics", fast_get_filtered_metrics),
    ("moto.core.parse", None, "default_timestamp_parser", fast_timestamp_parser),
    ("moto.backends", None, "list_of_moto_modules", cached_list_of_moto_modules),
    ("moto.core.utils", None, "create_loader", shared_moto_loader),
)


def _target(module_name: str, owner: str | None) -> Any:
    module = importlib.import_module(module_name)
    return getattr(module, owner) if owner else module


def install() -> None:
    """Patch moto in this process (idempotent). Call before the server handles requests, and
    before anything imports moto's EC2 models for the offerings to be decoded on first read."""
    with _INSTALL_LOCK:
        _import_ec2_deferring_offerings()
    # Plain imports of the patched modules, so freezing tools see them.
    import moto.backends  # noqa: F401
    import moto.cloudwatch.models  # noqa: F401
    import moto.core.parse  # noqa: F401
    import moto.core.utils  # noqa: F401
    import moto.ec2.models  # noqa: F401
    import moto.rds.models  # noqa: F401

    with _INSTALL_LOCK:
        if _INSTALLED:
            return
        for module_name, owner, attr, replacement in _PATCHES:
            target = _target(module_name, owner)
            key = "timestamp_parser" if attr == "default_timestamp_parser" else attr
            _INSTALLED[key] = getattr(target, attr)
            setattr(target, attr, replacement)
        _install_lazy_amis()


def uninstall() -> None:
    """Restore moto's own implementations (tests compare both)."""
    with _INSTALL_LOCK:
        if not _INSTALLED:
            return
        _uninstall_lazy_amis()
        for module_name, owner, attr, _ in _PATCHES:
            key = "timestamp_parser" if attr == "default_timestamp_parser" else attr
            setattr(_target(module_name, owner), attr, _INSTALLED.pop(key))
        _INSTALLED.pop("moto_loader", None)
        _MOTO_MODULES.clear()


def installed() -> bool:
    return bool(_INSTALLED)
