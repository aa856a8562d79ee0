"""Windows process handles and a kill-on-close job object, through ctypes (Windows only).

Used by :mod:`aurora_console.sandbox.postgres_win`. Functions resolve kernel32 on first use, so
importing this module elsewhere is harmless. Per the Win32 documentation:

* ``OpenProcess`` with SYNCHRONIZE (wait), PROCESS_QUERY_LIMITED_INFORMATION (exit code),
  PROCESS_TERMINATE, and PROCESS_SET_QUOTA (needed, with TERMINATE, by AssignProcessToJobObject);
* ``CreateJobObjectW(NULL, NULL)`` gives a handle that child processes do not inherit; with
  ``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`` (JOBOBJECT_EXTENDED_LIMIT_INFORMATION, class 9) the
  job's processes end when its last handle closes, i.e. when our process exits for any reason;
* processes created later by a job's process (postgres backends) belong to the job too.
"""

from __future__ import annotations

import ctypes
import functools
from ctypes import wintypes

SYNCHRONIZE = 0x00100000
PROCESS_TERMINATE = 0x0001
PROCESS_SET_QUOTA = 0x0100
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 0x102
INFINITE = 0xFFFFFFFF
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9

# Structure layouts use fixed-width integers (DWORD = 32 bits; c_ulong is 64 bits on Linux), so
# their sizes can be checked anywhere: 64 and 144 bytes on 64-bit Windows, as in winnt.h.


class _BasicLimit(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class _IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class _ExtendedLimit(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", _BasicLimit),
        ("IoInfo", _IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


@functools.cache
def _k32():
    k = ctypes.WinDLL("kernel32", use_last_error=True)
    H, B, D = wintypes.HANDLE, wintypes.BOOL, wintypes.DWORD
    for name, res, args in (
        ("OpenProcess", H, [D, B, D]),
        ("CreateJobObjectW", H, [ctypes.c_void_p, wintypes.LPCWSTR]),
        ("SetInformationJobObject", B, [H, ctypes.c_int, ctypes.c_void_p, D]),
        ("AssignProcessToJobObject", B, [H, H]),
        ("TerminateJobObject", B, [H, wintypes.UINT]),
        ("TerminateProcess", B, [H, wintypes.UINT]),
        ("WaitForSingleObject", D, [H, D]),
        ("GetExitCodeProcess", B, [H, ctypes.POINTER(D)]),
        ("CloseHandle", B, [H]),
    ):
        fn = getattr(k, name)
        fn.restype, fn.argtypes = res, args
    return k


def _error(what: str) -> OSError:
    return ctypes.WinError(ctypes.get_last_error(), f"{what} failed")


def open_process(pid: int):
    """A handle on ``pid`` for waiting, exit code, terminating and job assignment.

    Falls back to a handle without PROCESS_SET_QUOTA (no job then) if that right is refused.
    """
    k = _k32()
    base = SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE
    handle = k.OpenProcess(base | PROCESS_SET_QUOTA, False, pid) or k.OpenProcess(base, False, pid)
    if not handle:
        raise _error(f"OpenProcess({pid})")
    return handle


def kill_on_close_job():
    """A new job whose processes end when its last handle closes (None if that fails)."""
    k = _k32()
    job = k.CreateJobObjectW(None, None)
    if not job:
        return None
    info = _ExtendedLimit()
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    if not k.SetInformationJobObject(job, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                     ctypes.byref(info), ctypes.sizeof(info)):
        k.CloseHandle(job)
        return None
    return job


def assign(job, handle) -> bool:
    """Put the process into ``job``; False when that is not possible (kept running anyway)."""
    return bool(job) and bool(_k32().AssignProcessToJobObject(job, handle))


def exit_code(handle) -> int | None:
    """None while the process runs, else its exit code."""
    k = _k32()
    if k.WaitForSingleObject(handle, 0) != WAIT_OBJECT_0:
        return None
    code = wintypes.DWORD()
    if not k.GetExitCodeProcess(handle, ctypes.byref(code)):
        raise _error("GetExitCodeProcess")
    return int(code.value)


def wait(handle, timeout: float | None) -> bool:
    """Wait until the process ends; False on timeout."""
    ms = INFINITE if timeout is None else max(0, int(timeout * 1000))
    return _k32().WaitForSingleObject(handle, ms) == WAIT_OBJECT_0


def terminate_job(job) -> None:
    if job:
        _k32().TerminateJobObject(job, 1)


def terminate_process(handle) -> None:
    if handle:
        _k32().TerminateProcess(handle, 1)


def close(handle) -> None:
    if handle:
        _k32().CloseHandle(handle)
