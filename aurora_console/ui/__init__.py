"""PySide6 widgets (thin; no I/O: work goes through core via the task runner)."""
