"""发文字号 parsing (GB/T 9704-2012 §7.2.5): the one 文号 parser, for extractors and auditor.

Strict form: 机关代字〔2023〕5号 — 六角括号, four-digit year, sequence without 第 or
leading zeros, ending with 号. The 令 form 国令第711号 is also valid.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Opening bracket -> the pair name used in problem texts (after NFKC: ［ -> [, （ -> ().
_BRACKETS = {"〔": "〔〕", "[": "[]", "(": "()", "【": "【】", "〈": "〈〉", "<": "〈〉",
             "《": "《》", "{": "{}", "「": "「」", "『": "『』", "〖": "〖〗", "﹝": "﹝﹞"}
_OPEN = re.escape("".join(_BRACKETS))
_CLOSE = re.escape("〕])】〉>》}」』〗﹞")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_PLACEHOLDER = re.compile(r"^(?:无|暂无|没有|空|null|none|n/?a|[-—–/\\_.·*]+)$", re.I)

_BRACKETED = re.compile(
    rf"^(?P<code>.*?)(?P<open>[{_OPEN}])(?P<year>\d{{1,4}})(?:年)?(?P<close>[{_CLOSE}])"
    rf"(?P<di>第)?(?P<seq>\d{{1,7}})(?P<hao>号)?$")
_UNBRACKETED = re.compile(
    r"^(?P<code>\D*?\D)(?P<year>(?:19|20)\d{2})(?:年|[-—–_])?(?P<di>第)?(?P<seq>\d{1,7})(?P<hao>号)?$")
_LING = re.compile(r"^(?P<code>.{0,30}?令)(?P<di>第)?(?P<seq>\d{1,6})(?P<hao>号)?$")
_SPLIT = re.compile(r"[、；;,，]+|(?<=号)\s+(?=\S)|(?<=号)(?=[\u4e00-\u9fa5A-Za-z]{1,12}[〔\[［(（【﹝])")

# Used to find a 文号 inside running text (under a title, in parentheses after a citation).
DOC_NUMBER_IN_TEXT = re.compile(
    rf"[\u4e00-\u9fa5A-Za-z]{{1,16}}\s*[{_OPEN}［（]\s*(?:19|20)\d{{2}}\s*[{_CLOSE}］）]\s*第?\s*\d{{1,6}}\s*号"
    r"|[\u4e00-\u9fa5]{1,16}令\s*第\s*\d{1,5}\s*号")


@dataclass(frozen=True)
class DocNumber:
    raw: str
    code: str | None
    year: int | None
    seq: int | None
    valid: bool
    problems: tuple[str, ...] = ()


def _clean(raw: str) -> str:
    s = _SPACE.sub("", unicodedata.normalize("NFKC", raw.replace("﹝", "\0").replace("﹞", "\1")))
    s = s.replace("\0", "﹝").replace("\1", "﹞")  # keep the small-form brackets visible
    s = s.strip("。.，,；;：:")
    if len(s) > 2 and s[0] in "(（" and s[-1] in ")）" and "号" in s:
        s = s[1:-1]  # '(国发〔2018〕43号)' as cited in running text
    return s


def _seq_problems(m: re.Match) -> list[str]:
    out = []
    if m["di"]:
        out.append("序号前有「第」")
    if len(m["seq"]) > 1 and m["seq"].startswith("0"):
        out.append("序号有虚位（前导零）")
    if int(m["seq"]) == 0:
        out.append("序号为零")
    if not m["hao"]:
        out.append("缺少「号」")
    return out


def _from_bracketed(raw: str, m: re.Match) -> DocNumber:
    problems = []
    code = m["code"] or None
    if not code:
        problems.append("缺少机关代字")
    pair = _BRACKETS[m["open"]]
    if pair != "〔〕" or m["close"] != "〕":
        shown = pair if m["close"] == pair[1] else m["open"] + m["close"]
        problems.append(f"非标准括号「{shown}」")
    if len(m["year"]) != 4:
        problems.append("年份不是四位")
    elif not 1949 <= int(m["year"]) <= 2100:
        problems.append("年份不合理")
    if "年" in m.group(0)[m.end("year"):m.start("close") + 1]:
        problems.append("年份后有「年」")
    problems += _seq_problems(m)
    return DocNumber(raw, code, int(m["year"]), int(m["seq"]), not problems, tuple(problems))


def _from_unbracketed(raw: str, m: re.Match) -> DocNumber:
    problems = ["年份未加括号", *_seq_problems(m)]
    return DocNumber(raw, m["code"] or None, int(m["year"]), int(m["seq"]), False, tuple(problems))


def _from_ling(raw: str, m: re.Match) -> DocNumber:
    problems = []
    if not m["di"]:
        problems.append("令号缺少「第」")
    if m["seq"].startswith("0"):
        problems.append("序号有虚位（前导零）")
    if not m["hao"]:
        problems.append("缺少「号」")
    return DocNumber(raw, m["code"], None, int(m["seq"]), not problems, tuple(problems))


def split_doc_numbers(raw: str | None) -> list[str]:
    """The several 文号 of a joint document ('、', '；', ';', ',' or space after 号)."""
    if not raw:
        return []
    parts = (p.strip(" \t\u3000\u00a0") for p in _SPLIT.split(raw.strip()))
    return [p for p in parts if p]


def parse_doc_number(raw: str | None) -> DocNumber | None:
    """Parse one 文号. None for empty or placeholder values ('无', '/', '-').

    A joint string is parsed as its first part; use split_doc_numbers() for all parts.
    An unrecognised non-empty value gives valid=False with a reason.
    """
    if raw is None:
        return None
    parts = split_doc_numbers(raw)
    if not parts:
        return None
    first = parts[0].strip()
    s = _clean(first)
    if not s or _PLACEHOLDER.match(s):
        return None
    m = _BRACKETED.match(s)
    if m:
        return _from_bracketed(first, m)
    m = _LING.match(s)
    if m:
        return _from_ling(first, m)
    m = _UNBRACKETED.match(s)
    if m:
        return _from_unbracketed(first, m)
    return DocNumber(first, None, None, None, False, ("无法识别的文号格式",))


def find_doc_number(text: str | None) -> str | None:
    """The first thing shaped like a 文号 in running text, spaces normalised, or None."""
    if not text:
        return None
    m = DOC_NUMBER_IN_TEXT.search(unicodedata.normalize("NFKC", text).replace("\u3000", " "))
    return _SPACE.sub("", m.group(0)) if m else None
