"""互动交流 (interaction): the ways in from a homepage, message lists and message pages — pure
functions on an lxml tree — and `Channels`, what the crawl found of each channel (crawl.facts
"interaction").

A channel is classified by its name (`channel_kind`): consult (县长信箱, 我要咨询, 留言办理 …: the
政务咨询 channels 国办秘函〔2019〕19号 asks for), hub (互动交流 / 政民互动 / 公众参与: a page
leading to channels), and the kinds that do not count as a consultation channel: petition
(网上信访), report (纪检举报), interview (在线访谈), survey (调查征集 / 意见征集 / 民意调查). Hubs,
consult channels and survey channels are read (a survey channel's items with `read_survey_list` and
`read_survey_page`: dates, status, whether a result is published); the others are recorded, never
crawled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from zwgk.crawler.items import MessageItem
from zwgk.crawler.discovery import PAGER_TEXTS, anchor_text, anchors
from zwgk.crawler.lists import pager
from zwgk.crawler.urlset import UrlSet
from zwgk.formats.dates import find_dates
from zwgk.vocab import norm_text

# link texts that lead to 互动交流 on a homepage (norm_text: no white space)
ENTRY = re.compile(r"互动交流|政民互动|公众参与|互动平台|网上问政|信箱|咨询|留言|写信|信访|举报|访谈|征集|民意调查|网上调查|在线调查|问卷调查|结果反馈|采纳情况")
_KINDS = (("petition", re.compile(r"信访")), ("report", re.compile(r"举报|纪检|监察|违纪")),
          ("interview", re.compile(r"访谈|直播")), ("survey", re.compile(r"征集|调查|民意|结果反馈|采纳情况")),
          ("hub", re.compile(r"^(?:互动交流|政民互动|公众参与|互动平台|互动)$")),
          ("consult", re.compile(r"信箱|咨询|留言|写信|问政|投诉|12345|问答|来信")))
NAME_MAX = 12  # a channel's link text is a name, not a message title

# a message's status as lists and pages print it; open words first (未办结 holds 办结)
OPEN = re.compile(r"未回复|待回复|未答复|待答复|办理中|处理中|待处理|受理中|已受理|未办结|已转办|转办中|未处理")
REPLIED = re.compile(r"已回复|已答复|已办结|已处理|已反馈|已办理|办结")
NO_REPLY_TEXT = re.compile(r"^(?:暂无|暂未回复|暂无回复|未回复|待回复|无|—+|-+|/)?$")

# labels of a message page's fields (label/value table cells, dl/dt/dd, "label：value")
LABELS = {
    "asked": re.compile(r"(?:来信|留言|提问|写信|咨询|提交|投诉|发信)(?:时间|日期)"),
    "answered": re.compile(r"(?:回复|答复|办理|办结|处理)(?:时间|日期)"),
    "office": re.compile(r"(?:回复|答复|办理|承办|处理)(?:单位|部门|机构)"),
    "reply": re.compile(r"(?:回复|答复|办理|处理)(?:内容|结果|意见|情况)"),
    "status": re.compile(r"(?:办理|回复|处理|答复)?状态"),
    "asker": re.compile(r"(?:来信|留言|提问|写信)人|姓名"),
    "content": re.compile(r"(?:来信|留言|咨询|问题|投诉)(?:内容|详情)"),
    "title": re.compile(r"(?:来信|留言|信件|咨询)?(?:标题|主题)"),
}
_LABEL = re.compile(r"^(" + "|".join(p.pattern for p in LABELS.values()) + r")\s*(?:[：:]\s*(.*)|$)", re.S)


def channel_kind(name: str) -> str | None:
    """consult | hub | petition | report | interview | survey, or None: not an interaction channel."""
    n = norm_text(name)
    for kind, pattern in _KINDS:
        if pattern.search(n):
            return kind
    return None


def status_replied(text: str | None) -> bool | None:
    """True: the status says answered; False: open; None: it says neither."""
    t = norm_text(text)
    if not t:
        return None
    if OPEN.search(t):
        return False
    if REPLIED.search(t):
        return True
    return None


@dataclass(frozen=True)
class ChannelLink:
    url: str
    name: str
    kind: str


def find_channels(tree, base: str, skip: set[str] = frozenset()) -> list[ChannelLink]:
    """Links to interaction channels and hubs (by their text), once each, in page order; links
    inside message rows (a title holding 咨询) and URLs in `skip` are not channels."""
    out, seen = [], set(skip)
    for a, url in anchors(tree, base):
        text = anchor_text(a)
        if not text or len(text) > NAME_MAX or url in seen or not ENTRY.search(text):
            continue
        kind = channel_kind(text)
        if kind is None or _row_dates(a):
            continue
        seen.add(url)
        out.append(ChannelLink(url, text, kind))
    return out


@dataclass
class MessageRow:
    url: str
    title: str
    asked_on: date | None = None
    answered_on: date | None = None
    status: str | None = None
    result: bool | None = None  # survey rows: the list's result column shows one (True) / none (False)


@dataclass
class MessageList:
    rows: list[MessageRow] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)   # further pages in no run
    ranges: list[tuple] = field(default_factory=list)  # runs of numbered pages (pager.number_runs)


def _row_of(a):
    """The row element an anchor sits in: its tr, li or dl, at most four levels up."""
    for anc in list(a.iterancestors())[:4]:
        if anc.tag in ("tr", "li", "dl"):
            return anc
    return None


def _row_dates(a) -> list[date]:
    row = _row_of(a)
    return find_dates(" ".join(row.itertext())) if row is not None else []


def _header(table) -> dict[str, int]:
    """{'asked' | 'answered' | 'status': cell index} from a table's header row (th cells, or the
    first row when it holds no link)."""
    for tr in table.iter("tr"):
        cells = [c for c in tr if c.tag in ("th", "td")]
        if not any(c.tag == "th" for c in cells) and tr.find(".//a") is not None:
            return {}
        out = {}
        for i, c in enumerate(cells):
            t = norm_text(c.text_content())
            for key in ("asked", "answered", "status"):
                if key not in out and LABELS[key].fullmatch(t):
                    out[key] = i
        return out
    return {}


def _from_cells(tr, head: dict[str, int], row: MessageRow) -> None:
    cells = [c for c in tr if c.tag in ("th", "td")]

    def cell(key):
        i = head.get(key)
        return " ".join(cells[i].itertext()) if i is not None and i < len(cells) else None
    if "asked" in head:
        row.asked_on = next(iter(find_dates(cell("asked"))), None)
    if "answered" in head:
        row.answered_on = next(iter(find_dates(cell("answered"))), None)
    if "status" in head:
        row.status = norm_text(cell("status")) or None


def _dated_rows(tree, base: str, header, row_once: bool = False):
    """The rows of a list page: (MessageRow(url, title), row element, its text, its dates, its
    table's header read by `header` — {} outside a table) for each title link (4 characters or
    more, no pager word) in a row that shows a date, each URL once (`row_once`: each row once too,
    its first link being its title). Rows and tables are kept by element, not id(): lxml makes a
    new proxy each time an element is asked for, and a freed proxy's id is soon another's."""
    heads: dict = {}
    seen, rows_seen = set(), set()
    for a, url in anchors(tree, base):
        text = anchor_text(a)
        row_el = _row_of(a)
        if row_el is None or url in seen or (row_once and row_el in rows_seen) or text in PAGER_TEXTS or len(text) < 4:
            continue
        row_text = " ".join(row_el.itertext())
        dates = find_dates(row_text)
        if not dates:
            continue
        seen.add(url)
        rows_seen.add(row_el)
        table = next((x for x in row_el.iterancestors() if x.tag == "table"), None) if row_el.tag == "tr" else None
        head = heads.setdefault(table, header(table)) if table is not None else {}
        yield MessageRow(url, text), row_el, row_text, dates, head


def _further_pages(tree, base: str, html: str, rows: int) -> tuple[list[str], list[tuple]]:
    """A message list's further pages: (those in no run, the runs of numbered pages)."""
    return pager.number_runs(pager.read_page(tree, base, html, rows).pages)


