# dmgbuild settings for the Aurora Console disk image: the app and a link to /Applications.
#
# Used by packaging/installers.py (dmgbuild.build_dmg(..., settings_file=this,
# defines={"app": ..., "volume_icon": ...})); by hand:
#   dmgbuild -s packaging/macos/dmg_settings.py -D app="dist/Aurora Console.app" \
#            -D volume_icon=build/pyinstaller/aurora-console/icons/aurora-console.icns \
#            "Aurora Console" dist/aurora-console-0.1.0-macos-arm64.dmg
#
# Checked against the dmgbuild documentation ("Settings") and its source (dmgbuild/core.py,
# build_dmg): the file is plain Python executed with dmgbuild's default options as its globals
# (`defines` holds the -D values); afterwards build_dmg reads these names: `files` (copied with
# ditto under their base names), `symlinks`, `icon_locations` (keyed by the names in the
# volume), `format`, `size` (None: computed from the files), `icon` (copied to
# .VolumeIcon.icns), `window_rect`, `default_view`, `icon_size`, `text_size`, show_*.
# Helper names start with "_" (tests/packaging/test_macos_packaging.py checks that every other
# name is one dmgbuild reads).
#
# Format: ULFO (lzfse, read-only, compressed) opens on macOS 10.11 and later; the app's
# LSMinimumSystemVersion is 11.0, so every Mac that can run the app can open the image, and
# lzfse is both smaller and faster to open than UDZO's zlib.
import os.path as _path

_application = defines.get("app", "dist/Aurora Console.app")  # noqa: F821 - set by dmgbuild
_appname = _path.basename(_application.rstrip("/"))  # the name dmgbuild gives the copy

format = defines.get("format", "ULFO")  # noqa: F821
size = None
files = [_application]
symlinks = {"Applications": "/Applications"}
# the app's own icon on the mounted volume (None: the default disk icon)
icon = defines.get("volume_icon") or None  # noqa: F821

default_view = "icon-view"
show_status_bar = False
show_tab_view = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
window_rect = ((200, 160), (600, 320))
icon_size = 112
text_size = 13
icon_locations = {
    _appname: (150, 150),
    "Applications": (450, 150),
}
