"""Checks on the site's front door: homepage freshness, IPv6 and the site search.

IPv6 and the search need facts only a crawl can gather (an AAAA record, a connection over
IPv6, a query's answer): they read SiteSnapshot.facts and say 未采集 (needs_review) without them.
"""
from __future__ import annotations

import ipaddress
import re
from datetime import date
from urllib.parse import urlsplit

from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import iso, norm_url

_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
# month-day without a year, as homepage lists print it: 11-28, [11-28], 11月28日
_MONTH_DAY = re.compile(r"(?<![\d\-/.年:：])(\d{1,2})(?:-|月)(\d{1,2})(?:日|(?![\d\-/.:：]))")


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def text_dates(text: str, as_of: date, yearless: bool = True) -> list[date]:
    """Dates printed in a page's text. A month-day without a year is the latest such day not
    after `as_of` (a homepage shows what is recent)."""
    t = text or ""
    out = []
    for m in _FULL.finditer(t):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append(d)
    if yearless:
        rest = _FULL.sub(" ", t)
        for m in _MONTH_DAY.finditer(rest):
            mo, dd = int(m.group(1)), int(m.group(2))
            d = _date(as_of.year, mo, dd) if 1 <= mo <= 12 else None
            if d and d > as_of:
                d = _date(as_of.year - 1, mo, dd)
            if d:
                out.append(d)
    return out


@check(
    "homepage-stale",
    title="首页及时更新",
    failure_title="首页长期未更新",
    columns=[("url", "首页", "url"), ("last_update", "最新信息日期", "date"), ("days", "未更新天数", "count"),
             ("limit", "期限（天）", "count")],
    scope="site",
)
def homepage_stale(snap: SiteSnapshot, max_days: int = 14, yearless: bool = True) -> CheckResult:
    """The newest dated item on the homepage is at most `max_days` days before the audit date
    (国办秘函〔2019〕19号 单项否决: 首页 2 周内无更新).

    Dates come from the homepage's text (2023-11-28, 2023年11月28日, and — with `yearless` — list
    dates such as 11-28, read as the latest such day not after the audit date) and from the
    homepage's links to documents and column entries whose dates the crawl knows. Dates after
    the audit date are ignored. One `homepage-stale` finding at the homepage when it is stale.
    needs_review when the homepage was not fetched or shows no date at all (GB19 counts an
    undated item as not updated, but a page that prints its dates by script would look the
    same to the crawler). A homepage that is only a navigation page is not followed further.
    """
    if snap.homepage is None:
        return CheckResult("needs_review", (), 0, "未能获取首页，无法判断首页更新情况")
    home = snap.homepage.url or snap.homepage_url or snap.site_url
    dates = [d for d in text_dates(snap.homepage.text, snap.as_of, yearless) if d <= snap.as_of]
    homes = {norm_url(u) for u in (home, snap.homepage_url, snap.site_url) if u}
    targets = {norm_url(o.target_url) for o in snap.occurrences if norm_url(o.source_url) in homes}
    if targets:
        dates += [d.publish_date for d in snap.documents
                  if d.publish_date and norm_url(d.url) in targets and d.publish_date <= snap.as_of]
        dates += [e.date for c in snap.columns for e in c.entries
                  if e.date and norm_url(e.url) in targets and e.date <= snap.as_of]
    if not dates:
        return CheckResult("needs_review", (), 0, "首页未找到带日期的信息，需人工核对（无发布时间的信息视为未更新）")
    last = max(dates)
    days = (snap.as_of - last).days
    if days > max_days:
        f = Finding("homepage-stale", home, office=None,
                    details={"last_update": iso(last), "days": days, "limit": max_days})
        return CheckResult("fail", (f,), len(dates), f"首页最新信息日期为 {iso(last)}，已 {days} 天未更新（期限 {max_days} 天）")
    return CheckResult("pass", (), len(dates), f"首页最新信息日期为 {iso(last)}（{days} 天前）")


# Errors that are the tool's own limits, not the site's defects: the tool chose not to ask (the
# site's robots.txt forbids it, a POST form, offline mode). Substring of the recorded error →
# the reason shown. A check that meets one says needs_review, never fail.
TOOL_LIMITS: dict[str, str] = {
    "robots.txt": "网站 robots.txt 不允许本工具访问",
    "未自动检索": "搜索表单需提交（POST），本工具不自动提交",
    "离线模式": "本次抓取为离线模式",
}


def tool_limit(error: str | None) -> str | None:
    """Why a recorded error is the tool's limit (TOOL_LIMITS), or None when it may be the site's."""
    if not error:
        return None
    return next((why for k, why in TOOL_LIMITS.items() if k in error), None)


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _site_url(snap: SiteSnapshot) -> str:
    return (snap.homepage.url if snap.homepage else None) or snap.homepage_url or snap.site_url