def read_list(tree, base: str, html: str = "") -> MessageList:
    """A message list page: rows with a title link and a date (tr, li or dl) — asked date, status
    and answer date read by the table's header where it has one, else the row's dates in order
    (asked, then answered) and its status word — and the list's further pages."""
    out = MessageList()
    if tree is None:
        return out
    for row, row_el, row_text, dates, head in _dated_rows(tree, base, _header):
        if head:
            _from_cells(row_el, head, row)
        else:
            row.asked_on = dates[0]
            word = OPEN.search(norm_text(row_text)) or REPLIED.search(norm_text(row_text))
            row.status = word.group(0) if word else None
            if len(dates) > 1 and status_replied(row.status) is not False:
                row.answered_on = dates[1]
        out.rows.append(row)
    out.pages, out.ranges = _further_pages(tree, base, html, len(out.rows))
    return out


@dataclass
class MessageFields:
    """What a message page shows (None: not shown)."""

    asked_on: date | None = None
    answered_on: date | None = None
    office: str | None = None
    status: str | None = None
    reply: str | None = None      # the reply's text, shortened
    labels: tuple[str, ...] = ()  # the labels found, in order

    @property
    def replied(self) -> bool | None:
        """True: a reply text or an answer date is shown, or the status says answered; False:
        the status says open or the reply field is empty; None: the page says neither."""
        by_status = status_replied(self.status)
        if by_status is False:
            return False
        if self.reply is not None:
            return not NO_REPLY_TEXT.match(norm_text(self.reply)) or bool(self.answered_on)
        return True if by_status or self.answered_on else None


