"""有效性 against the page's own words: a document marked 有效 that says it is repealed or expired."""
from __future__ import annotations

import re
from datetime import date

from zwgk.formats.dates import DATE_SHAPE, DATE_TEXT, parse_date

from ..model import CheckResult, Document, Finding, SiteSnapshot
from ..registry import check
from ._select import iso, outcome, select_documents, years_before

_DATE = DATE_SHAPE  # what is written as a date (validity is parse_date's to say)
_D = rf"(?P<d>{DATE_TEXT})"
# this document, as it names itself (本办法, 此件 …); 该 is left out: it as often means a document just quoted
_SELF = re.compile(r"(?:本|此)(?:实施细则|规范性文件|办法|规定|通知|文件|意见|细则|决定|公告|通告|方案|规则"
                   r"|措施|政策|制度|条例|规划|批复|指引|指南|目录|清单|规程|标准|件)")
_REPEAL = re.compile(r"废止|失效")
_NEGATED = re.compile(r"(?:未|不|尚未|是否|不得|不再|无)$")
# a clause that goes on about this document: dates and these characters only (…，自2023年1月1日起废止)
_SAME_SUBJECT = re.compile(r"^[自于起至将即届时到期满后动行予以宣布正式之日当并及已经被整止]*$")
# between 本办法 and 废止: another subject (《XX》, …的…), a part of it (第三条), an earlier time (施行前)
_NOT_WHOLE = re.compile(r"[《》的]|第[^，,]{1,6}[条款项章节]|部分|条款|前")
_CONDITIONAL = re.compile(r"如果|如遇|如有|如与|若(?!干)|一旦|遇有|与[^，。]{0,30}不一致")
_EXPIRES_ON = re.compile(
    r"有效期(?:为|是|限)?[:：]?\s*(?:(?:自|从)?" + _D.replace("?P<d>", "") + r"(?:起)?\s*(?:至|到|—|－|-|~|～)\s*"
    r"|(?:至|截至|截止(?:到|至)?|到)\s*[:：]?)\s*" + _D)