@check(
    "ipv6",
    title="网站支持 IPv6 访问",
    failure_title="网站不支持 IPv6 访问",
    columns=[("url", "网站", "url"), ("reason", "问题", "text"), ("error", "错误", "code")],
    scope="site",
)
def ipv6(snap: SiteSnapshot, require_connect: bool = True) -> CheckResult:
    """The site's domain has an AAAA record and (with `require_connect`) its homepage answers
    over IPv6. Reads the crawl-time fact `facts["ipv6"]` = {host, aaaa: [addresses],
    connect: true/false/null, status, error}. needs_review (未采集) when the crawl did not gather
    it, when a connection was not tried, or when the tool did not look the records up (offline
    mode: TOOL_LIMITS); not_applicable for a site given by IP address (no domain, no AAAA record);
    an `ipv6` finding with the reason otherwise.
    """
    fact = snap.facts.get("ipv6")
    url = _site_url(snap)
    host = (fact.get("host") if isinstance(fact, dict) else None) or urlsplit(url).hostname or ""
    if _ip_literal(host):
        return CheckResult("not_applicable", (), 0,
                           f"网站以 IP 地址（{host}）访问，没有域名，AAAA 记录检查不适用；IPv6 支持需人工核对")
    if not isinstance(fact, dict):
        return CheckResult("needs_review", (), 0, "未采集 IPv6 信息（需在抓取时查询 AAAA 记录并经 IPv6 访问首页）")
    aaaa = list(fact.get("aaaa") or [])
    limit = tool_limit(fact.get("error"))
    if not aaaa and limit:
        return CheckResult("needs_review", (), 0, f"未查询 AAAA 记录（{limit}）：{fact.get('error')}")
    if not aaaa:
        f = Finding("ipv6", url, details={"reason": "域名无 AAAA 记录", "error": fact.get("error"), "host": host})
        return CheckResult("fail", (f,), 1, f"{host or '域名'}没有 AAAA 记录")
    if not require_connect:
        return CheckResult("pass", (), 1, f"AAAA 记录：{'、'.join(aaaa[:3])}")
    connect = fact.get("connect")
    if connect is None:
        return CheckResult("needs_review", (), 1, f"有 AAAA 记录（{'、'.join(aaaa[:3])}），未测试 IPv6 连接")
    status = fact.get("status")
    if not connect or (isinstance(status, int) and status >= 400):
        err = fact.get("error") or (f"HTTP {status}" if status else None)
        f = Finding("ipv6", url, details={"reason": "经 IPv6 访问首页失败", "error": err, "host": host,
                                          "status": status})
        return CheckResult("fail", (f,), 1, f"有 AAAA 记录，但经 IPv6 访问首页失败：{err or '无响应'}")
    return CheckResult("pass", (), 1, f"AAAA 记录 {'、'.join(aaaa[:3])}，经 IPv6 访问首页成功")


@check(
    "site-search",
    title="站内搜索可用",
    failure_title="站内搜索不可用",
    columns=[("url", "搜索地址", "url"), ("reason", "问题", "text"), ("query", "检索词", "text"),
             ("status", "状态码", "code")],
    scope="site",
)
def site_search(snap: SiteSnapshot, min_results: int = 1, require_hit: bool = False) -> CheckResult:
    """The site offers a search that finds the site's own information. Reads the crawl-time fact
    `facts["search"]` = {found (a search form or box on the homepage), url, query (e.g. the title
    of a recent document), status, results (how many hits), hit (whether the searched document
    was among them), error}. Fails when there is no search entry, the query errs, fewer than
    `min_results` hits come back, or — with `require_hit` — the searched document is not among
    them. needs_review (未采集) without the fact or without a result count, and when the search
    was not tried because of the tool's own limits (robots.txt forbids it, a POST form:
    TOOL_LIMITS) — those are not the site's defects; the note gives the reason.
    """
    fact = snap.facts.get("search")
    if not isinstance(fact, dict):
        return CheckResult("needs_review", (), 0, "未采集站内搜索信息（需在抓取时以本站信息标题检索一次）")
    url = fact.get("url") or _site_url(snap)
    base = {"query": fact.get("query"), "status": fact.get("status")}

    def fail(reason: str) -> CheckResult:
        return CheckResult("fail", (Finding("site-search", url, details=dict(base, reason=reason)),), 1, reason)

    if not fact.get("found", True):
        return fail("首页未找到站内搜索入口")
    limit = tool_limit(fact.get("error"))
    if limit:
        return CheckResult("needs_review", (), 0,
                           f"已找到站内搜索，但{limit}，未能检索（{fact.get('error')}），需人工核查")
    status = fact.get("status")
    if fact.get("error") or (isinstance(status, int) and status >= 400):
        return fail(f"搜索请求失败：{fact.get('error') or f'HTTP {status}'}")
    results = fact.get("results")
    if results is None:
        return CheckResult("needs_review", (), 0, "已找到站内搜索，但未取得检索结果数")
    if results < min_results:
        return fail(f"检索“{fact.get('query') or ''}”无结果")
    if require_hit and fact.get("hit") is False:
        return fail(f"检索“{fact.get('query') or ''}”的结果中没有该信息")
    return CheckResult("pass", (), 1, f"检索“{norm_text(fact.get('query') or '')}”得到 {results} 条结果")
