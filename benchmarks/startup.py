"""Startup: ``aurora-console --smoke-test`` (normal and --sandbox) against a bare PySide6 program.

    .venv/bin/python benchmarks/startup.py [--repeat 7] [--sandbox-repeat 3] [--top 15] [--instructions] [--xvfb]
        [--compare-tree DIR] [--views-after-paint]

``--sandbox-repeat 0`` leaves the sandbox out (a quick check of the normal start). ``--xvfb`` runs
both programs on an X server (Xvfb, started here) with Qt's xcb platform: the offscreen platform
skips window-system work a desktop does before the first paint (the 1024 px window icon once cost
~25 ms there, unseen offscreen).
``--instructions`` also counts the instructions one bare and one normal run execute (valgrind's
callgrind, ~1 min each): a figure a loaded machine hardly moves (runs of one tree differ by
~1-2 %), for telling a small change in start-up work from the noise of shared cores.

Beside the bare window, a third program shows the window's own kinds of widgets in plain PySide6,
with no console code ("the same widgets", ``SAME_WIDGETS``): a dock with a tree view on a Python
item model, a combo box, tool buttons and a line edit, a tab widget, five menus, a status bar and a
page of labels and buttons, on Fusion. PySide6 makes a Python enum class for each Qt enum of every
class such a window touches (the ``Qt`` namespace alone ~90, which any Python item model needs: its
``headerData`` is called with a ``Qt.Orientation``), so this program is the floor of what the
console could reach with its widgets; the ratio "vs the same widgets" is what the console's own code
adds on top. It exits after its first paint, as the console's smoke test does (it paints the window
before it is ready); the bare window exits after its first event-loop turn, before any paint (an
empty main window gets none offscreen), as in earlier sessions' figures.

``--views-after-paint`` also times that program built frame first, the floor of a console that
paints its frame and attaches its item views on the turn after (``VIEWS_AFTER``: the tree view, its
imports and its model made after the first paint; ``DOCK_AFTER``: the whole navigator dock after it,
and nothing before it touching the ``Qt`` namespace or ``QEvent``). Each plain program prints when
it painted first and when its window was complete (views attached and painted), with its CPU by
then; the table gives both against the bare window's first event-loop turn. Session 10, instructions
to the first paint (callgrind, the process ended there; the bare window at its first turn): the same
widgets at once 1.49x, views after 1.47x, dock after 1.23x; to the complete window (whole process)
1.46x, 1.57x, 1.55x. CPU time (load 3-6, 3-11 rounds, 5 runs) agrees: views after 1.26-1.43x at the
first paint (the same widgets at once 1.26-1.46x in the same runs), 1.42-1.61x complete; dock after
1.11-1.24x first, 1.40-1.57x complete. So attaching the item views later saves ~1 % at the first
paint (their classes and model are cheap; the frame's widget classes, Fusion and the ``Qt``
namespace are not) and costs a second layout and paint; only a first paint without the navigator
dock gets under 1.3x, and then the dock appears after the window. The console's own first paint
(the turn after it) was 1.62x in CPU, ~25 ms over the same widgets at once.

With ``--instructions``, the same widgets and the console (and ``--compare-tree``'s) are also
counted to their first paint, each process ended there (``os._exit``; the console's wrapper drops
``_FirstPaint``'s 250 ms fallback, which under valgrind's ~50x slowdown fired on the first loop turn,
before any paint): what the console adds before its window appears, without the AWS read, the
welcome page and the exit after it. Session 10: 938 M (a08eede: 949 M) against the same widgets'
836 M, 1.12x (the bare window's whole run is 618 M: 1.52x and 1.35x of it). The console's own
modules (~55 before the first paint: their import, classes and six dataclasses, ~15 ms of CPU),
its menus and features' entries (~3.5 ms cold) and the Qt classes only it needs then
(QKeySequence, QPainter and QIconEngine for the icons, QSvgRenderer's overloads: ~3 ms) are most
of the difference; no single part is over ~2 ms.

``--compare-tree DIR`` also starts the console of another source tree (``git worktree add DIR
<commit>``, or ``git archive <commit> | tar -x -C DIR``; run with ``PYTHONPATH=DIR`` and
``PYTHONSAFEPATH=1``, so the working folder's checkout does not come first), interleaved
with the others in every round: before/after figures from one run, under the same load (with
``--instructions``, its count too).

After the table, so that a regression shows where it came from:

* ``-X importtime`` of one normal start: the console's own modules by their own (self) import
  time, with the total of all of them and of everything imported;
* the Python enum classes PySide6 makes for the Qt classes a start touches (the bare window's and
  ours), by the console's line that first needed them: a slow part of a PySide6 start that
  ``-X importtime`` shows only as some module's self time;
* a first-paint trace: per feature in ui/features.py, the time to import it and to install it
  into the window, then the process's own marks (imports done, first paint, ready).

The baseline shows an empty QMainWindow and exits after its first event-loop turn. Target for
normal mode: at most 1.3x the baseline (no I/O before the first paint; boto3, psycopg and
pyqtgraph imported lazily).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, isolated_env, machine, report, run_process, summary  # noqa: E402

#: prints one "MARK name monotonic process_time" line: when a plain program reached a point (its
#: first paint; its window complete), on the clock the benchmark started it on (time.monotonic is
#: system-wide), with the CPU its process had used by then
MARK = (
    "import time as _time\n"
    "def mark(name):\n"
    "    print(f'MARK {name} {_time.monotonic():.6f} {_time.process_time():.6f}', flush=True)\n"
)

BARE = (
    MARK
    + "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "w = QMainWindow(); w.resize(1280, 800); w.show()\n"
    "QTimer.singleShot(0, lambda: (mark('first_paint'), mark('complete'), app.quit()))\n"
    "app.exec()\n"
)

# The console window's kinds of widgets in plain PySide6, no console code (see the docstring), in
# parts, so that the same program can also be built frame first (VIEWS_AFTER)
_SAME_IMPORTS = (
    "from PySide6.QtCore import Qt, QTimer, QEvent, QObject\n"
    "from PySide6.QtGui import QAction\n"
    "from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QHBoxLayout, QLabel, QLineEdit,\n"
    "    QMainWindow, QMenu, QPushButton, QStatusBar, QTabWidget, QToolButton, QVBoxLayout, QWidget)\n"
)
#: the item view's own imports and its Python model
_SAME_VIEW_CLASSES = (
    "from PySide6.QtCore import QAbstractTableModel, QModelIndex\n"
    "from PySide6.QtWidgets import QTreeView\n"
    "class Model(QAbstractTableModel):\n"
    "    def rowCount(self, parent=QModelIndex()):\n"
    "        return 0\n"
    "    def columnCount(self, parent=QModelIndex()):\n"
    "        return 3\n"
    "    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):\n"
    "        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:\n"
    "            return ('Cluster', 'Engine', 'Status')[section]\n"
    "        return None\n"
    "    def data(self, index, role=Qt.ItemDataRole.DisplayRole):\n"
    "        return None\n"
)
_SAME_VIEW = "view = QTreeView(); model = Model(); view.setModel(model); view.setSortingEnabled(True)\n"
_SAME_APP = (
    "app = QApplication([])\n"
    "app.setStyle('Fusion')\n"
    "app.setPalette(app.style().standardPalette())\n"
)
_SAME_TABS = (
    "tabs = QTabWidget(); tabs.setTabsClosable(True); tabs.setMovable(True); tabs.setDocumentMode(True)\n"
    "w.setCentralWidget(tabs)\n"
)
#: the navigator's top row and filter: the item view goes below these
_SAME_NAV_TOP = (
    "nav = QWidget(); lay = QVBoxLayout(nav); top = QHBoxLayout(); regions = QToolButton(text='us-east-1')\n"
    "regions.setMenu(QMenu(regions)); regions.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)\n"
    "top.addWidget(QComboBox(), 1); top.addWidget(regions); top.addWidget(QToolButton(text='Refresh'))\n"
    "lay.addLayout(top); lay.addWidget(QLineEdit(placeholderText='Filter clusters'))\n"
)
_SAME_NAV_REST = (
    "lay.addWidget(QLabel('Reading AWS profiles', wordWrap=True))\n"
    "dock = QDockWidget('Navigator', w); dock.setWidget(nav)\n"
    "w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)\n"
)
#: status bar, menus and the welcome page
_SAME_WINDOW_REST = (
    "w.setStatusBar(QStatusBar())\n"
    "for name in ('&File', '&Edit', '&View', '&Tools', '&Help'):\n"
    "    menu = w.menuBar().addMenu(name)\n"
    "    for i in range(5):\n"
    "        menu.addAction(QAction(f'{name} {i}', w))\n"
    "page = QWidget(); page_lay = QVBoxLayout(page); page_lay.addWidget(QLabel('<h1>Welcome</h1>'))\n"
    "page_lay.addWidget(QPushButton('Open the sandbox')); page_lay.addWidget(QPushButton('Use an AWS profile'))\n"
    "tabs.addTab(page, 'Welcome')\n"
)
_SAME_WINDOW = "w = QMainWindow(); w.resize(1280, 800)\n"
#: calls ``on_paint()`` at the window's first paint; shows the window and runs the event loop
_SAME_SHOW = (
    "class FirstPaint(QObject):\n"
    "    done = False\n"
    "    def eventFilter(self, obj, event):\n"
    "        if event.type() == QEvent.Type.Paint and not self.done:\n"
    "            self.done = True\n"
    "            on_paint()\n"
    "        return False\n"
    "first_paint = FirstPaint(w); w.installEventFilter(first_paint)\n"
    "QTimer.singleShot(3000, app.quit)  # never painted: the wall time says so\n"
    "w.show()\n"
    "app.exec()\n"
)

#: the console window's kinds of widgets in plain PySide6, no console code (see the docstring):
#: shown, then it exits after its first paint, as the console's smoke test does (BARE exits after
#: its first event-loop turn, before any paint: offscreen, an empty main window gets none)
SAME_WIDGETS = (
    MARK + _SAME_IMPORTS + _SAME_VIEW_CLASSES + _SAME_APP + _SAME_WINDOW + _SAME_TABS + _SAME_NAV_TOP + _SAME_VIEW
    + "lay.addWidget(view, 1)\n" + _SAME_NAV_REST + _SAME_WINDOW_REST
    + "def on_paint():\n"
    "    mark('first_paint'); mark('complete')\n"
    "    QTimer.singleShot(0, app.quit)\n"
    + _SAME_SHOW
)

#: the frame-first programs' mark of the complete window: the item view's first paint
_VIEW_PAINT = (
    "class ViewPaint(QObject):\n"
    "    def eventFilter(self, obj, event):\n"
    "        if event.type() == QEvent.Type.Paint:\n"
    "            obj.removeEventFilter(self)\n"
    "            mark('complete')\n"
    "            QTimer.singleShot(0, app.quit)\n"
    "        return False\n"
    "view_paint = ViewPaint()\n"
)

#: ``--views-after-paint``: SAME_WIDGETS built frame first, the floor of a console whose first paint
#: shows its frame (menus, tabs and the welcome page, status bar, the navigator dock with its top row
#: and filter) and attaches its item views on the turn after: an empty widget holds the tree view's
#: place, and the view, its imports and its model are made on the turn after the first paint. It
#: marks its first paint and the complete window (the view attached and painted), then exits, as a
#: smoke test that waits for the views would.
VIEWS_AFTER = (
    MARK + _SAME_IMPORTS + _SAME_APP + _SAME_WINDOW + _SAME_TABS + _SAME_NAV_TOP
    + "slot = QWidget(); lay.addWidget(slot, 1)\n" + _SAME_NAV_REST + _SAME_WINDOW_REST
    + _VIEW_PAINT
    + "def attach():\n"
    "    global view, model\n"
    + "".join("    " + line + "\n" for line in (_SAME_VIEW_CLASSES + _SAME_VIEW).splitlines())
    + "    lay.replaceWidget(slot, view); slot.deleteLater(); view.show()\n"
    "    view.viewport().installEventFilter(view_paint)\n"
    "def on_paint():\n"
    "    mark('first_paint')\n"
    "    QTimer.singleShot(0, attach)\n"
    + _SAME_SHOW
)

#: ``--views-after-paint``, further still: SAME_WIDGETS whose first paint shows only menus, status
#: bar and the tabs with the welcome page; the navigator dock (top row, filter, item view) is built
#: and docked on the turn after, and nothing before the first paint touches the ``Qt`` namespace or
#: ``QEvent`` (their ~100 enum classes: the first paint is seen by a ``paintEvent`` override, and
#: placing a dock needs ``Qt.DockWidgetArea``). The one frame-first arrangement of these widgets
#: whose first paint measured under 1.3x the bare window: the dock then appears after the window
#: (the central page narrows), and the complete window costs more than SAME_WIDGETS built at once.
DOCK_AFTER = (
    MARK
    + "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtGui import QAction\n"
    "from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QPushButton, QStatusBar, QTabWidget,\n"
    "    QVBoxLayout, QWidget)\n"
    + _SAME_APP
    + "class Window(QMainWindow):\n"
    "    painted = False\n"
    "    def paintEvent(self, event):\n"
    "        super().paintEvent(event)\n"
    "        if not self.painted:\n"
    "            self.painted = True\n"
    "            mark('first_paint')\n"
    "            QTimer.singleShot(0, attach)\n"
    + _SAME_WINDOW.replace("QMainWindow()", "Window()") + _SAME_TABS + _SAME_WINDOW_REST
    + "def attach():\n"
    "    global nav, lay, top, regions, dock, view, model, view_paint\n"
    + "".join("    " + line + "\n" for line in (
        _SAME_IMPORTS + _SAME_VIEW_CLASSES + _SAME_NAV_TOP + _SAME_VIEW + "lay.addWidget(view, 1)\n"
        + _SAME_NAV_REST).splitlines())
    + "".join("    " + line + "\n" for line in _VIEW_PAINT.splitlines())
    + "    view.viewport().installEventFilter(view_paint)\n"
    "QTimer.singleShot(3000, app.quit)  # never painted: the wall time says so\n"
    "w.show()\n"
    "app.exec()\n"
)


#: ``--instructions``: SAME_WIDGETS ended at its first paint (its process exits there)
SAME_TO_PAINT = SAME_WIDGETS.replace(
    "def on_paint():\n", "def on_paint():\n    import os, sys; sys.stdout.flush(); os._exit(0)\n", 1)
assert SAME_TO_PAINT != SAME_WIDGETS

#: ``--instructions``: the console's normal start ended at its first paint (app._FirstPaint's callback),
#: without the fallback timer, which under valgrind fires before the window ever paints
CONSOLE_TO_PAINT = (
    "import os, sys\n"
    "import aurora_console.app as app\n"
    "class _Paint(app._FirstPaint):\n"
    "    def __init__(self, window, callback):\n"
    "        super().__init__(window, lambda: (sys.stdout.flush(), os._exit(0)))\n"
    "    def _fallback(self, callback):\n"
    "        return lambda: None\n"
    "app._FirstPaint = _Paint\n"
    "from aurora_console.cli import main\n"
    "main(['--smoke-test'])\n"
)


#: counts the Python enum classes PySide6 makes (each Qt class's enums are made, with Python's
#: ``enum`` machinery, when Python first meets the class: ``Qt`` alone is ~100 enums, ~17 ms of CPU)
#: and the UI thread's CPU time spent making them, by the console's line that first needed them;
#: prepended to a program, prints one "ENUMS {json}" line at its exit
ENUM_TRACE = r"""
import atexit, enum, json, os, time, traceback
_real_create = enum.EnumType._create_
_made, _depth = {}, [0]
def _traced_create(cls, class_name, names, **kwargs):
    _depth[0] += 1
    c0 = time.thread_time()
    try:
        return _real_create(cls, class_name, names, **kwargs)
    finally:
        _depth[0] -= 1
        if _depth[0] == 0:
            ours = [f for f in traceback.extract_stack()[:-1] if 'aurora_console' in f.filename]
            where = 'PySide6 itself'
            if ours:
                name = ours[-1].filename.split('aurora_console' + os.sep)[-1]
                where = name + ':' + str(ours[-1].lineno) + ' ' + (ours[-1].line or '')[:60]
            n, ms = _made.get(where, (0, 0.0))
            _made[where] = (n + 1, ms + (time.thread_time() - c0) * 1000)
