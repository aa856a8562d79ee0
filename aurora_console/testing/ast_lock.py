"""One thread at a time in Python's syntax-tree conversion during a test run.

CPython 3.11 keeps the depth counter of its syntax-tree conversion (source to ``ast`` objects, and
``ast`` objects to code) in state shared by every thread. Two threads converting at once can
corrupt it, and one of them fails with ``SystemError: AST constructor recursion depth mismatch``
(python/cpython#106905; pytest-dev/pytest#10763 is the same error met in pytest).

In a test run that happens for real: pytest rewrites the asserts of every module of this package
(it is the package of a ``pytest11`` plugin) when it is first imported, on whatever thread imports
it, and the console imports many modules on its worker threads. 3.11's traceback formatting also
parses source (for its ``^^^`` marks), on the thread that formats. A sandbox test failed that way
about one run in three where no rewritten module was cached yet.

:func:`serialise` makes those conversions take turns: pytest's rewrite of a module (parse, rewrite,
compile) and every ``ast.parse`` share one re-entrant lock. Nothing else changes; outside a test
run (the console itself) nothing is installed.
"""

from __future__ import annotations

import ast
import functools
import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()
_MARK = "_aurora_one_at_a_time"


def one_at_a_time(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` called under the shared lock (the same wrapper back when it already is)."""
    if getattr(function, _MARK, False):
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return function(*args, **kwargs)

    setattr(call, _MARK, True)
    return call


def serialise() -> list[str]:
    """Put pytest's module rewrite and ``ast.parse`` under the shared lock; the names of what was
    wrapped (pytest's private ``_rewrite_test`` only where this pytest has it)."""
    wrapped = []
    ast.parse = one_at_a_time(ast.parse)
    wrapped.append("ast.parse")
    try:
        from _pytest.assertion import rewrite
    except ImportError:  # pragma: no cover - the plugin runs inside pytest
        return wrapped
    if callable(getattr(rewrite, "_rewrite_test", None)):
        rewrite._rewrite_test = one_at_a_time(rewrite._rewrite_test)
        wrapped.append("_pytest.assertion.rewrite._rewrite_test")
    return wrapped
