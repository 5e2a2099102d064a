"""Frozen data the auditor works on (SiteSnapshot) and what checks return (CheckResult).

No ORM object and nothing from Scrapy crosses into the auditor: auditor/snapshot.py builds
these dataclasses from the store, and checks are pure functions of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Outcome = Literal["pass", "fail", "needs_review", "not_applicable", "error"]
LinkState = Literal["ok", "broken", "inconclusive", "wrong"]
# 站内 (same site), 站外 (external), 附件 (attachment), 图片 (image)
LinkKind = Literal["站内", "站外", "附件", "图片"]


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    name: str
    ext: str  # lower-case extension without dot: pdf, doc, docx, xls, xlsx, wps, zip, ...


@dataclass(frozen=True, slots=True)
class ContentHit:
    """Personal information a document shows (zwgk/formats/pii.py), masked: never the full number."""

    kind: str                 # id_card | bank_card | mobile | address
    value: str                # masked: 370323********1234
    context: str              # ~30 characters around it, masked
    sure: bool                # a checksummed ID, a card: no doubt; else an evaluator decides
    attachment: str | None = None   # the attachment's URL whose text shows it; None = the page
    more: int = 0             # hits of the same kind and place not stored after this one

    @classmethod
    def of(cls, h: dict) -> "ContentHit":
        return cls(h.get("kind", ""), h.get("value", ""), h.get("context", ""), bool(h.get("sure")),
                   h.get("attachment"), int(h.get("more") or 0))


@dataclass(frozen=True, slots=True)
class Mention:
    """A leader a document's text names (zwgk/formats/mentions.py): 县长张三, 张三副县长."""

    title: str                # 县长, 副县长 …; "" for 张三同志 without a title
    name: str                 # 2 or 3 Han characters
    context: str = ""         # at most 30 characters around it

    @classmethod
    def of(cls, h: dict) -> "Mention":
        return cls(h.get("title") or "", h.get("name") or "", h.get("context") or "")


@dataclass(frozen=True, slots=True)
class TermHit:
    """A canonical term or place name a document writes with one character wrong
    (zwgk/formats/terms.py): 中国共产觉 for 中国共产党, 临沂巿 for 临沂市."""

    term: str                 # the canonical wording
    found: str                # as the document writes it
    context: str = ""         # at most 30 characters around it
    source: str = ""          # where the canonical wording is quoted from
    kind: str = "formulation"  # formulation | leader | place
    code: str = ""            # a place's 区划代码

    @classmethod
    def of(cls, h: dict) -> "TermHit":
        return cls(h.get("term") or "", h.get("found") or "", h.get("context") or "", h.get("source") or "",
                   h.get("kind") or "formulation", h.get("code") or "")


@dataclass(frozen=True, slots=True)
class Document:
    """One document page (a policy file, a notice, a 解读 page ...) as extracted."""

    url: str
    title: str | None
    doc_number: str | None        # 文号 as written on the page (raw)
    written_date: date | None     # 成文日期
    publish_date: date | None     # 发布日期
    validity: str | None          # 有效性, normalised: 有效 / 失效 / 废止 / 已修改 / 部分失效 / 尚未生效
    index_no: str | None          # 索引号
    publisher: str | None         # 发布机构 / 发文机关
    topic: str | None             # 主题分类
    column: str | None            # name of the column (栏目) it was listed in
    column_kind: str | None       # normalised class of that column, see auditor/columns.py KINDS
    office: str | None            # 评估对象 the document belongs to (department / sub-site), None = the portal
    body_chars: int               # length of the body text
    is_interpretation: bool       # a 解读 page
    interpretation_urls: tuple[str, ...] = ()   # on a policy page: links to its 解读
    interpretation_forms: tuple[str, ...] = ()  # forms of those links: 文字 / 图解 / 视频 / 问答
    policy_urls: tuple[str, ...] = ()           # on a 解读 page: links back to the policies
    attachments: tuple[Attachment, ...] = ()
    first_seen: datetime | None = None
    # dates the page shows that cannot be dates, as printed: (("成文日期", "2023年13月45日"), …);
    # such a field is present but wrong (malformed-date), not missing (missing-field)
    malformed_dates: tuple[tuple[str, str], ...] = ()
    # what the page itself says about its validity: body sentences and metadata lines naming
    # 废止/失效/有效期, as the extractor kept them (reasons["validity_evidence"]); read by validity-conflict
    validity_evidence: tuple[str, ...] = ()
    content_hits: tuple[ContentHit, ...] = ()   # personal information its text shows (personal-info)
    mentions: tuple[Mention, ...] = ()          # leaders its text names (leader-name)
    term_hits: tuple[TermHit, ...] = ()         # terms written one character wrong (serious-misspelling)


