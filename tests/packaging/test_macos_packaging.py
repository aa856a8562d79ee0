"""The macOS packaging inputs, checked on any system: dmgbuild settings, entitlements, icon,
and the Info.plist keys the spec passes to PyInstaller's BUNDLE.

What needs a Mac (hdiutil, ditto, codesign, notarization, Gatekeeper) is left to the release
workflow's macos-latest job; see docs/packaging.md.
"""

from __future__ import annotations

import ast
import importlib.util
import plistlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SETTINGS = PACKAGING / "macos" / "dmg_settings.py"
ENTITLEMENTS = PACKAGING / "macos" / "entitlements.plist"
SPEC = PACKAGING / "aurora-console.spec"
APP = "/tmp/build/Aurora Console.app"  # only a string for the settings file: never opened

# hdiutil's compressed read-only formats (hdiutil(1) "convert -format") with the oldest macOS
# that opens them: zlib, lzfse, lzma. UDBZ (bzip2) is deprecated by Apple.
COMPRESSED_READ_ONLY = {"UDZO": (10, 0), "ULFO": (10, 11), "ULMO": (10, 15)}


def _dmgbuild_core() -> tuple[ast.Module, str]:
    # dmgbuild.core computes MACOS_VERSION from platform.mac_ver() at import time, which raises
    # ValueError on Linux, so its functions are compiled from the installed source instead.
    spec = importlib.util.find_spec("dmgbuild")
    assert spec is not None and spec.origin, "dmgbuild is not installed (pip install dmgbuild)"
    path = Path(spec.origin).parent / "core.py"
    source = path.read_text(encoding="utf-8")
    return ast.parse(source, str(path)), str(path)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _assigned(func: ast.FunctionDef, name: str) -> ast.expr:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value
    raise AssertionError(f"{name} = ... not found in dmgbuild's {func.name}")


def dmgbuild_settings(defines: dict) -> dict:
    """The options dict dmgbuild.build_dmg works from after executing our settings file.

    Uses dmgbuild's own ``load_settings`` and its own default ``options`` literal from build_dmg,
    exactly as build_dmg does (``load_settings(settings_file, options)``).
    """
    tree, filename = _dmgbuild_core()
    module = ast.fix_missing_locations(ast.Module(
        body=[ast.Import(names=[ast.alias(name="tokenize")]), _function(tree, "load_settings")], type_ignores=[]))
    namespace: dict = {}
    exec(compile(module, filename, "exec"), namespace)
    defaults = ast.Expression(_assigned(_function(tree, "build_dmg"), "options"))
    options = eval(compile(defaults, filename, "eval"),
                   {"filename": "/tmp/out.dmg", "volume_name": "Aurora Console", "defines": defines})
    namespace["load_settings"](str(SETTINGS), options)
    return options


def dmgbuild_default_keys() -> set[str]:
    tree, _ = _dmgbuild_core()
    return {k.value for k in _assigned(_function(tree, "build_dmg"), "options").keys}


def dmgbuild_compressions() -> set[str]:
    tree, _ = _dmgbuild_core()
    return {k.value for k in _assigned(_function(tree, "build_dmg"), "key_prefix").keys}


@pytest.fixture(scope="module")
def icns(tmp_path_factory) -> Path:
    sys.path.insert(0, str(PACKAGING))
    try:
        from icons import make_icons
    finally:
        sys.path.remove(str(PACKAGING))
    return make_icons(tmp_path_factory.mktemp("icons"))["icns"]


# --- dmgbuild settings ---------------------------------------------------------------------

def test_the_image_holds_the_app_and_an_applications_link(icns):
    s = dmgbuild_settings({"app": APP, "volume_icon": str(icns)})
    assert s["files"] == [APP]
    assert s["symlinks"] == {"Applications": "/Applications"}
    # dmgbuild copies each file under its base name; icon_locations are keyed by those names
    in_volume = {Path(f).name for f in s["files"]} | set(s["symlinks"])
    assert in_volume == {"Aurora Console.app", "Applications"}
    assert set(s["icon_locations"]) == in_volume


