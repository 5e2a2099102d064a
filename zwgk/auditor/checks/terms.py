"""Serious misspellings (严重表述错误): canonical political formulations, leaders' names and the
site's own place names written with one character wrong in a document (serious-misspelling).

The documents' near-misses were found at crawl time (Document.term_hits, zwgk/formats/terms.py)
for every canonical term of zwgk/data/terms.yaml and every division of China; here the place
names are narrowed to the site's own region — the division its name, homepage title or footer
(主办单位 / 版权所有) names, and that division's prefecture and province.
"""
from __future__ import annotations

from zwgk.formats.terms import divisions, region_codes

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from .site import footer_owners

FRONT = ("home", "root")


def site_region(snap: SiteSnapshot) -> list[str]:
    """区划代码 of the site's own division and its parents, from the homepage's (or, without one, the
    disclosure roots') title and footer owners: 沂源县人民政府 → 370323, 370300, 370000."""
    pages = [snap.homepage] if snap.homepage else [p for p in snap.pages if p.kind in FRONT and not p.office]
    names: list[str] = []
    for p in pages:
        if p is None:
            continue
        names.append(p.title or "")
        names.extend(footer_owners(p.text))
    return region_codes(*names)


@check(
    "serious-misspelling",
    title="无严重表述错误（规范表述、领导姓名、本地地名）",
    failure_title="疑似严重表述错误",
    columns=[("url", "文件", "url"), ("title", "文件标题", "text"), ("found", "文中写法", "text"),
             ("term", "规范表述", "text"), ("context", "上下文", "text"), ("term_source", "规范表述出处", "text")],
    scope="site",
)
def serious_misspelling(snap: SiteSnapshot) -> CheckResult:
    """Documents that write a canonical political formulation (中国共产党, 习近平新时代中国特色社会
    主义思想, 两个维护 … as quoted in zwgk/data/terms.yaml with their sources), a national leader's
    name and office, or the site's own place names (its county, prefecture, province) with exactly
    one character wrong: 中国共产觉, 社会主义核心价植观, 临沂巿. Each is a `serious-misspelling`
    finding with the document, the string as written, its context, the canonical wording and
    where it is quoted from — needs_review, never a failure: a reviewer confirms each one before
    it counts as the veto item's 严重表述错误. Near-misses of places outside the site's region are
    not reported; when the region cannot be read from the site's name, places are not checked.
    not_applicable without documents.
    """
    docs = snap.documents
    if not docs:
        return CheckResult("not_applicable", (), 0, "没有抓取到文件，无法检查表述错误")
    region = set(site_region(snap))
    names = divisions()
    findings = []
    for d in docs:
        for h in d.term_hits:
            if h.kind == "place" and h.code not in region:
                continue
            findings.append(Finding("serious-misspelling", d.url, None, d.office, {
                "title": d.title, "found": h.found, "term": h.term, "context": h.context,
                "term_source": h.source, "term_kind": h.kind, **({"code": h.code} if h.code else {})}))
    where = ("、".join(names[c] for c in sorted(region, key=lambda c: len(c.rstrip("0")), reverse=True) if c in names)
             if region else "")
    scope = (f"核对文件 {len(docs)} 件的规范表述、领导姓名"
             + (f"和本地地名（{where}）" if where else "；未能从网站名称或主办单位识别所在地区，本地地名未核对"))
    if findings:
        return CheckResult("needs_review", tuple(findings), len(docs),
                           f"{scope}，{len(findings)} 处与规范写法相差一字，需人工核实是否写错")
    return CheckResult("pass", (), len(docs), f"{scope}，未发现与规范写法相差一字的写法")