enum.EnumType._create_ = _traced_create
atexit.register(lambda: print('ENUMS ' + json.dumps(_made), flush=True))
"""


def enum_trace(env, top: int) -> None:
    """The enum classes PySide6 makes in the bare window and in one normal start (see ENUM_TRACE)."""
    def traced(code: str) -> dict:
        proc = subprocess.run([PYTHON, "-c", ENUM_TRACE + code], env=env, capture_output=True, text=True, timeout=300)
        return json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("ENUMS ")][-1][6:])

    bare = traced(BARE)
    same = traced(SAME_WIDGETS)
    ours = traced("import sys\nfrom aurora_console.cli import main\nmain(['--smoke-test'])\n")
    def total(made):
        return sum(n for n, _ in made.values()), sum(ms for _, ms in made.values())
    (bn, bms), (sn, sms), (on, oms) = total(bare), total(same), total(ours)
    print(f"\nPySide6 enum classes made (UI thread CPU): bare window {bn} in {bms:.1f} ms, the same widgets in plain "
          f"PySide6 {sn} in {sms:.1f} ms, one normal start {on} in {oms:.1f} ms; by the console's line that first "
          f"needed them:")
    for where, (n, ms) in sorted(ours.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {ms:6.1f} ms {n:4d} enums  {where}")


#: runs the console's smoke test with each feature's import and install timed, and the stages of
#: building, showing and starting the window (the benchmark's own wrapper: the console itself is
#: unchanged; PySide6 and its source-scan shortcut load first, as in app.run_gui); prints one
#: "TRACE {json}" line at the end
TRACED = (
    "import importlib, json, sys, time\n"
    "import PySide6.QtWidgets\n"
    "import aurora_console.app as app\n"
    "app.skip_pyside_source_scans()\n"
    "import aurora_console.ui.features as features\n"
    "trace, stages = [], []\n"
    "def install_all(window):\n"
    "    failed = []\n"
    "    for name in features.FEATURES:\n"
    "        t0 = time.perf_counter()\n"
    "        try:\n"
    "            mod = importlib.import_module(name)\n"
    "            t1 = time.perf_counter()\n"
    "            mod.install(window)\n"
    "        except Exception as exc:\n"
    "            failed.append(f'{name}: {exc}')\n"
    "            continue\n"
    "        trace.append((name, t1 - t0, time.perf_counter() - t1))\n"
    "    return failed\n"
    "features.install_all = install_all\n"
    "def staged(owner, attr, label):\n"
    "    real = getattr(owner, attr)\n"
    "    def run(*args, **kwargs):\n"
    "        w0, c0 = time.perf_counter(), time.thread_time()\n"
    "        try:\n"
    "            return real(*args, **kwargs)\n"
    "        finally:\n"
    "            stages.append((label, time.perf_counter() - w0, time.thread_time() - c0))\n"
    "    setattr(owner, attr, run)\n"
    "import aurora_console.ui.main_window as mw, aurora_console.ui.navigator as nav\n"
    "import aurora_console.ui.theme as theme, aurora_console.ui.window_menus as menus\n"
    "for owner, attr, label in ((app, 'build_services', 'services'), (theme, 'apply_theme', 'theme'),\n"
    "        (mw.MainWindow, '__init__', 'main window built (with what follows)'),\n"
    "        (nav.NavigatorWidget, '__init__', '  navigator'), (menus.WindowMenus, 'add_window_entries', '  menus'),\n"
    "        (mw.MainWindow, 'show', 'shown'), (mw.MainWindow, 'start', 'started (after the first paint)'),\n"
    "        (mw.MainWindow, 'show_welcome', 'welcome page'), (mw.MainWindow, 'closeEvent', 'closed')):\n"
    "    staged(owner, attr, label)\n"
    "from aurora_console.cli import main\n"
    "code = main(['--smoke-test'])\n"
    "print('TRACE ' + json.dumps({'features': trace, 'stages': stages}), flush=True)\n"
    "sys.exit(code)\n"
)


def import_profile(env, top: int) -> None:
    """``-X importtime`` of one normal start: the console's modules by self time."""
    proc = subprocess.run([PYTHON, "-X", "importtime", "-m", "aurora_console", "--smoke-test"], env=env,
                          capture_output=True, text=True, timeout=300)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|", 2)
        rows.append((int(self_us), int(cum_us), name.strip()))
    ours = [r for r in rows if r[2].startswith("aurora_console")]
    total, own = sum(r[0] for r in rows), sum(r[0] for r in ours)
    print(f"\n-X importtime, one normal start: {len(rows)} modules, {total / 1000:.0f} ms self in all; "
          f"aurora_console's {len(ours)} modules {own / 1000:.0f} ms ({own / max(total, 1):.0%})")
    for self_us, cum_us, name in sorted(ours, reverse=True)[:top]:
        print(f"  {self_us / 1000:7.1f} ms self {cum_us / 1000:8.1f} ms with what it imported  {name}")


