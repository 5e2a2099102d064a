"""Checks on the site as a whole: the identity marks every government site shows."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence
from urllib.parse import urlsplit

from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import norm_url

# Marks are looked for in the homepage text after NFKC and removing white space.
_MARKS: dict[str, re.Pattern] = {
    # 10 characters: 10 digits for a local site, bm + 8 digits for a ministry (DOMAIN.md (e))
    "网站标识码": re.compile(r"网站标识码[:：]?([A-Za-z0-9]{10})(?![A-Za-z0-9])"),
    # e.g. 鲁ICP备05002416号-1
    "ICP备案": re.compile(r"ICP备\d{4,}号"),
    # e.g. 鲁公网安备37030202000123号
    "公安备案": re.compile(r"公网安备\d{6,}号"),
    # the red 党政机关 badge: its alt text or link text
    "党政机关网站标识": re.compile(r"党政机关(?:网站)?(?:标识)?"),
}
# the badge links to its certificate on the national registry
_BADGE_HOST = "conac.cn"


# A footer's statement of whose site it is: 主办单位：示例县财政局, 版权所有 © 示例县财政局 …
_OWNER = re.compile(r"(?:主办单位|主办|版权所有|维护单位|承办单位|承办|网站主办)\s*[:：]?\s*(?:©|\(c\)|copyright)?\s*"
                    r"([^\s:：|,，;；]{2,30})", re.I)
SUB_SITE_KINDS = ("root",)  # pages that open a 评估对象's own area: its homepage or disclosure root


# a footer is the end of the page (the crawl appends the images' alt texts after it: room for
# them): statements further up are the body's
FOOTER_CHARS = 1500


def footer_owners(text: str) -> list[str]:
    """The bodies a page's footer (its last FOOTER_CHARS characters) names as its 主办 / 版权所有 /
    维护 / 承办 (an activity's 主办单位 in a news item further up is not the site's)."""
    return [m.group(1) for m in _OWNER.finditer((text or "")[-FOOTER_CHARS:])]


def own_footer(text: str, office: str) -> bool:
    """The page shows a footer of the 评估对象's own: one naming it as 主办 (版权所有 …). A page
    inside the portal's template names the portal's office there, or nobody, and is the portal's."""
    from ..scoring import office_key

    key = norm_text(office_key(office))
    return len(key) >= 2 and any(key in norm_text(o) for o in footer_owners(text))


def _marks_on(snap: SiteSnapshot, pages: list, wanted: list[str]) -> dict[str, str]:
    """mark → what shows it, over `pages` (one site's front pages)."""
    text = " ".join(norm_text(p.text) for p in pages)
    urls = {norm_url(p.url) for p in pages}
    found = {}
    for m in wanted:
        hit = _MARKS[m].search(text)
        if hit:
            found[m] = hit.group(0)
        elif m == "党政机关网站标识" and any(_BADGE_HOST in o.target_url and norm_url(o.source_url) in urls
                                           for o in snap.occurrences):
            found[m] = m
    return found


def _host(url: str | None) -> str:
    return (urlsplit(url or "").hostname or "").lower()


@check(
    "site-identity",
    title="网站标识信息齐全",
    failure_title="网站标识信息缺失",
    columns=[("url", "首页", "url"), ("mark", "缺少的标识", "text")],
    scope="site",
)
def site_identity(snap: SiteSnapshot, marks: Sequence[str] = ("网站标识码", "ICP备案", "公安备案", "党政机关网站标识"),
                  sub_site_marks: Sequence[str] = ("网站标识码",), sub_sites: bool = True) -> CheckResult:
    """The homepage (usually its footer) shows each of `marks`: 网站标识码 (10 characters),
    the ICP 备案编号 (…ICP备…号), the 公安机关备案号 (…公网安备…号) and the 党政机关网站标识
    (badge text, or a link to its conac.cn certificate). One `site-identity` finding per
    missing mark. needs_review when the homepage was not fetched; an unknown mark is an error.

    With `sub_sites`, every 评估对象 whose front page (its sub-site's homepage or disclosure root)
    shows a footer of its own — one naming it as 主办单位 / 版权所有 / 维护单位 — is held to the marks too:
    `marks` when the sub-site sits on a host of its own, `sub_site_marks` (网站标识码) when it
    shares the portal's host (the ICP and 公安 filings are the domain's, shown by the portal). A
    mark shown on any of the 评估对象's front pages counts; a 评估对象 whose front pages show no
    footer of its own (it lives inside the portal's template, whose footer names the portal's
    office, or in an iframe) is not judged. Its findings sit
    at its first front page with a footer and carry its name as office.
    """
    wanted = [marks] if isinstance(marks, str) else list(marks)
    sub_wanted = [sub_site_marks] if isinstance(sub_site_marks, str) else list(sub_site_marks)
    for m in wanted + sub_wanted:
        if m not in _MARKS:
            raise ValueError(f"未知的标识 {m!r}；可用：{'、'.join(_MARKS)}")
    findings, notes, checked = [], [], 0
    if snap.homepage is not None:
        home = snap.homepage.url or snap.homepage_url or snap.site_url
        page = replace(snap.homepage, url=home) if not snap.homepage.url else snap.homepage
        extra = [replace(page, url=u) for u in (snap.homepage_url, snap.site_url) if u and norm_url(u) != norm_url(home)]
        found = _marks_on(snap, [page] + extra, wanted)
        checked += len(wanted)
        missing = [m for m in wanted if m not in found]
        findings += [Finding("site-identity", home, office=None, details={"mark": m}) for m in missing]
        note = f"首页找到：{'；'.join(found.values())}" if found else "首页未找到任何网站标识"
        notes.append(note + (f"；缺少：{'、'.join(missing)}" if missing else ""))
    portal_hosts = {_host(u) for u in (snap.homepage_url, snap.site_url, snap.homepage.url if snap.homepage else None) if u}
    judged, unjudged = [], []
    if sub_sites:
        fronts: dict[str, list] = {}
        for p in snap.pages:
            if p.kind in SUB_SITE_KINDS and p.office and p.text:
                fronts.setdefault(p.office, []).append(p)
        for office, pages in sorted(fronts.items()):
            # nearest the sub-site's top first, whatever order the crawl answered them in
            footed = sorted((p for p in pages if own_footer(p.text, office)), key=lambda p: (len(p.url), p.url))
            if not footed:
                unjudged.append(office)
                continue
            own_host = all(_host(p.url) not in portal_hosts for p in footed)
            need = wanted if own_host else sub_wanted
            found = _marks_on(snap, pages, need)
            checked += len(need)
            judged.append(office)
            findings += [Finding("site-identity", footed[0].url, office=office, details={"mark": m})
                         for m in need if m not in found]
    if judged:
        bad = sorted({f.office for f in findings if f.office})
        notes.append(f"有独立页脚的子站 {len(judged)} 个" + (f"，缺少标识：{'、'.join(bad)}" if bad else "，标识齐全"))
    if unjudged:
        notes.append(f"{len(unjudged)} 个子站未展示独立页脚（页脚未署该单位为主办），未检查")
    if snap.homepage is None and not findings:
        return CheckResult("needs_review", (), checked, "；".join(["未能获取首页，无法检查网站标识"] + notes[:2]))
    return CheckResult("fail" if findings else "pass", tuple(findings), checked, "；".join(notes))
