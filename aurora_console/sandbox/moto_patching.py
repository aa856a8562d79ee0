"""A set of replacements for attributes of moto's modules and classes, applied and restored
together, which keeps the originals it replaced (a replacement may hand work back to moto's own)."""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple


class Patch(NamedTuple):
    module: str  #: the module holding the attribute (or holding ``owner``)
    owner: str | None  #: a class in that module, or None for a module attribute
    attribute: str
    replacement: Any

    def target(self) -> Any:
        module = importlib.import_module(self.module)
        return getattr(module, self.owner) if self.owner else module


class PatchSet:
    """Patches applied and restored as one; not thread-safe on its own (the caller holds a lock)."""

    def __init__(self, *patches: Patch) -> None:
        names = [p.attribute for p in patches]
        if len(set(names)) != len(names):  # the originals are kept by attribute name
            raise ValueError(f"one attribute name per patch set: {sorted(names)}")
        self.patches = patches
        self._originals: dict[str, Any] = {}

    @property
    def applied(self) -> bool:
        return bool(self._originals)

    def original(self, attribute: str) -> Any:
        """What ``attribute`` was before the set was applied (KeyError when it is not applied)."""
        return self._originals[attribute]

    def apply(self) -> None:
        if self._originals:
            return
        for patch in self.patches:
            target = patch.target()
            self._originals[patch.attribute] = getattr(target, patch.attribute)
            setattr(target, patch.attribute, patch.replacement)

    def restore(self) -> None:
        for patch in self.patches:
            if patch.attribute in self._originals:
                setattr(patch.target(), patch.attribute, self._originals.pop(patch.attribute))
