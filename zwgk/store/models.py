"""SQLAlchemy 2 models: what a crawl stored and what an audit found.

One DeclarativeBase with a naming convention so that Alembic migrations name constraints
the same on SQLite and PostgreSQL. Every crawl keeps its own rows (keyed by crawl_id), so
history across nightly runs is the same tables queried by crawl.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# What a site sends (URLs, titles, link texts, field values, header values) and error messages are
# TEXT: a column too narrow for one value made PostgreSQL refuse the whole batch of rows it came in.
URL = Text

# A unique key on an unbounded value cannot be a btree entry of that value: PostgreSQL refuses an
# index entry over ~2,700 bytes, and a 3,000-character URL of random-looking query parameters does
# not compress below that. So each table's unique key (what INSERT … ON CONFLICT matches) is a
# fixed-size digest of the key values, computed in Python by `key_of` and kept in a column of its
# own: the same schema on SQLite and PostgreSQL, copied as is by INSERT … SELECT (incremental
# re-crawls), and looked up instead of the URL where an index is wanted. The values themselves are
# stored whole. `KEYS` of a model names each digest column and the columns it is made of.
KEY = String(32)


def key_of(*parts: str | None) -> str:
    """The digest that keys `parts` (128-bit BLAKE2b, hex). Part of the schema: stored keys are
    compared with keys computed later, so this must never change."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        b = (p or "").encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "big"))  # length-prefixed: ("ab", "c") and ("a", "bc") differ
        h.update(b)
    return h.hexdigest()


def _keyed(*columns: str):
    """Column default: the key of the row's `columns` (rows written without it, e.g. by the ORM)."""
    def default(context):
        params = context.get_current_parameters()
        return key_of(*(params.get(c) for c in columns))
    return default


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Site(Base):
    __tablename__ = "site"
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, unique=True, default=_keyed("url"))
    name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Crawl(Base):
    __tablename__ = "crawl"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    start_url: Mapped[str] = mapped_column(URL)
    homepage_url: Mapped[str | None] = mapped_column(URL)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # queued | running | finished | interrupted (stopped early: time budget, Ctrl-C; --resume carries
    # on) | failed (the database refused a write: rows are missing; `error` says why)
    status: Mapped[str] = mapped_column(String(20), default="running")
    error: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    # facts gathered at crawl time beyond pages and links: {"ipv6": {...}, "search": {...}}
    facts: Mapped[dict | None] = mapped_column(JSON)


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("crawl_id", "url_key"),)
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, default=_keyed("url"))
    kind: Mapped[str] = mapped_column(String(20))  # home | root | column | document | other
    status: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)  # visible text, kept for home and root pages
    encoding: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    office: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # incremental re-crawls (zwgk/crawler/incremental.py): the validators the server sent, echoed
    # verbatim in the next crawl's If-None-Match / If-Modified-Since; a 304 answer sets
    # reused_from to the crawl whose rows for this URL were copied instead of re-parsing the page
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    reused_from: Mapped[int | None] = mapped_column(Integer)
    # a list page: what it showed ({entries, subcolumns, offices, pagination}, see
    # crawler/listing.py), so that a 304 next night is followed up without the page
    listing: Mapped[dict | None] = mapped_column(JSON)


class SiteColumn(Base):
    """A column (栏目). Named site_column because COLUMN is an SQL keyword."""

    __tablename__ = "site_column"
    __table_args__ = (UniqueConstraint("crawl_id", "url_key"),)
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, default=_keyed("url"))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    office: Mapped[str | None] = mapped_column(Text)
    parent_url: Mapped[str | None] = mapped_column(URL)
    list_pages: Mapped[int] = mapped_column(Integer, default=1)
    has_children: Mapped[bool] = mapped_column(Boolean, default=False)
    # why (part of) its list could not be read (robots.txt, errors after retries); None = read
    read_error: Mapped[str | None] = mapped_column(Text)
    # characters of text of its own on its first page (a single-page column: 指南, 机构职能)
    content_chars: Mapped[int | None] = mapped_column(Integer)


class ColumnEntry(Base):
    __tablename__ = "column_entry"
    __table_args__ = (UniqueConstraint("crawl_id", "entry_key"),)
    KEYS: ClassVar[dict] = {"entry_key": ("column_url", "url", "title")}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    column_url: Mapped[str] = mapped_column(URL)
    url: Mapped[str] = mapped_column(URL)
    title: Mapped[str] = mapped_column(Text)
    entry_key: Mapped[str] = mapped_column(KEY, default=_keyed("column_url", "url", "title"))
    date: Mapped[date | None] = mapped_column(Date)
    list_page: Mapped[str | None] = mapped_column(URL)


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("crawl_id", "url_key"),)
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, default=_keyed("url"))
    title: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(Text)
    written_date: Mapped[date | None] = mapped_column(Date)
    publish_date: Mapped[date | None] = mapped_column(Date)
    validity: Mapped[str | None] = mapped_column(Text)
    index_no: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(Text)
    column: Mapped[str | None] = mapped_column(Text)
    column_url: Mapped[str | None] = mapped_column(URL)
    column_kind: Mapped[str | None] = mapped_column(Text)
    office: Mapped[str | None] = mapped_column(Text)
    body_chars: Mapped[int] = mapped_column(Integer, default=0)
    is_interpretation: Mapped[bool] = mapped_column(Boolean, default=False)
    interpretation_links: Mapped[list] = mapped_column(JSON, default=list)  # [{url, text, form}]
    policy_urls: Mapped[list] = mapped_column(JSON, default=list)
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # [{url, name, ext}]
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> why it is empty
    list_title: Mapped[str | None] = mapped_column(Text)  # the title the list entry showed
    # personal information its text shows, masked (formats/pii.py): [{kind, value, offset, context,
    # sure}], an attachment's hits carrying its `attachment` URL; never a full ID or card number
    content_hits: Mapped[list | None] = mapped_column(JSON, default=list)
    # leaders its text names (formats/mentions.py): [{title, name, context}], at most 50
    mentions: Mapped[list | None] = mapped_column(JSON, default=list)
    # canonical terms and place names its title or text writes with one character wrong
    # (formats/terms.py): [{term, found, context, source, kind, code?}], at most 20
    term_hits: Mapped[list | None] = mapped_column(JSON, default=list)


