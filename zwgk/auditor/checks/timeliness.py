"""Checks on how quickly documents are published, counted in China working days."""
from __future__ import annotations

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ..workdays import working_days_between
from ._select import iso, select_documents


@check(
    "late-publication",
    title="文件在规定时限内公开",
    failure_title="文件超期公开",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("written_date", "成文日期", "date"),
             ("publish_date", "发布日期", "date"), ("working_days", "间隔工作日", "count"),
             ("limit", "时限（工作日）", "count")],
)
def late_publication(snap: SiteSnapshot, column: str | None = None,
                     max_working_days: int = 20) -> CheckResult:
    """主动公开 information is published within `max_working_days` working days of being
    made (《政府信息公开条例》第二十六条: 20). Working days after 成文日期 up to 发布日期,
    statutory holidays off and 调休 workdays on; a `late-publication` finding above the limit.

    Documents missing either date, or written after publication (`date-order`), are skipped;
    解读 pages too unless `column` selects them. When the calendar has no data for a year the
    document cannot be judged: needs_review if nothing else failed.
    """
    findings, checked, unknown = [], 0, 0
    for d in select_documents(snap, column):
        if not (d.written_date and d.publish_date) or d.written_date > d.publish_date:
            continue
        days = working_days_between(d.written_date, d.publish_date)
        if days is None:
            unknown += 1
            continue
        checked += 1
        if days > max_working_days:
            findings.append(Finding("late-publication", d.url, office=d.office, details={
                "written_date": iso(d.written_date), "publish_date": iso(d.publish_date),
                "working_days": days, "limit": max_working_days, "title": d.title}))
    note = f"检查文件 {checked} 件，超过 {max_working_days} 个工作日公开 {len(findings)} 件"
    if unknown:
        note += f"；{unknown} 件所在年份缺少节假日数据，需人工核对"
    if findings:
        return CheckResult("fail", tuple(findings), checked, note)
    if unknown:
        return CheckResult("needs_review", (), checked, note)
    if not checked:
        return CheckResult("not_applicable", (), 0, "没有同时标注成文日期和发布日期的文件")
    return CheckResult("pass", (), checked, note)
