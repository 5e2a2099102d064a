"""Field extraction from government document pages by generic label/value discovery.

No rule is keyed to one site's markup. The page is linearised into text with three kinds of
boundary (block, cell, inline); labels from a synonym table are found in that text and the
value is what follows the label up to the next boundary or label. CMS <meta> tags, the
<title>, headings and the body (文号 under the title, 成文日期 above the seal) fill the gaps.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import lxml.etree

from zwgk.crawler.extractors.encoding import decode_html, parse_html
from zwgk.crawler.extractors.links import canonical_url, classify_href, url_ext, ATTACHMENT_EXTS
from zwgk.formats.dates import DATE_SHAPE, parse_date
from zwgk.formats.docnumber import DOC_NUMBER_IN_TEXT, parse_doc_number
from zwgk.formats.mentions import mentions as find_mentions, stored as stored_mentions
from zwgk.formats.pii import detect as detect_pii, stored as stored_pii
from zwgk.formats.terms import find as find_term_hits, stored as stored_term_hits
from zwgk.formats.text import nospace, norm, squash
from zwgk.vocab import VALIDITY, classify_column

FIELDS = ("title", "doc_number", "written_date", "publish_date", "validity", "index_no",
          "publisher", "topic")
NOT_SHOWN = "页面未标注"
WEAK = 3  # label priority from which a label is too generic to trust inside running text
EMPTY_VALUE = "标注为空"
MAX_MENTIONS = 50  # leaders named in a document's text kept per document (document.mentions)
MAX_TERM_HITS = 20  # near-misses of canonical terms kept per document (document.term_hits)
# reasons[written_date|publish_date] when the page shows a date that cannot be one (2023年13月45日):
# the prefix, then the date as printed. The auditor's malformed-date check reads it.
UNREADABLE_DATE = "无法识别的日期："
# reasons key (not a field): what the page itself says about its validity — the sentences of the
# body and the metadata lines naming 废止/失效/有效期, one a line (validity_evidence()).
VALIDITY_EVIDENCE = "validity_evidence"

# --- label table: field -> (label, priority); lower priority wins -------------------------
LABELS: dict[str, tuple[tuple[str, int], ...]] = {
    "title": (("标题", 0), ("名称", 0), ("文件名称", 0), ("信息名称", 0), ("文件标题", 0),
              ("公文标题", 0), ("信息标题", 0)),
    "doc_number": (("发文字号", 0), ("文号", 0), ("发文文号", 0), ("文件文号", 0), ("文件字号", 0),
                   ("文件编号", 1), ("发文号", 1), ("发文编号", 1)),
    "index_no": (("索引号", 0), ("信息索引号", 0), ("内容索引号", 0), ("索取号", 1)),
    "written_date": (("成文日期", 0), ("成文时间", 0), ("发文日期", 1), ("发文时间", 1), ("印发日期", 1),
                     ("生成日期", 1), ("产生日期", 1), ("制发日期", 1), ("形成日期", 1), ("签发日期", 2)),
    "publish_date": (("发布日期", 0), ("发布时间", 0), ("公开日期", 0), ("公开时间", 0),
                     ("发稿时间", 1), ("发稿日期", 1), ("发表时间", 1), ("发布于", 1), ("上网时间", 2),
                     ("上线时间", 2), ("日期", 3), ("时间", 4)),
    "publisher": (("发布机构", 0), ("发文机关", 0), ("发布单位", 0), ("发文单位", 0), ("发布部门", 0),
                  ("制发机关", 0), ("发文机构", 0), ("发布主体", 0), ("公开主体", 1), ("公开单位", 1),
                  ("所属机构", 2), ("发布者", 2), ("信息来源", 2), ("文章来源", 3), ("来源", 3)),
    "validity": (("有效性", 0), ("时效性", 0), ("效力状态", 0), ("有效状态", 0), ("是否有效", 1),
                 ("效力", 1), ("时效", 1), ("文件状态", 2)),
    "topic": (("主题分类", 0), ("组配分类", 1), ("所属主题", 1), ("信息分类", 1), ("主题", 2),
              ("分类", 2)),
}
# Labels that end a value but are not extracted.
STOP_LABELS = tuple("""关键词 主题词 关键字 浏览次数 点击数 点击量 点击率 访问量 访问次数 阅读量 阅读次数 浏览量
作者 责任编辑 编辑 字号 打印 关闭窗口 关闭 分享 签发人 统一编号 登记号 登记编号 体裁分类 公文种类 公开方式 公开范围
公开时限 文件类型 实施日期 施行日期 废止日期 失效日期 有效期 生效日期 生效时间 更新时间 修改时间 审核 校对 摘要
内容概述 内容概要 附件 信息提供 撰稿 供稿 发布人 联系电话 公开形式 服务对象 信息类别 文种 公开类型 体裁 载体类型
所属栏目 栏目 【字体 字体 扫一扫""".split())

_LABEL_FIELD = {lab: (f, p) for f, labs in LABELS.items() for lab, p in labs}
_ALL_LABELS = sorted({*_LABEL_FIELD, *STOP_LABELS}, key=len, reverse=True)
_LABEL_ALT = "|".join("[ \x1f]*".join(map(re.escape, lab)) for lab in _ALL_LABELS)
# A label starts a segment (not inside a phrase like 资金来源) and is followed by a colon or a
# boundary: \n block, \t cell, \x1f inline element.
LABEL_RE = re.compile(
    rf"(?<![^\n\t\x1f \[【(（|｜:：•·])(?P<label>{_LABEL_ALT})"
    rf" *[\]】)）]? *(?:[:：]|(?=[\n\t\x1f])|$)")
_GENERIC_LABEL = re.compile(r"(?:^|[\x1f ])[\u4e00-\u9fff]{2,6} ?[:：]")
_VALUE_END = re.compile(r"[\n\t]| {2,}")

_BLOCK = frozenset("""address article aside blockquote body center dir div dl fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre section table tbody thead tfoot
tr ul caption br""".split())
_CELL = frozenset(("td", "th", "dt", "dd"))
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "title", "select", "option",
                   "textarea", "button", "iframe", "object", "svg", "math"))
_WS_RUN = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_SEP_RUN = re.compile(r"[ \x1f\t\n]*[\x1f\t\n][ \x1f\t\n]*")

_INTERP_WORDS = re.compile(r"解读|图解|一图读懂|一图看懂|一图了解|一图速览|图说|答记者问|问答|视频解读|动漫|漫画|政策吹风")
_NOT_INTERP_END = re.compile(r"(?:通知|公告|通告|决定|办法|意见|方案|规定|批复|函|细则|规划|纲要|条例|报告)$")
_INTERP_BLOCK = re.compile(
    r"^(?:相关|政策|文件|图文|视频|图片|配套|专家|部门|媒体)?(?:政策)?解读(?:材料|文件|文章|链接|信息)?$"
    r"|^(?:相关)?(?:图解|一图读懂)$")
_POLICY_BLOCK = re.compile(
    r"^(?:政策原文|相关文件|原文链接|文件原文|相关政策|原文|查看原文|政策文件|关联文件|相关政策文件|原文件"
    r"|政策依据|解读文件|被解读文件|关联政策|文件链接|原文地址|相关原文)$")
_POLICY_LINK_TEXT = re.compile(r"^(?:点击)?(?:查看|阅读)?(?:政策|文件)?原文(?:链接|全文)?$|^文件原文$|^政策原文")
_DOC_TITLE_END = re.compile(r"(?:通知|公告|通告|决定|办法|意见|方案|规定|批复|细则|规划|纲要|条例|报告|措施|规则|实施意见)》?$")
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-–—]+\s+|\s*——\s*|-{2,}")
_SITEISH = re.compile(r"(?:人民政府|政府网|网站|门户|政务网|政务服务网|信息公开|首页)$")
_CRUMB = re.compile(r"(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|当前的位置|位置)\s*[:：]")
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|›|＞|→|/|\\|\s-\s)\s*")
_CRUMB_TAIL = {"正文", "详情", "内容", "正文内容", "浏览文章", "文章", "详细内容", "查看", "信息"}
_TITLEISH_CLASS = re.compile(r"title|tit\b|^tit|bt\b|biaoti|headline|subject|heading", re.I)
_BOILER_CLASS = re.compile(r"nav|menu|foot|header|banner|crumb|share|copyright|sidebar|topbar|links?$",
                           re.I)
_DATE_LINE = re.compile(
    r"^[(（]?(?:[\u4e00-\u9fff（）()]{2,40}?)?"
    r"(?:(?:19|20)\d{2} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日|[〇○零一二三四五六七八九]{4} ?年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})[)）]?$")
_PUBLISH_METAS = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
                  "publishtime", "pubtime", "dc.date.issued", "publish_date", "og:release_date")
_PLACEHOLDER = re.compile(r"^(?:无|暂无|没有|空|不详|/|-+|—+|null|none|n/?a)$", re.I)
_INDEX_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/\-_.]{3,60}$")
_VALIDITY_WORDS = sorted(((w, k) for k, ws in VALIDITY.items() for w in ws),
                         key=lambda t: len(t[0]), reverse=True)


@dataclass
class DocumentFields:
    url: str
    title: str | None = None
    doc_number: str | None = None
    written_date: dt.date | None = None
    publish_date: dt.date | None = None
    validity: str | None = None
    index_no: str | None = None
    publisher: str | None = None
    topic: str | None = None
    body_text: str = ""
    attachments: list[tuple[str, str, str]] = field(default_factory=list)
    interpretation_links: list[tuple[str, str, str]] = field(default_factory=list)
    policy_links: list[tuple[str, str]] = field(default_factory=list)
    is_interpretation: bool = False
    column: str | None = None
    encoding: str | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    body_chars: int = 0   # the body's length without blanks (kept when the text itself is dropped)
    # personal information the text shows, masked (formats/pii.py stored(): kind, value, offset,
    # context, sure, more); kept when the text itself is dropped
    pii: list[dict] = field(default_factory=list)
    # leaders the text names, (title, name, context) (formats/mentions.py), at most MAX_MENTIONS;
    # kept when the text itself is dropped
    mentions: list[dict] = field(default_factory=list)
    # canonical terms and place names written with one character wrong, in the title or the body
    # (formats/terms.py: term, found, context, source, kind[, code]), at most MAX_TERM_HITS
    term_hits: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        """What the page shows, JSON-ready (`zwgk extract`, the extraction corpus): the page's own
        fields only — where the crawl filed the document (column, office) is decided elsewhere."""
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "url": self.url, "title": self.title, "doc_number": self.doc_number,
            "written_date": iso(self.written_date), "publish_date": iso(self.publish_date),
            "validity": self.validity, "index_no": self.index_no, "publisher": self.publisher,
            "topic": self.topic, "column": self.column,
            "attachments": [{"url": u, "name": n, "ext": e} for u, n, e in self.attachments],
            "interpretation_urls": [u for u, _, _ in self.interpretation_links],
            "policy_urls": [u for u, _ in self.policy_links],
            "is_interpretation": self.is_interpretation, "body_chars": self.body_chars,
        }


# --- linearisation -------------------------------------------------------------------------
def _piece(s: str | None) -> str:
    if not s:
        return ""
    # Two or more blanks survive as two spaces: they separate inline fields on one line.
    return _WS_RUN.sub(lambda m: "  " if len(m.group(0)) > 1 else " ", s)


def _boundary(tag: str) -> str:
    if tag in _BLOCK:
        return "\n"
    if tag in _CELL:
        return "\t"
    return "\x1f"


def _squash_seps(m: re.Match) -> str:
    run = m.group(0)
    if "\n" in run:
        return "\n"
    if "\t" in run:
        return "\t"
    return "  \x1f" if run.count(" ") >= 2 else "\x1f"


def linearize(el) -> str:
    """Text of an element with \\n between blocks, \\t between cells, \\x1f between inlines."""
    out: list[str] = []
    walker = lxml.etree.iterwalk(el, events=("start", "end"))
    for event, e in walker:
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if event == "start":
            if e is not el and (not tag or tag in _SKIP):
                walker.skip_subtree()
                continue
            out.append(_boundary(tag))
            out.append(_piece(e.text))
        else:
            if tag and tag not in _SKIP:
                out.append(_boundary(tag))
            if e is not el:
                out.append(_piece(e.tail))
    return _SEP_RUN.sub(_squash_seps, "".join(out)).strip(" \x1f\t\n")


def _lines(text: str) -> list[str]:
    out = []
    for ln in text.split("\n"):
        ln = squash(ln.replace("\x1f", " ").replace("\t", " "))
        if ln:
            out.append(ln)
    return out


# --- label/value discovery -----------------------------------------------------------------
_CELL_JUNK = re.compile(r"[\s\u3000\u00a0:：【】\[\]()（）]+")


def _cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _label_of(cell) -> str | None:
    """The known label a table cell holds and nothing else, or None."""
    text = _CELL_JUNK.sub("", cell.text_content() or "")
    if not text or len(text) > 8:
        return None
    return text if text in _LABEL_FIELD or text in STOP_LABELS else None


def _next_tr(tr):
    nxt = tr.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return nxt if nxt is not None and nxt.tag == "tr" else None


def spread_label_rows(root) -> None:
    """Tables with a row of labels over a row of values (大汉 JCMS 'zwgk' tables): move each
    label into the value cell under it, so the value follows its label when linearised."""
    for tr in list(root.iter("tr")):
        cells = _cells(tr)
        if len(cells) < 2:
            continue
        labels = [_label_of(c) for c in cells]
        if not all(labels) or not any(lab in _LABEL_FIELD for lab in labels):
            continue
        nxt = _next_tr(tr)
        if nxt is None:
            continue
        values = _cells(nxt)
        if len(values) != len(cells) or any(_label_of(v) for v in values if nospace(v.text_content())):
            continue
        after = _next_tr(nxt)
        if after is not None and len(_cells(after)) == len(cells) and not all(map(_label_of, _cells(after))):
            continue  # a list with a header row (标题 | 发布日期), not one record
        if any(len(nospace(a.text_content())) >= 12 for v in values for a in v.iter("a")):
            continue  # the values link to other documents: a one-row list
        for lab_cell, val_cell, lab in zip(cells, values, labels):
            for child in list(lab_cell):
                lab_cell.remove(child)
            lab_cell.text = ""
            val_cell.text = f"{lab}：{val_cell.text or ''}"



@dataclass(frozen=True)
class Pair:
    field: str
    label: str
    value: str
    priority: int
    pos: int


def _value_after(text: str, pos: int) -> str:
    m = re.compile(r"[ \x1f:：]*(?:[\t\n][ \x1f:：]*)?").match(text, pos)
    start = m.end()
    end = len(text)
    for pat in (_VALUE_END, LABEL_RE, _GENERIC_LABEL):
        hit = pat.search(text, start)
        if hit and hit.start() < end:
            end = hit.start()
    if LABEL_RE.match(text, start):
        return ""
    return squash(text[start:end].replace("\x1f", " ")).strip("|｜ 　【】[]")


def label_pairs(text: str) -> list[Pair]:
    """Every (field, label, value) found in linearised text, in order."""
    pairs = []
    for m in LABEL_RE.finditer(text):
        label = re.sub(r"[ \x1f]", "", m.group("label"))
        hit = _LABEL_FIELD.get(label)
        if hit is None:
            continue
        pairs.append(Pair(hit[0], label, _value_after(text, m.end()), hit[1], m.start()))
    return pairs


# --- value validation per field ------------------------------------------------------------
def normalize_validity(value: str | None) -> str | None:
    """有效/失效/废止/已修改/部分失效/尚未生效 for a 有效性 value, or None."""
    v = nospace(value)
    if not v:
        return None
    for word, key in _VALIDITY_WORDS:
        if v == word:
            return key
    for word, key in _VALIDITY_WORDS:
        if word in v and not v.startswith("是否"):
            return key
    return {"是": "有效", "否": "失效"}.get(v)


def _clean_doc_number(value: str) -> str | None:
    v = _WS_RUN.sub(" ", value).strip(" ：:|")
    if not v or _PLACEHOLDER.match(nospace(v)) or len(v) > 80:
        return None
    if not re.search(r"\d", nospace(v)) or parse_doc_number(v) is None:
        return None
    if not re.search(r"[\u4e00-\u9fff]", v) or (parse_date(v) and not re.search(r"[号〔\[［(（【]", v)):
        return None  # an 索引号 or a date from a neighbouring cell, not a 文号
    return v


def _clean_text(value: str, max_len: int) -> str | None:
    v = squash(value).strip(" ：:|")
    if not v or _PLACEHOLDER.match(v.replace(" ", "")) or len(v) > max_len:
        return None
    return v


# '来源：本网' names the site itself, not an agency.
_SELF_SOURCE = re.compile(r"^(?:本网|本站|本网站|原创|本网原创|本站原创|网站|网络|转载|其他|其它)$")


def _clean_publisher(value: str) -> str | None:
    v = _clean_text(value, 60)
    if v is None or parse_date(v) is not None or not re.search(r"[\u4e00-\u9fffA-Za-z]", v):
        return None
    if _SELF_SOURCE.match(v.replace(" ", "")):
        return None
    return v


def _clean_index(value: str) -> str | None:
    v = nospace(value)
    return v if _INDEX_NO.match(v) and re.search(r"\d", v) else None


def _clean_date(value: str) -> dt.date | None:
    return parse_date(value)


def date_like(value: str | None) -> str | None:
    """The date as printed when `value` shows one that is not a valid date, else None."""
    if not value or parse_date(value) is not None:
        return None
    m = DATE_SHAPE.search(squash(value))
    return m.group(0) if m else None


_CLEANERS = {
    "title": lambda v: (lambda t: t if t and len(t) >= 4 else None)(_clean_text(v, 300)),
    "doc_number": _clean_doc_number,
    "index_no": _clean_index,
    "written_date": _clean_date,
    "publish_date": _clean_date,
    "publisher": _clean_publisher,
    "validity": normalize_validity,
    "topic": lambda v: _clean_text(v, 80),
}


def pick(pairs: list[Pair], name: str) -> tuple[object, str | None]:
    """(value, reason): the best valid value for a field, or None with the reason."""
    cands = sorted((p for p in pairs if p.field == name), key=lambda p: (p.priority, p.pos))
    if not cands:
        return None, NOT_SHOWN
    for p in cands:
        value = _CLEANERS[name](p.value)
        if value is not None:
            return value, None
    p = cands[0]
    if name in ("written_date", "publish_date"):
        raw = date_like(p.value)
        if raw:
            return None, f"{UNREADABLE_DATE}{raw}"
    if not nospace(p.value):
        return None, f"「{p.label}」{EMPTY_VALUE}"
    if _PLACEHOLDER.match(nospace(p.value)):
        return None, f"「{p.label}」标注为「{nospace(p.value)}」"
    return None, f"「{p.label}」的值无法识别：{norm(p.value)[:40]}"


# --- meta, title, body ---------------------------------------------------------------------
def read_metas(root) -> dict[str, str]:
    metas: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        content = squash(m.get("content"))
        if key and content and key not in metas:
            metas[key] = content
    return metas


def _doc_order(root) -> dict:
    return {e: i for i, e in enumerate(root.iter())}


def _text_len(e) -> int:
    return len(_WS_RUN.sub("", e.text_content() or ""))


def _link_len(e) -> int:
    return sum(_text_len(a) for a in e.iter("a"))


def _boilerplate(e) -> bool:
    for a in e.iterancestors():
        if not isinstance(a.tag, str):
            continue
        if a.tag in ("nav", "header", "footer"):
            return True
        cls = f"{a.get('class') or ''} {a.get('id') or ''}"
        if cls.strip() and _BOILER_CLASS.search(cls):
            return True
    return False


_FIELD_LABEL_START = re.compile(
    r"^[\s\u3000\u00a0【\[]*(?:" + "|".join(sorted((re.escape(k) for k, (_, prio) in _LABEL_FIELD.items() if prio <= 2),
                                                     key=len, reverse=True)) + r")[\s\u3000】\]]*[:：]?")


def _is_meta_row(e) -> bool:
    """A block that is one label/value pair of the metadata (索引号：…), not running text."""
    text = e.text_content() or ""
    return len(text) < 120 and bool(_FIELD_LABEL_START.match(text)) and not re.search(r"[。；]", text)


def find_body(root):
    """The element holding the main text: readability-style scoring of text blocks."""
    scores: dict = {}
    for e in root.iter("p", "div", "td", "section", "article", "font", "span", "pre", "li"):
        if e.tag in ("div", "td", "section", "article", "li") and any(
                isinstance(c.tag, str) and c.tag in ("p", "div", "table", "section", "article", "ul")
                for c in e):
            continue
        t = _text_len(e) - 2 * _link_len(e)
        if t < 8 or _boilerplate(e) or _is_meta_row(e):
            continue
        parent = e.getparent()
        if parent is None:
            continue
        bonus = t + (10 if re.search(r"[。；，]", e.text_content() or "") else 0)
        scores[parent] = scores.get(parent, 0) + bonus
        gp = parent.getparent()
        if gp is not None:
            scores[gp] = scores.get(gp, 0) + bonus / 2
    if not scores:
        return None
    return max(scores, key=lambda e: scores[e])


def _title_parts(root, metas: dict[str, str]) -> list[str]:
    t = root.find(".//title")
    raw = squash(t.text_content()) if t is not None else ""
    names = {nospace(metas.get(k)) for k in ("sitename", "columnname", "site", "column")} - {""}
    parts = [p for p in _TITLE_SPLIT.split(raw) if p]
    keep = [p for p in parts if nospace(p) not in names and not _SITEISH.search(p) or len(p) > 25]
    return keep or parts[:1]


def _headings(root):
    for e in root.iter():
        if not isinstance(e.tag, str):
            continue
        cls = f"{e.get('class') or ''} {e.get('id') or ''}"
        if e.tag in ("h1", "h2", "h3", "h4") or (cls.strip() and _TITLEISH_CLASS.search(cls)):
            if e.tag in ("a", "title", "meta", "html", "body") or e.getparent() is None:
                continue
            yield e


def _score_heading(e, text: str, title_parts: list[str], names: set[str]) -> float:
    n = nospace(text)
    if n in names or len(n) < 4 or len(n) > 200:
        return -100
    s = {"h1": 3, "h2": 2, "h3": 1}.get(e.tag, 0.5)
    for part in title_parts:
        p = nospace(part)
        if p and (n == p or (len(p) >= 6 and (n.startswith(p.rstrip(".…")) or p.startswith(n)))):
            s += 6
            break
    if _boilerplate(e):
        s -= 4
    if _link_len(e) >= _text_len(e) * 0.8:
        s -= 5
    if _DOC_TITLE_END.search(n):
        s += 1
    return s


def find_title(root, metas, pairs, body, order) -> str | None:
    value, _ = pick(pairs, "title")
    if value:
        return value
    if metas.get("articletitle"):
        return metas["articletitle"]
    parts = _title_parts(root, metas)
    names = {nospace(metas.get(k)) for k in ("sitename", "columnname")} - {""}
    body_at = order.get(body, len(order)) if body is not None else len(order)
    best, best_key = None, None
    for e in _headings(root):
        text = squash(e.text_content())
        score = _score_heading(e, text, parts, names)
        if score <= 0:
            continue
        distance = abs(body_at - order.get(e, 0))
        key = (score, -distance)
        if best_key is None or key > best_key:
            best, best_key = text, key
    if best:
        return best
    return parts[0] if parts and len(nospace(parts[0])) >= 4 else None


def _breadcrumb(lines: list[str]) -> list[str]:
    for ln in lines[:80]:
        m = _CRUMB.search(ln)
        if m:
            segs = [s for s in _CRUMB_SPLIT.split(ln[m.end():]) if s]
            return [s for s in segs if nospace(s) not in _CRUMB_TAIL]
    return []


# --- body fallbacks ------------------------------------------------------------------------
def doc_number_in_lines(lines: list[str]) -> str | None:
    """A line that is nothing but a 文号 (under the title)."""
    for ln in lines:
        n = nospace(ln).strip("()（）")
        m = DOC_NUMBER_IN_TEXT.fullmatch(n) if len(n) <= 40 else None
        if m:
            return n
    return None


def seal_date(lines: list[str]) -> dt.date | None:
    """The 成文日期 above the seal: the last date-only line near the end of the body."""
    for ln in reversed(lines[-15:]):
        n = norm(ln).replace(" ", "")
        if len(n) <= 50 and _DATE_LINE.match(n):
            d = parse_date(n)
            if d:
                return d
    return None


def malformed_seal_date(lines: list[str]) -> str | None:
    """A date-only line near the end of the body that is no valid date (二〇二三年九月三十一日
    above the seal), as printed; None when there is none."""
    for ln in reversed(lines[-15:]):
        n = norm(ln).replace(" ", "")
        if len(n) <= 50 and _DATE_LINE.match(n):
            return date_like(squash(ln))
    return None


# --- validity evidence (what the page says about its own validity) -------------------------
_VALIDITY_WORD = re.compile(r"废止|失效|有效期")
_VALIDITY_LABEL = re.compile(r"(?:废止|失效)(?:日期|时间)|有效期|(?:状态|效力) ?[:：] ?(?:已经?)?(?:废止|失效)")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
MAX_EVIDENCE = 6
EVIDENCE_CHARS = 160


def validity_evidence(lines: list[str], body_lines: list[str]) -> str | None:
    """The page's own words about its validity, kept small for the auditor's validity-conflict
    check: every body sentence naming 废止/失效/有效期 and every short metadata line labelled
    废止日期/失效日期/有效期 (at most MAX_EVIDENCE, each cut to EVIDENCE_CHARS around the word),
    one a line; None when the page says nothing of it."""
    out: list[str] = []
    body = set(body_lines)
    for ln in lines:
        if ln not in body and len(ln) <= 80 and _VALIDITY_LABEL.search(ln):
            out.append(ln)
    for ln in body_lines:
        for m in _SENTENCE.finditer(ln):
            sent = m.group(0).strip()
            hit = _VALIDITY_WORD.search(sent)
            if not hit:
                continue
            if len(sent) > EVIDENCE_CHARS:
                start = max(0, min(hit.start() - EVIDENCE_CHARS // 2, len(sent) - EVIDENCE_CHARS))
                sent = sent[start:start + EVIDENCE_CHARS]
            out.append(sent)
    out = list(dict.fromkeys(out))[:MAX_EVIDENCE]
    return "\n".join(out) or None


def _info_bar_date(lines: list[str], title: str | None, body_lines: list[str]) -> dt.date | None:
    """A date on the line(s) between the title and the body, such as '2023-09-15 来源：…'."""
    if not title or not body_lines:
        return None
    nt, first = nospace(title), nospace(body_lines[0])
    try:
        start = next(i for i, ln in enumerate(lines) if nospace(ln) == nt or
                     (len(nt) >= 8 and nt in nospace(ln) and len(nospace(ln)) < len(nt) + 10))
    except StopIteration:
        return None
    for ln in lines[start + 1:start + 6]:
        if nospace(ln) == first:
            break
        if len(ln) <= 120:
            d = parse_date(ln)
            if d:
                return d
    return None


# --- links ---------------------------------------------------------------------------------
def _anchors(root, url: str):
    """(element, absolute canonical url, text, problem) for every <a href> worth keeping."""
    for a in root.iter("a", "area"):
        href = a.get("href")
        if not href:
            continue
        absolute, problem, _ = classify_href(href, url)
        if absolute is None:
            continue
        yield a, absolute, squash(a.text_content() or a.get("title") or ""), problem


def attachments(root, url: str) -> list[tuple[str, str, str]]:
    out, seen = [], set()
    for a, absolute, text, problem in _anchors(root, url):
        ext = url_ext(absolute) if problem is None else _raw_ext(absolute)
        if ext not in ATTACHMENT_EXTS and problem is None and _DOWNLOAD_SCRIPT.search(absolute):
            # download.jsp?id=123 names no file; the link text does: '附件1：决算表.xlsx'
            ext = _raw_ext(text)
        if ext not in ATTACHMENT_EXTS or absolute in seen:
            continue
        seen.add(absolute)
        name = text or unquote(urlsplit(absolute).path.rsplit("/", 1)[-1]) if problem is None else (
            text or absolute.replace("\\", "/").rsplit("/", 1)[-1])
        out.append((absolute, name, ext))
    return out


_DOWNLOAD_SCRIPT = re.compile(r"[/=](?:down|download|attach|file|fj)[\w]*\.(?:jsp|do|aspx?|php|action)\b|"
                              r"/(?:download|attachment|filedownload)\b", re.I)


def _raw_ext(raw: str) -> str | None:
    m = re.search(r"\.([A-Za-z0-9]{1,5})$", raw.replace("\\", "/").rsplit("/", 1)[-1])
    return m.group(1).lower() if m else None


def interpretation_form(text: str, url: str = "") -> str:
    ext = url_ext(url) or ""
    if re.search(r"视频|动漫|动画|微视|音频|直播", text) or ext in ("mp4", "flv", "avi", "mov"):
        return "视频"
    if re.search(r"图解|一图|图说|长图|图文|漫画|海报", text) or ext in ("jpg", "jpeg", "png", "gif"):
        return "图解"
    if re.search(r"问答|答记者问|问与答|答问|解答|Q&A|热点回应", text, re.I):
        return "问答"
    return "文字"


def _is_value(e) -> bool:
    """An element right after a 'label：' (分类：<em>政策解读</em>) is a value, not a block label."""
    prev = e.getprevious()
    before = (prev.tail if prev is not None else (e.getparent().text if e.getparent() is not None else "")) or ""
    if prev is not None and not nospace(before):
        before = prev.text_content() or ""
    return bool(re.search(r"[:：]\s*$", before))


def _label_blocks(root, pattern: re.Pattern):
    """(label, label text, container) for the links that follow a short label such as 【相关解读】."""
    for e in root.iter():
        if not isinstance(e.tag, str) or e.tag in ("a", "html", "body", "title", "head", "meta"):
            continue
        if e.find(".//a") is not None and e.tag not in ("td", "th", "dt"):
            own = nospace(e.text)
        else:
            own = nospace(e.text_content())
        own = own.strip("【】[]:：()（）·•>»")
        if not own or len(own) > 12 or not pattern.match(own) or _is_value(e):
            continue
        if any(isinstance(x.tag, str) and x.tag == "a" for x in e.iterancestors()):
            continue
        container = e
        for _ in range(4):
            parent = container.getparent()
            if parent is None:
                break
            container = parent
            n = len(container.findall(".//a"))
            if n:
                break
        links = container.findall(".//a")
        if 0 < len(links) <= 25:
            yield e, own, container


def _follows(order, label, a) -> bool:
    return order.get(a, 0) > order.get(label, 0)


# What a title says besides the name of the policy it is about.
_CORE_AROUND = re.compile(
    r"^.*?关于(?:印发|公布|发布|转发)?|(?:的)?(?:通知|公告|通告|决定|意见|批复|函)$"
    r"|【[^】]{0,8}】|^(?:图解|一图读懂|一图看懂|视频|动漫|漫画)[:：]?|(?:政策)?解读$|政策问答$|答记者问$")
_QUOTED = re.compile(r"《([^《》]{4,80})》")


def _core(text: str) -> str:
    """The name of the policy a title or a link text is about: 《…》 if quoted, else the title
    without 'XX关于印发' and '的通知'."""
    n = nospace(text)
    quoted = _QUOTED.findall(n)
    if quoted:
        return max(quoted, key=len)
    for _ in range(3):
        n2 = _CORE_AROUND.sub("", n)
        if n2 == n:
            break
        n = n2
    return n.strip("：:，,、 ")


def _common_run(a: str, b: str) -> int:
    """Length of the longest common substring (titles are short; O(len(a)·len(b)))."""
    a, b = a[:150], b[:150]
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def same_policy(text: str, title: str | None) -> bool:
    """Whether a link text and a page title name the same policy (a 解读 names its policy)."""
    if not title:
        return False
    a, b = _core(text), _core(title)
    if len(a) < 4 or len(b) < 4:
        return False
    k = _common_run(a, b)
    return k >= 10 or k >= 0.6 * min(len(a), len(b))


MAX_RELEVANCE_CHECKS = 300
_EXPLICIT_INTERP = re.compile(r"^(?:相关|配套)|(?:材料|链接)$|^解读$")


def interpretation_links(root, url: str, order, body, title: str | None = None,
                         policy: frozenset = frozenset()) -> list[tuple[str, str, str]]:
    """The 解读 of this page's policy: links in a 相关解读 block, or links whose text says 解读
    and names the same policy. A side list of the column's latest 解读 is not one of them."""
    page, out, seen = canonical_url(url), [], set()
    budget = MAX_RELEVANCE_CHECKS
    explicit: set = set()
    labelled: set = set()
    for label, own, container in _label_blocks(root, _INTERP_BLOCK):
        for a in container.iter("a"):
            if _follows(order, label, a):
                (explicit if _EXPLICIT_INTERP.search(own) else labelled).add(a)
    column_names = {"政策解读", "解读", "图解政策", "文件解读", "解读回应", "政策解读回应", "政策问答",
                    "热点问答", "在线问答", "图解", "一图读懂", "视频解读", "更多", "更多>>"}
    for a, absolute, text, problem in _anchors(root, url):
        if absolute == page or absolute in seen or problem or absolute in policy:
            continue
        n = nospace(text)
        if n in column_names or len(n) < 2 or urlsplit(absolute).path in ("", "/"):
            continue
        by_text = bool(_INTERP_WORDS.search(n)) and len(n) >= 6 and not _boilerplate(a)
        if a in explicit:
            ok = True
        elif (a in labelled or by_text) and budget > 0:
            budget -= 1  # same_policy is quadratic in the text; a hostile page must stay fast
            ok = same_policy(text, title)
        else:
            ok = False
        if not ok:
            continue
        seen.add(absolute)
        out.append((absolute, text, interpretation_form(text, absolute)))
    return out