def first_paint_trace(env) -> None:
    proc = subprocess.run([PYTHON, "-c", TRACED], env=env, capture_output=True, text=True, timeout=300)
    lines = proc.stdout.splitlines()
    traced = json.loads([ln for ln in lines if ln.startswith("TRACE ")][-1][6:])
    trace, stages = traced["features"], traced["stages"]
    timings = json.loads([ln for ln in lines if ln.startswith("{")][-1])["timings"]
    print("\nfirst-paint trace, one normal start (features in install order: import, install):")
    for name, imp, inst in trace:
        print(f"  {imp * 1000:7.1f} ms import {inst * 1000:7.1f} ms install  {name}")
    # this run's own marks start once the wrapper has loaded the console (see "inside the process"
    # above for a plain start's)
    print(f"  features in all: {sum(t[1] + t[2] for t in trace) * 1000:.1f} ms; from the console's first line: "
          f"first paint {timings['first_paint']:.3f} s, ready {timings['ready']:.3f} s")
    print("stages of the start, in the order they ended (wall, and the UI thread's CPU time):")
    for label, wall, cpu in stages:
        print(f"  {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms CPU  {label}")


def timed_run(argv, env) -> tuple[float, float | None, dict[str, tuple[float, float]]]:
    """(wall, CPU, marks) of one process run; CPU is user + system seconds of the process and its
    threads (None where the OS does not tell: Windows). On a busy machine the CPU time moves
    far less than the wall time, so its ratio says whether a change in the wall ratio is ours.
    ``marks``: the MARK lines a plain program printed, name -> (seconds from its launch, its CPU
    seconds by then); none from the console."""
    try:
        import resource
    except ImportError:  # Windows
        resource = None
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    launched = time.monotonic()
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    cpu = None
    if resource:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    marks = {}
    for line in proc.stdout.splitlines():
        if line.startswith("MARK "):
            _, name, mono, used = line.split()
            marks[name] = (float(mono) - launched, float(used))
    return wall, cpu, marks


