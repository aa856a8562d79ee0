# dmgbuild settings for the Aurora Console disk image: the app and a link to /Applications.
#
# Used by packaging/build.py (dmgbuild.build_dmg(..., settings_file=this, defines={"app": ...}));
# by hand:  dmgbuild -s packaging/macos/dmg_settings.py -D app="dist/Aurora Console.app" \
#                    "Aurora Console" dist/aurora-console-0.1.0-macos.dmg
#
# Checked against the dmgbuild documentation (dmgbuild.readthedocs.io, "Settings"): the file is
# plain Python run with `defines` (the -D values) in scope; `files`, `symlinks`, `icon_locations`,
# `format`, `size` (None: computed from the contents), `window_rect`, `default_view`, `icon_size`
# and `badge_icon`/`icon` are the documented names. UDZO (zlib) opens on every macOS version;
# ULFO (lzfse) would be smaller but needs 10.11+ (fine, but UDZO is the safe default here).
import os.path

application = defines.get("app", "dist/Aurora Console.app")  # noqa: F821 - set by dmgbuild
appname = os.path.basename(application)

format = defines.get("format", "UDZO")  # noqa: F821
size = None
files = [application]
symlinks = {"Applications": "/Applications"}
# the app's own icon on the mounted volume
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
    appname: (150, 150),
    "Applications": (450, 150),
}