@dataclass(frozen=True, slots=True)
class ColumnEntry:
    """One entry of a column's list pages."""

    url: str
    title: str
    date: date | None  # date shown next to the entry in the list, if any


@dataclass(frozen=True, slots=True)
class Column:
    """A column (栏目) of the disclosure area, with every entry its list pages showed."""

    url: str
    name: str                     # as shown on the site
    kind: str | None              # normalised class (auditor/columns.py), None = unknown
    office: str | None            # 评估对象 owning it, None = the portal
    parent_url: str | None
    # a tuple, or for a large crawl a re-iterable sequence read back from a file (see documents)
    entries: tuple[ColumnEntry, ...] = ()
    list_pages: int = 1           # how many list pages were walked
    has_children: bool = False    # a parent column whose content sits in sub-columns
    read_error: str | None = None  # why (part of) its list could not be read; never judged blank then
    content_chars: int = 0        # text of its own on its first page (a single-page column is not blank)


@dataclass(frozen=True, slots=True)
class LinkOccurrence:
    """A link as it sits on a page."""

    source_url: str
    source_title: str | None
    target_url: str
    text: str


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A distinct link target and what checking it found."""

    url: str
    state: LinkState
    kind: LinkKind
    status: int | None            # final HTTP status, None when no response
    error: str | None             # e.g. 'timeout', 'dns', 'connection refused', 'soft-404', 'intranet address'
    redirects: tuple[str, ...] = ()
    # an external page's fingerprint (zwgk/formats/landing.py: final_url, title, hits, title_hits,
    # gov, icp), None when the target is no external page that answered 200 with HTML
    landing: dict | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched HTML page of the site (home, column list, document, other)."""

    url: str
    kind: str                     # home | column | list | document | other
    status: int | None
    title: str | None
    text: str                     # visible text (home and root pages: whole page incl. footer)
    office: str | None = None     # 评估对象 whose page it is (a department sub-site's root), None = the portal


