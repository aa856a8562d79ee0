"""sandbox/moto_patching.PatchSet: applies its replacements together, keeps the originals, restores them."""

from __future__ import annotations

import sys
import types

import pytest

from aurora_console.sandbox.moto_patching import Patch, PatchSet

pytestmark = pytest.mark.unit


@pytest.fixture
def module():
    mod = types.ModuleType("patch_target_for_test")

    class Backend:
        def answer(self):
            return "moto's"

    mod.Backend = Backend
    mod.parse = lambda value: f"parsed {value}"
    sys.modules[mod.__name__] = mod
    yield mod
    del sys.modules[mod.__name__]


def test_a_set_replaces_and_restores_class_and_module_attributes(module):
    original_answer, original_parse = module.Backend.answer, module.parse
    patches = PatchSet(
        Patch(module.__name__, "Backend", "answer", lambda self: "ours, then " + patches.original("answer")(self)),
        Patch(module.__name__, None, "parse", lambda value: "fast"),
    )
    assert not patches.applied
    patches.apply()
    assert patches.applied
    assert module.Backend().answer() == "ours, then moto's"
    assert module.parse(1) == "fast" and patches.original("parse")(1) == "parsed 1"
    patches.apply()  # a second apply keeps the first originals (not the replacements)
    assert patches.original("answer") is original_answer
    patches.restore()
    assert not patches.applied
    assert module.Backend.answer is original_answer and module.parse is original_parse
    with pytest.raises(KeyError):
        patches.original("parse")
    patches.restore()  # nothing to restore: no change
    assert module.parse is original_parse


def test_a_set_refuses_two_patches_of_one_attribute_name(module):
    """Originals are kept by attribute name: a second class's same-named method would overwrite
    the first's original and stay patched after restore."""
    with pytest.raises(ValueError, match="one attribute name"):
        PatchSet(Patch(module.__name__, "Backend", "answer", object()), Patch(module.__name__, None, "answer", object()))