class Link(Base):
    """A link as it sits on a page (one row per source page, target and text)."""

    __tablename__ = "link"
    # source_key leads the key: the links of a page are looked up by it (incremental copies)
    __table_args__ = (UniqueConstraint("crawl_id", "source_key", "link_key"),)
    KEYS: ClassVar[dict] = {"source_key": ("source_url",), "link_key": ("target_url", "text")}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    source_url: Mapped[str] = mapped_column(URL)
    target_url: Mapped[str] = mapped_column(URL)
    text: Mapped[str] = mapped_column(Text, default="")  # at most write.LINK_TEXT_MAX characters, a cut marked
    source_key: Mapped[str] = mapped_column(KEY, default=_keyed("source_url"))
    link_key: Mapped[str] = mapped_column(KEY, default=_keyed("target_url", "text"))
    tag: Mapped[str] = mapped_column(String(20), default="a")


class LinkTarget(Base):
    """A distinct link target and what requesting it found."""

    __tablename__ = "link_target"
    __table_args__ = (UniqueConstraint("crawl_id", "url_key"),)
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, default=_keyed("url"))
    state: Mapped[str] = mapped_column(String(20))  # ok | broken | inconclusive | wrong
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    redirects: Mapped[list] = mapped_column(JSON, default=list)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # an external page's fingerprint (formats/landing.py: final URL, title, words and marks found;
    # about 1 KiB, never the body), None for every other target
    landing: Mapped[dict | None] = mapped_column(JSON)


class Message(Base):
    """One message (留言 / 来信) of an interaction channel (互动交流), as its list row and page show it."""

    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("crawl_id", "url_key"),)
    KEYS: ClassVar[dict] = {"url_key": ("url",)}
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(URL)
    url_key: Mapped[str] = mapped_column(KEY, default=_keyed("url"))
    channel: Mapped[str] = mapped_column(Text)        # the channel's name as linked: 县长信箱
    channel_url: Mapped[str] = mapped_column(URL)
    channel_kind: Mapped[str] = mapped_column(Text)   # consult | hub | survey (crawler/interaction.py survey_item)
    title: Mapped[str | None] = mapped_column(Text)
    asked_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(Text)  # as printed: 已回复, 办理中 …
    replied: Mapped[bool | None] = mapped_column(Boolean)  # None: neither list nor page says
    answered_by: Mapped[str | None] = mapped_column(Text)
    office: Mapped[str | None] = mapped_column(Text)
    page_read: Mapped[bool] = mapped_column(Boolean, default=False)
    list_page: Mapped[str | None] = mapped_column(URL)


class Audit(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    checklist: Mapped[str] = mapped_column(Text)
    checklist_version: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None]
    max_score: Mapped[float | None]


class Finding(Base):
    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    check: Mapped[str] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(URL)
    source: Mapped[str | None] = mapped_column(URL)
    office: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class Probe(Base):
    """One availability probe (`zwgk watch`): a request to a site's homepage or disclosure-column
    root and what came of it. One row per request, committed as it is made, so that a restarted
    watcher loses nothing; the audit's homepage-availability check reads them (zwgk/watch/fact.py)."""

    __tablename__ = "probe"
    id: Mapped[int] = mapped_column(primary_key=True)
    # the site as the user named it (its homepage URL); site_key = key_of(watch.sites.site_id(url)),
    # so that http://x.gov.cn and http://x.gov.cn/ are one site
    site_url: Mapped[str] = mapped_column(URL)
    site_key: Mapped[str] = mapped_column(KEY, index=True)
    target: Mapped[str] = mapped_column(String(10))  # home | root (the disclosure column's root)
    url: Mapped[str] = mapped_column(URL)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    # ok | fail | inconclusive (403/412/429: a firewall or rate limit turned the prober away, or the
    # network policy kept it from looking; neither success nor failure, see zwgk/watch/probe.py)
    outcome: Mapped[str] = mapped_column(String(12))
    status: Mapped[int | None] = mapped_column(Integer)  # the final answer's HTTP status, None = no answer
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, in Chinese (超时、连接被重置、HTTP 503 …)
    final_url: Mapped[str | None] = mapped_column(URL)  # where redirects ended
    timeout_s: Mapped[float]  # the time limit the probe ran under