@dataclass(frozen=True, slots=True)
class Message:
    """One message (留言 / 来信) of an interaction channel (互动交流), as its list row and page show it."""

    url: str
    title: str | None
    channel: str                  # the channel's name: 县长信箱
    channel_url: str
    channel_kind: str             # consult (政务咨询 counts) | hub (互动交流 page that lists messages itself)
                                  # | survey (a 征集: asked_on start/publish date, answered_on end date,
                                  # replied: a result published, crawler/interaction.py survey_item)
    asked_on: date | None         # 来信 / 留言时间
    answered_on: date | None      # 回复 / 答复时间
    status: str | None            # as printed: 已回复, 办理中 …
    replied: bool | None          # True answered, False open, None: neither list nor page says
    answered_by: str | None = None  # 回复单位
    office: str | None = None     # 评估对象, None = the portal
    page_read: bool = False       # its page was read (else the list row alone)


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    site_url: str                 # the URL the run started from
    homepage_url: str | None
    crawl_id: int
    crawled_at: datetime
    as_of: date                   # the audit date
    homepage: Page | None
    pages: tuple[Page, ...]       # pages with text of their own, and the home and root pages (not every page)
    # a tuple, or for a large crawl a re-iterable sequence read back from a temporary file
    # (auditor/spill.py Rows: iterate it, take its len; each pass gives equal, not identical, objects)
    documents: tuple[Document, ...]
    columns: tuple[Column, ...]
    links: tuple[LinkTarget, ...]
    occurrences: tuple[LinkOccurrence, ...]
    offices: tuple[str, ...]      # 评估对象 found on the site (department sub-site names)
    office: str | None = None     # set when this snapshot is restricted to one 评估对象
    messages: tuple[Message, ...] = ()  # messages of the interaction channels (互动交流)
    # facts gathered at crawl time beyond pages and links, by name (empty: none collected):
    #   "ipv6":   {"host": str, "aaaa": [addresses], "connect": bool | None, "status": int | None, "error": str | None}
    #   "search": {"found": bool, "url": str | None, "query": str | None, "status": int | None,
    #              "results": int | None, "hit": bool | None, "error": str | None}
    #   "interaction": {"home": homepage URL read, "channels": [{url, name, kind, state, pages, rows,
    #              error}]}: kind consult | hub | petition | report | interview | survey; state read |
    #              unread | asked | found (an excluded kind: not read) | external (another host)
    facts: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # the whole site, on a snapshot restricted to one 评估对象 (None: this is the whole site): an
    # office's items may be listed elsewhere (the portal's 年报 column lists every department's)
    whole: "SiteSnapshot | None" = field(default=None, repr=False, hash=False, compare=False)
    # (kind, state, count) of every checked link target. None: `links` holds every target. A
    # snapshot read from the store (auditor/snapshot.py) keeps in `links` only the targets a check
    # or the coverage account looks at one by one — not ok, redirected, an external page read, an
    # entry's target not fetched as a document — and counts the rest here
    link_counts: tuple[tuple[str, str, int], ...] | None = None
    # the URLs the columns list that were not fetched as documents (auditor/snapshot.py works them
    # out as it reads); None: coverage.py works them out from `documents`
    unfetched: frozenset[str] | None = field(default=None, repr=False, hash=False, compare=False)
    listed_urls: int | None = None   # how many distinct URLs the columns list (None: count `columns`)
    # the documents' URLs no column lists (reached from a 解读's 原文 link, a search …); None: work
    # them out from `columns`
    unlisted: frozenset[str] | None = field(default=None, repr=False, hash=False, compare=False)

    def link_count(self, kinds=None, state: str | None = None) -> int:
        """How many checked link targets are of `kinds` (all when None) and in `state` (any when None)."""
        if isinstance(kinds, str):
            kinds = (kinds,)
        counts = self.link_counts
        if counts is None:
            return sum(1 for t in self.links if (not kinds or t.kind in kinds) and (state is None or t.state == state))
        return sum(n for k, st, n in counts if (not kinds or k in kinds) and (state is None or st == state))

    def for_office(self, office: str | None) -> "SiteSnapshot":
        """The part of the site that belongs to one 评估对象 (None = the portal's own column)."""
        from dataclasses import replace

        cols = tuple(c for c in self.columns if c.office == office)
        part = getattr(self.documents, "part", None)  # documents kept in a file (auditor/spill.py): by 评估对象
        docs = part(office) if part is not None else tuple(d for d in self.documents if d.office == office)
        return replace(self, columns=cols, documents=docs, office=office, whole=self.whole or self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. `check` is the finding id of the export contract (broken-link, missing-field ...)."""

    check: str
    url: str                      # the thing at fault: broken target, document, column, site
    source: str | None = None     # the page where it was seen
    office: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # field, status, period, working_days, dates ...


@dataclass(frozen=True, slots=True)
class CheckResult:
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    checked: int = 0              # how many items were examined
    note: str = ""                # short Chinese explanation shown in the report
