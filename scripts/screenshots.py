"""Regenerate the screenshots in docs/screenshots from the sandbox.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only main-window,...]
        [--theme light|dark] [--scale 1|1.5|2]
    .venv/bin/python scripts/screenshots.py --variants [--only ...]   # light and dark, 100 % and 200 %

``--variants`` runs this script once per theme and scaling (each a fresh sandbox in its own
process: Qt's scaling is fixed per process) into docs/screenshots (light, 100 %),
docs/screenshots/dark, docs/screenshots/light@2x and docs/screenshots/dark@2x.

Starts the console on a fresh sandbox (in a temporary folder, with temporary settings), opens each
screen the way a user would, waits for its data, and saves ``widget.grab()`` as PNG. Each
screen that a feature provides registers a shooter in ``SHOOTERS`` below.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wait(app, predicate, timeout=120.0):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if predicate():
            return True
        time.sleep(0.02)
    raise TimeoutError("the screen did not finish loading")


def shoot_main_window(app, window, out: Path) -> None:
    """The fleet home with the blog cluster's details, as a DBA sees it after one click."""
    fleet = window.find_tab("fleet")
    if fleet is not None:
        found = fleet.model.find_cluster("blog")
        if found is not None:
            fleet.select_key(f"{found[0].key}|c|blog")
            _wait(app, lambda: fleet.stack.currentWidget() is fleet.cluster_pane, timeout=30)
            import time

            end = time.monotonic() + 3  # let the details (events, security groups) arrive
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.02)
    window.grab().save(str(out / "main-window.png"))


SQL_EDITOR_TEXT = """-- Posts per author, with their latest comment
SELECT u.name AS author,
       count(DISTINCT p.id) AS posts,
       count(c.id) AS comments,
       max(c.created_at) AS last_comment
FROM users u
LEFT JOIN posts p ON p.user_id = u.id
LEFT JOIN comments c ON c.post_id = p.id
GROUP BY u.name
ORDER BY posts DESC, author;

SELECT id, title, slug, NULL::text AS image FROM posts ORDER BY id LIMIT 20;
"""


def shoot_sql_editor(app, window, out: Path) -> None:
    from aurora_console.ui.sql.feature import open_sql

    tab = open_sql(window, "sandbox-blog")
    tab.editor.load_text(SQL_EDITOR_TEXT)
    tab.run_all()
    _wait(app, lambda: not tab.busy)
    tab.results.setCurrentIndex(1)
    cur = tab.editor.textCursor()
    cur.setPosition(SQL_EDITOR_TEXT.index("count(c.id)"))
    tab.editor.setTextCursor(cur)
    _wait(app, lambda: tab.editor.current_statement_span() is not None and not tab.editor.highlighter.pending)
    window.grab().save(str(out / "sql-editor.png"))


def shoot_command_palette(app, window, out: Path) -> None:
    """The command palette over the fleet: an action paired with a cluster by typing both."""
    from aurora_console.ui.palette import open_palette

    palette = open_palette(window)
    palette.field.setText("metrics blog")
    _wait(app, lambda: bool(palette.matches), timeout=10)
    window.grab().save(str(out / "command-palette.png"))
    palette.close()


SHOOTERS = {"main-window": shoot_main_window, "sql-editor": shoot_sql_editor,
            "command-palette": shoot_command_palette}
VARIANTS = (("light", "1", ""), ("dark", "1", "dark"), ("light", "2", "light@2x"), ("dark", "2", "dark@2x"))
# the user guide's screens (docs/user-guide.md); a shooter defined above wins over these
sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_screens import SHOOTERS as _SCREENS  # noqa: E402

for _name, _shooter in _SCREENS.items():
    SHOOTERS.setdefault(_name, _shooter)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", default="", help="comma-separated shot names (default: every shot)")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--size", default="1360x850", help="window size (default: 1360x850, the default window "
                                                          "on a 1600x1000 screen)")
    parser.add_argument("--scale", default="1", help="screen scaling (QT_SCALE_FACTOR): 1, 1.5, 2")
    parser.add_argument("--variants", action="store_true", help="every theme x scaling into its own folder")
    args = parser.parse_args()
    if args.variants:
        return _all_variants(args)
    os.environ["QT_SCALE_FACTOR"] = str(float(args.scale))
    tmp = Path(tempfile.mkdtemp(prefix="aurora-shots-"))
    os.environ["AURORA_CONSOLE_HOME"] = str(tmp / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "aurora_console.testing.memory_keyring.MemoryKeyring")
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow
    from aurora_console.ui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    apply_theme(app, args.theme)
    opts = console_options(sandbox=True)
    opts.sandbox_dir = str(tmp / "sandbox")
    services = build_services(opts, app)
    window = MainWindow(services)
    width, height = (int(v) for v in args.size.lower().split("x"))
    window.resize(width, height)
    window.show()
    done = {"db": False, "loaded": False}
    window.load_finished.connect(lambda ok, errs: done.__setitem__("loaded", True))
    window.start()
    _wait(app, lambda: services.sandbox_controller.get() is not None)
    controller = services.sandbox_controller.get()
    controller.database_checked.connect(lambda r: done.__setitem__("db", True))
    _wait(app, lambda: done["loaded"] and done["db"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = [s for s in args.only.split(",") if s] or list(SHOOTERS)
    for name in wanted:
        SHOOTERS[name](app, window, out)
        print("saved", name)
    window.close()
    shutdown_services(services)
    return 0


def _all_variants(args) -> int:
    import subprocess

    failed = 0
    for theme, scale, folder in VARIANTS:
        out = Path(args.out) / folder if folder else Path(args.out)
        cmd = [sys.executable, __file__, "--out", str(out), "--theme", theme, "--scale", scale, "--size", args.size]
        if args.only:
            cmd += ["--only", args.only]
        print("==", theme, f"{float(scale):.0%}", "->", out, flush=True)
        failed |= subprocess.call(cmd)
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
