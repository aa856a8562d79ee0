"""Help > About: versions of the console and the libraries it runs on."""

from __future__ import annotations

import platform
import sys

from PySide6.QtWidgets import QMessageBox, QWidget

from aurora_console import APP_NAME, __version__


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import PySide6
    from PySide6.QtCore import qVersion

    out = {APP_NAME: __version__, "Python": platform.python_version(), "Qt": qVersion(), "PySide6": PySide6.__version__}
    for dist in ("boto3", "botocore", "psycopg", "pyqtgraph", "sshtunnel", "paramiko"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    out["Platform"] = f"{platform.system()} {platform.release()} ({sys.platform})"
    return out


def icons_credit() -> str:
    """The bundled icon set and its licence, as the about box and the installers name it."""
    from aurora_console.core.resources import resource

    try:
        version = resource("icons", "lucide", "VERSION").read_text(encoding="utf-8").split()[-1]
    except OSError:
        version = "?"
    return f"Lucide {version} (https://lucide.dev), ISC licence"


def icons_licence() -> str:
    from aurora_console.core.resources import resource

    try:
        return "Icons: " + icons_credit() + "\n\n" + resource("icons", "lucide", "LICENSE.txt").read_text(encoding="utf-8")
    except OSError:
        return "Icons: " + icons_credit()


def show_about(parent: QWidget) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{v}</td></tr>" for k, v in library_versions().items())
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setText(f"<h3>{APP_NAME}</h3><p>A desktop admin console for AWS Aurora.</p><table>{rows}</table>"
                f"<p>Icons: {icons_credit()} (see the details for its licence).</p>")
    box.setDetailedText(icons_licence())
    box.setModal(False)
    box.show()
    return box