#: where a start's UI thread spends its instructions, for comparing the console with the same
#: widgets in plain PySide6: (what, the C/C++ functions whose inclusive counts add up to it; each
#: function counted once, at its outermost call)
WHERE = (
    ("Python enum classes PySide6 makes", ("Shiboken::Enum::createPythonEnum",)),
    ("Python source parsed and compiled at run time (PySide6's signature support, dataclasses)",
     ("_PyParser_ASTFromString", "_PyAST_Compile")),
    ("Python classes made (type_new, enums' included)", ("typeobject.c:type_new",)),
    ("extension modules loaded (PySide6, QtSvg...)", ("_PyImport_LoadDynamicModuleWithSpec",)),
    ("QWidget.show (polish, layouts)", ("QWidget::show()",)),
    ("text layout (word-wrapped and rich-text labels)", ("QTextDocumentLayout::doLayout",)),
    ("painting the widgets", ("QWidgetPrivate::drawWidget",)),
    ("Qt's event loop (QApplication.exec)", ("QApplication::exec()",)),
)


def where_instructions(callgrind_file: Path) -> dict[str, int] | None:
    """Inclusive instructions per WHERE entry in one callgrind file (callgrind_annotate; None
    without it). A function called recursively is listed once per depth (``name'2``): the outermost
    (unmarked) entry holds the others; overloads (several signatures) are added up."""
    import shutil

    annotate = shutil.which("callgrind_annotate")
    if annotate is None:
        return None
    proc = subprocess.run([annotate, "--inclusive=yes", "--threshold=100", str(callgrind_file)],
                          capture_output=True, text=True, timeout=600)
    counts: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        head, _, rest = line.strip().partition(" ")
        if not head.replace(",", "").isdigit() or ")" not in rest:
            continue
        function = rest.split(")", 1)[1].strip().split(" [", 1)[0]
        if "'" in function.rsplit(":", 1)[-1]:
            continue  # a recursion depth: inside the outermost entry
        for what, names in WHERE:
            if any(name in function for name in names):
                counts[what] = counts.get(what, 0) + int(head.replace(",", ""))
    return counts