def _label(el, labels: dict = LABELS, pattern: re.Pattern = _LABEL) -> tuple[str, str] | None:
    """(field, the rest of its text) when an element's own text starts with a label."""
    if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "option") or not (el.text or "").strip():
        return None
    m = pattern.match(" ".join(el.text.split()))
    if m is None:
        return None
    key = next((k for k, p in labels.items() if p.fullmatch(norm_text(m.group(1)))), None)
    if key is None:
        return None
    own = " ".join(el.text_content().split())
    return key, own[own.find(m.group(1)) + len(m.group(1)):].lstrip(" ：:")


def _value_after(el, is_label=_label) -> str:
    """The text after a label element: its tail and its following siblings up to the next label (a
    table's value cell, a dd, the text after a <span>label：</span>), looked for up to two levels
    up; else the next row (a label row above its value row)."""
    for _ in range(3):
        parts = [el.tail or ""]
        for sib in el.itersiblings():
            if not isinstance(sib.tag, str):
                parts.append(sib.tail or "")
                continue
            if is_label(sib) is not None or any(is_label(x) is not None for x in sib.iterdescendants()):
                break
            parts += [sib.text_content(), sib.tail or ""]
        value = " ".join(" ".join(parts).split())
        if value or any(True for _ in el.itersiblings()):
            return value
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        el = parent
    nxt = el.getnext()
    if nxt is not None and isinstance(nxt.tag, str) and not any(is_label(x) is not None for x in nxt.iter()):
        return " ".join(nxt.text_content().split())
    return ""


def label_values(tree, labels: dict = LABELS, pattern: re.Pattern = _LABEL) -> list[tuple[str, str]]:
    """(field, value) pairs of a message page, in page order: each element whose own text starts
    with a label (来信时间, 答复部门 …) with the text after it — in the same element (来信时间：
    2023-11-02) or after it (a table's value cell, a dd, a label row's next row)."""
    body = tree.find(".//body")

    def is_label(el):
        return _label(el, labels, pattern)
    out = []
    for el in (body if body is not None else tree).iter():
        found = is_label(el)
        if found is None:
            continue
        key, rest = found
        out.append((key, rest if rest else _value_after(el, is_label)))
    return out


def read_message(tree) -> MessageFields:
    """A message page's fields (the first value of each label)."""
    f = MessageFields()
    if tree is None:
        return f
    pairs = label_values(tree)
    first: dict[str, str] = {}
    for key, value in pairs:
        first.setdefault(key, value)
    f.labels = tuple(dict.fromkeys(k for k, _ in pairs))
    f.asked_on = next(iter(find_dates(first.get("asked"))), None)
    f.answered_on = next(iter(find_dates(first.get("answered"))), None)
    office = norm_text(first.get("office"))
    f.office = office[:40] or None
    f.status = norm_text(first.get("status"))[:20] or None
    if "reply" in first:
        f.reply = first["reply"][:200]
    return f


