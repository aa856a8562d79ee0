"""PySide6 widgets (thin; no I/O: work goes through core via the task runner)."""

import sys as _sys

if _sys.version_info < (3, 12):  # pragma: no cover - depends on the interpreter
    # PySide6 6.12 returns None from every void method without a new reference; on Python 3.11
    # (where None is not immortal yet) a few thousand calls (setFormat, setMinimumWidth...)
    # drive None's refcount to zero and abort the process ("none_dealloc"). Make None
    # effectively immortal, as Python 3.12 does. SignalInstance.emit() (returns True) and a failed
    # disconnect() (returns False) drop a reference the same way: True and False too.
    import ctypes as _ctypes

    for _obj in (None, True, False):
        _ref = _ctypes.c_ssize_t.from_address(id(_obj))
        if _ref.value < (1 << 40):
            _ref.value += 1 << 40
