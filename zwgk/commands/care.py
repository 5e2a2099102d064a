"""Child processes in the parent's care: none outlives the command that started it.

`zwgk nightly` runs each site as a child process (`zwgk run …`) under the site's lock. Without
care, killing nightly left the child crawling while the lock was gone, so the next nightly could
crawl the same site a second time at once. With `ChildCare`:

* SIGTERM, SIGINT or SIGHUP to the parent: the child gets SIGTERM (a crawl records that it was
  interrupted), then SIGKILL if it has not ended within the grace period; the parent waits for
  it, then raises `Stopped` (the command exits non-zero) — only then is the site lock released;
* SIGKILL to the parent (nothing in the parent runs): on Linux the child asked the kernel, before
  it started, to be killed when its parent dies (prctl PR_SET_PDEATHSIG), and it holds the site
  lock's file descriptors (pass_fds), so the lock is held until the child is gone too.

The death signal is SIGKILL, not SIGTERM: a crawl's graceful stop waits for the requests in
flight (up to the download timeout) and then audits what it has, and with the parent gone no one
is left to cut that short — meanwhile the inherited lock would keep the site blocked. A crawl
killed outright stays "running" in the store, which the next night's `--resume` carries on
(every write is a transaction; an unfinished one is rolled back). Polling the parent's pid from
the child was the alternative, but it needs code in the child and notices the death late.
"""
from __future__ import annotations

import os
import signal
import subprocess
from typing import Sequence

from zwgk.lifeline import dies_with_parent

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(Exception):
    """The parent was asked to stop by a signal; any child has been ended."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention for "ended by signal N"


class ChildCare:
    """`with ChildCare(grace) as care: care.run(args)`: while the block runs, SIGTERM, SIGINT and
    SIGHUP end the running child (see the module) and raise `Stopped`. A signal the process
    was started to ignore (nohup's SIGHUP) stays ignored."""

    def __init__(self, grace: float = 20.0):
        self.grace = grace
        self.signum: int | None = None
        self._defer = False  # while a child is being started or ended, a signal is only noted
        self._saved: dict[int, object] = {}

    def __enter__(self) -> "ChildCare":
        for s in STOP_SIGNALS:
            if signal.getsignal(s) is not signal.SIG_IGN:
                self._saved[s] = signal.signal(s, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        for s, handler in self._saved.items():
            signal.signal(s, handler)
        self._saved.clear()

    def _on_signal(self, signum: int, frame) -> None:
        if self.signum is not None:
            return  # already stopping: a second signal does not cut the child's ending short
        self.signum = signum
        if not self._defer:
            raise Stopped(signum)

    def run(self, args: Sequence[str], *, pass_fds: Sequence[int] = ()) -> int:
        """Run `args` to its end and return its exit code; Stopped (after ending it) on a signal."""
        if self.signum is not None:
            raise Stopped(self.signum)
        proc = None
        self._defer = True  # a Stopped raised inside Popen would lose the started child
        try:
            proc = subprocess.Popen(list(args), pass_fds=tuple(pass_fds), preexec_fn=dies_with_parent(os.getpid()))
            self._defer = False
            if self.signum is not None:
                raise Stopped(self.signum)
            return proc.wait()
        except BaseException:
            if proc is not None:
                self._end(proc)
            raise
        finally:
            self._defer = False

    def _end(self, proc: subprocess.Popen) -> None:
        self._defer = True
        try:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=self.grace)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        finally:
            self._defer = False
