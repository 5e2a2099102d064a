"""Checks on the site as a whole: the identity marks every government site shows."""
from __future__ import annotations

import re
from typing import Sequence

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


@check(
    "site-identity",
    title="网站标识信息齐全",
    failure_title="网站标识信息缺失",
    columns=[("url", "首页", "url"), ("mark", "缺少的标识", "text")],
    scope="site",
)
def site_identity(snap: SiteSnapshot, marks: Sequence[str] = ("网站标识码", "ICP备案", "公安备案", "党政机关网站标识")
                  ) -> CheckResult:
    """The homepage (usually its footer) shows each of `marks`: 网站标识码 (10 characters),
    the ICP 备案编号 (…ICP备…号), the 公安机关备案号 (…公网安备…号) and the 党政机关网站标识
    (badge text, or a link to its conac.cn certificate). One `site-identity` finding per
    missing mark. needs_review when the homepage was not fetched; an unknown mark is an error.
    """
    wanted = [marks] if isinstance(marks, str) else list(marks)
    for m in wanted:
        if m not in _MARKS:
            raise ValueError(f"未知的标识 {m!r}；可用：{'、'.join(_MARKS)}")
    if snap.homepage is None:
        return CheckResult("needs_review", (), 0, "未能获取首页，无法检查网站标识")
    text = norm_text(snap.homepage.text)
    home = snap.homepage.url or snap.homepage_url or snap.site_url
    found, findings = [], []
    for m in wanted:
        hit = _MARKS[m].search(text)
        if not hit and m == "党政机关网站标识":
            homes = {norm_url(u) for u in (home, snap.homepage_url, snap.site_url) if u}
            hit = any(_BADGE_HOST in o.target_url and norm_url(o.source_url) in homes
                      for o in snap.occurrences) or None
        if hit:
            found.append(hit.group(0) if isinstance(hit, re.Match) else m)
        else:
            findings.append(Finding("site-identity", home, office=None, details={"mark": m}))
    note = f"找到：{'；'.join(found)}" if found else "首页未找到任何网站标识"
    if findings:
        note += f"；缺少：{'、'.join(f.details['mark'] for f in findings)}"
    return CheckResult("fail" if findings else "pass", tuple(findings), len(wanted), note)
