"""Checks on links (断链、错链) across the whole site, reported at every place they appear."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..model import CheckResult, Finding, LinkTarget, SiteSnapshot
from ..registry import check
from zwgk.formats import landing
from zwgk.vocab import norm_text

from ._select import held, is_robots, memo, norm_url

_LINK_COLUMNS = [("url", "链接地址", "url"), ("source", "所在页面", "url"), ("source_title", "页面标题", "text"),
                 ("link_text", "链接文字", "text"), ("link_kind", "链接类型", "text"),
                 ("status", "状态码", "code"), ("error", "错误", "text")]


def _considered(snap: SiteSnapshot, kinds: Sequence[str] | str | None) -> list[LinkTarget]:
    """The link targets of the kinds wanted (all when None) that the snapshot holds one by one —
    among them every one that is not ok or was redirected (SiteSnapshot.link_counts);
    `snap.link_count(kinds)` counts all that were checked."""
    if isinstance(kinds, str):
        kinds = [kinds]
    return [t for t in snap.links if not kinds or t.kind in kinds]


def _office_of(snap: SiteSnapshot) -> dict[str, str | None]:
    """Document URL → its 评估对象, for the pages the snapshot's occurrences sit on (not a dict of
    every document), built once per snapshot: the link checks share one pass over the documents."""
    def build() -> dict[str, str | None]:
        wanted = {norm_url(o.source_url) for o in snap.occurrences if o.source_url}
        return {u: d.office for d in snap.documents if (u := norm_url(d.url)) in wanted} if wanted else {}

    return memo("occurrence_offices", snap.documents, build, snap.occurrences)


def _occurrence_findings(snap: SiteSnapshot, finding_id: str, targets: list[LinkTarget],
                         with_status: bool = True, first_only: bool = False) -> list[Finding]:
    """One finding per (target, page it appears on); a target seen nowhere gets one without source.
    With `first_only`, one finding per target at its first page, with the number of pages."""
    by_target: dict[str, list] = {}
    for o in snap.occurrences:
        by_target.setdefault(norm_url(o.target_url), []).append(o)
        if "#" in o.target_url:
            # a #fragment target (the anchor is missing) is reported where that very link sits
            by_target.setdefault(o.target_url.strip(), []).append(o)
    office_of = _office_of(snap) if targets else {}
    out = []
    for t in targets:
        base = {"error": t.error, "link_kind": t.kind}
        if with_status:
            base["status"] = t.status
        if t.redirects:
            base["redirects"] = list(t.redirects)
        occs = by_target.get(t.url.strip() if "#" in t.url else norm_url(t.url)) or [None]
        if first_only:
            base["pages"] = len({o.source_url for o in occs if o})
            occs = occs[:1]
        for o in occs:
            details = dict(base, link_text=o.text if o else None, source_title=o.source_title if o else None)
            src = o.source_url if o else None
            out.append(Finding(finding_id, t.url, src, office_of.get(norm_url(src)), details))
    return out


@check(
    "broken-link",
    title="无断链",
    failure_title="存在断链",
    columns=_LINK_COLUMNS,
    scope="site",
    also=[{"id": "inconclusive-link", "title": "链接均可判定", "failure_title": "链接无法判定",
           "columns": _LINK_COLUMNS + [("pages", "出现页面数", "count")]}],
)
def broken_link(snap: SiteSnapshot, kinds: Sequence[str] | None = None) -> CheckResult:
    """Links that do not work (4xx/5xx, DNS failure, refused, soft 404), pages, attachments and
    images alike; `kinds` limits them to some of 站内 / 站外 / 附件 / 图片.

    One `broken-link` finding per broken target and page it appears on (every occurrence is
    reported, so each page can be fixed). Targets that could not be judged (403/412/429, a WAF
    page, a time-out) become `inconclusive-link` findings, which never make the check fail.
    needs_review when no link was checked at all (the crawl probably failed).
    """
    considered = _considered(snap, kinds)
    checked = snap.link_count(kinds)
    broken = _occurrence_findings(snap, "broken-link", [t for t in considered if t.state == "broken"])
    # reported apart and once per target: a robots-disallowed search page linked from every
    # page is one thing to look at, not hundreds
    # robots.txt-disallowed targets were left alone at the site's request: not a finding
    unsure = _occurrence_findings(snap, "inconclusive-link",
                                  [t for t in considered if t.state == "inconclusive" and not is_robots(t)],
                                  first_only=True)
    n_broken = len({f.url for f in broken})
    n_unsure = len({f.url for f in unsure})
    note = f"检查链接 {checked} 个，断链 {n_broken} 个（出现 {len(broken)} 处）"
    if n_unsure:
        note += f"；{n_unsure} 个链接无法判断（可能被防火墙拦截），不计为断链，请人工复核"
    if not checked:
        return CheckResult("needs_review", (), 0, "没有检查到任何链接，请确认采集是否成功")
    return CheckResult("fail" if broken else "pass", tuple(broken + unsure), checked, note)


@check(
    "wrong-link",
    title="无错链",
    failure_title="存在错链",
    columns=[c for c in _LINK_COLUMNS if c[0] != "status"],
    scope="site",
)
def wrong_link(snap: SiteSnapshot, kinds: Sequence[str] | None = None) -> CheckResult:
    """错链: links that can never work for the public — an intranet or loopback address of
    another host, a `file:` URL or drive path, a malformed URL — and list entries whose text
    names another document than the page they open. One `wrong-link` finding per target and
    page it appears on. needs_review when no link was checked at all.
    """
    considered = _considered(snap, kinds)
    checked = snap.link_count(kinds)
    wrong = _occurrence_findings(snap, "wrong-link", [t for t in considered if t.state == "wrong"],
                                 with_status=False)
    if not kinds or "站内" in kinds:
        wrong += _mismatched_entries(snap)
    if not checked:
        return CheckResult("needs_review", (), 0, "没有检查到任何链接，请确认采集是否成功")
    note = f"检查链接 {checked} 个，错链 {len({f.url for f in wrong})} 个（出现 {len(wrong)} 处）"
    return CheckResult("fail" if wrong else "pass", tuple(wrong), checked, note)


def _bigrams(s: str) -> set[str]:
    s = "".join(ch for ch in norm_text(s) if ch.isalnum())
    return {s[i:i + 2] for i in range(len(s) - 1)}


def titles_agree(listed: str, title: str) -> bool:
    """A list entry's text and the opened page's title name the same document.

    Entries are often cut short or keep only the core of the title, so containment counts, and
    otherwise half of the shorter title's character pairs must appear in the longer one.
    """
    a, b = norm_text(listed).rstrip(".…"), norm_text(title)
    if not a or not b or a in b or b in a:
        return True
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return True
    return len(x & y) / min(len(x), len(y)) >= 0.5


# documents whose titles are held at a time while list entries are compared with them
TITLE_BATCH = 50000


def _mismatched_entries(snap: SiteSnapshot) -> list[Finding]:
    """Entries whose list title and page title disagree, in list order. A large site's documents
    are taken TITLE_BATCH at a time, each batch's titles held while every entry is looked up."""
    hits = []
    batch: dict[str, str] = {}

    def compare() -> None:
        for i, col in enumerate(snap.columns):
            for k, e in enumerate(col.entries):
                title = batch.get(norm_url(e.url))
                if title is not None and not titles_agree(e.title, title):
                    hits.append((i, k, e.url, e.title, title))
        batch.clear()

    whole = held(snap.documents)
    for d in snap.documents:
        if d.title:
            batch[norm_url(d.url)] = d.title
            if not whole and len(batch) >= TITLE_BATCH:
                compare()
    compare()
    out = []
    for i, _, url, listed, title in sorted(hits, key=lambda h: h[:2]):
        col = snap.columns[i]
        out.append(Finding("wrong-link", url, col.url, col.office,
                           {"error": f"列表标题与打开的页面不符（页面标题：{title}）", "link_text": listed,
                            "link_kind": "站内", "source_title": col.name}))
    return out


