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


def show_about(parent: QWidget) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{v}</td></tr>" for k, v in library_versions().items())
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setText(f"<h3>{APP_NAME}</h3><p>A desktop admin console for AWS Aurora.</p><table>{rows}</table>")
    box.setModal(False)
    box.show()
    return box
