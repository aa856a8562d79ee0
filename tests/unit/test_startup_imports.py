"""Start-up stays fast: building the main window imports no I/O library and no plotting or
highlighting library. Those load when a screen that needs them opens (checked in a fresh process).

Nor does it load what only a screen or a later stage needs (``LAZY``): each feature's install()
adds its menu entries and hooks, and its screen modules load when the screen is first used; the
window's connections controller and SSH tunnel manager are made on the first
``services.connections.get()``. A module that slips back into start-up fails here by name.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = ("boto3", "botocore", "psycopg", "pyqtgraph", "paramiko", "sshtunnel", "asyncssh", "moto", "pygments",
         "numpy", "cryptography", "keyring")

#: loaded on first use, never by building and showing the window
LAZY = (
    # connections: the controller, the tunnel manager and the SSH and profile modules behind them
    "aurora_console.ui.connections.controller", "aurora_console.core.ssh.manager", "aurora_console.core.ssh.config",
    "aurora_console.core.ssh.hostkeys", "aurora_console.core.connections.opener",
    "aurora_console.core.connections.tunnels", "aurora_console.core.connections.profile",
    # the timeline's readers (its chart markers read on a worker when a chart asks)
    "aurora_console.ui.timeline.reader", "aurora_console.core.aws.timeline.gather",
    "aurora_console.core.performance.explain_window",
    # the Top SQL background recorder (its first tick)
    "aurora_console.ui.performance.background", "aurora_console.core.performance.top_sql",
    # the AWS configuration read after the first paint, the welcome page, the palette's matcher
    "aurora_console.core.aws.start_config", "aurora_console.core.aws.profiles", "aurora_console.ui.welcome",
    "aurora_console.core.palette", "aurora_console.ui.crash_dialog",
    # the log file's handler (after the first paint) and what logging.handlers pulls in
    "logging.handlers", "socket", "pickle", "configparser",
    # dates: the timeline's chart markers (a worker, when a chart asks), the audit log
    "datetime",
    # the cluster inventory's thread pools (the first load)
    "concurrent.futures",
    # the audit log (made on the first mutating action or audit view: Services.audit)
    "aurora_console.core.audit",
    # the cluster model and the inventory's dataclasses (the first load, ui/cluster_loader.py)
    "aurora_console.core.aws.fleet.models", "aurora_console.core.aws.fleet.inventory",
    "aurora_console.core.aws.fleet.clusters", "aurora_console.ui.fleet.tree_model", "aurora_console.ui.fleet.staging",
    # the load's AWS targets (dataclasses) and its turn helper: the first load, not the window
    "aurora_console.core.aws.session", "aurora_console.ui.after_repaint",
)

#: Qt classes whose first use makes PySide6 build them (and their enum classes: ~0.3 ms each) and
#: that only a later question needs, or that the start does without: not touched by building and
#: showing the window, its welcome page and the end of the start (``load_finished``, which sets
#: off ``after_start``'s timers)
LAZY_QT = ("QtWidgets.QInputDialog", "QtWidgets.QFileDialog", "QtWidgets.QMessageBox",
           # icons.decorate matches names itself (was a QRegularExpression: four enum classes)
           "QtCore.QRegularExpression",
           # after_start's timers are QTimer objects (QTimer.singleShot(ms, context, f) made QMetaMethod)
           "QtCore.QMetaMethod",
           # the tab list's menu groups its entries when it first opens
           "QtGui.QActionGroup")

CODE = """
import dataclasses, sys
from aurora_console.cli import build_parser
from aurora_console.app import build_services
from PySide6.QtWidgets import QApplication
app = QApplication([])
opts, _ = build_parser().parse_known_args([])
from aurora_console.ui.main_window import MainWindow
window = MainWindow(build_services(opts, app))
window.show()
app.processEvents()
heavy, lazy = sys.argv[1].split(','), sys.argv[2].split(',')
loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))
print('LOADED', ' '.join(loaded))
print('LAZY', ' '.join(sorted(set(sys.modules) & set(lazy))))
# a dataclass without a docstring makes dataclasses build one with inspect.signature at import
undocumented = sorted(f'{name}.{k}' for name, mod in list(sys.modules.items()) if name.startswith('aurora_console')
                      for k, v in list(vars(mod).items())
                      if isinstance(v, type) and v.__module__ == name and dataclasses.is_dataclass(v)
                      and (v.__doc__ or '').startswith(v.__name__ + '('))
print('UNDOCUMENTED', ' '.join(undocumented))
# the rest of a first start: the welcome page, then the end of the start
window.show_welcome()
window.load_finished.emit(True, [])
app.processEvents()
import importlib
made = [name for name in sys.argv[3].split(',')
        if name.rpartition('.')[2] in vars(importlib.import_module('PySide6.' + name.rpartition('.')[0]))]
print('QT_MADE', ' '.join(made))
"""


@pytest.fixture(scope="module")
def start_up(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("startup-home")
    env = {"QT_QPA_PLATFORM": "offscreen", "AURORA_CONSOLE_HOME": str(home), "HOME": str(home),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", CODE, ",".join(HEAVY), ",".join(LAZY), ",".join(LAZY_QT)],
                            capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    lines = {}
    for line in result.stdout.splitlines():
        key, _, rest = line.partition(" ")
        lines[key] = rest.strip()
    return lines


def test_main_window_builds_without_heavy_imports(start_up):
    assert start_up["LOADED"] == "", f"imported at start-up: {start_up['LOADED']}"


def test_screens_and_later_stages_load_their_modules_on_first_use(start_up):
    assert start_up["LAZY"] == "", f"imported at start-up, though only needed later: {start_up['LAZY']}"


def test_dataclasses_loaded_at_start_up_have_docstrings(start_up):
    assert start_up["UNDOCUMENTED"] == "", f"give these a docstring: {start_up['UNDOCUMENTED']}"


def test_question_dialogs_are_not_built_at_start_up(start_up):
    assert start_up["QT_MADE"] == "", f"Qt classes built at start-up, though it needs none of them: {start_up['QT_MADE']}"
