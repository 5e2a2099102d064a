"""Checks on policy interpretation (政策解读): every policy has one, on time, linked both ways,
and in more than plain text."""
from __future__ import annotations

from zwgk.vocab import norm_text

from ..model import CheckResult, Document, Finding, SiteSnapshot
from ..registry import check
from ..workdays import working_days_between
from ._select import iso, iter_pairs, named_documents, norm_url, office_root, outcome, select_columns, select_documents, to_date

# forms other than plain text, and words in a 解读 page's title that show them
_RICH_FORMS = {"图解": ("图解", "一图读懂", "一图看懂", "图说", "长图", "漫画", "动漫"),
               "视频": ("视频", "微视频", "动画", "音频", "H5"),
               "问答": ("问答", "答记者问", "答问", "访谈", "一问一答", "QA")}


@check(
    "missing-interpretation",
    title="政策文件均有解读",
    failure_title="政策文件缺少解读",
    columns=[("url", "文件", "url"), ("title", "标题", "text")],
)
def missing_interpretation(snap: SiteSnapshot, column: str = "normative", since: str | None = None,
                           require_link: bool = False) -> CheckResult:
    """Every policy document in `column` (default: 行政规范性文件) has a 解读: its page links
    to one, or some 解读 page links back to it. With `require_link` only a link on the policy
    page itself counts. `since` (YYYY-MM-DD) limits the check to documents published from that
    day. One `missing-interpretation` finding per document; not_applicable when there is none.
    """
    start = to_date(since)
    docs = [d for d in select_documents(snap, column, interpretations=False)
            if start is None or (d.publish_date and d.publish_date >= start)]
    linked_back = {norm_url(u) for j in snap.documents if j.is_interpretation for u in j.policy_urls}
    findings = [Finding("missing-interpretation", d.url, office=d.office, details={"title": d.title})
                for d in docs
                if not d.interpretation_urls and (require_link or norm_url(d.url) not in linked_back)]
    return outcome(findings, len(docs), f"检查文件 {len(docs)} 件，无解读 {len(findings)} 件",
                   empty_note="没有需要解读的文件")


@check(
    "late-interpretation",
    title="解读与文件同步发布",
    failure_title="解读发布滞后",
    columns=[("url", "解读", "url"), ("title", "标题", "text"), ("policy_url", "政策文件", "url"),
             ("publish_date", "文件发布日期", "date"), ("interpretation_date", "解读发布日期", "date"),
             ("working_days", "间隔工作日", "count"), ("limit", "时限（工作日）", "count")],
)
def late_interpretation(snap: SiteSnapshot, max_working_days: int = 3) -> CheckResult:
    """A 解读 appears at the latest `max_working_days` working days after its policy
    (default 3, statutory holidays off, 调休 workdays on). Policy and 解读 are paired by the
    links either page carries. A `late-interpretation` finding on the 解读 page; pairs missing
    a publish date are skipped; needs_review when the calendar lacks a year and nothing failed.
    """
    findings, checked, unknown = [], 0, 0
    for p, j in iter_pairs(snap):
        if not (p.publish_date and j.publish_date):
            continue
        days = working_days_between(p.publish_date, j.publish_date)
        if days is None:
            unknown += 1
            continue
        checked += 1
        if days > max_working_days:
            findings.append(Finding("late-interpretation", j.url, p.url, j.office, {
                "policy_url": p.url, "publish_date": iso(p.publish_date),
                "interpretation_date": iso(j.publish_date), "working_days": days,
                "limit": max_working_days, "title": j.title}))
    note = f"检查文件与解读 {checked} 对，滞后 {len(findings)} 对"
    if unknown:
        note += f"；{unknown} 对所在年份缺少节假日数据，需人工核对"
    if findings:
        return CheckResult("fail", tuple(findings), checked, note)
    if unknown:
        return CheckResult("needs_review", (), checked, note)
    return outcome((), checked, note, empty_note="没有可配对且标注发布日期的文件和解读")


