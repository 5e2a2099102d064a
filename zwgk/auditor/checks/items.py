"""Checks for named items that must be published: yearly documents and the 年度报告."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterator, Sequence

from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import (
    Item, column_items, column_label, documents_by_column, iso, memo, office_root, resolve_year, select_columns,
    year_mentions,
)


@check(
    "missing-item",
    title="要求的信息已公开",
    failure_title="未公开要求的信息",
    columns=[("url", "位置", "url"), ("item", "缺少的信息", "text"), ("year", "年份", "text")],
)
def missing_item(snap: SiteSnapshot, title_contains: str | Sequence[str], column: str | None = None,
                 year: int | str | None = None) -> CheckResult:
    """Some document or column entry (in `column`, or anywhere) has a title containing every
    word of `title_contains` (e.g. [统计公报], [主动公开基本目录]). With `year` (a number, or
    `current` / `previous` relative to the audit date) the title must also name that year
    (2022, 2022年, 二〇二二年). A `missing-item` finding otherwise, at the column or the
    office root. Never not_applicable: the absence is the problem.
    """
    words = [title_contains] if isinstance(title_contains, str) else list(title_contains)
    words = [norm_text(w) for w in words if norm_text(w)]
    if not words:
        raise ValueError("title_contains 不能为空")
    y = resolve_year(snap, year, None)
    cols = list(snap.columns) if column is None else select_columns(snap, column)
    for title in _titles(snap, cols, everywhere=column is None):
        t = norm_text(title)
        if all(w in t for w in words) and (y is None or year_mentions(t, y)):
            return CheckResult("pass", (), 1, f"已找到：{title}")
    where = cols[0].url if (column is not None and cols) else office_root(snap)
    item = "".join(words) if len(words) == 1 else "＋".join(words)
    details = {"item": item, "year": y}
    if column is not None:
        details["column"] = column_label(column)
    label = f"{y}年 {item}" if y else item
    return CheckResult("fail", (Finding("missing-item", where, office=snap.office, details=details),), 1,
                       f"未找到标题含“{label}”的信息")


def _titles(snap: SiteSnapshot, cols: list, everywhere: bool) -> Iterator[str]:
    """The titles of what `cols` list — their entries, then the documents filed under them — and,
    `everywhere`, of every document after them: the order column_items gives, read as it goes
    (a search that stops at its first match builds no list of the site's items)."""
    for c in cols:
        for e in c.entries:
            yield e.title
    index = documents_by_column(snap)
    for c in cols:
        for d in index.get((c.name, c.office), ()):
            yield d.title or ""
    if everywhere:
        for d in snap.documents:
            yield d.title or ""


def _is_annual_report(title: str) -> bool:
    t = norm_text(title)
    return "年度报告" in t or "年报" in t


_REPORT_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?\s*度?|[〇零○一二三四五六七八九]{4}\s*年\s*度?")
# where the body that reports ends in a report's title: 沂源县财政局|2022年政府信息公开工作年度报告
_REPORT_WORDS = re.compile(r"(?:关于)?(?:政府)?(?:信息公开|政务公开|政府信息公开工作|信息公开工作)|工作年度报告|年度报告|年报")
# a county's (city's …) government itself, not a department or a town: 沂源县人民政府, 沂源县
_GOVERNMENT = re.compile(r"^[\u4e00-\u9fa5]{0,10}(?:省|市|县|区|旗|州|盟)(?:人民政府)?$")
_PUNCT = "【】[]（）()「」“”\"'<>《》:：-—_ "


_BODY_END = re.compile(r"(?:局|委|委员会|办|办公室|室|中心|院|所|站|队|镇|乡|街道|政府|会|处|厅|部|分局)$")


def report_issuer(title: str) -> str:
    """Who an annual report is of, as its title names them: 沂源县财政局 in 「沂源县财政局2022年政府
    信息公开工作年度报告」, 「2022年度沂源县财政局政府信息公开年报」 and 「2022年度…年度报告（县财政局）」;
    "" when the title names nobody (the report of whoever lists it)."""
    t = _REPORT_YEAR.sub(" ", norm_text(title))
    parts = _REPORT_WORDS.split(t)
    head = re.sub(r"关于.*$", "", parts[0]).strip(_PUNCT) if parts else ""
    if head:
        return head
    tail = next((p.strip(_PUNCT) for p in parts[1:] if p.strip(_PUNCT)), "")
    return tail if _BODY_END.search(tail) else ""


def _same_body(a: str, b: str | None) -> bool:
    if not a or not b:
        return False
    from ..scoring import office_key

    return norm_text(a) == norm_text(b) or office_key(a) == office_key(b)


def _is_government(who: str) -> bool:
    return bool(_GOVERNMENT.match(norm_text(who)))


def _annual_reports(snap: SiteSnapshot, year: int) -> tuple[list, list[Item]]:
    """(the 年度报告 columns, the reports for `year` they list or the documents titled so)."""
    cols = select_columns(snap, "annual_report")
    items: list[Item] = column_items(snap, cols)
    items += memo("annual_report_documents", snap.documents, lambda: [
        Item(d.url, d.title or "", d.publish_date, None) for d in snap.documents
        if "信息公开" in norm_text(d.title or "") and _is_annual_report(d.title or "")])
    found, seen = [], set()
    for i in items:
        if _is_annual_report(i.title) and year_mentions(i.title, year) and (i.url, i.date) not in seen:
            seen.add((i.url, i.date))
            found.append(i)
    return cols, found


OWN, SKIP = "", None


def _owner(who: str, office: str | None, offices: Sequence[str]) -> str | None:
    """Whose report a title naming `who` is, seen from `office`'s run: OWN, SKIP (another 评估对象's,
    judged in its own run) or — on the portal's run — the name of a body that is no 评估对象 of
    the site (a department without a sub-site, whose report only the portal's column lists)."""
    if not who or _same_body(who, office):
        return OWN
    if any(_same_body(who, o) for o in offices if o != office):
        return SKIP
    if _is_government(who):
        return OWN if office is None else SKIP
    return OWN if office is not None else who


@check(
    "late-annual-report",
    title="政府信息公开工作年度报告按时发布",
    failure_title="年度报告未按时发布",
    columns=[("url", "年度报告", "url"), ("year", "报告年度", "text"), ("publish_date", "发布日期", "date"),
             ("deadline", "截止日期", "date")],
)
def late_annual_report(snap: SiteSnapshot, deadline: str = "01-31", year: int | str | None = None,
                       portal_deadline: str | None = None, others: bool = True) -> CheckResult:
    """The 政府信息公开工作年度报告 for `year` (default `previous`: the year before the audit date) is
    published by `deadline` (MM-DD of the following year; 条例第四十九条: departments by
    01-31, a government's report for its whole area by 03-31 — `portal_deadline`, for the
    portal's own report, when it differs).

    Every 评估对象 is judged on its own report: an item of its 年度报告 column, any document
    titled …信息公开…年度报告/年报, or — the portal's 年报 column often lists every department's —
    an item anywhere on the site whose title names it (沂源县财政局2022年…年度报告 is 县财政局's).
    A report whose title names another 评估对象 is left to that one's run. On the portal's run,
    with `others`, reports of bodies that are no 评估对象 of the site (departments without a
    sub-site) are judged too: a late one is a finding carrying the body's name as office.
    A `late-annual-report` finding when a report was published late, or when the 评估对象's own
    is missing after the deadline (then `publish_date` and `deadline` are empty: missing is one
    problem, whichever deadline a checklist — and the baseline beside it — sets). not_applicable before the
    deadline while nothing is found; needs_review when the report shows no date.
    """
    year = resolve_year(snap, year, snap.as_of.year - 1)

    def due_of(mmdd: str) -> date:
        month, day = (int(x) for x in str(mmdd).split("-"))
        return date(year + 1, month, day)

    due = due_of(portal_deadline if snap.office is None and portal_deadline else deadline)
    cols, items = _annual_reports(snap, year)
    whole = snap.whole
    if snap.office is not None and whole is not None:
        _, anywhere = _annual_reports(whole, year)
        mine = {(i.url, i.date) for i in items}
        items += [i for i in anywhere if (i.url, i.date) not in mine and _same_body(report_issuer(i.title), snap.office)]
    groups: dict[str, list[Item]] = {}
    for i in items:
        owner = _owner(report_issuer(i.title), snap.office, snap.offices)
        if owner is not None and (owner == OWN or others):
            groups.setdefault(owner, []).append(i)
    site_name = norm_text(snap.homepage.title) if snap.homepage and snap.homepage.title else ""
    for who in [k for k in groups if k and (norm_text(k) in site_name or len(groups) == 1)]:
        # the site's own body: the one its homepage title names, or the only one it lists (a
        # department's own website lists its own reports)
        groups.setdefault(OWN, []).extend(groups.pop(who))
    res = _judge_own(snap, groups.get(OWN, []), cols, year, due)
    late = []
    other_due = due_of(deadline)
    for who, found in sorted((k, v) for k, v in groups.items() if k):
        dated = [i for i in found if i.date]
        if dated and min(i.date for i in dated) > other_due:
            first = min(dated, key=lambda i: (i.date, i.url))
            late.append(Finding("late-annual-report", first.url, first.column_url, who,
                                {"year": year, "deadline": iso(other_due), "publish_date": iso(first.date),
                                 "title": first.title, "issuer": who}))
    if not late:
        return res
    note = f"{res.note}；另有 {len(late)} 个单位的 {year} 年度报告晚于 {iso(other_due)} 发布：" + \
        "、".join(f.office for f in late[:10])
    return CheckResult("fail", res.findings + tuple(late), res.checked + len(groups) - (OWN in groups), note)


def _judge_own(snap: SiteSnapshot, found: list[Item], cols, year: int, due: date) -> CheckResult:
    base = {"year": year, "deadline": iso(due)}
    if not found:
        if snap.as_of <= due:
            return CheckResult("not_applicable", (), 0, f"{year} 年度报告尚未到截止日期 {iso(due)}")
        where = cols[0].url if cols else office_root(snap)
        # one problem whatever deadline a checklist sets: the deadline is in the note only
        f = Finding("late-annual-report", where, office=snap.office, details={"year": year, "publish_date": None})
        return CheckResult("fail", (f,), 1, f"截至 {iso(snap.as_of)} 未找到 {year} 年度报告")
    dated = [i for i in found if i.date]
    if not dated:
        return CheckResult("needs_review", (), 1, f"找到 {year} 年度报告，但未标注发布日期：{found[0].title}")
    first = min(dated, key=lambda i: (i.date, i.url))
    if first.date > due:
        f = Finding("late-annual-report", first.url, first.column_url, snap.office,
                    dict(base, publish_date=iso(first.date), title=first.title))
        return CheckResult("fail", (f,), 1, f"{year} 年度报告于 {iso(first.date)} 发布，晚于 {iso(due)}")
    return CheckResult("pass", (), 1, f"{year} 年度报告于 {iso(first.date)} 发布")