def redirect_hops(t: LinkTarget) -> tuple[int, list[str]]:
    """(hops, the chain of URLs) of a link target. `redirects` holds the URL asked first, each
    URL it was sent on to and — when an answer came (status known) — the final URL; without an
    answer the last URL asked is not in it, so every step recorded is a hop. A redirect to the
    same URL (a gate setting a cookie and sending the client back) moves the visitor nowhere
    and is not counted."""
    chain = [u for i, u in enumerate(t.redirects) if i == 0 or norm_url(u) != norm_url(t.redirects[i - 1])]
    if not t.redirects:
        return 0, []
    return (len(chain) - 1 if t.status is not None else len(chain)), chain


@check(
    "redirect-chain",
    title="链接无多次跳转",
    failure_title="链接多次跳转",
    columns=[("url", "链接地址", "url"), ("source", "所在页面", "url"), ("hops", "跳转次数", "count"),
             ("chain", "跳转路径", "text"), ("final_url", "最终地址", "url"), ("pages", "出现页面数", "count")],
    scope="site",
)
def redirect_chain(snap: SiteSnapshot, min_hops: int = 2, kinds: Sequence[str] | None = None) -> CheckResult:
    """Links that work but only after `min_hops` or more redirects (http → https → /index.html …):
    slow for visitors, fragile when one hop goes, and a sign the page links an old address. A
    warning, not a broken link: only targets that end `ok` are counted (a broken or unjudged
    target is `broken-link`'s business, with its redirects in the evidence). One `redirect-chain`
    finding per target, at the first page that links it, with the hops and the chain.
    needs_review when no link was checked at all.
    """
    considered = _considered(snap, kinds)
    checked = snap.link_count(kinds)
    if not checked:
        return CheckResult("needs_review", (), 0, "没有检查到任何链接，请确认采集是否成功")
    chained = []
    extra: dict[str, dict] = {}
    for t in considered:
        hops, chain = redirect_hops(t)
        if t.state == "ok" and hops >= min_hops:
            chained.append(t)
            extra[t.url] = {"hops": hops, "chain": " → ".join(chain), "final_url": chain[-1]}
    findings = [replace(f, details={**f.details, **extra[f.url]})
                for f in _occurrence_findings(snap, "redirect-chain", chained, with_status=False, first_only=True)]
    note = f"检查链接 {checked} 个，跳转 {min_hops} 次及以上的 {len(chained)} 个（仅提示，不计为断链）"
    return CheckResult("fail" if findings else "pass", tuple(findings), checked, note)


