"""Checks on columns (栏目): present, not blank, kept up, complete by period, kept long enough."""
from __future__ import annotations

from datetime import timedelta
from typing import Mapping, Sequence

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import (
    EVERY, column_items, column_matches, column_label, covered_labels, documents_by_column, iso, newest, office_root,
    oldest, outcome, periods, resolve_year, select_columns, years_before,
)


@check(
    "column-exists",
    title="栏目已设置",
    failure_title="缺少栏目",
    columns=[("url", "位置", "url"), ("column", "缺少的栏目", "text")],
    finding="missing-column",
)
def column_exists(snap: SiteSnapshot, column: str) -> CheckResult:
    """The 评估对象 has a column called `column` (a kind key such as `normative`, or a name).

    Names of the same kind match (政策解读 = 解读回应). One `missing-column` finding at the
    office's root when no column matches. Never not_applicable: the absence is the problem.
    """
    cols = select_columns(snap, column)
    if cols:
        return CheckResult("pass", (), 1, f"找到栏目：{'、'.join(c.name for c in cols[:5])}")
    f = Finding("missing-column", office_root(snap), office=snap.office,
                details={"column": column_label(column)})
    return CheckResult("fail", (f,), 1, f"未找到“{column_label(column)}”栏目")


SINGLE_PAGE_CHARS = 200  # a page with this much text of its own is content, not an empty list


@check(
    "blank-column",
    title="无空白栏目",
    failure_title="存在空白栏目",
    columns=[("url", "栏目", "url"), ("column", "栏目名称", "text")],
)
def blank_column(snap: SiteSnapshot, column: str | Sequence[str] | None = None, min_count: int = 1) -> CheckResult:
    """Columns (all, or those `column` selects — a kind, a name, or a list of them) that list
    nothing: no entry and no document.

    A parent column whose content sits in its sub-columns (`has_children`) is not blank, nor a
    single-page column whose page is its content (a 指南 or 机构职能 text: at least
    `SINGLE_PAGE_CHARS` characters of its own, outside links and the site's frame). A column
    whose list could not be read (`read_error`: robots.txt, errors after retries, a WAF page) is not
    judged: needs_review when it could change the outcome.
    Fails when at least `min_count` columns are blank (GB19 单项否决: 空白栏目 ≥ 5); below that
    it passes and the note names the blank columns. not_applicable when no column is selected.
    """
    cols = [c for c in select_columns(snap, column) if not c.has_children and c.content_chars < SINGLE_PAGE_CHARS]
    index = documents_by_column(snap)
    findings, unread = [], []
    for c in cols:
        if not column_items(snap, [c], index):
            if c.read_error:  # a list that could not be read is no evidence of a blank column
                unread.append(c)
            else:
                findings.append(Finding("blank-column", c.url, c.parent_url, snap.office, {"column": c.name}))
    note = f"检查栏目 {len(cols)} 个，空白 {len(findings)} 个"
    if unread and len(findings) < min_count:
        names = "；".join(f"{c.name}（{c.read_error}）" for c in unread[:5])
        return CheckResult("needs_review", tuple(findings), len(cols),
                           f"{note}；{len(unread)} 个栏目列表无法读取，是否空白需人工核查：{names}")
    if findings and len(findings) < min_count:
        names = "、".join(f.details["column"] for f in findings[:10])
        return CheckResult("pass", (), len(cols), f"{note}（{names}），未达到 {min_count} 个")
    return outcome(findings, len(cols), note, empty_note="没有可检查的栏目")


# How many days a column of each class (vocab.COLUMN_KINDS) may go without a new item, read by
# stale-column with `by_class: true`. A checklist changes any of them with `limits`
# ({enforcement: 180, 执法公示: 90}); classes not named here need no regular update (指南, 制度,
# 机构职能, 领导信息, 基本目录, yearly items such as 年度报告, 预决算, 统计公报, 工作要点) or
# follow events that may not happen in a year (规范性文件, 解读, 重大行政决策) and are not judged. Sources: 国办秘函〔2019〕19号 单项否决 (动态要闻 2 周；通知公告、政策文件 6 个月；
# 应更新栏目“长期”未更新), 开普云 ChannelNotUpdateType (人事、规划计划 1 年) — DOMAIN.md (b).
UPDATE_LIMITS: dict[str, int] = {
    "news": 14,                 # 动态、要闻
    "notices": 183,             # 通知公告
    "policy": 183,              # 政策文件
    # 应更新栏目, “长期” = 1 year: the 公示 columns first
    "random_inspection": 365,   # 双随机一公开
    "enforcement": 365,         # 行政执法公示
    "license": 365,             # 行政许可（双公示）
    "punish": 365,              # 行政处罚、行政强制（双公示）
    "civil_service": 365,       # 人事、公务员招考
    "planning": 365,            # 规划计划
    "procurement": 365,         # 政府采购
    "trading": 365,             # 公共资源交易
    "finance": 365,             # 财政收支（按月）
    "stats": 365,               # 统计信息（按月）
    "investment": 365,          # 重大建设项目
}