def row_meta(row: MessageRow) -> dict:
    """A list row as request meta (JSON: dates as ISO strings, crawler/redis_json.py)."""
    return {"url": row.url, "title": row.title, "status": row.status,
            "asked_on": row.asked_on.isoformat() if row.asked_on else None,
            "answered_on": row.answered_on.isoformat() if row.answered_on else None, "result": row.result}


def _day(v) -> date | None:
    return date.fromisoformat(v) if isinstance(v, str) else v


def message_item(row: dict, channel: dict, fields: MessageFields | None, list_page: str | None) -> MessageItem:
    """The MessageItem of a list row (row_meta) and, when its page was read,
    what the page shows: the page's values first, the row's where the page says nothing (a survey
    channel's item: `survey_item`)."""
    if channel.get("kind") == "survey":
        return survey_item(row, channel, fields, list_page)
    f = fields or MessageFields()
    status = f.status or row.get("status")
    replied = next((x for x in (f.replied, status_replied(row.get("status")),
                                True if row.get("answered_on") else None) if x is not None), None)
    return MessageItem(url=row["url"], channel=channel["name"], channel_url=channel["url"], channel_kind=channel["kind"],
                       title=row.get("title"), asked_on=f.asked_on or _day(row.get("asked_on")),
                       answered_on=f.answered_on or _day(row.get("answered_on")), status=status, replied=replied,
                       answered_by=f.office, page_read=fields is not None, list_page=list_page)


# ---- 调查征集 (survey channels): 征集 items, their dates and status, and their published results ----

# a survey item's status as lists and pages print it
SURVEY_OPEN = re.compile(r"进行中|征集中|正在征集|正在进行|未截止|未开始|即将开始")
SURVEY_CLOSED = re.compile(r"已结束|已截止|已完结|已关闭|已过期|已结束征集|征集结束|已完成")
# an entry that publishes a 征集's result (its title), or a list column of results
RESULT_TITLE = re.compile(r"结果|反馈|采纳")
SURVEY_LABELS = {
    "start": re.compile(r"(?:开始|起始|发布|征集开始|调查开始)(?:时间|日期)"),
    "end": re.compile(r"(?:截止|结束|截至|征集截止|征集结束|调查结束)(?:时间|日期)"),
    "period": re.compile(r"(?:征集|调查|征求意见|意见征集|公示)(?:时间|期限|日期|时段)|起止(?:时间|日期)"),
    "status": re.compile(r"(?:征集|调查)?状态"),
    "result": re.compile(r"(?:征集|调查|意见)?(?:结果|结果反馈|反馈意见|意见反馈|反馈情况|采纳情况|意见采纳情况|结果公布|情况反馈)"),
}
_SURVEY_LABEL = re.compile(r"^(" + "|".join(p.pattern for p in SURVEY_LABELS.values()) + r")\s*(?:[：:]\s*(.*)|$)", re.S)
RESULT_MIN = 8  # a result section says something: not 暂无, not an empty box to write in


def survey_status(text: str | None) -> bool | None:
    """True: the words say the 征集 is closed; False: open; None: neither."""
    t = norm_text(text)
    if not t:
        return None
    if SURVEY_OPEN.search(t):
        return False
    return True if SURVEY_CLOSED.search(t) else None


def _survey_header(table) -> dict[str, int]:
    """{'start' | 'end' | 'period' | 'status' | 'result': cell index} from a survey table's header row."""
    for tr in table.iter("tr"):
        cells = [c for c in tr if c.tag in ("th", "td")]
        if not any(c.tag == "th" for c in cells) and tr.find(".//a") is not None:
            return {}
        out = {}
        for i, c in enumerate(cells):
            t = norm_text(c.text_content())
            for key, p in SURVEY_LABELS.items():
                if key not in out and (p.fullmatch(t) or key == "result" and len(t) <= 8 and RESULT_TITLE.search(t)):
                    out[key] = i
                    break
        return out
    return {}


