"""Items the spider yields; the store pipeline writes each to its table."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from zwgk.crawler.extractors.fields import DocumentFields


@dataclass
class PageItem:
    url: str
    kind: str                  # home | root | column | document | other
    status: int | None
    title: str | None
    text: str | None = None    # kept for home and root pages (identity marks, 指南 …)
    encoding: str | None = None
    content_hash: str | None = None
    office: str | None = None
    etag: str | None = None           # validators for tomorrow's conditional request
    last_modified: str | None = None
    listing: dict | None = None       # a list page: what it showed (crawler/listing.py)


@dataclass
class ReuseItem:
    """Pages not parsed again: copy what crawl `from_crawl` stored for them. `asked`: the server
    answered 304 tonight; False: not asked (rolling revalidation trusted the unchanged list entry)."""
    urls: list
    from_crawl: int
    asked: bool = True


@dataclass
class ReuseTargetsItem:
    """Link targets not checked again tonight (rolling revalidation): copy their rows from `from_crawl`."""
    urls: list
    from_crawl: int


@dataclass
class ColumnItem:
    url: str
    name: str
    kind: str | None
    office: str | None
    parent_url: str | None
    list_pages: int = 1
    has_children: bool = False
    # why (some of) its list could not be read — robots.txt, an error after retries, a WAF page:
    # such a column is never judged blank (needs review); None = every list page was read
    read_error: str | None = None
    content_chars: int = 0  # text of its own on its first page: a single-page column is not blank


@dataclass
class EntriesItem:
    """The entries of one list page in one item (Scrapy's cost is per item)."""
    column_url: str
    list_page: str
    entries: list  # [(url, title, date)]


@dataclass
class DocumentItem:
    """A document page as the crawl files it: what the page shows (`fields`, typed, dates as
    dates; its body text dropped once counted) and where the crawl found it (the column whose
    list led here). Which column a document finally belongs to, when several lists show it, is
    decided once by the audit (auditor/snapshot.py: the most specific list)."""
    url: str
    fields: DocumentFields
    column: str | None
    column_url: str | None
    column_kind: str | None
    office: str | None
    is_interpretation: bool = False
    interpretation_links: list = field(default_factory=list)  # [{url, text, form}]
    list_title: str | None = None

    @classmethod
    def from_fields(cls, fields: DocumentFields, url: str, column: dict | None, column_url: str | None,
                    office: str | None, list_title: str | None) -> "DocumentItem | None":
        """The item for what the extractor read on a page, filed under `column` (the Columns entry,
        if a list led here, else the column the page names); None when the page shows no title, date or body: not a document page
        after all."""
        from zwgk.crawler.extractors.links import canonical_url

        if not (fields.title or fields.publish_date or fields.body_chars):
            return None
        from zwgk.vocab import classify_column

        forms = [{"url": canonical_url(u), "text": t, "form": f} for u, t, f in fields.interpretation_links]
        # reached without a list (a 解读's 原文 link): the column its own page names (breadcrumb,
        # <meta name="ColumnName">); the audit files a listed document under its list's column
        name = column["name"] if column else fields.column
        kind = column["kind"] if column else (
            classify_column(fields.column) or ("interpretation" if fields.is_interpretation else None))
        return cls(url=canonical_url(url), fields=replace(fields, body_text=""),
                   column=name, column_url=column_url, column_kind=kind,
                   office=office, is_interpretation=fields.is_interpretation or kind == "interpretation",
                   interpretation_links=forms, list_title=list_title)

    @property
    def reasons(self) -> dict:
        return self.fields.reasons

    def related(self) -> list[str]:
        """解读 and the policies they interpret: documents too, wherever they are listed."""
        return [x["url"] for x in self.interpretation_links] + [u for u, _ in self.fields.policy_links]


@dataclass
class PageLinksItem:
    """Every link of one page in one item: a page carries dozens of links, and Scrapy's cost is
    per item."""
    source_url: str
    links: list  # [(target_url, text, tag)]


@dataclass
class LinkTargetItem:
    url: str
    state: str                 # ok | broken | inconclusive | wrong
    kind: str                  # 站内 | 站外 | 附件 | 图片
    status: int | None = None
    error: str | None = None
    redirects: list = field(default_factory=list)
    landing: dict | None = None  # an external page's fingerprint (formats/landing.py), never its body


@dataclass
class MessageItem:
    """One message (留言 / 来信) of an interaction channel (crawler/interaction.py): what its list
    row and its page show. `replied`: True answered, False open, None not said; `page_read`: its
    page was fetched and read (else the list row alone)."""
    url: str
    channel: str
    channel_url: str
    channel_kind: str
    title: str | None
    asked_on: date | None
    answered_on: date | None
    status: str | None
    replied: bool | None
    answered_by: str | None = None  # the answering office as the page names it (回复单位)
    office: str | None = None       # 评估对象 whose channel it is, None = the portal
    page_read: bool = False
    list_page: str | None = None