def test_a_trailing_slash_on_the_app_path_keeps_the_icon_position():
    s = dmgbuild_settings({"app": APP + "/"})
    assert set(s["icon_locations"]) == {"Aurora Console.app", "Applications"}


def test_the_icons_sit_inside_the_window_and_apart():
    s = dmgbuild_settings({"app": APP})
    (_x, _y), (width, height) = s["window_rect"]
    half = s["icon_size"] / 2
    spots = list(s["icon_locations"].values())
    for x, y in spots:
        assert half <= x <= width - half and half <= y <= height - half, (x, y, s["window_rect"])
    (x1, y1), (x2, y2) = spots
    assert abs(x1 - x2) >= 2 * s["icon_size"] or abs(y1 - y2) >= 2 * s["icon_size"]


def test_the_format_is_compressed_read_only_and_opens_where_the_app_runs():
    s = dmgbuild_settings({"app": APP})
    assert s["format"] in COMPRESSED_READ_ONLY
    assert s["format"] in dmgbuild_compressions()  # dmgbuild knows its compression key
    assert s["size"] is None  # computed by dmgbuild from the files
    minimum = tuple(int(p) for p in _info_plist()["LSMinimumSystemVersion"].split("."))
    assert COMPRESSED_READ_ONLY[s["format"]] <= minimum


def test_the_volume_icon_is_the_icns_passed_in(icns):
    s = dmgbuild_settings({"app": APP, "volume_icon": str(icns)})
    assert s["icon"] == str(icns) and Path(s["icon"]).read_bytes()[:4] == b"icns"
    assert dmgbuild_settings({"app": APP})["icon"] is None  # no icon given: the default disk icon


def test_every_public_name_in_the_settings_file_is_one_dmgbuild_reads():
    known = dmgbuild_default_keys()
    s = dmgbuild_settings({"app": APP})
    ours = {k for k, v in s.items() if not k.startswith("_") and not isinstance(v, ModuleType)}
    assert ours - known == set(), "names dmgbuild ignores (typos?)"


def test_installers_passes_the_defines_the_settings_file_reads():
    tree = ast.parse((PACKAGING / "installers.py").read_text(encoding="utf-8"))
    mac_dmg = _function(tree, "mac_dmg")
    call = next(n for n in ast.walk(mac_dmg) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "build_dmg")
    kwargs = {k.arg: k.value for k in call.keywords}
    assert "dmg_settings.py" in ast.unparse(kwargs["settings_file"])
    passed = {k.value for k in kwargs["defines"].keys}
    read = set(re.findall(r"""defines\.get\(["'](\w+)["']""", SETTINGS.read_text(encoding="utf-8")))
    assert passed <= read
    assert {"app", "volume_icon"} <= passed


# --- entitlements --------------------------------------------------------------------------

# PyInstaller apps under the hardened runtime need unsigned executable memory for libffi
# closures (ctypes/cffi callbacks; pyinstaller#4629). Everything else stays off: PyInstaller
# signs every bundled library with the same identity, so library validation holds; no JIT,
# no DYLD_* variables, and never get-task-allow (notarization rejects it).
NEEDED = {"com.apple.security.cs.allow-unsigned-executable-memory"}
NEVER = {"com.apple.security.get-task-allow", "com.apple.security.cs.disable-library-validation",
         "com.apple.security.cs.allow-dyld-environment-variables",
         "com.apple.security.cs.disable-executable-page-protection", "com.apple.security.cs.allow-jit",
         "com.apple.security.app-sandbox"}


def test_entitlements_are_the_needed_hardened_runtime_exception_only():
    entitlements = plistlib.loads(ENTITLEMENTS.read_bytes())
    assert set(entitlements) == NEEDED
    assert all(v is True for v in entitlements.values())  # Apple: omit false entitlements
    assert not set(entitlements) & NEVER


# --- the icon ------------------------------------------------------------------------------