def read_survey_list(tree, base: str, html: str = "") -> MessageList:
    """A survey channel's list page (意见征集, 调查征集, 民意调查): one row per 征集 (tr, li or dl
    with a title link and a date; the row's first link is its title) — its start and end dates
    (a header's 开始时间 / 截止时间 / 征集时间 columns, else the row's dates: two are start and end,
    one is the publish date), its status words (进行中 / 已结束 / 已截止) and, where the table has a
    result column (征集结果, 反馈情况), whether the row shows one (a link or words, not 暂无) — and
    the list's further pages. Result entries (征集结果反馈 …) are rows like the others: the audit
    tells them by their titles. Rows: MessageRow, asked_on = start or publish date, answered_on =
    end date, status, result."""
    out = MessageList()
    if tree is None:
        return out
    for row, row_el, row_text, dates, head in _dated_rows(tree, base, _survey_header, row_once=True):
        cells = [c for c in row_el if c.tag in ("th", "td")]

        def cell(key):
            i = head.get(key)
            return cells[i] if i is not None and i < len(cells) else None
        start, end, period = cell("start"), cell("end"), cell("period")
        if start is not None or end is not None or period is not None:
            ds = find_dates(" ".join(period.itertext())) if period is not None else []
            row.asked_on = next(iter(find_dates(" ".join(start.itertext()))), None) if start is not None else (ds[0] if ds else None)
            row.answered_on = next(iter(find_dates(" ".join(end.itertext()))), None) if end is not None else (ds[1] if len(ds) > 1 else None)
        else:
            row.asked_on = dates[0]
            row.answered_on = dates[1] if len(dates) > 1 else None
        st = cell("status")
        words = norm_text(" ".join(st.itertext()) if st is not None else row_text)
        word = SURVEY_OPEN.search(words) or SURVEY_CLOSED.search(words)
        row.status = word.group(0) if word else None
        res = cell("result")
        if res is not None:
            row.result = res.find(".//a") is not None or not NO_REPLY_TEXT.match(norm_text(res.text_content())) \
                and not re.fullmatch(r"暂无结果|未公布|暂未公布|无结果", norm_text(res.text_content()))
        out.rows.append(row)
    out.pages, out.ranges = _further_pages(tree, base, html, len(out.rows))
    return out


def read_survey_page(tree) -> MessageFields:
    """A survey item's page: asked_on = its start (or publish) date, answered_on = its end date
    (开始时间 / 截止时间, or a 征集时间 period "2023年8月1日至8月31日"), status (征集状态), and
    `reply`: the text of a result section (征集结果 / 意见采纳情况 / 反馈意见 …) when it says
    something — a heading followed by paragraphs, a label cell and its value, "采纳情况：…"."""
    f = MessageFields()
    if tree is None:
        return f
    pairs = label_values(tree, SURVEY_LABELS, _SURVEY_LABEL)
    first: dict[str, str] = {}
    for key, value in pairs:
        if key == "result" and len(norm_text(value)) < RESULT_MIN:
            continue  # an empty box or 暂无: not a result; a later section may be one
        first.setdefault(key, value)
    f.labels = tuple(dict.fromkeys(k for k, _ in pairs))
    period = find_dates(first.get("period"))
    f.asked_on = next(iter(find_dates(first.get("start"))), None) or (period[0] if period else None)
    f.answered_on = next(iter(find_dates(first.get("end"))), None) or (period[1] if len(period) > 1 else None)
    f.status = norm_text(first.get("status"))[:20] or None
    if "result" in first:
        f.reply = first["result"][:200]
    return f


def survey_item(row: dict, channel: dict, fields: MessageFields | None, list_page: str | None) -> MessageItem:
    """A survey item as a message row: asked_on = start or publish date, answered_on = end date,
    status as printed, replied = a result is published (True: the item's page has a result section
    or the list's result column shows one; False: the list's result column shows none and the page,
    if read, has none; None: neither says), answered_by = the result's label when the page has one."""
    f = fields or MessageFields()
    by_page = True if f.reply is not None else None
    by_row = row.get("result")
    replied = True if by_page or by_row else (False if by_row is False else None)
    return MessageItem(url=row["url"], channel=channel["name"], channel_url=channel["url"], channel_kind="survey",
                       title=row.get("title"), asked_on=_day(row.get("asked_on")) or f.asked_on,
                       answered_on=_day(row.get("answered_on")) or f.answered_on,
                       status=row.get("status") or f.status, replied=replied,
                       answered_by="页面结果" if by_page else None, page_read=fields is not None, list_page=list_page)


