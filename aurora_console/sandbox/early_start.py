"""The sandbox begun before the window exists (``aurora-console --sandbox``).

The sandbox's start is bound by its AWS endpoint's process (moto's import, then the seed) and
PostgreSQL's start, not by the console. So the app begins them right after reading its command
line, before it imports Qt and builds the window (:func:`launch`); the window's sandbox controller
then takes that sandbox over (:func:`adopt`) instead of making its own, and its first stage waits
for the start already under way (:meth:`Sandbox.start_aws <aurora_console.sandbox.runtime.Sandbox.start_aws>`).
A sandbox nobody took over (the window failed to build, or closed before it asked) is stopped when
the app ends (:func:`discard`), so none of its processes outlive the console.

The endpoint's process comes first of all (:func:`spawn_endpoint`, before the app imports
shiboken6): its import of moto, about half a second of CPU, heads the path to the first listing,
and it needs nothing of the sandbox to begin (``aws_process.spawn``). It is a process, not a
thread, so it does not race the import of shiboken6 that threads must wait for (``app.py``).
:func:`launch` gives it to the sandbox it makes; if none is made, it is ended there (or, at the
latest, when the app ends).

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
_spawned = None  # the endpoint's process spawn_endpoint started, until launch gives it to a sandbox


def spawn_endpoint(opts, paths) -> None:
    """For ``--sandbox`` (with the endpoint in a process of its own): start that process now, with
    the console's cache folder (``paths``: ``core.paths.AppPaths``) for its decoded JSON files;
    :func:`launch` hands it to the sandbox. Nothing here raises (the sandbox starts its own)."""
    global _spawned
    if not getattr(opts, "sandbox", False) or os.environ.get("AURORA_SANDBOX_AWS_IN_PROCESS", "") == "1":
        return
    try:
        from aurora_console.sandbox.preflight import missing_modules

        if missing_modules():  # the sandbox says what to install; no process to start
            return
        from aurora_console.sandbox import aws_process

        proc = aws_process.spawn(paths.ensure().cache_dir)
    except Exception as exc:  # noqa: BLE001 - the sandbox starts the process itself
        log.info("the sandbox's AWS endpoint process did not start early (%s: %s)", type(exc).__name__, exc)
        return
    import atexit

    atexit.register(_discard_spawned)  # never taken over (the app failed before its sandbox): ended
    quit_on_ctrl_c()  # (no KeyboardInterrupt inside the imports ahead; discard() ends it)
    with _lock:
        previous, _spawned = _spawned, proc
    if previous is not None:  # spawned twice (tests): the first one is nobody's
        _end_process(previous)


def _take_spawned():
    global _spawned
    with _lock:
        proc, _spawned = _spawned, None
    return proc


def _discard_spawned() -> None:
    proc = _take_spawned()
    if proc is not None:
        _end_process(proc)


def _end_process(proc) -> None:
    from aurora_console.sandbox.aws_process import discard as end_child

    end_child(proc)


def launch(state_dir: Path, *, reset: bool = False, cache_dir: Path | None = None) -> Sandbox | None:
    """Make the sandbox for ``state_dir`` and begin its start on threads of its own; the sandbox,
    or None if it could not begin (logged; the controller's own start reports why)."""
    global _early
    from aurora_console.sandbox.runtime import Sandbox

    sandbox = None
    spawned = _take_spawned()
    try:  # (a sandbox ends the spawned process if it does not use it)
        extra = {} if spawned is None else {"endpoint_process": spawned}
        sandbox = Sandbox(Path(state_dir), reset=reset, cache_dir=cache_dir, **extra)
        sandbox.mark_phase("sandbox made")
        sandbox.seed_rest_at_once = True  # the window lists the clusters; the check needs the rest
        sandbox.begin()
    except Exception as exc:  # noqa: BLE001 - the controller starts it again and says why it cannot
        log.info("the sandbox did not begin before the window (%s: %s); the window starts it",
                 type(exc).__name__, exc)
        if sandbox is not None:
            sandbox.stop()
        elif spawned is not None:  # no sandbox to take it
            _end_process(spawned)
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
    _discard_spawned()  # (a sandbox that was made took it over already)
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