@check(
    "interpretation-without-backlink",
    title="文件与解读相互链接",
    failure_title="解读未链接回政策文件",
    columns=[("url", "解读", "url"), ("title", "标题", "text"), ("policy_url", "政策文件", "url")],
)
def interpretation_without_backlink(snap: SiteSnapshot) -> CheckResult:
    """A 解读 page that a policy page links to links back to that policy (链通).

    One `interpretation-without-backlink` finding per (解读, policy). Linked 解读 pages that
    were not crawled cannot be judged: needs_review when that is all there is.
    """
    by_url = named_documents(snap.documents, {norm_url(u) for p in snap.documents if not p.is_interpretation
                                              for u in p.interpretation_urls})
    findings, checked, unseen = [], 0, 0
    for p in snap.documents:
        if p.is_interpretation:
            continue
        for u in p.interpretation_urls:
            j = by_url.get(norm_url(u))
            if j is None:
                unseen += 1
                continue
            checked += 1
            if norm_url(p.url) not in {norm_url(x) for x in j.policy_urls}:
                findings.append(Finding("interpretation-without-backlink", j.url, p.url, j.office,
                                        {"policy_url": p.url, "title": j.title}))
    note = f"检查解读链接 {checked} 个，未回链 {len(findings)} 个"
    if unseen:
        note += f"；{unseen} 个解读页面未采集到"
    return outcome(findings, checked, note, empty="needs_review" if unseen else "not_applicable",
                   empty_note=note if unseen else "没有链接解读的政策文件")


def _rich_forms(text: str | None) -> set[str]:
    t = norm_text(text).upper()
    return {form for form, words in _RICH_FORMS.items() if any(w.upper() in t for w in words)}


def _forms(p: Document, interps: list[Document]) -> set[str]:
    """Non-text forms of a policy's 解读: from the form labels of its links and the 解读 titles."""
    forms: set[str] = set()
    for text in (*p.interpretation_forms, *(j.title for j in interps)):
        forms |= _rich_forms(text)
    return forms


@check(
    "interpretation-forms",
    title="解读形式多样",
    failure_title="多元化解读比例不足",
    columns=[("url", "位置", "url"), ("share", "多元化解读比例", "share"), ("min_share", "要求比例", "share"),
             ("rich", "多元化解读件数", "count"), ("total", "已解读文件件数", "count")],
)
def interpretation_forms(snap: SiteSnapshot, min_share: float = 0.6) -> CheckResult:
    """At least `min_share` of the interpreted policies have a 解读 in a form other than plain
    text: 图解, 视频 or 问答 (台儿庄 2021: 多元化解读率 ≥ 60%). Forms come from the links on
    the policy page and from the titles of its 解读 pages (一图读懂…, 答记者问…). One
    `interpretation-forms` finding with `share` when below; not_applicable with no 解读.
    """
    by_policy: dict[str, list[Document]] = {}
    policies: dict[str, Document] = {}
    for p, j in iter_pairs(snap):
        by_policy.setdefault(norm_url(p.url), []).append(j)
        policies[norm_url(p.url)] = p
    for p in snap.documents:
        if not p.is_interpretation and (p.interpretation_urls or p.interpretation_forms):
            policies.setdefault(norm_url(p.url), p)
    if not policies:
        return CheckResult("not_applicable", (), 0, "没有已解读的政策文件")
    rich = sum(1 for k, p in policies.items() if _forms(p, by_policy.get(k, [])))
    share = round(rich / len(policies), 3)
    note = f"已解读文件 {len(policies)} 件，多元化解读 {rich} 件，比例 {share:.0%}"
    if share < min_share:
        cols = select_columns(snap, "interpretation")
        where = cols[0].url if cols else office_root(snap)
        f = Finding("interpretation-forms", where, office=snap.office,
                    details={"share": share, "min_share": min_share, "rich": rich, "total": len(policies)})
        return CheckResult("fail", (f,), len(policies), note)
    return CheckResult("pass", (), len(policies), note)
