"""Files of an SQL tab: export a result, autosave, open and save ``.sql`` (I/O on worker threads).

The writing itself is core's (``core.db.sql_files``, ``core.db.export``): owner-only files, the
autosave with its password literals masked.
"""

from __future__ import annotations

from pathlib import Path

from aurora_console.core.db.export import export_query, export_result
from aurora_console.core.db.query import is_select_like
from aurora_console.core.db.sql_files import read_sql_file, save_sql_file, write_autosave


def ask_export(tab, view) -> None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(tab, "Export result", "result.csv", "CSV (*.csv);;JSON (*.json)")
    if path:
        tab.export(view, path, "json" if path.lower().endswith(".json") else "csv")


def export(tab, view, path: str, fmt: str, on_done=None):
    model = view.model
    result, rows = model.result, list(model.rows)
    session = tab.session
    stream = result.stream
    rerun = stream is not None and stream.closed and not stream.exhausted and is_select_like(result.sql)

    def work(ctx):
        if rerun:  # the cursor is gone: run the query again, straight into the file
            return export_query(session, result.sql, path, fmt, task=ctx)
        snapshot = type(result)(
            result.sql,
            result.columns,
            rows,
            result.status,
            result.rowcount,
            result.elapsed_s,
            stream=stream if stream is not None and not stream.closed else None,
        )
        return export_result(snapshot, path, fmt, task=ctx)

    def done(n) -> None:
        tab.message(f"Exported {n:,} rows to {path}")
        if on_done is not None:
            on_done(n)

    return tab.runner.submit(
        work,
        name=f"Export to {Path(path).name}",
        queue=tab.queue,
        on_done=done,
        on_error=lambda e: tab.message(f"Export failed: {e}"),
    )


# -- files and autosave ---------------------------------------------------------------------------------
def autosave(tab) -> None:
    if tab.editor.loading:
        return
    text, path = tab.editor.toPlainText(), tab.autosave_path
    tab.runner.submit(lambda ctx: write_autosave(path, text), name="Autosave SQL", queue=f"autosave:{tab.tab_id}")


def open_file(tab, path: str) -> None:
    def read(ctx) -> str:
        return read_sql_file(path)

    def loaded(text: str) -> None:
        tab.path = path
        tab.editor.load_text(text)
        tab.editor.document().setModified(False)
        tab._update_title()

    tab.runner.submit(read, name=f"Open {Path(path).name}", on_done=loaded)


def save_file(tab, path: str | None = None, on_done=None) -> bool:
    path = path or tab.path
    if not path:
        return False
    text = tab.editor.toPlainText()

    def done(_r) -> None:
        tab.path = path
        tab.editor.document().setModified(False)
        tab._update_title()
        if on_done is not None:
            on_done(path)

    tab.runner.submit(
        lambda ctx: save_sql_file(path, text),
        name=f"Save {Path(path).name}",
        on_done=done,
    )
    return True
