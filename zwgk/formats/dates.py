"""Date parsing: the one place where dates in page text become `datetime.date`.

Accepts 2023-09-15, 2023/9/15, 2023.09.15, 2023年9月15日, 二〇二三年九月十五日 and
full-width digits, with spaces anywhere between the parts. Impossible dates are skipped.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

_CN_DIGIT = {"〇": 0, "○": 0, "Ｏ": 0, "O": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_D = "〇○零一二三四五六七八九"
_S = r"[ \t\u3000\u00a0]*"  # tolerated spaces between date parts

_TIME = (rf"(?:{_S}(?:T|{_S})(?P<H>[01]?\d|2[0-3]){_S}(?::|时|点){_S}(?P<M>[0-5]?\d)"
         rf"(?:{_S}(?::|分){_S}(?P<S>[0-5]?\d))?)?")
_ARABIC_CN = re.compile(
    rf"(?<!\d)(?P<y>(?:19|20)\d{{2}}){_S}年{_S}(?P<m>\d{{1,2}}){_S}月{_S}(?P<d>\d{{1,2}}){_S}[日号]" + _TIME)
_ARABIC_SEP = re.compile(
    rf"(?<![\d/.\-])(?P<y>(?:19|20)\d{{2}}){_S}(?P<sep>[-/.]){_S}(?P<m>\d{{1,2}}){_S}(?P=sep){_S}"
    rf"(?P<d>\d{{1,2}})(?![\d/]|\.\d)" + _TIME)
_HAN = re.compile(
    rf"(?P<y>[{_CN_D}]{{4}}){_S}年{_S}(?P<m>[一二三四五六七八九十]{{1,2}}|[{_CN_D}]{{1,2}}){_S}月{_S}"
    rf"(?P<d>[一二三四五六七八九十]{{1,3}}|[{_CN_D}]{{1,2}}){_S}[日号]")
_PATTERNS = (_ARABIC_CN, _ARABIC_SEP, _HAN)


# What is *written* as a date, whether or not it is one (2023年13月45日, 二〇二三年九月三十一日,
# 2023-02-30): its shape only — parse_date says whether it is a date. No groups, so that other
# patterns can embed it (more than once); the separator of 2023-09-15 is the same both times.
DATE_TEXT = (r"\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?[日号]"
             r"|\d{4} ?(?:- ?\d{1,2} ?-|/ ?\d{1,2} ?/|\. ?\d{1,2} ?\.|． ?\d{1,2} ?．) ?\d{1,2}(?!\d)"
             r"|[〇○零一二三四五六七八九]{4} ?年 ?[〇○零一二三四五六七八九十]{1,3} ?月 ?[〇○零一二三四五六七八九十]{1,4} ?[日号]")
DATE_SHAPE = re.compile(DATE_TEXT)


def _han_int(s: str) -> int | None:
    """'十' -> 10, '二十三' -> 23, '三十一' -> 31, '〇五' -> 5; None if not a number."""
    if "十" not in s:
        n = 0
        for ch in s:
            if ch not in _CN_DIGIT:
                return None
            n = n * 10 + _CN_DIGIT[ch]
        return n
    if s.count("十") > 1:
        return None
    tens, _, units = s.partition("十")
    t = _CN_DIGIT.get(tens, None) if tens else 1
    u = _CN_DIGIT.get(units, None) if units else 0
    if t is None or u is None or t == 0:
        return None
    return t * 10 + u


def _han_year(s: str) -> int | None:
    return _han_int(s) if "十" not in s else None


def _prepare(text: str) -> str:
    # NFKC turns full-width digits and punctuation into ASCII; 〇 and 一…九 are untouched.
    return unicodedata.normalize("NFKC", text)


def _to_date(m: re.Match) -> dt.date | None:
    if m.re is _HAN:
        y, mo, d = _han_year(m["y"]), _han_int(m["m"]), _han_int(m["d"])
    else:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if y is None or mo is None or d is None:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _to_datetime(m: re.Match, day: dt.date) -> dt.datetime | None:
    if "H" not in m.re.groupindex or m["H"] is None:
        return None
    return dt.datetime(day.year, day.month, day.day, int(m["H"]), int(m["M"]), int(m["S"] or 0))


def _matches(text: str):
    """(start, match, date) for every plausible date, in text order."""
    if not text:
        return []
    s = _prepare(text)
    found = []
    for pat in _PATTERNS:
        for m in pat.finditer(s):
            d = _to_date(m)
            if d is not None:
                found.append((m.start(), m, d))
    found.sort(key=lambda t: t[0])
    return found


def find_dates(text: str | None) -> list[dt.date]:
    """Every valid date in `text`, in order of appearance."""
    return [d for _, _, d in _matches(text or "")]


def parse_date(text: str | None) -> dt.date | None:
    """The first valid date in `text`, or None."""
    found = _matches(text or "")
    return found[0][2] if found else None


def parse_datetime(text: str | None) -> dt.datetime | None:
    """The first date in `text` with the time that follows it; None if no time follows it."""
    found = _matches(text or "")
    if not found:
        return None
    _, m, d = found[0]
    return _to_datetime(m, d)


def last_date(text: str | None) -> dt.date | None:
    """The last valid date in `text` (the 成文日期 above a seal is the last one), or None."""
    found = _matches(text or "")
    return found[-1][2] if found else None