def _class_of(c, table: Mapping[str, int], by_url: Mapping[str, object]):
    """(limit, the column that gave it): the first key of `table` that matches the column or — a
    sub-column without a class of its own (抽查结果 under 双随机一公开) — its nearest ancestor;
    (None, None) when none does."""
    seen = set()
    while c is not None and c.url not in seen:
        seen.add(c.url)
        hit = next((int(v) for k, v in table.items() if column_matches(c, k)), None)
        if hit is not None:
            return hit, c
        if c.kind is not None:
            break
        c = by_url.get(c.parent_url)
    return None, None


@check(
    "stale-column",
    title="栏目按时更新",
    failure_title="栏目长期未更新",
    columns=[("url", "栏目", "url"), ("column", "栏目名称", "text"), ("last_update", "最后更新", "date"),
             ("days", "未更新天数", "count"), ("limit", "期限（天）", "count")],
)
def stale_column(snap: SiteSnapshot, column: str | Sequence[str] | None = None, max_days: int = 365,
                 min_count: int = 1, limits: Mapping[str, int] | None = None,
                 exclude: Sequence[str] = (), top_level: bool = False, by_class: bool = False) -> CheckResult:
    """Columns whose newest entry is more than `max_days` days before the audit date.

    `column` selects columns (a kind, a name, or a list of them; all when empty); `exclude`
    leaves some out (columns that need no updates: 指南, 机构职能 …); `top_level` keeps first-level
    columns only (no parent among the site's columns); `limits` gives a column (kind or name)
    its own limit ({news: 14, notices: 183}); the check fails when at least `min_count` columns
    are stale (GB19 单项否决: 动态要闻 2 weeks + 通知公告/政策文件 6 months together ≥ 5; 应更新栏目 ≥ 10),
    below that it passes and the note says how many.

    Entry dates come from the column's list; documents filed under the column fill in. Dates
    after the audit date are ignored. Typical limits (GB19 / UCAP): 动态 14 days, 通知公告 and
    政策文件 about 183 days, 人事 and 规划计划 365 days — give them per indicator.
    With `by_class`, every column is held to its class's limit from the table UPDATE_LIMITS
    (公示 columns — 双随机一公开, 行政执法公示, 行政许可, 行政处罚 — and other 应更新栏目 one year,
    动态 two weeks, 通知公告/政策文件 six months), `limits` changing or adding entries; a sub-column
    without a class takes its parent's; columns of classes the table leaves out are not judged.
    A column without any dated entry is not counted stale but named in the note (blank
    columns are `blank-column`'s business); needs_review when no column could be judged.
    """
    cols = [c for c in select_columns(snap, column) if not (c.has_children and not c.entries)]
    if exclude:
        cols = [c for c in cols if not column_matches(c, list(exclude))]
    if top_level:
        urls = {c.url for c in snap.columns}
        cols = [c for c in cols if c.parent_url not in urls]
    table = {**(limits or {}), **{k: v for k, v in UPDATE_LIMITS.items() if k not in (limits or {})}} \
        if by_class else dict(limits or {})
    by_url = {c.url: c for c in snap.columns}
    classes = {c.url: _class_of(c, table, by_url) for c in cols} if by_class else {}
    if by_class:  # judged by its class's limit; `exclude` leaves out what inherits an excluded class too
        cols = [c for c in cols if classes[c.url][0] is not None
                and not (exclude and column_matches(classes[c.url][1], list(exclude)))]
    findings, undated = [], []
    judged = 0
    index = documents_by_column(snap)
    for c in cols:
        limit = classes[c.url][0] if by_class else \
            next((int(v) for k, v in table.items() if column_matches(c, k)), max_days)
        last = newest(column_items(snap, [c], index), snap.as_of)
        if last is None:
            undated.append(f"{c.name}（{c.read_error}）" if c.read_error else c.name)
            continue
        judged += 1
        days = (snap.as_of - last).days
        if days > limit:
            findings.append(Finding("stale-column", c.url, c.parent_url, snap.office,
                                    {"column": c.name, "last_update": iso(last), "days": days,
                                     "limit": limit}))
    shown = f"{max_days} 天" if not (limits or by_class) else "期限"
    note = f"检查栏目 {judged} 个，超过{shown}未更新 {len(findings)} 个"
    if undated:
        note += f"；无日期可判断：{'、'.join(undated[:10])}"
    if not cols:
        return CheckResult("not_applicable", (), 0, "没有需定期更新的栏目" if by_class else "没有可检查的栏目")
    if findings and len(findings) < min_count:
        return CheckResult("pass", (), judged, f"{note}，未达到 {min_count} 个")
    return outcome(findings, judged, note, empty="needs_review")