def instructions(argv, env, where: bool = False) -> tuple[int, int] | tuple[int, int, dict | None] | None:
    """Instructions one run executes: (all threads, the UI thread), valgrind's callgrind; None
    without valgrind; with ``where``, also the UI thread's WHERE breakdown. Unlike time, the count hardly moves with the machine's load: a change of a
    few percent in start-up work shows here when a busy machine's timings cannot tell it (each run
    takes ~1 min). Under valgrind a run lasts ~50x longer, so a timer of a few seconds fires inside
    it that a real start never reaches: work meant for after the start waits for its end
    (``window.after_start``), not for a clock, or it is counted here."""
    import shutil

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    with tempfile.TemporaryDirectory(prefix="aurora-bench-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        proc = subprocess.run([valgrind, "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}",
                               *argv], env=dict(env, PYTHONHASHSEED="0"), capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv} under valgrind exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        per_thread = {}
        for part in Path(tmp).glob("callgrind.out-*"):  # one file per thread: -01 is the first (the UI thread)
            totals = [ln for ln in part.read_text(errors="replace").splitlines() if ln.startswith("summary:")]
            if totals:
                per_thread[part.name.rsplit("-", 1)[1]] = int(totals[0].split()[1])
        breakdown = where_instructions(Path(tmp) / "callgrind.out-01") if where and per_thread else None
    if not per_thread:
        return None
    if where:
        return sum(per_thread.values()), per_thread.get("01", 0), breakdown
    return sum(per_thread.values()), per_thread.get("01", 0)


