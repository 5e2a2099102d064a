"""A child process that dies with its parent: on Linux the kernel sends it SIGKILL when the
parent dies (prctl PR_SET_PDEATHSIG) — `zwgk nightly`'s `zwgk run` children (commands/care.py)
and `zwgk run`'s crawl process (crawler/process.py)."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def dies_with_parent(parent: int) -> Callable[[], None] | None:
    """A preexec_fn (run in the child between fork and exec) that has the kernel SIGKILL the
    child when `parent` dies; None where prctl is unavailable (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: no dlopen after fork
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int

    def setup() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: no death signal will come
            os.kill(os.getpid(), signal.SIGKILL)

    return setup