def _office_order(office: str | None) -> tuple:
    return (office is not None, office or "")


class Channels:
    """What the crawl found of each interaction channel, written live into crawl.facts
    "interaction": {"home": the homepage looked at, "channels": [{url, name, kind, state, pages, rows,
    error, from, via}]} — state: found (not read: an excluded kind), asked, read, unread (an error),
    external (out of scope); from: the 评估对象 whose own pages link the channel (None: the portal's
    homepage; an office: a department's or township's page); via: the hubs and channel lists that
    link it. Both are sorted sets, the same whichever page answered first: whose channel it is is
    settled from them when the crawl is audited (auditor/checks/interaction.py `owners`)."""

    def __init__(self, facts: dict):
        self.fact = facts.setdefault("interaction", {"channels": []})
        self.by_url: dict[str, dict] = {}
        self.asked: dict[str, int] = {}  # list pages asked per channel (the first included)
        self.runs: dict[str, dict] = {}  # per channel: the numbered pages taken (pager.new_run_urls)
        self.stored: set[str] = set()    # a resumed crawl's messages already read with their page
        # pages asked for this reading (channel lists, messages), apart from the spider's `requested`:
        # a page both a disclosure reading and this one want is read by each, whichever asked first
        self.fetched = UrlSet()

    def load_resumed(self, sessions, crawl_id: int) -> None:
        """The messages this (resumed) crawl already stored with their page read: not asked again —
        their rows stay, as a resumed crawl's documents do (`sessions`: a session factory)."""
        from sqlalchemy import select

        from zwgk.crawler.extractors.links import canonical_url
        from zwgk.store import models as m
        from zwgk.store.db import streamed

        with sessions() as s:
            self.stored = {canonical_url(u) for u in s.scalars(streamed(
                select(m.Message.url).where(m.Message.crawl_id == crawl_id, m.Message.page_read.is_(True))))}

    def add(self, url: str, name: str, kind: str, state: str) -> dict | None:
        """The channel's record, new; None when it was recorded already."""
        if url in self.by_url:
            return None
        c = {"url": url, "name": name, "kind": kind, "state": state, "pages": 0, "rows": 0, "error": None,
             "from": [], "via": []}
        self.by_url[url] = c
        self.fact["channels"].append(c)
        return c

    def link(self, url: str, office: str | None = None, via: str | None = None) -> None:
        """A page linked channel `url`: a page of `office` (None: the portal's homepage), or, with
        `via`, the hub or channel list `via`."""
        c = self.by_url.get(url)
        if c is None:
            return
        if via is not None:
            if via != url and via not in c["via"]:
                c["via"] = sorted({*c["via"], via})
        elif office not in c["from"]:
            c["from"] = sorted({*c["from"], office}, key=_office_order)

    def get(self, url: str) -> dict | None:
        return self.by_url.get(url)

    def home(self, url: str) -> None:
        """The homepage the channels were looked for on (the audit's sign that it looked)."""
        self.fact["home"] = url

    def ask_page(self, url: str, cap: int) -> bool:
        """Whether one more list page of channel `url` may be asked (`cap` pages a channel)."""
        n = self.asked.get(url, 0)
        if n >= cap:
            return False
        self.asked[url] = n + 1
        return True

    def further_pages(self, url: str, listing: MessageList) -> list[str]:
        """A list page's further pages of channel `url`: those in no run, and of its runs of numbered
        pages those no earlier page of the channel showed (a chain pager's pages are all asked, so
        one broken page does not cut off the pages after it)."""
        return listing.pages + pager.new_run_urls(self.runs.setdefault(url, {}), listing.ranges)

    def page_read(self, url: str, rows: int) -> None:
        c = self.by_url.get(url)
        if c is not None:
            c["state"] = "read"
            c["pages"] += 1
            c["rows"] += rows

    def page_failed(self, url: str, error: str) -> None:
        c = self.by_url.get(url)
        if c is not None:
            c["error"] = error
            if c["state"] != "read":
                c["state"] = "unread"