def start_xvfb() -> tuple[subprocess.Popen, str] | None:
    """An X server (Xvfb) for ``--xvfb``: (its process, its DISPLAY), None without Xvfb."""
    import shutil

    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    for number in range(91, 120):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):  # ready once its socket is there (~0.1 s)
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return proc, f":{number}"
            if proc.poll() is not None:
                break
            time.sleep(0.02)
        proc.kill()
        proc.wait()
    return None


def smoke_json(argv, env) -> dict:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:  # say why (once, after ~100 good runs, a start printed nothing: exit code and stderr)
        raise RuntimeError(f"{argv} printed no JSON line (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--sandbox-repeat", type=int, default=3)
    p.add_argument("--top", type=int, default=15, help="modules listed from -X importtime")
    p.add_argument("--instructions", action="store_true",
                   help="also count the instructions of one bare and one normal run (valgrind; slow, load-independent)")
    p.add_argument("--xvfb", action="store_true",
                   help="run on an X server (Xvfb, started and stopped here) with Qt's xcb platform instead of "
                   "offscreen: window-system work (the window icon, the window's surfaces) counts as on a desktop")
    p.add_argument("--views-after-paint", action="store_true",
                   help="also time the same widgets built frame first (the item view attached on the turn after "
                   "the first paint): its first paint and its complete window against the bare window")
    p.add_argument("--compare-tree", type=Path, metavar="DIR",
                   help="also start the console of another source tree (git worktree add DIR <commit>) in every "
                   "round, interleaved: before/after figures under the same load")
    args = p.parse_args()
    env = isolated_env()  # normal mode: a fresh console home (no saved tabs to reopen)
    sandbox_env = isolated_env()  # the sandbox runs save their own layout: keep them apart
    for e in (env, sandbox_env):  # an installed app runs from compiled bytecode: let the warm-up runs write it
        e.pop("PYTHONDONTWRITEBYTECODE", None)
        # nor has it the working folder on sys.path ('python -m' and '-c' put it first): every
        # program here would list that folder's files on its first import (a full /tmp: ~10 M
        # instructions), and a checkout there would shadow --compare-tree's PYTHONPATH
        e["PYTHONSAFEPATH"] = "1"
    xvfb = start_xvfb() if args.xvfb else None
    if args.xvfb and xvfb is None:
        print("--xvfb: Xvfb not found (apt install xvfb)")
        return 2
    if xvfb is not None:
        for e in (env, sandbox_env):
            e.update(QT_QPA_PLATFORM="xcb", DISPLAY=xvfb[1])
    try:
        return _measure(args, env, sandbox_env)
    finally:
        if xvfb is not None:
            xvfb[0].terminate()
            xvfb[0].wait(10)


