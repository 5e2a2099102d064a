"""Checks on what a page says: the 政府信息公开指南's contents, the leader-information fields, and
leaders' names in documents checked against the 领导信息 pages (leader-name).

All read page text (Page.text); leader-name also the leaders documents name (Document.mentions). The crawl keeps text for the homepage and the disclosure
roots only, so on a real crawl these checks often have nothing to read: they then say so
(needs_review) rather than guess.
"""
from __future__ import annotations

import re
from typing import Sequence

from zwgk.formats.mentions import mentions
from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import column_items, norm_url, select_columns

# what a 指南 must show (国办公开办函 / 条例第十二条 practice) and how to recognise it in its text
GUIDE_ITEMS: dict[str, re.Pattern] = {
    "机构名称": re.compile(r"(?:机构名称|单位名称|工作机构|受理机构|公开机构|负责机构|承办机构|机构[:：])"),
    "办公地址": re.compile(r"(?:地址|地点|办公场所)"),
    "办公时间": re.compile(r"(?:办公时间|受理时间|工作时间|接待时间)"),
    "联系电话": re.compile(r"(?:电话|联系方式[:：]?\(?0\d{2,3}|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d))"),
    "邮政编码": re.compile(r"(?:邮政编码|邮编)"),
    "更新日期": re.compile(r"(?:(?:更新|修订|修改)(?:日期|时间)?[:：]?(?:19|20)\d{2}|(?:19|20)\d{2}年\d{1,2}月(?:\d{1,2}日)?(?:更新|修订|修改))"),
}

# 领导信息: 姓名, 职务, 分工 (and, where a checklist asks, 简历 / 照片 text markers)
_POST = (r"(?:书记|副?(?:县|区|市|镇|乡)长|副?(?:局|处|科|所|站|院|馆|校|社|行|部|队)长|副?主任|副?主席|"
         r"党组成员|调研员|总工程师|总经济师|总会计师|副?经理|党委委员|委员)")
LEADER_FIELDS: dict[str, re.Pattern] = {
    "姓名": re.compile(r"姓名"),
    "职务": re.compile(r"(?:职务|" + _POST + ")"),
    "分工": re.compile(r"(?:分工|职责|负责|分管|主持|协助|联系|主管)"),
    "简历": re.compile(r"(?:简历|出生|籍贯|学历|参加工作|毕业于)"),
}
_NAME_TITLE = re.compile(r"^[\u4e00-\u9fa5·]{2,4}(?:同志)?(?:简介|简历|个人简历)?$")
_NAME_BEFORE_POST = re.compile(r"(?:^|[\s，,、：:])[\u4e00-\u9fa5·]{2,4}\s+(?:同志|" + _POST + ")")


def _texts(snap: SiteSnapshot, column: str) -> tuple[list, list[tuple[str, str, str]]]:
    """The selected columns, and (url, title, text) of every fetched page with text that is one
    of them, one of their entries, or a document filed under them."""
    cols = select_columns(snap, column)
    urls: dict[str, str] = {}
    for c in cols:
        urls.setdefault(norm_url(c.url), c.name)
    for i in column_items(snap, cols):
        urls.setdefault(norm_url(i.url), i.title)
    pages = []
    for p in snap.pages:
        if norm_url(p.url) in urls and (p.text or "").strip():
            pages.append((p.url, urls[norm_url(p.url)] or p.title or "", p.text))
    return cols, pages


@check(
    "guide-contents",
    title="政府信息公开指南要素齐全",
    failure_title="政府信息公开指南缺少要素",
    columns=[("url", "指南页面", "url"), ("item", "缺少的要素", "text")],
)
def guide_contents(snap: SiteSnapshot, column: str = "guide",
                   items: Sequence[str] = ("机构名称", "联系电话", "办公地址", "邮政编码", "办公时间", "更新日期")
                   ) -> CheckResult:
    """The 政府信息公开指南 (the `column` column's own page, its entries and documents, read
    together) shows each of `items`: 机构名称, 联系电话, 办公地址, 邮政编码, 办公时间, 更新日期 —
    recognised by their labels (地址, 邮编 …), a phone number, or a date next to 更新/修订.
    One `guide-contents` finding per missing item, at the guide page. needs_review when the
    column is missing or none of its pages' text was kept by the crawl; an unknown item is an error.
    """
    wanted = [items] if isinstance(items, str) else list(items)
    for it in wanted:
        if it not in GUIDE_ITEMS:
            raise ValueError(f"未知的指南要素 {it!r}；可用：{'、'.join(GUIDE_ITEMS)}")
    cols, pages = _texts(snap, column)
    if not cols:
        return CheckResult("needs_review", (), 0, "未找到政府信息公开指南栏目，无法检查指南内容")
    if not pages:
        return CheckResult("needs_review", (), 0, "抓取未保存指南页面的正文，需人工核对指南要素")
    text = norm_text(" ".join(t for _, _, t in pages))
    where = pages[0][0]
    missing = [it for it in wanted if not GUIDE_ITEMS[it].search(text)]
    findings = tuple(Finding("guide-contents", where, cols[0].url, snap.office, {"item": it}) for it in missing)
    note = f"检查指南页面 {len(pages)} 个"
    note += f"，缺少：{'、'.join(missing)}" if missing else "，要素齐全"
    return CheckResult("fail" if findings else "pass", findings, len(wanted), note)


def _leader_has(field: str, title: str, text: str) -> bool:
    if field == "姓名":
        t = norm_text(title)
        name_title = bool(_NAME_TITLE.match(t)) and not any(w in t for w in ("领导", "信息", "分工", "之窗"))
        return bool(LEADER_FIELDS["姓名"].search(norm_text(text)) or name_title
                    or _NAME_BEFORE_POST.search(title or "") or _NAME_BEFORE_POST.search(text or ""))
    return bool(LEADER_FIELDS[field].search(norm_text(title) + norm_text(text)))


