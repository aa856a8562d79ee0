# Runtime hook (runs before the app's code in the frozen app).
# A windowed Windows/macOS build may start without stdout/stderr (sys.stdout is None, as under
# pythonw); logging handlers, argparse and print() then fail or drop output in odd ways. Give
# them a sink that discards the text instead. (The Windows build also ships a console twin,
# aurora-console-cli.exe, for command-line use.)
import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
