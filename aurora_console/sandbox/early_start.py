"""The sandbox begun before the window exists (``aurora-console --sandbox``).

The sandbox's start is bound by its AWS endpoint's process (moto's import, then the seed) and
PostgreSQL's start, not by the console. So the app begins them right after reading its command
line, before it imports Qt and builds the window (:func:`launch`); the window's sandbox controller
then takes that sandbox over (:func:`adopt`) instead of making its own, and its first stage waits
for the start already under way (:meth:`Sandbox.start_aws <aurora_console.sandbox.runtime.Sandbox.start_aws>`).
A sandbox nobody took over (the window failed to build, or closed before it asked) is stopped when
the app ends (:func:`discard`), so none of its processes outlive the console.

Nothing here raises: if the early start cannot even begin (the ``sandbox`` extra missing, a
``--sandbox-reset`` refused), :func:`launch` leaves nothing behind and the controller starts the
sandbox as it always did, saying why it cannot.

Qt-free: imported before PySide6.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aurora_console.sandbox.runtime import Sandbox

log = logging.getLogger(__name__)

_lock = threading.Lock()
_early: Sandbox | None = None


def launch(state_dir: Path, *, reset: bool = False, cache_dir: Path | None = None) -> Sandbox | None:
    """Make the sandbox for ``state_dir`` and begin its start on threads of its own; the sandbox,
    or None if it could not begin (logged; the controller's own start reports why)."""
    global _early
    from aurora_console.sandbox.runtime import Sandbox

    sandbox = None
    try:
        sandbox = Sandbox(Path(state_dir), reset=reset, cache_dir=cache_dir)
        sandbox.mark_phase("sandbox made")
        sandbox.seed_rest_at_once = True  # the window lists the clusters; the check needs the rest
        sandbox.begin()
    except Exception as exc:  # noqa: BLE001 - the controller starts it again and says why it cannot
        log.info("the sandbox did not begin before the window (%s: %s); the window starts it",
                 type(exc).__name__, exc)
        if sandbox is not None:
            sandbox.stop()
        return None
    with _lock:
        previous, _early = _early, sandbox
    if previous is not None:  # launched twice (tests): the first one is nobody's
        previous.stop()
    return sandbox


def adopt(state_dir: Path) -> Sandbox | None:
    """The sandbox :func:`launch` began for ``state_dir``, handed over once (the caller stops it
    from now on); None if there is none for that folder."""
    global _early
    with _lock:
        sandbox = _early
        if sandbox is None or Path(sandbox.state_dir) != Path(state_dir):
            return None
        _early = None
    return sandbox


def discard() -> bool:
    """Stop the sandbox :func:`launch` began if nobody adopted it; whether there was one."""
    global _early
    with _lock:
        sandbox, _early = _early, None
    if sandbox is None:
        return False
    log.info("stopping the sandbox begun before the window (the window never took it over)")
    sandbox.stop()
    return True


def launch_for_options(opts, paths) -> Sandbox | None:
    """:func:`launch` for the command line's ``--sandbox``, ``--sandbox-dir`` and ``--sandbox-reset``
    in the console's folders ``paths`` (``core.paths.AppPaths``; its cache keeps the PostgreSQL
    data folder template); the sandbox is stopped at exit unless the window took it over."""
    import atexit

    paths = paths.ensure()
    atexit.register(discard)  # a failure before the window existed: nothing outlives the console
    quit_on_ctrl_c()  # until the window installs its own handler
    return launch(paths.sandbox_state_dir(getattr(opts, "sandbox_dir", None)),
                  reset=bool(getattr(opts, "sandbox_reset", False)), cache_dir=paths.cache_dir)


def quit_on_ctrl_c() -> None:
    """Until the window installs its own handler: Ctrl+C stops the sandbox and ends the process.

    Python's own handler raises KeyboardInterrupt wherever the main thread is, which at this
    point is mostly inside an import (PySide6's, the window's modules); an import interrupted
    there can leave the import lock held, and every thread of the sandbox's start then waits on
    it for ever (its processes with it). This handler raises nothing: it stops the sandbox on a
    thread of its own and ends the process (exit status 130, as a shell reports Ctrl+C)."""
    signal.signal(signal.SIGINT, _quit_early)


def _quit_early(signum: int, _frame) -> None:
    def run() -> None:
        try:
            discard()
        finally:
            os._exit(128 + signum)  # noqa: SLF001 - nothing else of the console runs yet to be ended

    threading.Thread(target=run, name="sandbox-early-quit", daemon=True).start()
