"""PyInstaller entry script: the frozen app runs ``aurora-console`` (GUI or a sub-command)."""

import sys

from aurora_console.cli import main

if __name__ == "__main__":
    sys.exit(main())
