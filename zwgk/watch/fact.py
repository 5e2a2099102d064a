"""The `availability` fact of an audit (SiteSnapshot.facts["availability"]): a site's stored
probes over the days before the audit date, counted per day and over the window, with every
failure's time and error. Plain JSON data: the homepage-availability check judges it, the
report's 网站可用性 section and `zwgk watch --report` show it.

    {"site_url": "http://www.example.gov.cn/", "as_of": "2023-11-30", "days": 7,
     "window": {"start": "2023-11-24", "end": "2023-11-30"}, "timezone": "UTC+08:00",
     "first_probe": "2023-11-20 00:00:03",               # the site's first probe ever (local time)
     "rule": {"min_per_day": 20, "timeout_s": 15, "max_share": 0.05, "max_share_text": "5%"},  # 国办秘函〔2019〕19号
     "targets": [                                         # "home", then "root" when probed
       {"target": "home", "label": "首页", "urls": ["http://www.example.gov.cn/"],
        "probes": 160, "ok": 148, "failures": 10, "inconclusive": 2,   # counted = ok + failures
        "share": 0.0633, "share_text": "6.3%",                          # failures / counted
        "days": [{"date": "2023-11-24", "probes": 24, "ok": 22, "failures": 2, "inconclusive": 0,
                  "share": 0.0833, "share_text": "8.3%", "enough": true}, …],   # one per day, oldest first
        "errors": [{"error": "HTTP 503", "count": 6}, …],             # most frequent first
        "failure_list": [{"time": "2023-11-24 08:15:02", "url": …, "status": 503, "error": "HTTP 503",
                          "elapsed_s": 0.12}, …],                        # oldest first, at most MAX_LISTED
        "failures_listed": 10, "inconclusive_list": […]}]}

Days are calendar days in China time (UTC+08:00), the window the `days` days ending on the audit
date. Stored probes are counted as the rule counts them (`judged`: the time limit is the rule's,
not the one the watcher ran under). None when the site has never been probed (the check then
says 未采集).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from .record import TIMED_OUT, first_probe_time, probed_targets, probes, utc

CHINA = timezone(timedelta(hours=8))
DAYS = 7                 # 国办秘函〔2019〕19号: monitored for one week
MIN_PER_DAY = 20         # … at least 20 requests a day
LIMIT_S = 15.0           # … a request taking 15 s or more fails
MAX_SHARE = 0.05         # … failing at a failure share of 5 % or more
MAX_LISTED = 500         # failures listed per target (a week of 5-minute probes is 2,016)
LABELS = {"home": "首页", "root": "政务公开专栏"}


def pct(share: float | None) -> str | None:
    """0.0633 → '6.3%' (one decimal: 4.96 % must not read as 5 %)."""
    if share is None:
        return None
    return f"{share * 100:.1f}%"


def local(t: datetime) -> datetime:
    return utc(t).astimezone(CHINA)


def local_text(t: datetime) -> str:
    return local(t).strftime("%Y-%m-%d %H:%M:%S")


def _share(failures: int, ok: int) -> float | None:
    return round(failures / (failures + ok), 4) if failures + ok else None


@dataclass(frozen=True)
class Judged:
    """A stored probe as the rule counts it (see `judged`)."""
    target: str
    started_at: datetime
    url: str
    status: int | None
    error: str | None
    elapsed_ms: int | None
    outcome: str


def judged(p, limit_s: float) -> Judged:
    """A stored probe judged against the rule's time limit `limit_s`, whatever limit the watcher
    ran under: an answer that took `limit_s` or longer is a failure; a probe that gave up before
    `limit_s` (a watcher run with a shorter --timeout) cannot say whether the site would have
    answered in time, so it counts neither way."""
    outcome, error = p.outcome, p.error
    ran_under = p.timeout_s if p.timeout_s is not None else limit_s
    if outcome == "ok" and p.elapsed_ms is not None and p.elapsed_ms >= limit_s * 1000:
        outcome, error = "fail", f"耗时 {p.elapsed_ms / 1000:.1f} 秒（达到 {limit_s:g} 秒）"
    elif outcome == "fail" and ran_under < limit_s and (error or "").startswith(TIMED_OUT):
        outcome, error = "inconclusive", f"{error or '超时'}（监测限时 {ran_under:g} 秒，短于 {limit_s:g} 秒，不计入）"
    return Judged(p.target, p.started_at, p.url, p.status, error, p.elapsed_ms, outcome)


def _counts(rows) -> dict:
    c = Counter(p.outcome for p in rows)
    share = _share(c["fail"], c["ok"])
    return {"probes": len(rows), "ok": c["ok"], "failures": c["fail"], "inconclusive": c["inconclusive"],
            "share": share, "share_text": pct(share)}


def _event(p) -> dict:
    return {"time": local_text(p.started_at), "url": p.url, "status": p.status, "error": p.error,
            "elapsed_s": round(p.elapsed_ms / 1000, 2) if p.elapsed_ms is not None else None}


def target_fact(target: str, rows: list, first_day: date, days: int, min_per_day: int = MIN_PER_DAY) -> dict:
    """Counts of one target's probes in the window, per day and in all."""
    by_day: dict[date, list] = {}
    for p in rows:
        by_day.setdefault(local(p.started_at).date(), []).append(p)
    day_rows = []
    for i in range(days):
        d = first_day + timedelta(days=i)
        c = _counts(by_day.get(d, []))
        day_rows.append({"date": d.isoformat(), **c, "enough": c["ok"] + c["failures"] >= min_per_day})
    failed = [p for p in rows if p.outcome == "fail"]
    errors = Counter(p.error or "未知错误" for p in failed)
    return {"target": target, "label": LABELS.get(target, target), "urls": list(dict.fromkeys(p.url for p in rows)),
            **_counts(rows), "days": day_rows,
            "errors": [{"error": e, "count": n} for e, n in sorted(errors.items(), key=lambda x: (-x[1], x[0]))],
            "failure_list": [_event(p) for p in failed[:MAX_LISTED]], "failures_listed": min(len(failed), MAX_LISTED),
            "inconclusive_list": [_event(p) for p in rows if p.outcome == "inconclusive"][:MAX_LISTED]}


def availability_fact(session: Session, site_url: str, as_of: date, *, days: int = DAYS,
                      homepage_url: str | None = None, limit_s: float = LIMIT_S) -> dict | None:
    """The availability fact of `site_url` for an audit dated `as_of` (see the module docstring):
    the probes stored under `site_url`, else under `homepage_url` (an audit started from the
    disclosure column's URL finds a watch of the homepage), judged against `limit_s`."""
    if homepage_url and first_probe_time(session, site_url) is None:
        site_url = homepage_url
    first_day = as_of - timedelta(days=days - 1)
    since = datetime.combine(first_day, time(0), CHINA).astimezone(timezone.utc)
    until = datetime.combine(as_of + timedelta(days=1), time(0), CHINA).astimezone(timezone.utc)
    first = first_probe_time(session, site_url)
    if first is None:
        return None
    in_window = [judged(p, limit_s) for p in probes(session, site_url, since, until)]
    return {
        "site_url": site_url, "as_of": as_of.isoformat(), "days": days,
        "window": {"start": first_day.isoformat(), "end": as_of.isoformat()}, "timezone": "UTC+08:00",
        "first_probe": local_text(first),
        "rule": {"min_per_day": MIN_PER_DAY, "timeout_s": limit_s, "max_share": MAX_SHARE, "max_share_text": "5%"},
        "targets": [target_fact(t, [p for p in in_window if p.target == t], first_day, days) for t in probed_targets(session, site_url)],
    }