_YEARS = re.compile(r"有效期(?:为|是)?(?P<n>[0-9一二两三四五六七八九十]{1,2})年")
_STARTS = re.compile(r"自" + _D + r"起(?:施行|实施|执行|生效)|自(?P<event>印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_LABELLED = re.compile(r"(?:废止|失效)(?:日期|时间)\s*[:：]?\s*" + _D)
_STATE_LABEL = re.compile(r"(?:状态|文件状态|效力状态)\s*[:：]\s*(?:已经?|已被)?(?:宣布)?(?:废止|失效)")
_BANNER = re.compile(r"(?:(?:此|本|该)(?:件|文件))?(?:已经?|已被|已宣布|宣布)(?:废止|失效)")
_TITLE_MARK = re.compile(r"[(（【\[](?:已经?)?(?:废止|失效)[)）】\]]\s*$")
_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_SENTENCES = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")


def _years(n: str) -> int | None:
    if n.isdigit():
        return int(n)
    if len(n) == 1:
        return _NUM.get(n)
    if n[0] == "十":
        return 10 + (_NUM.get(n[1]) or 0)
    return None


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _without_dates(text: str) -> str:
    return _DATE.sub("", text)


def _last_date(text: str) -> date | None:
    found = [parse_date(m.group(0)) for m in _DATE.finditer(text)]
    return found[-1] if found and found[-1] else None


def _self_repeal(sentence: str, as_of: date) -> str | None:
    """Why a sentence says this document is repealed by `as_of`, or None."""
    if _CONDITIONAL.search(sentence):
        return None
    for word in _REPEAL.finditer(sentence):
        before = sentence[:word.start()]
        if before.endswith("同时") or _NEGATED.search(before) or sentence[word.end():word.end() + 1] == "的":
            continue  # 《XX办法》同时废止: another document; 未废止; 已废止的文件
        subjects = list(_SELF.finditer(before))
        if not subjects:
            continue
        gap = before[subjects[-1].end():]
        if _NOT_WHOLE.search(gap):
            continue  # 本通知公布的…失效, 本办法施行后《XX》废止, 本办法第三条废止: not this document
        clauses = re.split(r"[，,、]", gap)
        if len(clauses) > 1 and not _SAME_SUBJECT.match(_without_dates(clauses[-1])):
            continue  # 本办法自…施行，原办法废止: the last clause has a subject of its own
        when = _last_date(clauses[-1])
        if when is not None:
            if when <= as_of:
                return f"页面写明本文件自{iso(when)}起废止或失效，不晚于审计日期{iso(as_of)}"
            continue
        if re.search(r"到期|届时|期满", clauses[-1]):
            continue  # expiry at the end of a period: the 有效期 rules decide
        return "页面写明本文件已废止或失效"
    return None


def _expiry(sentence: str, doc: Document, labelled: bool) -> date | None:
    """The last day a sentence (or metadata line) gives this document, if it says so."""
    m = _EXPIRES_ON.search(sentence)
    if m and (labelled or _about_self(sentence, m.start())):
        return parse_date(m.group("d"))
    y = _YEARS.search(sentence)
    if y and _about_self(sentence, y.start()):
        n = _years(y.group("n"))
        s = _STARTS.search(sentence)
        start = None
        if s and s.group("d"):
            start = parse_date(s.group("d"))
        elif s:
            start = doc.written_date if s.group("event") == "印发" else (doc.publish_date or doc.written_date)
        if n and start:
            end = years_before(start, -n)
            return date.fromordinal(end.toordinal() - 1)
    return None


def _about_self(sentence: str, at: int) -> bool:
    before = sentence[:at].strip("，, ")
    if not before:
        return True  # the sentence starts with 有效期
    subjects = list(_SELF.finditer(before))
    return bool(subjects) and not re.search(r"[《》的]", before[subjects[-1].end():])


def conflict(doc: Document, as_of: date) -> tuple[str, str] | None:
    """(evidence, reason) when the page's own words say `doc` is no longer in force on `as_of`."""
    if doc.title and _TITLE_MARK.search(doc.title):
        return doc.title, "标题标明已废止或失效"
    for line in doc.validity_evidence:
        plain = _plain(line).strip("【】[]()（）")
        if _BANNER.fullmatch(plain) or _STATE_LABEL.search(plain):
            return line, "页面标明本文件已废止或失效"
        m = _LABELLED.search(plain)
        if m:
            when = parse_date(m.group("d"))
            if when and when <= as_of:
                return line, f"页面标注的废止或失效日期{iso(when)}不晚于审计日期{iso(as_of)}"
        for sm in _SENTENCES.finditer(line):
            sentence = sm.group(0).strip()
            why = _self_repeal(_plain(sentence), as_of)
            if why:
                return sentence, why
            # a metadata label (有效期至：2026-06-30), not a sentence of the body
            labelled = bool(re.search(r"有效期(?:至|限)?[:：]", plain)) and not re.search(r"[。，,；;]", line)
            end = _expiry(_plain(sentence), doc, labelled)
            if end is not None and end < as_of:
                return sentence, f"有效期至{iso(end)}，早于审计日期{iso(as_of)}"
    return None


@check(
    "validity-conflict",
    title="有效性标注与文件内容一致",
    failure_title="标注有效但文件已废止或失效",
    columns=[("url", "文件", "url"), ("title", "标题", "text"), ("validity", "标注有效性", "text"),
             ("evidence", "页面原文", "text"), ("reason", "判断依据", "text")],
)
def validity_conflict(snap: SiteSnapshot, column: str | None = None) -> CheckResult:
    """A document whose 有效性 says 有效 (现行有效 …) does not say itself that it is repealed or
    expired: a `validity-conflict` finding with the marked 有效性, the page's own words and why.

    Read: the page's words about its validity the extractor kept (Document.validity_evidence):
    a banner or state field 已废止/已失效, a 废止日期/失效日期 on or before the audit date,
    本办法/本通知/此件 … 废止/失效 (自…起废止 with a date no later than the audit date),
    有效期至 a date before the audit date, 自X起施行、有效期N年 run out; a title ending
    （已废止）. Not: another document repealed (《XX办法》同时废止, 原办法废止, 本通知公布的…失效),
    a negation (未废止), a condition (如与上级规定不一致…失效), a date still to come. Only
    documents marked 有效 are examined; 解读 pages are skipped unless `column` selects them.
    """
    findings, checked = [], 0
    for d in select_documents(snap, column):
        if d.validity != "有效":
            continue
        checked += 1
        hit = conflict(d, snap.as_of)
        if hit:
            evidence, reason = hit
            findings.append(Finding("validity-conflict", d.url, office=d.office, details={
                "title": d.title, "validity": d.validity, "evidence": evidence, "reason": reason}))
    return outcome(findings, checked, f"检查标注有效的文件 {checked} 件，与页面内容矛盾 {len(findings)} 件",
                   empty_note="没有标注有效的文件")
