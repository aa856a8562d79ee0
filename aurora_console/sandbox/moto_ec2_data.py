"""moto's default EC2 data, decoded and built when first read instead of on the sandbox's start path.

* A region's EC2 backend loads moto's default images (about 1,300 per region, each made with its
  own volume and snapshot) when it is made, though the first seed stage only makes a security
  group in the default VPC. The images are loaded the first time the backend's images, volumes or
  snapshots are read instead (the bastion's image lookup, a describe_snapshots), so every answer
  holds the same images as before.
* moto's EC2 models decode, when imported, which instance types each region and zone of every
  region offers: 90 files, 150,000 entries, 66 ms of CPU, used only by
  describe_instance_type_offerings, describe_spot_price_history and run_instances' check of the
  instance type. A region's file is decoded the first time one of those asks for it instead
  (:func:`import_ec2_deferring_offerings`).

Installed with the sandbox's other moto patches by ``moto_speedups.install``.
"""

from __future__ import annotations

import threading
from typing import Any

#: moto's own ``AmiBackend._load_amis`` while the lazy images are installed
_MOTOS_LOAD_AMIS: list[Any] = []

#: a backend's default images are not loaded yet (in its ``__dict__``: moto's reset drops it)
AMIS_PENDING = "_aurora_console_amis_pending"
_AMIS_LOADING = "_aurora_console_amis_loading"
#: one lock for every backend's load (a load is rare; a reader of a backend that is loading waits)
_AMIS_LOCK = threading.RLock()


def deferred_load_amis(self: Any) -> None:
    """``AmiBackend._load_amis``, left for the first read of the backend's images, volumes or
    snapshots (:class:`_LoadsAmisFirst`)."""
    self.__dict__[AMIS_PENDING] = True


def _load_pending_amis(backend: Any) -> None:
    state = backend.__dict__
    with _AMIS_LOCK:  # re-entrant: the load itself reads and fills amis, volumes, snapshots
        if not state.get(AMIS_PENDING):
            return
        state[_AMIS_LOADING] = True  # set before pending is cleared: a reader always sees one of them
        state[AMIS_PENDING] = False
        try:
            _MOTOS_LOAD_AMIS[0](backend)
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
        if state.get(AMIS_PENDING) or state.get(_AMIS_LOADING):
            _load_pending_amis(obj)
        try:
            return state[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


_AMI_ATTRIBUTES = ("amis", "volumes", "snapshots")


def install_lazy_images() -> None:
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.amis import AmiBackend

    if _MOTOS_LOAD_AMIS:
        return
    _MOTOS_LOAD_AMIS.append(AmiBackend._load_amis)
    AmiBackend._load_amis = deferred_load_amis
    for name in _AMI_ATTRIBUTES:
        setattr(EC2Backend, name, _LoadsAmisFirst(name))


def uninstall_lazy_images() -> None:
    import gc

    from moto.ec2.models import EC2Backend
    from moto.ec2.models.amis import AmiBackend

    if not _MOTOS_LOAD_AMIS:
        return
    for backend in [o for o in gc.get_objects() if isinstance(o, EC2Backend)]:
        _load_pending_amis(backend)  # no backend is left without its images
    for name in _AMI_ATTRIBUTES:
        delattr(EC2Backend, name)
    AmiBackend._load_amis = _MOTOS_LOAD_AMIS.pop()


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


def import_ec2_deferring_offerings() -> None:
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
