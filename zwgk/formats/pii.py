"""Personal information in published text: 身份证号, 银行卡号, 手机号码, 住址 next to a person.

Pure functions over plain text (a document's body, an attachment's text). Every hit carries the
value MASKED and its context masked too: a full ID or card number is never returned, so it can
never be stored, printed or reported. What counts as a hit:

- 身份证号 (18 digits): a known province code, a real date of birth (after 1900, not in the
  future) and the GB 11643-1999 check digit (ISO 7064 MOD 11-2). 15-digit old numbers: a known
  province code and a real 19YYMMDD date (no check digit exists: sure only under an ID label).
  A number already masked (3703********1234, with * or ×) is not a hit.
- 银行卡号: 16-19 digits (or groups of four) passing Luhn, starting as card numbers do (3, 4, 5,
  6, 9), not a valid ID number, not next to a unit's account (户名 …局, 财政, 对公 …).
- 手机号码: 1[3-9] and nine digits (or 3-4-4 groups), not part of a longer number.
- 住址: a home address (住址/住所/现住 … ending 号/室/组/单元 …) after a person (男/女, 姓名,
  身份证, 当事人：张三，).
Not hits: numbers inside a longer code (索引号 11370323004/2023-00012, 0533-1234567, dates
2023-01-01, decimals), inside URLs, or led by a label of a non-personal number (统一社会信用代码,
索引号, 订单号, 编号, 注册号 …).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

KINDS = {"id_card": "身份证号", "bank_card": "银行卡号", "mobile": "手机号码", "address": "住址"}

# GB/T 2260 province-level codes (the first two digits of an ID number); 83: Taiwan residents'
# residence permits (居住证), which share the format.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83".split())
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_CHECK = "10X98765432"
_MASK_CHARS = "*×＊●"
_FULLWIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
              **{0xFF41 + i: 0x61 + i for i in range(26)}}

_TOKEN = re.compile(r"[0-9A-Za-z*×＊●]+")
# 138 1234 5678 / 138-1234-5678; 6222 0212 3456 7890 (123): written in groups
_MOBILE_GROUPED = re.compile(r"(?<![0-9A-Za-z\-])1[3-9]\d([ \-])\d{4}\1\d{4}(?![0-9A-Za-z]|-\d)")
_CARD_GROUPED = re.compile(r"(?<![0-9A-Za-z\-])\d{4}(?: \d{4}){3}(?: \d{1,3})?(?![0-9A-Za-z])")
_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\"'<>]+", re.I)
_JOINERS = "-/._\\~—–－／"
# labels of numbers that are not personal, and of those that are: the nearer one decides
_LABEL = re.compile(
    r"(?P<other>统一社会信用代码|信用代码|社会信用|组织机构代码|机构代码|索引号|索取号|文号|注册号|执照号|订单号?|编号|流水号|单号"
    r"|税号|识别号|发票|证书号|许可证|备案号|登记号|项目代码|代码|批次号|批号|条码|合同号|邮编|邮政编码|序列号|型号)"
    r"|(?P<id>身份证|身份号码|证件号|公民身份)|(?P<card>银行卡|卡号|账号|帐号|银行账户)"
    r"|(?P<phone>手机|电话|联系方式|联系人)")
_UNIT_ACCOUNT = re.compile(r"对公|基本户|基本账户|单位账户|开户单位|收款单位|缴款单位|财政|国库|专户|汇缴|非税|公司|委员会"
                           r"|人民政府|中心|局|院|所|社|站")
_ADDRESS = re.compile(
    r"(?:家庭住址|家庭地址|户籍地址|户籍所在地|现住址|居住地址|居住地|住址|住所地?|现住|家住)\s*[:：为在]?\s*"
    r"(?P<a>[\u4e00-\u9fff0-9A-Za-z\-#（）()]{2,40}(?:\d+|[一二三四五六七八九十百零〇]+)"
    r"(?:号楼|号院|号|室|单元|栋|幢|组|户|排))")
_PERSON = re.compile(
    r"(?:^|[\s，,、;；:：(（])[男女](?:$|[\s，,、;；)）])|姓名|身份证|公民身份|出生|民族"
    r"|(?:当事人|申请人|被申请人|被处罚人|违法行为人|户主|承租人|申报人|受助人|救助对象|被执行人)\s*[:：]?\s*"
    r"[\u4e00-\u9fff]{2,4}[\s，,（(]")
_ORG = re.compile(r"公司|厂|店|合作社|中心|局|委员会|学校|医院|协会|商行|经营部|门市|超市|酒店|宾馆|农场|集团")


@dataclass(frozen=True)
class Hit:
    kind: str        # id_card | bank_card | mobile | address (KINDS)
    value: str       # masked: 370323********1234
    offset: int      # character offset in the text read
    context: str     # ~30 characters around it, masked
    sure: bool       # True: personal information without doubt (a checksummed ID, a card)

    def as_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "offset": self.offset, "context": self.context,
                "sure": self.sure}


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def _birth(y: int, m: int, d: int, today: dt.date) -> bool:
    try:
        born = dt.date(y, m, d)
    except ValueError:
        return False
    return 1900 < y and born <= today


def valid_id18(v: str, today: dt.date | None = None) -> bool:
    """An 18-character 公民身份号码: province code, date of birth, GB 11643 check digit."""
    v = v.upper()
    if not re.fullmatch(r"\d{17}[\dX]", v) or v[:2] not in PROVINCES:
        return False
    if not _birth(int(v[6:10]), int(v[10:12]), int(v[12:14]), today or dt.date.today()):
        return False
    return id_check_digit(v[:17]) == v[17]


def valid_id15(v: str, today: dt.date | None = None) -> bool:
    """A 15-digit (pre-1999) ID number: province code and a real 19YYMMDD date."""
    return (bool(re.fullmatch(r"\d{15}", v)) and v[:2] in PROVINCES
            and _birth(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]), today or dt.date.today()))


def _id_shaped(v: str, today: dt.date) -> bool:
    """18 digits reading as an ID (province, date of birth) whatever its check digit: not a card."""
    return len(v) == 18 and v[:2] in PROVINCES and _birth(int(v[6:10]), int(v[10:12]), int(v[12:14]), today)


def luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def valid_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits.isdigit() and digits[0] in "34569" and luhn(digits)


def _mask_digits(s: str, head: int, tail: int) -> str:
    """Replace every digit/letter of `s` by * except the first `head` and the last `tail`."""
    pos = [i for i, c in enumerate(s) if c.isalnum()]
    hide = set(pos[head:len(pos) - tail] if tail else pos[head:])
    return "".join("*" if i in hide else c for i, c in enumerate(s))


def mask(kind: str, value: str) -> str:
    """The masked form of a value (same length): 370323********1234, 138****5678, 6222********1234."""
    digits = sum(c.isalnum() for c in value)
    if kind == "id_card":
        return _mask_digits(value, 6, 4 if digits == 18 else 3)
    if kind == "bank_card":
        return _mask_digits(value, 4, 4)
    if kind == "mobile":
        return _mask_digits(value, 3, 4)
    keep = max(2, len(value) // 3)
    return value[:keep] + "".join(c if c.isspace() else "*" for c in value[keep:])


_LONG_RUN = re.compile(r"[0-9Xx]{15,}|(?:\d{4} ){3}\d{4}")


def _nearest_label(text: str, start: int) -> str | None:
    window = text[max(0, start - 24):start]
    last = None
    for m in _LABEL.finditer(window):
        last = m.lastgroup
    return last


def _compound(text: str, s: int, e: int) -> bool:
    """Part of a longer code: 11370323004/2023-00012, 0533-1234567, 2023.01.01, 12.5."""
    before = s >= 2 and text[s - 1] in _JOINERS and text[s - 2].isalnum()
    after = e + 1 < len(text) and text[e] in _JOINERS and text[e + 1].isalnum()
    return before or after


def _classify(text: str, s: int, e: int, today: dt.date) -> tuple[str, bool] | None:
    """(kind, sure) for the number text[s:e] (no separators), or None."""
    v = text[s:e]
    label = _nearest_label(text, s)
    if label == "other":
        return None
    if len(v) == 18 and valid_id18(v, today):
        return "id_card", True
    if len(v) == 15 and valid_id15(v, today):
        return "id_card", label == "id"
    if v.isdigit() and valid_card(v) and label != "id" and not _id_shaped(v, today):
        if _UNIT_ACCOUNT.search(text[max(0, s - 40):s]):
            return None  # a unit's account, published on purpose (户名：某县财政局 账号：…)
        return "bank_card", True
    if len(v) == 11 and re.fullmatch(r"1[3-9]\d{9}", v):
        return "mobile", False
    return None


def detect(text: str, today: dt.date | None = None) -> list[Hit]:
    """Every piece of personal information in `text`, masked, in reading order."""
    if not text:
        return []
    today = today or dt.date.today()
    t = text.translate(_FULLWIDTH)
    urls = [m.span() for m in _URL.finditer(t)]
    in_url = lambda s: any(a <= s < b for a, b in urls)  # noqa: E731
    spans: list[tuple[int, int, str, bool]] = []
    taken: set[int] = set()

    for rx, kind in ((_MOBILE_GROUPED, "mobile"), (_CARD_GROUPED, "bank_card")):
        for m in rx.finditer(t):
            s, e = m.span()
            digits = re.sub(r"\D", "", m.group(0))
            if in_url(s) or _nearest_label(t, s) == "other" or s in taken:
                continue
            if kind == "bank_card":
                if not valid_card(digits) or _UNIT_ACCOUNT.search(t[max(0, s - 40):s]):
                    continue
            spans.append((s, e, kind, kind == "bank_card"))
            taken.update(range(s, e))

    for m in _TOKEN.finditer(t):
        s, e = m.span()
        v = m.group(0)
        if s in taken or in_url(s) or _compound(t, s, e):
            continue
        if any(c in _MASK_CHARS for c in v):
            continue  # masked already (370323********1234): what a site should publish
        if not (v.isdigit() or (len(v) == 18 and v[:17].isdigit() and v[17] in "Xx")):
            continue  # a code with letters: 统一社会信用代码 91370323MA3C…, order ids
        found = _classify(t, s, e, today)
        if found:
            spans.append((s, e, *found))

    for m in _ADDRESS.finditer(t):
        s, e = m.span("a")
        before = t[max(0, m.start() - 40):m.start()]
        person = _PERSON.search(before) or any(k == "id_card" and 0 <= m.start() - b <= 60 for a, b, k, _ in spans)
        if person and not (_PERSON.search(before) and _ORG.search(before[-20:])):
            spans.append((s, e, "address", False))

    spans.sort()
    masked = list(t)
    for s, e, kind, _ in spans:
        masked[s:e] = mask(kind, t[s:e])
    shown = _LONG_RUN.sub(lambda m: _mask_digits(m.group(0), 6, 4), "".join(masked))
    return [Hit(kind, shown[s:e], s, _context(shown, s, e), sure) for s, e, kind, sure in spans]


def stored(hits: list[Hit], per_kind: int = 20) -> list[dict]:
    """The hits to store (as_json), at most `per_kind` of each kind: a roster of a thousand names
    is one finding, not a thousand rows. The last kept hit of a kind counts the rest in `more`."""
    out: list[dict] = []
    seen: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for h in hits:
        counts[h.kind] = counts.get(h.kind, 0) + 1
        if counts[h.kind] <= per_kind:
            seen[h.kind] = h.as_json()
            out.append(seen[h.kind])
        else:
            seen[h.kind]["more"] = counts[h.kind] - per_kind
    return out


def _context(shown: str, s: int, e: int, width: int = 15) -> str:
    a, b = max(0, s - width), min(len(shown), e + width)
    return ("…" if a else "") + re.sub(r"\s+", " ", shown[a:b]).strip() + ("…" if b < len(shown) else "")


def describe(kind: str) -> str:
    return KINDS.get(kind, kind)