BARE_ROW, SAME_ROW, OURS_ROW = "bare PySide6 QMainWindow", "the same widgets, plain PySide6", "aurora-console --smoke-test"
VIEWS_ROW = "the same widgets, views after first paint"
DOCK_ROW = "the same widgets, dock after first paint"


def _versus_same(medians: dict[str, float], what: str) -> None:
    """What the console's own code adds: its figure against the same widgets in plain PySide6
    (the floor of what the console could reach, see the docstring), and that floor's own ratio."""
    floor = medians[SAME_ROW] / medians[BARE_ROW]
    print(f"{what}: the same widgets in plain PySide6 take {floor:.2f}x the bare window; aurora-console takes "
          f"{medians[OURS_ROW] / medians[SAME_ROW]:.2f}x the same widgets")


def _frame_first(marks: dict[str, list[dict]]) -> None:
    """``--views-after-paint``: the plain programs' first paint and complete window (from their
    launch; and their CPU by then) against the bare window's first event-loop turn (where it exits):
    whether a console painting its frame first could reach the goal at its first paint, and what its
    complete window costs."""
    rows = (BARE_ROW, SAME_ROW, VIEWS_ROW, DOCK_ROW)
    med = {(row, name, i): statistics.median(m[name][i] for m in marks[row])
           for row in rows for name in ("first_paint", "complete") for i in (0, 1)}
    print("\n== frame first (--views-after-paint): from launch to the first paint and to the complete window "
          "(views attached and painted), wall and the process's CPU by then, and the ratio to the bare window's "
          "first event-loop turn")
    print(f"{'case':48} {'first paint':>24} {'complete window':>24}")
    for row in rows:
        cells = [f"{med[row, name, 0] * 1000:6.1f} / {med[row, name, 1] * 1000:5.1f} ms CPU" for name in
                 ("first_paint", "complete")]
        print(f"{row:48} {cells[0]:>24} {cells[1]:>24}")
    for row in rows[1:]:
        print(f"{row}: first paint {med[row, 'first_paint', 0] / med[BARE_ROW, 'complete', 0]:.2f}x wall, "
              f"{med[row, 'first_paint', 1] / med[BARE_ROW, 'complete', 1]:.2f}x CPU; complete window "
              f"{med[row, 'complete', 0] / med[BARE_ROW, 'complete', 0]:.2f}x wall, "
              f"{med[row, 'complete', 1] / med[BARE_ROW, 'complete', 1]:.2f}x CPU")