@check(
    "missing-period",
    title="栏目信息按期发布",
    failure_title="栏目信息缺期",
    columns=[("url", "栏目", "url"), ("column", "栏目名称", "text"), ("period", "缺少的周期", "text")],
)
def missing_period(snap: SiteSnapshot, column: str, every: str = "month", year: int | str | None = None,
                   lag_days: int = 0) -> CheckResult:
    """Each `every` period (week / month / quarter / year) of `year` that has ended — plus
    `lag_days` of grace for publishing — by the audit date has at least one entry.

    `year` defaults to the audit year (`previous` = the year before). An entry covers a period when it is dated in it, or
    when its title names it (2023年7月, 1-7月, 7月份, 第二季度, 前三季度, 上半年, 2023年度).
    One `missing-period` finding per missing period, `period` like 2023-07, 2023Q2, 2023,
    2023-W05. needs_review when the column is not found (that is `column-exists`' finding);
    not_applicable when no period is due yet.
    """
    if every not in EVERY:
        raise ValueError(f"every 只能是 {', '.join(EVERY)}，不是 {every!r}")
    year = resolve_year(snap, year, snap.as_of.year)
    cols = select_columns(snap, column)
    if not cols:
        return CheckResult("needs_review", (), 0, f"未找到“{column_label(column)}”栏目，无法判断")
    due = [p for p in periods(every, year) if p.end + timedelta(days=lag_days) < snap.as_of]
    if not due:
        return CheckResult("not_applicable", (), 0, f"{year} 年尚无到期的周期")
    have = covered_labels(column_items(snap, cols), year)
    name = cols[0].name
    findings = [Finding("missing-period", cols[0].url, cols[0].parent_url, snap.office,
                        {"column": name, "period": p.label})
                for p in due if p.label not in have]
    return outcome(findings, len(due), f"应发布周期 {len(due)} 个，缺少 {len(findings)} 个")


@check(
    "short-retention",
    title="栏目信息保留期限符合要求",
    failure_title="栏目信息保留期限不足",
    columns=[("url", "栏目", "url"), ("column", "栏目名称", "text"), ("oldest", "最早信息", "date"),
             ("years", "应保留（年）", "count")],
)
def short_retention(snap: SiteSnapshot, column: str, years: int = 2) -> CheckResult:
    """The column still shows information at least `years` years old (e.g. 公务员招考 keeps 2
    years): a `short-retention` finding when its oldest dated entry is newer than the audit
    date minus `years`.

    Only what the crawl walked is seen: a crawl limited to the first list pages makes a column
    look younger than it is. needs_review when the column is missing or has no dated entry.
    """
    cols = select_columns(snap, column)
    if not cols:
        return CheckResult("needs_review", (), 0, f"未找到“{column_label(column)}”栏目，无法判断")
    first = oldest(column_items(snap, cols))
    if first is None:
        return CheckResult("needs_review", (), 0, "栏目信息均无日期，无法判断保留期限")
    if first > years_before(snap.as_of, years):
        f = Finding("short-retention", cols[0].url, cols[0].parent_url, snap.office,
                    {"column": cols[0].name, "oldest": iso(first), "years": years})
        return CheckResult("fail", (f,), 1, f"最早信息为 {iso(first)}，不足 {years} 年")
    return CheckResult("pass", (), 1, f"最早信息为 {iso(first)}")