def policy_links(root, url: str, order, body, title: str | None = None) -> list[tuple[str, str]]:
    """On a 解读 page, the links back to the policy: a 政策原文 block, a '查看原文' link, or a
    document title that names the same policy as the 解读."""
    page, out, seen = canonical_url(url), [], set()
    budget = MAX_RELEVANCE_CHECKS
    in_block: set = set()
    for label, _own, container in _label_blocks(root, _POLICY_BLOCK):
        for a in container.iter("a"):
            if _follows(order, label, a) or a is label or label in a.iterancestors():
                in_block.add(a)
    page_host = urlsplit(url).hostname
    for a, absolute, text, problem in _anchors(root, url):
        if absolute == page or absolute in seen or problem:
            continue
        n = nospace(text)
        ok = a in in_block or bool(_POLICY_LINK_TEXT.match(n))
        if not ok and urlsplit(absolute).hostname == page_host and budget > 0:
            budget -= 1
            ok = (bool(re.match(r"^《.+》$", n) or _DOC_TITLE_END.search(n)) and not _INTERP_WORDS.search(n)
                  and same_policy(text, title))
        if not ok or urlsplit(absolute).path in ("", "/"):
            continue
        seen.add(absolute)
        out.append((absolute, text))
    return out


def is_interpretation_page(title: str | None, column: str | None, title_parts: list[str],
                           metas: dict[str, str]) -> bool:
    t = nospace(title)
    if t and _INTERP_WORDS.search(t) and not _NOT_INTERP_END.search(t.rstrip("》")):
        return True
    for name in (column, metas.get("columnname"), *title_parts[1:]):
        if name and classify_column(name) == "interpretation":
            return True
        if name and re.search(r"解读|图解", nospace(name)) and len(nospace(name)) <= 10:
            return True
    return False