ICONSET_SIZES = {(16, 16, 1), (16, 16, 2), (32, 32, 1), (32, 32, 2), (128, 128, 1), (128, 128, 2),
                 (256, 256, 1), (256, 256, 2), (512, 512, 1), (512, 512, 2)}


def _icns_sizes(path: Path) -> set[tuple[int, int, int]]:
    """(width, height, scale) of every entry, each decoded to check its pixel size."""
    from PIL import IcnsImagePlugin

    with open(path, "rb") as fobj:
        icns = IcnsImagePlugin.IcnsFile(fobj)
        sizes = set(icns.itersizes())
        for w, h, scale in sizes:
            assert icns.getimage((w, h, scale)).size == (w * scale, h * scale)
    return sizes


def test_write_icns_holds_every_iconset_size(tmp_path):
    from PIL import Image

    sys.path.insert(0, str(PACKAGING))
    try:
        from macos.icns import write_icns
    finally:
        sys.path.remove(str(PACKAGING))
    with Image.open(ROOT / "resources" / "icons" / "aurora-console.png") as img:
        path = write_icns(img, tmp_path / "a.icns")
    assert _icns_sizes(path) == ICONSET_SIZES


def test_the_build_icns_holds_every_iconset_size(icns):
    assert _icns_sizes(icns) == ICONSET_SIZES


def test_the_build_icns_reads_back_with_the_large_sizes(icns):
    sizes = _icns_sizes(icns)
    assert {(512, 512, 2), (512, 512, 1), (256, 256, 2), (128, 128, 1), (16, 16, 2)} <= sizes


# --- Info.plist from the spec --------------------------------------------------------------

def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"))


def _spec_constant(name: str):
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in the spec")


def _spec_call(func_name: str) -> ast.Call:
    calls = [n for n in ast.walk(_spec_tree()) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == func_name]
    assert calls, f"{func_name}(...) not found in the spec"
    return calls[0]


def _spec_names() -> dict:
    from aurora_console import APP_ID, APP_NAME, __version__

    return {"APP_NAME": APP_NAME, "APP_ID": APP_ID, "__version__": __version__,
            "BUNDLE_ID": _spec_constant("BUNDLE_ID"), "IS_MAC": True, "IS_WIN": False}


def _keyword(call: ast.Call, name: str):
    node = next(k.value for k in call.keywords if k.arg == name)
    return eval(compile(ast.Expression(node), str(SPEC), "eval"), _spec_names())


def _info_plist() -> dict:
    return _keyword(_spec_call("BUNDLE"), "info_plist")


def test_info_plist_keys_for_high_dpi_dark_mode_and_the_version():
    from aurora_console import __version__

    plist = _info_plist()
    assert plist["NSHighResolutionCapable"] is True
    assert plist["NSRequiresAquaSystemAppearance"] is False  # follows the system's dark mode
    # Apple: CFBundleShortVersionString is three period-separated integers
    assert re.fullmatch(r"\d+(\.\d+){0,2}", plist["CFBundleShortVersionString"])
    assert plist["CFBundleShortVersionString"] == __version__ == _keyword(_spec_call("BUNDLE"), "version")
    assert re.fullmatch(r"\d+(\.\d+){0,2}", plist["CFBundleVersion"])
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", plist["LSMinimumSystemVersion"])
    assert plist["LSApplicationCategoryType"].startswith("public.app-category.")
    assert len(plist["CFBundleName"]) <= 15  # Apple: "up to 15 characters" (else CFBundleDisplayName)
    plistlib.dumps(plist)  # only plist types


def test_bundle_identifier_and_a_windowed_app():
    bundle = _spec_call("BUNDLE")
    # Apple: CFBundleIdentifier is reverse-DNS of alphanumerics, hyphens and periods
    assert re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", _keyword(bundle, "bundle_identifier"))
    assert _keyword(bundle, "name").endswith(".app")
    # PyInstaller's BUNDLE sets LSBackgroundOnly (no Dock icon, no menu bar) for a console EXE
    assert _keyword(_spec_call("EXE"), "console") is False
