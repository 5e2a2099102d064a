"""Availability: the share of failed requests to the homepage over a week of sampling
(国办秘函〔2019〕19号 单项否决 站点无法访问), from the probes `zwgk watch` stored.

Reads the fact `facts["availability"]` (built by zwgk/watch/fact.py; its shape is documented
there): per target (home, root) one row per day of the window with the probes that succeeded,
failed or were inconclusive (firewall / rate-limit answers, counted neither way), and the
failures' times and errors.
"""
from __future__ import annotations

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check

# failure times spelled out in a finding's evidence; the rest are in the report's 网站可用性 section
TIMES_SHOWN = 20
TARGET_LABELS = {"home": "首页", "root": "政务公开专栏"}


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _evidence(t: dict, window: str, counted: int, failures: int, share: float | None) -> dict:
    events = t.get("failure_list") or []
    times = "；".join(f"{e.get('time')}（{e.get('error') or '失败'}）" for e in events[:TIMES_SHOWN])
    if failures > min(len(events), TIMES_SHOWN):
        times += f"；……共 {failures} 次"
    errors = "；".join(f"{e['error']} ×{e['count']}" for e in t.get("errors") or [])
    return {"share": _pct(share) if share is not None else None, "share_value": share, "failures": failures,
            "probes": counted, "window": window, "errors": errors or None, "times": times or None,
            "target": t.get("label")}


@check(
    "homepage-availability",
    title="网站可正常访问",
    failure_title="网站无法访问次数占比超限",
    columns=[("url", "监测地址", "url"), ("share", "失败占比", "text"), ("failures", "失败次数", "count"),
             ("probes", "有效请求次数", "count"), ("window", "监测时段", "text"), ("errors", "错误", "text"),
             ("times", "失败时间（UTC+8）", "text")],
    scope="site",
)
def homepage_availability(snap: SiteSnapshot, days: int = 7, min_per_day: int = 20, max_share: float = 0.05,
                          target: str = "home") -> CheckResult:
    """The homepage (or, with `target: root`, the disclosure column's root) failed fewer than
    `max_share` of the requests made to it over the `days` days ending on the audit date
    (国办秘函〔2019〕19号: 监测1周，每天不少于20次，单次超过15秒视为无法访问，占比达到（含）5% 单项否决).

    Counted requests are the ones that succeeded or failed (no answer, an error status, 15 s or
    more); 403 / 412 / 429 answers (a firewall or rate limit turning the prober away) count
    neither way. Fails, with one finding at the probed URL carrying the share, the counts, the
    errors and the failures' times, when the share is `max_share` or more and every day of the
    window has at least `min_per_day` counted requests. needs_review when there is no monitoring
    data (未采集: run `zwgk watch`) or when a day of the window has too few requests: the share
    so far is in the note, and the failures so far are evidence (a finding) for the evaluator.
    """
    fact = snap.facts.get("availability")
    if not isinstance(fact, dict):
        return CheckResult("needs_review", (), 0,
                           f"未采集可用性监测数据（需用 zwgk watch 监测 {days} 天，每天不少于 {min_per_day} 次）")
    t = next((x for x in fact.get("targets") or () if x.get("target") == target), None)
    label = (t or {}).get("label") or TARGET_LABELS.get(target, target)
    if t is None:
        return CheckResult("needs_review", (), 0, f"没有{label}的可用性监测记录")
    rows = list(t.get("days") or [])[-days:]
    if len(rows) < days:
        return CheckResult("needs_review", (), 0,
                           f"监测数据只覆盖 {len(rows)} 天，不足 {days} 天（请以 {days} 天为窗口生成可用性数据）")
    counted = sum(r["ok"] + r["failures"] for r in rows)
    failures = sum(r["failures"] for r in rows)
    blocked = sum(r.get("inconclusive") or 0 for r in rows)
    share = failures / counted if counted else None
    window = f"{rows[0]['date']} 至 {rows[-1]['date']}"
    url = ((t.get("urls") or [None])[-1] or snap.homepage_url or snap.site_url)
    so_far = (f"{window}，{label}有效请求 {counted} 次，失败 {failures} 次"
              + (f"（{_pct(share)}）" if share is not None else "")
              + (f"；另有 {blocked} 次被防火墙或频率限制拦截，不计入" if blocked else ""))
    short = [r for r in rows if r["ok"] + r["failures"] < min_per_day]
    if short:
        days_text = "、".join(f"{r['date'][5:]} {r['ok'] + r['failures']} 次" for r in short[:7])
        more = f"等 {len(short)} 天" if len(short) > 7 else ""
        findings = ()
        if failures:
            findings = (Finding("homepage-availability", url, details=_evidence(t, window, counted, failures, share)),)
        return CheckResult("needs_review", findings, counted,
                           f"监测次数不足：每天应不少于 {min_per_day} 次，{days_text}{more}；{so_far}")
    if share is not None and share >= max_share:
        f = Finding("homepage-availability", url, details=_evidence(t, window, counted, failures, share))
        return CheckResult("fail", (f,), counted, f"{so_far}，达到（含）{_pct(max_share)}")
    return CheckResult("pass", (), counted, f"{so_far}，低于 {_pct(max_share)}")