def _measure(args, env, sandbox_env) -> int:
    bare = [PYTHON, "-c", BARE]
    same = [PYTHON, "-c", SAME_WIDGETS]
    normal = [PYTHON, "-m", "aurora_console", "--smoke-test"]
    sandbox_dir = Path(tempfile.mkdtemp(prefix="aurora-bench-sbx-"))
    sandbox = normal + ["--sandbox", "--sandbox-dir", str(sandbox_dir)]
    #: (row, argv, env) timed in every round, in this order (interleaved: a change in the machine's
    #: load touches them alike)
    programs = [(BARE_ROW, bare, env), (SAME_ROW, same, env), (OURS_ROW, normal, env)]
    if args.views_after_paint:
        programs[2:2] = [(VIEWS_ROW, [PYTHON, "-c", VIEWS_AFTER], env), (DOCK_ROW, [PYTHON, "-c", DOCK_AFTER], env)]
    tree_row = None
    if args.compare_tree:
        tree = args.compare_tree.resolve()
        tree_row = f"{OURS_ROW} ({tree.name})"
        tree_env = dict(isolated_env(), PYTHONPATH=str(tree), PYTHONSAFEPATH="1", QT_QPA_PLATFORM=env["QT_QPA_PLATFORM"])
        tree_env.pop("PYTHONDONTWRITEBYTECODE", None)
        if "DISPLAY" in env:
            tree_env["DISPLAY"] = env["DISPLAY"]
        programs.append((tree_row, normal, tree_env))
    for _row, argv, e in programs:  # warm the OS file cache (and write the trees' bytecode)
        run_process(argv, e)
    if args.sandbox_repeat:
        run_process(sandbox, sandbox_env)  # first sandbox run does initdb; later runs reuse it
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    walls: dict[str, list[float]] = {row: [] for row, _, _ in programs}
    cpus: dict[str, list[float]] = {row: [] for row, _, _ in programs}
    marks: dict[str, list[dict]] = {row: [] for row, _, _ in programs}
    for _ in range(args.repeat):
        for row, argv, e in programs:
            wall, cpu, marked = timed_run(argv, e)
            walls[row].append(wall)
            marks[row].append(marked)
            if cpu is not None:
                cpus[row].append(cpu)
    rows = [(row, walls[row], None if row == BARE_ROW else BARE_ROW) for row, _, _ in programs]
    if args.sandbox_repeat:
        rows.append(("aurora-console --sandbox --smoke-test",
                     [run_process(sandbox, sandbox_env) for _ in range(args.sandbox_repeat)], BARE_ROW))
    medians = report("startup (wall time of the whole process)", rows)
    ratio = medians[OURS_ROW] / medians[BARE_ROW]
    summary("aurora-console --smoke-test vs a bare PySide6 QMainWindow",
            f"{medians[OURS_ROW]:.2f} s", f"{ratio:.2f}x", "<= 1.30x", ratio <= 1.3)
    _versus_same(medians, "wall time")
    if cpus[OURS_ROW]:
        cpu = report("startup (CPU time of the whole process: user + system, all threads)",
                     [(row, cpus[row], None if row == BARE_ROW else BARE_ROW) for row, _, _ in programs])
        cpu_ratio = cpu[OURS_ROW] / cpu[BARE_ROW]
        summary("aurora-console --smoke-test vs a bare PySide6 QMainWindow, CPU time",
                f"{cpu[OURS_ROW]:.3f} s", f"{cpu_ratio:.2f}x", "<= 1.30x", cpu_ratio <= 1.3)
        _versus_same(cpu, "CPU time")
        if tree_row:
            print(f"CPU time per round, {tree_row.split('(')[-1][:-1]} -> this tree (ms): " + ", ".join(
                f"{b * 1000:.0f} -> {a * 1000:.0f}" for b, a in zip(cpus[tree_row], cpus[OURS_ROW], strict=True)))
    if args.views_after_paint:
        _frame_first(marks)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average while timing: {load_before:.1f} at the start, {load_after:.1f} at the end")
    if args.instructions:
        counted = {row: instructions(argv, e, where=row in (SAME_ROW, OURS_ROW)) for row, argv, e in programs}
        if None in counted.values():
            print("instructions: valgrind not found, not counted")
        else:
            breakdowns = {row: counted[row][2] for row in (SAME_ROW, OURS_ROW)}
            counted = {row: c[:2] for row, c in counted.items()}
            bare_all, bare_ui = counted[BARE_ROW]
            print("\ninstructions (callgrind), all threads (the UI thread's) and the ratio to the bare window:")
            for row, (total, ui) in counted.items():
                print(f"  {row:48} {total / 1e6:8.1f} M ({ui / 1e6:7.1f} M)  {total / bare_all:.2f}x ({ui / bare_ui:.2f}x)")
            ours_all = counted[OURS_ROW][0]
            ir_ratio = ours_all / bare_all
            summary("aurora-console --smoke-test vs a bare PySide6 QMainWindow, instructions executed",
                    f"{ours_all / 1e6:.0f} M", f"{ir_ratio:.2f}x", "<= 1.30x", ir_ratio <= 1.3)
            print(f"instructions vs the same widgets in plain PySide6: {ours_all / counted[SAME_ROW][0]:.2f}x")
            to_paint = [(SAME_ROW, [PYTHON, "-c", SAME_TO_PAINT], env), (OURS_ROW, [PYTHON, "-c", CONSOLE_TO_PAINT], env)]
            if tree_row:
                to_paint.append((tree_row, [PYTHON, "-c", CONSOLE_TO_PAINT], tree_env))
            painted = {row: instructions(argv, e) for row, argv, e in to_paint}
            print("instructions to the first paint (each process ended there), the UI thread's, and the ratio to the "
                  "same widgets':")
            for row, (_total, ui) in painted.items():
                print(f"  {row:48} {ui / 1e6:8.1f} M  {ui / painted[SAME_ROW][1]:.2f}x")
            same_where, ours_where = breakdowns[SAME_ROW], breakdowns[OURS_ROW]
            if same_where is not None and ours_where is not None:
                print("where the UI thread's instructions go (inclusive, M): the same widgets, aurora-console, "
                      "the difference")
                for what, _names in WHERE:
                    a, b = same_where.get(what, 0) / 1e6, ours_where.get(what, 0) / 1e6
                    print(f"  {a:8.1f} {b:8.1f} {b - a:+8.1f}  {what}")
    inner = smoke_json(normal, env)["timings"]
    print(f"\nnormal mode, inside the process: imports {inner['imports']:.3f}s, first paint "
          f"{inner['first_paint']:.3f}s, ready {inner['ready']:.3f}s")
    if args.sandbox_repeat:
        sb = smoke_json(sandbox, sandbox_env)
        print(f"sandbox mode, inside the process: first paint {sb['timings']['first_paint']:.3f}s, clusters listed "
              f"{sb['timings']['ready']:.3f}s, database checked through the bastion {sb['timings']['total']:.3f}s")
    import_profile(env, args.top)
    enum_trace(env, min(args.top, 10))
    first_paint_trace(env)
    print(f"machine: {machine()}, Qt platform {env['QT_QPA_PLATFORM']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