@check(
    "leader-fields",
    title="领导信息要素齐全",
    failure_title="领导信息缺少要素",
    columns=[("url", "领导信息页面", "url"), ("field", "缺少的要素", "text")],
)
def leader_fields(snap: SiteSnapshot, column: str = "leaders",
                  fields: Sequence[str] = ("姓名", "职务", "分工")) -> CheckResult:
    """Each leader page of the `column` column (its entries' pages, or the column page itself
    when it lists the leaders in one place) shows `fields`: 姓名 (a 姓名 label, a name as the
    page's title, or a name followed by a post), 职务 (a 职务 label or a post: 局长, 副县长,
    主任 …), 分工 (分工 / 职责 / 负责 / 分管 …), optionally 简历. One `leader-fields` finding per
    page and missing field. needs_review when the column is missing or the crawl kept no text
    of its pages; an unknown field is an error.
    """
    wanted = [fields] if isinstance(fields, str) else list(fields)
    for fl in wanted:
        if fl not in LEADER_FIELDS:
            raise ValueError(f"未知的领导信息要素 {fl!r}；可用：{'、'.join(LEADER_FIELDS)}")
    cols, pages = _texts(snap, column)
    if not cols:
        return CheckResult("needs_review", (), 0, "未找到领导信息栏目，无法检查")
    if not pages:
        return CheckResult("needs_review", (), 0, "抓取未保存领导信息页面的正文，需人工核对姓名、职务、分工")
    findings = []
    for url, title, text in pages:
        for fl in wanted:
            if not _leader_has(fl, title, text):
                findings.append(Finding("leader-fields", url, cols[0].url, snap.office, {"field": fl, "title": title}))
    bad = len({f.url for f in findings})
    note = f"检查领导信息页面 {len(pages)} 个，要素不全 {bad} 个"
    return CheckResult("fail" if findings else "pass", tuple(findings), len(pages), note)


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def _suspect(title: str, name: str, known_title: str, known_name: str) -> bool:
    """A name one character away from a known leader's: same length, one character differs, and
    either the same title with the same surname or a different given name of a 3-character name
    (张建国 / 张建图); a two-character name whose surname differs is another person as often as not."""
    if not _one_apart(name, known_name):
        return False
    same_surname = name[0] == known_name[0]
    return same_surname and (bool(title) and title == known_title or len(name) == 3)


@check(
    "leader-name",
    title="领导姓名职务准确",
    failure_title="疑似领导姓名或职务错误",
    columns=[("url", "文件", "url"), ("title", "文件标题", "text"), ("mention", "文中写法", "text"),
             ("context", "上下文", "text"), ("leader", "领导信息中的姓名职务", "text"),
             ("leader_page", "领导信息页面", "url")],
    scope="site",
)
def leader_name(snap: SiteSnapshot, column: str = "leaders") -> CheckResult:
    """Leaders' names as documents write them agree with the site's own 领导信息 pages (the
    `column` column's page, its entries' pages). The leaders are read from those pages' text and
    the documents' mentions (县长张三, 张三副县长 …) were read at crawl time, both with
    zwgk/formats/mentions.py. A document mention whose name is not a known leader's but one
    character away from one (same length, same surname, and the same title or a 3-character
    name: 县长张建图 beside 县长张建国) is one `leader-name` finding — needs_review, never a
    failure: a machine cannot tell a typo from another person of a similar name. not_applicable
    when no 领导信息 page text was read or no leader could be read from it.
    """
    cols, pages = _texts(snap, column)
    if not pages:
        return CheckResult("not_applicable", (), 0,
                           "未读到领导信息页面的正文，无法核对文件中领导的姓名和职务")
    known: dict[tuple[str, str], str] = {}
    for url, title, text in pages:
        for mt in mentions(f"{title} {text}"):
            if mt.title:
                known.setdefault((mt.title, mt.name), url)
    if not known:
        return CheckResult("not_applicable", (), 0,
                           f"领导信息页面 {len(pages)} 个中未识别出领导的姓名和职务，无法核对")
    names = {n for _, n in known}
    leader_pages = {norm_url(u) for u, _, _ in pages}
    findings, checked = [], 0
    for d in snap.documents:
        if norm_url(d.url) in leader_pages or not d.mentions:
            continue
        checked += 1
        seen: set[str] = set()
        # a known leader of the same title first (县长张建图 → 县长张建国, not 县委副书记张建国)
        for mt in sorted(d.mentions, key=lambda x: not any(t == x.title for t, _ in known)):
            if mt.name in names or mt.name in seen:
                continue
            hits = [(t, n, u) for (t, n), u in known.items() if _suspect(mt.title, mt.name, t, n)]
            hits.sort(key=lambda h: h[0] != mt.title)
            if hits:
                seen.add(mt.name)
                t, n, u = hits[0]
                findings.append(Finding("leader-name", d.url, u, d.office, {
                    "title": d.title, "mention": f"{mt.title}{mt.name}", "name": mt.name, "context": mt.context,
                    "leader": f"{t}{n}", "leader_name": n, "leader_title": t, "leader_page": u}))
    scope = f"领导信息页面 {len(pages)} 个识别出领导 {len(names)} 人，核对提及领导的文件 {checked} 件"
    if not checked:
        return CheckResult("not_applicable", (), 0, f"{scope}：没有文件提及领导的姓名和职务")
    if findings:
        return CheckResult("needs_review", tuple(findings), checked,
                           f"{scope}，{len(findings)} 处姓名与领导信息相差一字，需人工核实是否写错")
    return CheckResult("pass", (), checked, f"{scope}，未发现疑似写错的姓名")
