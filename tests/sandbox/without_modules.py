"""Run Python code as if some packages were not installed (nothing is uninstalled).

    python tests/sandbox/without_modules.py moto,asyncssh -m aurora_console --sandbox --smoke-test
    python tests/sandbox/without_modules.py moto -c "import moto"

A finder placed first on ``sys.meta_path`` refuses the named top-level packages (and their
submodules), as Python does when they are missing: ``import`` raises ModuleNotFoundError and
``importlib.util.find_spec`` does too.
"""

from __future__ import annotations

import runpy
import sys


class MissingModules:
    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def main() -> None:
    names, mode, target, *rest = sys.argv[1:]
    sys.meta_path.insert(0, MissingModules(set(names.split(","))))
    if mode == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif mode == "-c":
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit("usage: without_modules.py NAME[,NAME...] (-m MODULE | -c CODE) [ARG...]")


if __name__ == "__main__":
    main()
