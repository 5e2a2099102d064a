"""Checks on a document page's metadata (信息公开要素): present, well-formed, consistent."""
from __future__ import annotations

from typing import Callable, Sequence

from zwgk.formats.docnumber import parse_doc_number, split_doc_numbers
from zwgk.vocab import norm_text

from ..model import CheckResult, Document, Finding, SiteSnapshot
from ..registry import check
from ._select import iso, outcome, select_documents

# Chinese field name (as checklists write it) → test that the document shows it
_PRESENT: dict[str, Callable[[Document], bool]] = {
    "标题": lambda d: bool(norm_text(d.title)),
    # the body may be published as an attachment (a PDF of the 红头文件)
    "正文": lambda d: d.body_chars > 0 or bool(d.attachments),
    "文号": lambda d: bool(norm_text(d.doc_number)),
    # a date shown but not a date (2023年13月45日) is present, just wrong: malformed-date's business
    "成文日期": lambda d: d.written_date is not None or _shown_malformed(d, "成文日期"),
    "发布日期": lambda d: d.publish_date is not None or _shown_malformed(d, "发布日期"),
    "有效性": lambda d: bool(norm_text(d.validity)),
    "索引号": lambda d: bool(norm_text(d.index_no)),
    "发布机构": lambda d: bool(norm_text(d.publisher)),
    "主题分类": lambda d: bool(norm_text(d.topic)),
}


def _shown_malformed(d: Document, name: str) -> bool:
    return any(f == name for f, _ in d.malformed_dates)


# other labels seen on pages and in checklists (DOMAIN.md (e))
_SYNONYMS = {
    "名称": "标题", "发文字号": "文号", "文件编号": "文号", "发文日期": "成文日期", "生成日期": "成文日期",
    "产生日期": "成文日期", "发布时间": "发布日期", "时效": "有效性", "发文机关": "发布机构",
    "发布单位": "发布机构", "来源": "发布机构", "分类": "主题分类", "所属主题": "主题分类",
}
DEFAULT_FIELDS = ("标题", "正文", "文号", "成文日期", "发布日期", "有效性")


def _field(name: str) -> str:
    n = norm_text(name)
    n = _SYNONYMS.get(n, n)
    if n not in _PRESENT:
        raise ValueError(f"未知的要素 {name!r}；可用：{'、'.join(_PRESENT)}")
    return n


@check(
    "missing-field",
    title="文件要素齐全",
    failure_title="文件缺少公开要素",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("field", "缺少要素", "text")],
)
def missing_field(snap: SiteSnapshot, column: str | None = None,
                  fields: Sequence[str] = DEFAULT_FIELDS) -> CheckResult:
    """Every document (in `column`, or all) shows each of `fields`; one `missing-field`
    finding per missing field per document.

    Fields: 标题, 正文 (body text or an attachment), 文号, 成文日期, 发布日期, 有效性, 索引号,
    发布机构, 主题分类, and the synonyms seen on pages (发文字号, 发布时间, 时效 …). An unknown
    field name is an error. A 成文日期/发布日期 the page shows but that is no date (2023年13月45日)
    is not missing: `malformed-date` reports it. 解读 pages are skipped unless `column` selects a 解读 column.
    not_applicable when there is no document.
    """
    wanted = [_field(f) for f in ([fields] if isinstance(fields, str) else fields)]
    findings, checked = [], 0
    for d in select_documents(snap, column):
        checked += 1
        findings += [Finding("missing-field", d.url, office=d.office, details={"field": f, "title": d.title})
                     for f in wanted if not _PRESENT[f](d)]
    return outcome(findings, checked, f"检查文件 {checked} 件，缺少要素 {len(findings)} 处",
                   empty_note="没有可检查的文件")


@check(
    "doc-number-format",
    title="文号格式规范",
    failure_title="文号格式不规范",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("doc_number", "文号", "code"),
             ("reason", "问题", "text")],
)
def doc_number_format(snap: SiteSnapshot, column: str | None = None) -> CheckResult:
    """Every 文号 shown follows GB/T 9704-2012 §7.2.5: 机关代字〔年份〕序号号 — 六角括号, the year
    in full, no 第, no leading zeros (国令第711号 style 令 numbers are allowed).

    Parsing is zwgk.formats.docnumber's; a `doc-number-format` finding carries its reasons.
    Each 文号 of a joint document (联合发文) is checked; a value not recognisable as a 文号 is
    a finding too, a placeholder (无, /) is not. Documents without a 文号 are
    `missing-field`'s business; not_applicable when no document shows one.
    """
    findings, checked = [], 0
    for d in select_documents(snap, column):
        for raw in split_doc_numbers(d.doc_number):
            parsed = parse_doc_number(raw)
            if parsed is None:  # a placeholder such as 无 or /
                continue
            checked += 1
            if not parsed.valid:
                findings.append(Finding("doc-number-format", d.url, office=d.office, details={
                    "doc_number": raw, "reason": "；".join(parsed.problems) or "文号格式不规范",
                    "title": d.title}))
    return outcome(findings, checked, f"检查文号 {checked} 个，不规范 {len(findings)} 个",
                   empty_note="没有标注文号的文件")


@check(
    "date-order",
    title="成文日期与发布日期先后正确",
    failure_title="成文日期晚于发布日期",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("written_date", "成文日期", "date"),
             ("publish_date", "发布日期", "date")],
)
def date_order(snap: SiteSnapshot, column: str | None = None) -> CheckResult:
    """A document cannot be published before it was written: a `date-order` finding when
    成文日期 is after 发布日期. Only documents showing both dates are examined.
    """
    findings, checked = [], 0
    for d in select_documents(snap, column):
        if d.written_date and d.publish_date:
            checked += 1
            if d.written_date > d.publish_date:
                findings.append(Finding("date-order", d.url, office=d.office, details={
                    "written_date": iso(d.written_date), "publish_date": iso(d.publish_date), "title": d.title}))
    return outcome(findings, checked, f"检查文件 {checked} 件，日期颠倒 {len(findings)} 件",
                   empty_note="没有同时标注成文日期和发布日期的文件")


@check(
    "malformed-date",
    title="日期格式正确",
    failure_title="日期无法识别",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("field", "要素", "text"),
             ("raw", "页面所示", "code")],
)
def malformed_date(snap: SiteSnapshot, column: str | None = None) -> CheckResult:
    """Every 成文日期 and 发布日期 a document shows is a real date: a `malformed-date` finding,
    with the field and the text as printed on the page, for 2023年13月45日, 二〇二三年九月三十一日,
    2023-02-30 and the like (the extractor keeps such text in the document's reasons).

    Such a field is present but wrong, so `missing-field` does not report it too. Documents
    without any date are not examined; 解读 pages are skipped unless `column` selects them.
    """
    findings, checked = [], 0
    for d in select_documents(snap, column):
        if d.written_date or d.publish_date or d.malformed_dates:
            checked += 1
            findings += [Finding("malformed-date", d.url, office=d.office,
                                 details={"field": name, "raw": raw, "title": d.title})
                         for name, raw in d.malformed_dates]
    return outcome(findings, checked, f"检查文件 {checked} 件，日期无法识别 {len(findings)} 处",
                   empty_note="没有标注日期的文件")