# --- main entry point ----------------------------------------------------------------------
def _empty(url: str, reason: str, encoding: str | None = None) -> DocumentFields:
    doc = DocumentFields(url=url, encoding=encoding)
    doc.reasons = {f: reason for f in FIELDS}
    doc.reasons["body_text"] = reason
    return doc


def extract_document(html: str | bytes, url: str, *, charset: str | None = None) -> DocumentFields:
    """All document fields of one page. Never raises: failures give empty fields and reasons."""
    try:
        if isinstance(html, (bytes, bytearray, memoryview)):
            text, encoding = decode_html(bytes(html), charset)
        else:
            text, encoding = (html or ""), "unicode"
        root = parse_html(text)
        if root is None:
            return _empty(url, "页面为空", encoding)
        return _extract(root, url, encoding)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a crawl
        return _empty(url, f"页面无法解析（{type(exc).__name__}）")


def _extract(root, url: str, encoding: str) -> DocumentFields:
    doc = DocumentFields(url=url, encoding=encoding)
    metas = read_metas(root)
    spread_label_rows(root)
    order = _doc_order(root)
    body_el = root.find("body")
    linear = linearize(body_el if body_el is not None else root)
    lines = _lines(linear)
    pairs = label_pairs(linear)
    body = find_body(root)
    body_linear = linearize(body) if body is not None else ""
    body_lines = _lines(body_linear)
    pairs = _drop_weak_in_body(pairs, body_linear)
    doc.body_text = "\n".join(body_lines)
    doc.body_chars = len(_WS_RUN.sub("", doc.body_text))
    if not doc.body_text:
        doc.reasons["body_text"] = "页面无正文"
    doc.pii = stored_pii(detect_pii(doc.body_text or "\n".join(lines)))
    doc.mentions = stored_mentions(find_mentions(doc.body_text, limit=MAX_MENTIONS))

    for name in ("doc_number", "index_no", "written_date", "publish_date", "validity",
                 "publisher", "topic"):
        value, reason = pick(pairs, name)
        setattr(doc, name, value)
        if reason:
            doc.reasons[name] = reason
    doc.title = find_title(root, metas, pairs, body, order)
    if not doc.title:
        doc.reasons["title"] = NOT_SHOWN
    _fallbacks(doc, metas, lines, body_lines)
    evidence = validity_evidence(lines, body_lines)
    if evidence:
        doc.reasons[VALIDITY_EVIDENCE] = evidence

    crumbs = _breadcrumb(lines)
    doc.column = crumbs[-1] if crumbs else metas.get("columnname")
    parts = _title_parts(root, metas)
    doc.is_interpretation = is_interpretation_page(doc.title, doc.column, parts, metas)
    doc.attachments = attachments(root, url)
    if doc.is_interpretation:
        doc.policy_links = policy_links(root, url, order, body, doc.title)
    doc.interpretation_links = interpretation_links(
        root, url, order, body, doc.title, frozenset(u for u, _ in doc.policy_links))
    for name in FIELDS:
        if getattr(doc, name) is not None:
            doc.reasons.pop(name, None)
    doc.term_hits = stored_term_hits(find_term_hits(f"{doc.title or ''}\n{doc.body_text or ''}", limit=MAX_TERM_HITS))
    return doc


