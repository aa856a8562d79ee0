"""Qt-free services: AWS, SSH tunnels, database sessions, settings, audit.

Nothing below this package may import PySide6, shiboken6 or pyqtgraph; an import-linter
contract in pyproject.toml (checked by tests/unit/test_layers.py) enforces it.
"""
