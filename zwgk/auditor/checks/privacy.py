"""Personal information exposed on document pages and in their attachments (身份证号, 银行卡号, 手机号码, 住址)."""
from __future__ import annotations

from collections import Counter

from zwgk.formats.doctext import READABLE
from zwgk.formats.pii import KINDS

from ..model import CheckResult, Finding, SiteSnapshot
from ..registry import check
from ._select import doc_matches, matching

SURE = "确定泄露"
REVIEW = "需人工核实"


@check(
    "personal-info",
    title="未发现未脱敏的个人信息",
    failure_title="页面或附件泄露个人信息",
    columns=[("url", "文件", "url"), ("where", "位置", "text"), ("kind", "信息类型", "text"),
             ("count", "处数", "count"), ("value", "示例（已脱敏）", "text"), ("context", "上下文（已脱敏）", "text"),
             ("verdict", "判断", "text")],
)
def personal_info(snap: SiteSnapshot, column: str | None = None,
                  kinds: tuple[str, ...] | list[str] = tuple(KINDS)) -> CheckResult:
    """No document page, and no attachment text read, shows personal information that was not
    de-identified: an 18-digit 身份证号 with a valid GB 11643 check digit, date of birth and
    province code, or a 16-19 digit 银行卡号 passing Luhn, is a failure (确定泄露); a 手机号码, a
    15-digit old ID number without an ID label, a 住址 next to a person's name is needs review
    (a contact line may be intended). Masked numbers (370323********1234), 统一社会信用代码,
    索引号, 文号, hotlines and numbers in URLs are not counted (zwgk/formats/pii.py). Pages are
    read as they are extracted; PDF, DOCX, XLSX, DOC, WPS and XLS attachments after the crawl
    (crawler/attachment_scan.py) — the note says how many attachments were read, how many could
    not be (encrypted, damaged, a download refused), and how many were not looked at: a format
    not read (ZIP, OFD, PPT …, named) or a file not downloaded (a broken link, over the limit).

    One finding per document, place (正文 or one attachment) and kind, with the count, the first
    value and its context — both masked: the report never shows a full number. `column`
    restricts to the documents of a column; `kinds` to some of id_card, bank_card, mobile, address.
    """
    wanted = [kinds] if isinstance(kinds, str) else list(kinds)
    for k in wanted:
        if k not in KINDS:
            raise ValueError(f"未知的个人信息类型 {k!r}；可用：{'、'.join(KINDS)}")
    docs = matching(snap.documents, lambda d: doc_matches(d, column))
    findings, sure = [], False
    for d in docs:
        groups: dict[tuple, list] = {}
        for h in d.content_hits:
            if h.kind in wanted:
                groups.setdefault((h.attachment or "", h.kind), []).append(h)
        for (attachment, kind), hits in groups.items():
            first = next((h for h in hits if h.sure), hits[0])
            sure = sure or first.sure
            where = "正文"
            if attachment:
                name = next((a.name for a in d.attachments if a.url == attachment), "")
                where = f"附件：{name}" if name else "附件"
            findings.append(Finding(
                "personal-info", attachment or d.url, source=d.url if attachment else None, office=d.office,
                details={"title": d.title, "where": where, "kind": KINDS[kind],
                         "count": len(hits) + sum(h.more for h in hits),
                         "value": first.value, "context": first.context,
                         "verdict": SURE if first.sure else REVIEW}))
    if not docs:
        return CheckResult("not_applicable", (), 0, "没有抓取到文件页面")
    counts: Counter = Counter()
    for f in findings:
        counts[f.details["kind"]] += f.details["count"]
    summary = "、".join(f"{k} {n} 处" for k, n in counts.items())
    # attachments looked at after the crawl (crawler/attachment_scan.py): read / could not be read
    looked = {(h.kind, h.attachment) for d in docs for h in d.content_hits if h.kind in ("read", "unread")}
    read = sum(k == "read" for k, _ in looked)
    seen = {u for _, u in looked}
    left = {a.url: (a.ext or "").lower() for d in docs for a in d.attachments if a.url not in seen}
    formats = Counter(e or "无扩展名" for e in left.values() if e not in READABLE)
    parts = [f"附件读取 {read} 个，无法读取 {len(looked) - read} 个"] if looked else []
    if formats:
        parts.append(f"{sum(formats.values())} 个附件格式不支持读取（"
                     + "、".join(f"{e.upper() if e != '无扩展名' else e} {n} 个" for e, n in formats.most_common(5))
                     + ("等" if len(formats) > 5 else "") + "）")
    if len(left) > sum(formats.values()):
        parts.append(f"{len(left) - sum(formats.values())} 个附件未下载读取")
    scope = f"检查文件 {len(docs)} 件" + (f"（{'；'.join(parts)}）" if parts else "")
    if sure:
        return CheckResult("fail", tuple(findings), len(docs), f"{scope}，发现未脱敏的个人信息：{summary}")
    if findings:
        return CheckResult("needs_review", tuple(findings), len(docs),
                           f"{scope}，发现可能的个人信息（{summary}），需人工核实是否应当公开")
    return CheckResult("pass", (), len(docs), f"{scope}，未发现未脱敏的个人信息")
