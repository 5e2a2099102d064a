"""The probing schedule: every target (a site's homepage, its disclosure root) is requested
`per_day` times a day, at slots `86400 / per_day` seconds apart moved by a random jitter (so that
hundreds of sites are not hit in the same second, and no site sees a fixed clock), several
targets at once. Each probe is stored and committed the moment it ends, in the caller's thread
(one database writer); a restarted watcher reads when each target was last probed and keeps its
cadence. `stop` (set by SIGTERM / SIGINT in the CLI) ends the loop: no new probe starts, the
ones under way finish (each is bounded by its timeout) and are stored, and `run` returns.
"""
from __future__ import annotations

import random
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from zwgk.crawler.netpolicy import NetworkPolicy

from .probe import INCONCLUSIVE, TIMEOUT_S, ProbeResult, probe
from .record import last_probe_times, save_probe, site_key

# the longest the loop sleeps before it looks at `stop` again
TICK_S = 0.5


@dataclass(frozen=True)
class Target:
    site_url: str                 # the site as the user named it
    kind: str                     # home | root
    url: str
    policy: NetworkPolicy = field(compare=False, hash=False, repr=False)


def interval_for(per_day: float) -> float:
    """Seconds between two probes of one target: 20 a day (the national minimum) is 72 minutes."""
    if per_day <= 0:
        raise ValueError("per_day must be positive")
    return 86400.0 / per_day


class Watcher:
    """Probes `targets` on a schedule and stores every probe through `sessions`."""

    def __init__(self, sessions: sessionmaker[Session], targets: list[Target], *, interval: float,
                 jitter: float = 0.1, timeout: float = TIMEOUT_S, workers: int = 4,
                 stop: threading.Event | None = None, rng: random.Random | None = None,
                 on_probe: Callable[[Target, ProbeResult], None] | None = None,
                 clock: Callable[[], float] = time.time):
        if interval <= 0:
            raise ValueError("interval must be positive")
        if not 0 <= jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        self.sessions, self.targets = sessions, list(targets)
        self.interval, self.jitter, self.timeout = interval, jitter, timeout
        self.workers = max(1, workers)
        self.stop = stop or threading.Event()
        self.rng = rng or random.Random()
        self.on_probe = on_probe
        self.clock = clock
        self.stored = 0

    # ------------------------------------------------------------------ one probe
    def _store(self, session: Session, target: Target, result: ProbeResult) -> None:
        save_probe(session, target.site_url, target.kind, result)
        self.stored += 1
        if self.on_probe:
            self.on_probe(target, result)

    def _probe(self, target: Target) -> ProbeResult:
        try:
            return probe(target.url, target.policy, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - a fault of the prober is no failure of the site
            return ProbeResult(target.url, datetime.now(timezone.utc), None, INCONCLUSIVE, None,
                               f"探测程序出错：{type(exc).__name__}: {exc}", None, self.timeout)

    # ------------------------------------------------------------------ once
    def run_once(self) -> int:
        """Probe every target once (several at a time) and store each; returns how many."""
        with self.sessions() as session, ThreadPoolExecutor(self.workers) as pool:
            futures = {pool.submit(self._probe, t): t for t in self.targets}
            for fut in _as_completed(futures):
                self._store(session, futures[fut], fut.result())
        return len(futures)

    # ------------------------------------------------------------------ the loop
    def _next(self, slot: float) -> float:
        return slot + self.interval * (1 + self.rng.uniform(-self.jitter, self.jitter))

    def first_slots(self, session: Session) -> dict[Target, float]:
        """When each target is first due: a slot after its last stored probe (a restart keeps the
        cadence), else spread over the first interval so that targets do not all start at once."""
        last = last_probe_times(session)
        now = self.clock()
        n = max(1, len(self.targets))
        due = {}
        for i, t in enumerate(self.targets):
            seen = last.get((site_key(t.site_url), t.kind))
            if seen is not None:
                due[t] = max(now, self._next(seen.timestamp()))
            else:
                due[t] = now + self.interval * i / n * self.rng.uniform(0.5, 1.0) if i else now
        return due

    def run(self, rounds: int | None = None) -> int:
        """Probe on schedule until `stop` is set (or every target has been probed `rounds` times);
        returns how many probes were stored."""
        done: dict[Target, int] = {t: 0 for t in self.targets}
        with self.sessions() as session, ThreadPoolExecutor(self.workers) as pool:
            due = self.first_slots(session)
            running: dict[Future, Target] = {}
            while not self.stop.is_set():
                now = self.clock()
                busy = set(running.values())
                for t in self.targets:
                    if t in busy or due[t] > now or (rounds is not None and done[t] >= rounds):
                        continue
                    running[pool.submit(self._probe, t)] = t
                    slot = self._next(due[t])
                    # a target that fell behind (a probe longer than the interval, a suspended
                    # machine) starts again from now rather than firing the missed slots in a burst
                    due[t] = slot if slot > now else now + self.interval * self.rng.uniform(0, self.jitter or 0.01)
                if rounds is not None and not running and all(n >= rounds for n in done.values()):
                    break
                # a target still being probed is looked at again when its probe ends (wait wakes)
                busy = set(running.values())
                pending = [due[t] for t in self.targets if t not in busy and (rounds is None or done[t] < rounds)]
                wake = min(pending, default=now + TICK_S) - now
                finished, _ = wait(list(running), timeout=max(0.01, min(TICK_S, wake)), return_when=FIRST_COMPLETED) \
                    if running else (set(), None)
                if not running and wake > 0:
                    self.stop.wait(min(TICK_S, wake))
                for fut in finished:
                    t = running.pop(fut)
                    self._store(session, t, fut.result())
                    done[t] += 1
            # stopped: the probes under way finish (each bounded by its timeout) and are kept
            for fut in _as_completed(running):
                t = running[fut]
                self._store(session, t, fut.result())
        return self.stored


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(list(futures))