HARMFUL_SIGNS = ("parked", "gambling", "porn")


@check(
    "hijacked-link",
    title="站外链接未指向已易主的网站",
    failure_title="站外链接疑似指向已易主的网站",
    columns=[("url", "链接地址", "url"), ("source", "所在页面", "url"), ("link_text", "链接文字", "text"),
             ("final_url", "最终地址", "url"), ("landing_title", "目标页面标题", "text"),
             ("signs", "疑点", "text"), ("pages", "出现页面数", "count")],
    scope="site",
)
def hijacked_link(snap: SiteSnapshot) -> CheckResult:
    """External links whose domain has lapsed or changed hands (域名过期或易主): what each external
    page that answered 200 showed when the crawl checked it (its final address, title, words and
    government marks, zwgk/formats/landing.py — never the body) is read for three signs: a parked
    or for-sale domain page (域名出售, "buy this domain", a parking service's markup), a gambling or
    porn page (its words in the title, or several in the text of a page without government marks),
    and — for a link that promised a government site (its text names a government body, 县旅游局,
    中国政府网, or its address is a gov.cn one) — an end on another site whose page shows no
    government mark at all. One `hijacked-link` finding per target, at the page that links it
    (a page whose link text names a government body first), with the final address, the page's
    title and the signs found. needs_review, never a failure: a machine cannot be sure a domain
    changed hands, and a page that changed hands but looks bland is not seen at all.
    not_applicable when no external link answered; needs_review when external links answered
    but the crawl kept nothing of their pages (a crawl made before zwgk kept it).
    """
    external = snap.link_count("站外", "ok")
    seen = [t for t in snap.links if t.kind == "站外" and t.state == "ok" and t.landing is not None]
    if not external:
        return CheckResult("not_applicable", (), 0, "没有可以访问的站外链接")
    if not seen:
        return CheckResult("needs_review", (), 0,
                           f"站外链接 {external} 个，本次抓取未记录其页面内容，无法判断域名是否易主，请重新抓取或人工抽查")
    occs: dict[str, list] = {}
    for o in snap.occurrences:
        occs.setdefault(norm_url(o.target_url), []).append(o)
    office_of = _office_of(snap) if seen else {}
    findings = []
    for t in seen:
        found = landing.signs(t.landing, t.url)
        here = occs.get(norm_url(t.url)) or []
        by_name = [o for o in here if landing.names_government(o.text)]
        promised = ("原链接为政府网站域名" if landing.gov_host(t.url)
                    else "链接文字为政府机构" if by_name else None)
        harmful = [k for k in HARMFUL_SIGNS if k in found]
        moved = bool(promised) and "elsewhere" in found and "no_gov" in found
        if not harmful and not moved:
            continue
        shown = {k: v for k, v in found.items() if k != "no_gov" or promised}
        signs = landing.describe(shown)
        o = (by_name or here or [None])[0]
        src = o.source_url if o else None
        findings.append(Finding("hijacked-link", t.url, src, office_of.get(norm_url(src)), {
            "link_text": o.text if o else None, "source_title": o.source_title if o else None,
            "final_url": t.landing.get("final_url") or t.url, "landing_title": t.landing.get("title"),
            "signs": f"{promised}；{signs}" if promised else signs, "sign_keys": sorted(shown),
            "pages": len({x.source_url for x in here}), "link_kind": t.kind}))
    note = f"检查站外链接页面 {len(seen)} 个"
    if findings:
        return CheckResult("needs_review", tuple(findings), len(seen),
                           f"{note}，{len(findings)} 个疑似域名已过期或易主（域名出售、赌博色情内容或跳转到非政府网站），需人工核实")
    return CheckResult("pass", (), len(seen), f"{note}，未发现域名出售、赌博色情内容或跳转到非政府网站的迹象")