def _drop_weak_in_body(pairs: list[Pair], body_linear: str) -> list[Pair]:
    """A bare 日期：/时间： inside the running text is an event's date (会议时间), not the page's."""
    if not body_linear:
        return pairs
    inside = {(p.label, p.value) for p in label_pairs(body_linear) if p.priority >= WEAK}
    return [p for p in pairs if not (p.priority >= WEAK and p.field in ("publish_date", "written_date")
                                     and (p.label, p.value) in inside)]


def _fallbacks(doc: DocumentFields, metas: dict[str, str], lines: list[str],
               body_lines: list[str]) -> None:
    """Values shown outside a label: meta tags, the body, the line under the title."""
    if doc.doc_number is None and doc.reasons.get("doc_number") == NOT_SHOWN:
        doc.doc_number = doc_number_in_lines(body_lines[:8]) or _doc_number_under_title(lines, doc.title)
    if doc.written_date is None and doc.reasons.get("written_date") == NOT_SHOWN:
        doc.written_date = seal_date(body_lines)
        raw = malformed_seal_date(body_lines) if doc.written_date is None else None
        if raw:
            doc.reasons["written_date"] = f"{UNREADABLE_DATE}{raw}"
    if doc.publish_date is None and doc.reasons.get("publish_date") == NOT_SHOWN:
        for key in _PUBLISH_METAS:
            if metas.get(key) and "生成" not in metas[key]:
                doc.publish_date = parse_date(metas[key])
                if doc.publish_date:
                    break
        if doc.publish_date is None:
            doc.publish_date = _info_bar_date(lines, doc.title, body_lines)
    if doc.publisher is None and doc.reasons.get("publisher") == NOT_SHOWN:
        doc.publisher = _clean_publisher(metas.get("contentsource", ""))


def _doc_number_under_title(lines: list[str], title: str | None) -> str | None:
    if not title:
        return None
    nt = nospace(title)
    for i, ln in enumerate(lines):
        if nospace(ln) == nt:
            return doc_number_in_lines(lines[i + 1:i + 4])
    return None
