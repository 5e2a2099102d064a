"""Checks for named items that must be published: yearly documents and the 年度报告."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from zwgk.vocab import norm_text

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import (
    Item, column_items, column_label, document_items, iso, office_root, resolve_year, select_columns,
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
    if column is None:
        cols = list(snap.columns)
        items = column_items(snap, cols) + document_items(snap.documents)
    else:
        cols = select_columns(snap, column)
        items = column_items(snap, cols)
    for i in items:
        t = norm_text(i.title)
        if all(w in t for w in words) and (y is None or year_mentions(t, y)):
            return CheckResult("pass", (), 1, f"已找到：{i.title}")
    where = cols[0].url if (column is not None and cols) else office_root(snap)
    item = "".join(words) if len(words) == 1 else "＋".join(words)
    details = {"item": item, "year": y}
    if column is not None:
        details["column"] = column_label(column)
    label = f"{y}年 {item}" if y else item
    return CheckResult("fail", (Finding("missing-item", where, office=snap.office, details=details),), 1,
                       f"未找到标题含“{label}”的信息")


def _is_annual_report(title: str) -> bool:
    t = norm_text(title)
    return "年度报告" in t or "年报" in t


@check(
    "late-annual-report",
    title="政府信息公开工作年度报告按时发布",
    failure_title="年度报告未按时发布",
    columns=[("url", "年度报告", "url"), ("year", "报告年度", "text"), ("publish_date", "发布日期", "date"),
             ("deadline", "截止日期", "date")],
)
def late_annual_report(snap: SiteSnapshot, deadline: str = "01-31", year: int | str | None = None) -> CheckResult:
    """The 政府信息公开工作年度报告 for `year` (default `previous`: the year before the audit date) is
    published by `deadline` (MM-DD of the following year; 条例第四十九条: departments by
    01-31, a government's report for its whole area by 03-31).

    The report is an item of an 年度报告 column, or any document titled …信息公开…年度报告/年报,
    whose title names the year. A `late-annual-report` finding when it was published late, or
    when it is missing after the deadline (then `publish_date` is empty). not_applicable
    before the deadline while nothing is found; needs_review when the report shows no date.
    """
    year = resolve_year(snap, year, snap.as_of.year - 1)
    month, day = (int(x) for x in str(deadline).split("-"))
    due = date(year + 1, month, day)
    cols = select_columns(snap, "annual_report")
    items: list[Item] = column_items(snap, cols)
    items += [i for i in document_items(snap.documents)
              if "信息公开" in norm_text(i.title) and _is_annual_report(i.title)]
    found = [i for i in items if _is_annual_report(i.title) and year_mentions(i.title, year)]
    base = {"year": year, "deadline": iso(due)}
    if not found:
        if snap.as_of <= due:
            return CheckResult("not_applicable", (), 0, f"{year} 年度报告尚未到截止日期 {iso(due)}")
        where = cols[0].url if cols else office_root(snap)
        f = Finding("late-annual-report", where, office=snap.office, details=dict(base, publish_date=None))
        return CheckResult("fail", (f,), 1, f"截至 {iso(snap.as_of)} 未找到 {year} 年度报告")
    dated = [i for i in found if i.date]
    if not dated:
        return CheckResult("needs_review", (), 1, f"找到 {year} 年度报告，但未标注发布日期：{found[0].title}")
    first = min(dated, key=lambda i: i.date)
    if first.date > due:
        f = Finding("late-annual-report", first.url, first.column_url, snap.office,
                    dict(base, publish_date=iso(first.date), title=first.title))
        return CheckResult("fail", (f,), 1, f"{year} 年度报告于 {iso(first.date)} 发布，晚于 {iso(due)}")
    return CheckResult("pass", (), 1, f"{year} 年度报告于 {iso(first.date)} 发布")
