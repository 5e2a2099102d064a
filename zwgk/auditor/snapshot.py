"""Reads one stored crawl into a frozen SiteSnapshot; no ORM object escapes this module."""
from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Iterator

from sqlalchemy import JSON, Text, bindparam, column, func, or_, select, table, text, type_coerce
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zwgk.formats import landing
from zwgk.store import models as m
from zwgk.store.db import in_chunks, streamed
from zwgk.store.models import key_of
from zwgk.watch.fact import availability_fact

from . import model as am
from .checks._select import is_robots, norm_url
from .spill import Rows, Spill


class CrawlNotFound(LookupError):
    pass


def latest_crawl_id(session: Session, site_url: str | None = None) -> int | None:
    q = select(m.Crawl.id).order_by(m.Crawl.id.desc())
    if site_url:
        q = q.join(m.Site).where(m.Site.url == site_url)
    return session.scalars(q.limit(1)).first()


# keys and markers of document.reasons the extractor writes (zwgk/crawler/extractors/fields.py:
# UNREADABLE_DATE, VALIDITY_EVIDENCE); repeated here so that the auditor imports no crawler code
UNREADABLE_DATE = "无法识别的日期："
VALIDITY_EVIDENCE = "validity_evidence"
_DATE_FIELDS = (("written_date", "成文日期"), ("publish_date", "发布日期"))


def _malformed_dates(reasons: dict) -> tuple[tuple[str, str], ...]:
    out = []
    for key, name in _DATE_FIELDS:
        why = reasons.get(key)
        if isinstance(why, str) and why.startswith(UNREADABLE_DATE) and why[len(UNREADABLE_DATE):].strip():
            out.append((name, why[len(UNREADABLE_DATE):].strip()))
    return tuple(out)


def _validity_evidence(reasons: dict) -> tuple[str, ...]:
    text = reasons.get(VALIDITY_EVIDENCE)
    return tuple(ln for ln in text.split("\n") if ln.strip()) if isinstance(text, str) else ()


class _Pool(dict):
    """One object for equal values read from different rows: a URL is a page's, a document's, a
    list entry's and a link target's; a column name, an office, a kind, a date repeat on thousands
    of rows. Used while loading only."""

    def __call__(self, s):
        return s if s is None else self.setdefault(s, s)


# what most documents hold in their JSON columns, as SQLite returns it: decoded without json.loads
_PLAIN_JSON = {"null": None, "[]": (), "{}": {}}


def _json(v):
    """A JSON column's value: as text from SQLite (_document_columns), decoded here — the empty
    ones, most, without a parse; as PostgreSQL's driver decoded it, kept."""
    if isinstance(v, str):
        return _PLAIN_JSON[v] if v in _PLAIN_JSON else json.loads(v)
    return v


_JSON_COLUMNS = frozenset(c.name for c in m.Document.__table__.c if isinstance(c.type, JSON))


def _document_columns(session: Session) -> list:
    """The document table's columns, its JSON ones as text on SQLite (decoded by _json): a
    parse of every '[]' was a third of the snapshot's time. PostgreSQL's driver decodes them."""
    if session.get_bind().dialect.name != "sqlite":
        return list(m.Document.__table__.c)
    return [type_coerce(c, Text).label(c.name) if c.name in _JSON_COLUMNS else c for c in m.Document.__table__.c]


def _document(d, pool=lambda s: s, c: am.Column | None = None, in_interpretations: bool = False) -> am.Document:
    """A document from its row of the document table, filed under the column `c` it belongs to
    (_settle_lists) when a list shows it; `in_interpretations`: a 解读 column lists it."""
    links = _json(d.interpretation_links) or []
    reasons = _json(d.reasons)
    reasons = reasons if isinstance(reasons, dict) else {}
    if c is None:
        column, kind, office, interpretation = pool(d.column), pool(d.column_kind), pool(d.office), bool(d.is_interpretation)
    else:
        column, kind, office = c.name, c.kind, c.office
        interpretation = bool(d.is_interpretation) or in_interpretations
    return am.Document(
        url=pool(d.url), title=pool(d.title), doc_number=d.doc_number, written_date=pool(d.written_date),
        publish_date=pool(d.publish_date), validity=pool(d.validity), index_no=d.index_no, publisher=pool(d.publisher),
        topic=pool(d.topic), column=column, column_kind=kind, office=office,
        body_chars=d.body_chars or 0, is_interpretation=interpretation,
        interpretation_urls=tuple(dict.fromkeys(x["url"] for x in links)),
        interpretation_forms=tuple(x.get("form") or "文字" for x in links),
        policy_urls=tuple(_json(d.policy_urls) or ()),
        attachments=tuple(am.Attachment(a["url"], a.get("name") or "", a.get("ext") or "") for a in _json(d.attachments) or ()),
        malformed_dates=_malformed_dates(reasons), validity_evidence=_validity_evidence(reasons),
        content_hits=tuple(am.ContentHit.of(h) for h in _json(d.content_hits) or ()),
        mentions=tuple(am.Mention.of(h) for h in _json(d.mentions) or ()),
        term_hits=tuple(am.TermHit.of(h) for h in _json(d.term_hits) or ()),
    )


# Above this many documents the snapshot keeps them and the list entries in temporary files
# (auditor/spill.py), read back for each check that passes over them, and settles which column
# a listed URL belongs to in the database (_settle_in_store): the audit's memory hardly grows with
# the site, at the cost of decoding them again (docs/benchmarks.md). ZWGK_AUDIT_SPILL_ABOVE sets it.
SPILL_ABOVE = 20000


def spill_above() -> int:
    value = os.environ.get("ZWGK_AUDIT_SPILL_ABOVE", "").strip()
    return int(value) if value.isdigit() else SPILL_ABOVE


def _fields(x) -> tuple:
    return tuple(getattr(x, f) for f in type(x).__slots__)


def _shared(s: str | None) -> str | None:
    # marshal writes an object it has already written in the same dump as a reference to it and
    # loads an interned string interned: a value most documents repeat (a 发布机构, a 栏目, a 评估对象)
    # is stored once a chunk and read back as one object, however many documents stay decoded
    return sys.intern(s) if s else s


def _pack(d: am.Document) -> tuple:
    """A document as plain values marshal writes (dates as day numbers, nested records as tuples)."""
    return (d.url, d.title, d.doc_number, d.written_date and d.written_date.toordinal(),
            d.publish_date and d.publish_date.toordinal(), _shared(d.validity), d.index_no, _shared(d.publisher),
            _shared(d.topic), _shared(d.column), _shared(d.column_kind), _shared(d.office), d.body_chars,
            d.is_interpretation, d.interpretation_urls, tuple(map(_shared, d.interpretation_forms)), d.policy_urls,
            tuple((a.url, a.name, _shared(a.ext)) for a in d.attachments),
            d.first_seen and d.first_seen.isoformat(), d.malformed_dates, d.validity_evidence,
            tuple(_fields(h) for h in d.content_hits), tuple(_fields(h) for h in d.mentions),
            tuple(_fields(h) for h in d.term_hits))


_day = lru_cache(maxsize=8192)(date.fromordinal)


# a Document's slots, set one by one on a new object: the frozen dataclass's __init__ (an
# object.__setattr__ call per field) was two thirds of the time a document took to read back
_SLOT_SETTERS = tuple(getattr(am.Document, f).__set__ for f in am.Document.__slots__)


def _unpack(r: tuple) -> am.Document:
    a, ch, mn, th = r[17], r[21], r[22], r[23]
    d = object.__new__(am.Document)
    for put, value in zip(_SLOT_SETTERS, (
            r[0], r[1], r[2], r[3] and _day(r[3]), r[4] and _day(r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11],
            r[12], r[13], r[14], r[15], r[16], tuple([am.Attachment(*x) for x in a]) if a else (),
            r[18] and datetime.fromisoformat(r[18]), r[19], r[20],
            tuple([am.ContentHit(*h) for h in ch]) if ch else (), tuple([am.Mention(*h) for h in mn]) if mn else (),
            tuple([am.TermHit(*h) for h in th]) if th else ())):
        put(d, value)
    return d


def spill_documents(documents) -> Rows:
    """`documents` kept in a temporary file, by 评估对象, as load_snapshot keeps a large crawl's."""
    spill = Spill(_pack, _unpack)
    for d in documents:
        spill.add(d.office, d)
    return spill.done()


def _specific(c: am.Column) -> bool:
    return c.kind is not None and not c.has_children


def _ancestors(c: am.Column, by_url: dict) -> list[str]:
    """The URLs of the columns above `c`, nearest first (a loop of parents ends the walk)."""
    out, seen = [], {c.url}
    while c.parent_url in by_url and c.parent_url not in seen:
        seen.add(c.parent_url)
        out.append(c.parent_url)
        c = by_url[c.parent_url]
    return out


def _all_ancestors(columns) -> dict[str, list[str]]:
    by_url = {c.url: c for c in columns}
    return {c.url: _ancestors(c, by_url) for c in columns}


def _ranks(columns, ancestors: dict) -> dict[str, tuple]:
    # which of the columns listing a URL it belongs to: lowest first (see _settle_lists)
    return {c.url: (not _specific(c), -len(ancestors[c.url]), c.url) for c in columns}


def _settle_lists(columns: tuple) -> tuple[tuple, dict, set]:
    """(columns, {document url: the column it belongs to}, {urls listed in a 解读 column}).

    A document belongs to the most specific column whose list shows it — a column of a known
    kind without sub-columns first, then the deepest, then the first URL — whichever page the crawl
    reached it from first (a 解读's 原文 link, an overview page's preview box, a sibling's list).
    An entry a parent column shows that one of its sub-columns lists too is a preview of the
    sub-column (an overview page's 最新 box), not the parent's own."""
    ancestors = _all_ancestors(columns)
    below: set[tuple[str, str]] = {(a, e.url) for c in columns for e in c.entries for a in ancestors[c.url]}
    columns = tuple(c if not c.has_children else replace(c, entries=tuple(e for e in c.entries
                                                                         if (c.url, e.url) not in below))
                    for c in columns)
    del below
    listed_in: dict[str, am.Column] = {}
    interpretations: set[str] = set()
    rank = _ranks(columns, ancestors)
    for c in columns:
        for e in c.entries:
            best = listed_in.get(e.url)
            if best is None or rank[c.url] < rank[best.url]:
                listed_in[e.url] = c
            if c.kind == "interpretation":
                interpretations.add(e.url)
    return columns, listed_in, interpretations


# The same rule for a crawl too large to hold its list entries (spill): temporary tables of the
# crawl's entries and of its columns' ranks and ancestors, dropped when the snapshot is read
_TEMP = ("zwgk_settle_entries", "zwgk_settle_columns", "zwgk_settle_below", "zwgk_settled")


def _drop_temp(conn) -> None:
    for name in _TEMP:
        conn.execute(text(f"DROP TABLE IF EXISTS {name}"))


def _settle_in_store(session: Session, crawl_id: int, columns: tuple) -> tuple[list, set[int]]:
    """_settle_lists in the database, for a crawl whose entries are not held: (the columns in
    rank order — the best column for a URL is the lowest —, the ids of the entries a parent
    column shows as a preview of a column below it). Leaves the temporary table zwgk_settled:
    each listed URL with the rank of its column and whether a 解读 column lists it."""
    ancestors = _all_ancestors(columns)
    rank = _ranks(columns, ancestors)
    ranked = sorted(columns, key=lambda c: rank[c.url])
    conn = session.connection()
    _drop_temp(conn)
    cid = int(crawl_id)  # written into the statement: PostgreSQL binds no parameter in CREATE TABLE … AS
    conn.execute(text("CREATE TEMP TABLE zwgk_settle_entries AS SELECT id, column_url, url FROM column_entry "
                      f"WHERE crawl_id = {cid}"))
    conn.execute(text("CREATE INDEX zwgk_settle_entries_url ON zwgk_settle_entries (url, column_url)"))
    conn.execute(text("CREATE TEMP TABLE zwgk_settle_columns (url TEXT NOT NULL, rank INTEGER NOT NULL, "
                      "interp INTEGER NOT NULL, parent INTEGER NOT NULL)"))
    if ranked:
        conn.execute(text("INSERT INTO zwgk_settle_columns VALUES (:url, :rank, :interp, :parent)"), [
            {"url": c.url, "rank": i, "interp": int(c.kind == "interpretation"), "parent": int(c.has_children)}
            for i, c in enumerate(ranked)])
    conn.execute(text("CREATE TEMP TABLE zwgk_settle_below (col TEXT NOT NULL, anc TEXT NOT NULL)"))
    below = [{"col": c, "anc": a} for c, above in ancestors.items() for a in above]
    if below:
        conn.execute(text("INSERT INTO zwgk_settle_below VALUES (:col, :anc)"), below)
    # an entry of a parent column that a column below it lists too: the parent's preview box
    previews = set(conn.execute(text(
        "SELECT DISTINCT e.id FROM zwgk_settle_entries e "
        "JOIN zwgk_settle_columns p ON p.url = e.column_url AND p.parent = 1 "
        "JOIN zwgk_settle_below b ON b.anc = e.column_url "
        "JOIN zwgk_settle_entries e2 ON e2.url = e.url AND e2.column_url = b.col")).scalars())
    for chunk in in_chunks(sorted(previews)):
        conn.execute(text("DELETE FROM zwgk_settle_entries WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": chunk})
    conn.execute(text("CREATE TEMP TABLE zwgk_settled AS SELECT e.url AS url, min(c.rank) AS rank, "
                      "max(c.interp) AS interp FROM zwgk_settle_entries e "
                      "JOIN zwgk_settle_columns c ON c.url = e.column_url GROUP BY e.url"))
    conn.execute(text("CREATE UNIQUE INDEX zwgk_settled_url ON zwgk_settled (url)"))
    return ranked, previews


_SETTLED = table("zwgk_settled", column("url"), column("rank"), column("interp"))


def _pack_entry(e) -> tuple:
    return (e.url, e.title, e.date and e.date.toordinal())


def _unpack_entry(r: tuple) -> am.ColumnEntry:
    return am.ColumnEntry(r[0], r[1], r[2] and _day(r[2]))


# What the checks read of the links (auditor/checks): links.py reports every page on which a
# target that is not ok (broken, inconclusive, wrong) or that was redirected appears;
# homepage.py reads the homepage's links, site.py the links on the home and 评估对象 root pages.
# Every link of every page (some twenty a page) is the bulk of a crawl and grows with the site:
# only these occurrences are loaded, the rest are streamed past.
FRONT_KINDS = ("home", "root")
# at most this many URLs are handed to the database to pick the occurrences by (SQLite binds up to
# 32 766 values a statement); a crawl with more targets to report is read whole
PICK_MAX = 20000


def _target_key(url: str) -> str:
    # the key links.py looks a target's occurrences up by: a #fragment target (the anchor is
    # missing) where that very link sits, any other by its URL without fragment
    return url.strip() if "#" in url else norm_url(url)


def _needs_occurrences(t: am.LinkTarget) -> bool:
    # a target that is not ok, but for one robots.txt disallows (never reported: a search page
    # linked from every page had 63 332 of the 400k bench's 65 129 occurrences); a redirect hop
    # needs two URLs in `redirects` (checks/links.py redirect_hops); an external page showing a
    # sign (checks/links.py hijacked_link) its link texts
    return (t.state != "ok" and not is_robots(t)) or len(t.redirects) >= 2 or (t.landing is not None and bool(
        set(landing.signs(t.landing, t.url)) - {"no_gov"}))


def _occurrences(session: Session, crawl_id: int, links, fronts: set[str], pool) -> tuple:
    """The link occurrences the checks read (see FRONT_KINDS), in the order they were stored,
    each with the title of the page it sits on."""
    keys = {_target_key(t.url) for t in links if _needs_occurrences(t)}
    L = m.Link.__table__.c
    q = select(L.source_url, L.target_url, L.text).where(L.crawl_id == crawl_id)
    if len(keys) + len(fronts) <= PICK_MAX:
        # the database passes over the rows that cannot match (at 400 000 pages, 12 million links
        # of which a few thousand are read): a link is stored with its target's own URL, so a row
        # matches by its target as written, or has a #fragment, or spaces around it (what
        # norm_url would take off), or sits on a front page; the test below is the exact one
        q = q.where(or_(L.target_url.in_(sorted(keys)), L.target_url.like("%#%"), L.target_url.like(" %"),
                        L.target_url.like("% "), L.source_url.in_(sorted(fronts))))
    rows = session.execute(streamed(q.order_by(L.id)))
    kept = [(pool(source), pool(target), text) for source, target, text in rows
            if norm_url(target) in keys or ("#" in target and target.strip() in keys) or norm_url(source) in fronts]
    P = m.Page.__table__.c
    titles = {}
    for chunk in in_chunks(sorted({key_of(source) for source, _, _ in kept})):
        titles.update(session.execute(select(P.url_key, P.title).where(P.crawl_id == crawl_id, P.url_key.in_(chunk))).all())
    return tuple(am.LinkOccurrence(source, titles.get(key_of(source)), target, text) for source, target, text in kept)


def _held(t, unread: set[str]) -> bool:
    # a target a check or the coverage account looks at one by one (SiteSnapshot.link_counts):
    # not ok (checks/links.py), redirected (redirect-chain), an external page read (hijacked-link),
    # a list entry not fetched as a document (coverage.py says why)
    return t.state != "ok" or bool(t.redirects) or t.landing is not None or t.url in unread


def _links(session: Session, crawl_id: int, unread: set, pool) -> tuple[tuple, tuple]:
    """The link targets held one by one (_held), in the order they were stored, and the
    (kind, state, count) of all of them: a site's hundreds of thousands of working links are
    counted, not kept. `unread`: the listed URLs not fetched as documents."""
    T = m.LinkTarget.__table__.c
    counts: Counter = Counter()
    held = []
    for t in session.execute(streamed(select(T.url, T.state, T.kind, T.status, T.error, T.redirects, T.landing)
                                      .where(T.crawl_id == crawl_id).order_by(T.id))):
        counts[(t.kind, t.state)] += 1
        if _held(t, unread):
            held.append(am.LinkTarget(pool(t.url), pool(t.state), pool(t.kind), t.status, pool(t.error),
                                      tuple(pool(u) for u in t.redirects or ()), t.landing))
    return tuple(held), tuple((k, st, n) for (k, st), n in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))))


@dataclass(frozen=True, slots=True)
class _Lists:
    """The columns with their entries and the documents filed under them, as one reader gives them."""

    columns: tuple
    documents: tuple | Rows
    unfetched: frozenset[str]     # the listed URLs not fetched as documents
    listed_urls: int              # how many distinct URLs the columns list
    unlisted: frozenset[str]      # the documents' URLs no column lists
    offices: frozenset[str]       # the 评估对象 the documents are filed under


def _read_small(session: Session, crawl_id: int, columns: tuple, pool) -> _Lists:
    """Entries and documents held in memory, settled by _settle_lists."""
    E, D = m.ColumnEntry.__table__.c, m.Document.__table__.c
    entries = defaultdict(list)
    for e in session.execute(select(E.column_url, E.url, E.title, E.date).where(E.crawl_id == crawl_id)
                             .order_by(E.id)):
        entries[e.column_url].append(am.ColumnEntry(pool(e.url), pool(e.title), pool(e.date)))
    columns, listed_in, interpretations = _settle_lists(
        tuple(replace(c, entries=tuple(entries.get(c.url, ()))) for c in columns))
    del entries
    documents, fetched, unlisted, offices = [], set(), set(), set()
    for row in session.execute(streamed(select(*_document_columns(session)).where(D.crawl_id == crawl_id)
                                        .order_by(D.id))):
        c = listed_in.get(row.url)
        d = _document(row, pool, c, row.url in interpretations)
        documents.append(d)
        fetched.add(d.url)
        if c is None:
            unlisted.add(d.url)
        if d.office:
            offices.add(d.office)
    listed = {e.url for c in columns for e in c.entries}
    return _Lists(columns, tuple(documents), frozenset(listed - fetched), len(listed), frozenset(unlisted),
                  frozenset(offices))


def _read_large(session: Session, crawl_id: int, columns: tuple) -> _Lists:
    """Entries and documents written to temporary files (auditor/spill.py) and read back for each
    pass; which column a listed URL belongs to settled in the database (_settle_in_store). Nothing
    read here is pooled, for nothing is kept."""
    E, D = m.ColumnEntry.__table__.c, m.Document.__table__.c
    try:
        ranked, previews = _settle_in_store(session, crawl_id, columns)
        entries = Spill(_pack_entry, _unpack_entry)
        for e in session.execute(streamed(select(E.id, E.column_url, E.url, E.title, E.date)
                                          .where(E.crawl_id == crawl_id).order_by(E.id))):
            if e.id not in previews:
                entries.add(e.column_url, e)
        rows = entries.done()
        columns = tuple(replace(c, entries=rows.part(c.url)) for c in columns)
        unlisted, offices = set(), set()

        def filed() -> Iterator[am.Document]:
            for row in session.execute(streamed(
                    select(*_document_columns(session), _SETTLED.c.rank, _SETTLED.c.interp)
                    .select_from(m.Document.__table__.outerjoin(_SETTLED, _SETTLED.c.url == D.url))
                    .where(D.crawl_id == crawl_id).order_by(D.id))):
                d = _document(row, c=None if row.rank is None else ranked[row.rank], in_interpretations=bool(row.interp))
                if row.rank is None:
                    unlisted.add(d.url)
                if d.office:
                    offices.add(d.office)
                yield d

        documents = spill_documents(filed())
        conn = session.connection()
        unfetched = frozenset(conn.execute(text(
            "SELECT s.url FROM zwgk_settled s WHERE s.url NOT IN "
            "(SELECT d.url FROM document d WHERE d.crawl_id = :cid)"), {"cid": crawl_id}).scalars())
        listed_urls = conn.execute(text("SELECT count(*) FROM zwgk_settled")).scalar()
    except BaseException:
        # a database error may have ended the transaction: the original error is the one to tell
        with suppress(SQLAlchemyError):
            _drop_temp(session.connection())
        raise
    _drop_temp(session.connection())
    return _Lists(columns, documents, unfetched, listed_urls, frozenset(unlisted), frozenset(offices))


def load_snapshot(session: Session, crawl_id: int, as_of: date, spill: int | None = None) -> am.SiteSnapshot:
    """The crawl as the checks read it. `spill`: read it the large way (_read_large: documents and
    list entries in temporary files) when it has more documents than this (None: spill_above())."""
    crawl = session.get(m.Crawl, crawl_id)
    if crawl is None:
        raise CrawlNotFound(f"数据库中没有编号为 {crawl_id} 的抓取记录")
    site = session.get(m.Site, crawl.site_id)
    # plain rows, not ORM objects: a session's identity map would keep every row of the crawl alive
    pool = _Pool()
    P = m.Page.__table__.c
    # the pages the checks read: those with text of their own (the crawl keeps it for the home and
    # disclosure roots, column pages and the few documents whose page is the text: a 指南), and the
    # home and root pages whatever they hold; a document's page is its Document
    page_objs = tuple(am.Page(pool(p.url), pool(p.kind), p.status, pool(p.title), p.text or "", pool(p.office))
                      for p in session.execute(
        select(P.url, P.kind, P.status, P.title, P.text, P.office)
        .where(P.crawl_id == crawl_id, or_(P.kind.in_(FRONT_KINDS), func.length(P.text) > 0)).order_by(P.id)))
    home = next((p for p in page_objs if p.kind == "home"), None)

    columns = tuple(
        am.Column(url=c.url, name=c.name, kind=c.kind, office=c.office, parent_url=c.parent_url,
                  list_pages=c.list_pages, has_children=c.has_children, read_error=c.read_error,
                  content_chars=c.content_chars or 0)
        for c in session.scalars(select(m.SiteColumn).where(m.SiteColumn.crawl_id == crawl_id)
                                 .order_by(m.SiteColumn.id)))
    D = m.Document.__table__.c
    count = session.scalar(select(func.count()).select_from(m.Document).where(D.crawl_id == crawl_id)) or 0
    if count > (spill_above() if spill is None else spill):
        lists = _read_large(session, crawl_id, columns)
    else:
        lists = _read_small(session, crawl_id, columns, pool)
    columns, documents = lists.columns, lists.documents
    links, link_counts = _links(session, crawl_id, lists.unfetched, pool)
    fronts = {norm_url(p.url) for p in page_objs if p.kind in FRONT_KINDS}
    fronts |= {norm_url(u) for u in (crawl.start_url, crawl.homepage_url) if u}
    occurrences = _occurrences(session, crawl_id, links, fronts, pool)
    del pool
    M = m.Message.__table__.c
    messages = tuple(am.Message(r.url, r.title, r.channel, r.channel_url, r.channel_kind, r.asked_on, r.answered_on,
                                r.status, r.replied, r.answered_by, r.office, bool(r.page_read))
                     for r in session.execute(
        select(M.url, M.title, M.channel, M.channel_url, M.channel_kind, M.asked_on, M.answered_on, M.status,
               M.replied, M.answered_by, M.office, M.page_read).where(M.crawl_id == crawl_id).order_by(M.id)))
    offices = tuple(sorted({c.office for c in columns if c.office} | lists.offices))
    facts = dict(crawl.facts or {})
    # the homepage's availability as `zwgk watch` sampled it over the week before the audit date
    availability = availability_fact(session, crawl.start_url, as_of, homepage_url=crawl.homepage_url)
    if availability:
        facts["availability"] = availability
    return am.SiteSnapshot(
        site_url=crawl.start_url, homepage_url=crawl.homepage_url, crawl_id=crawl.id,
        crawled_at=crawl.started_at, as_of=as_of, homepage=home, pages=page_objs, documents=documents,
        columns=columns, links=links, occurrences=occurrences, offices=offices, facts=facts, messages=messages,
        link_counts=link_counts, unfetched=lists.unfetched, listed_urls=lists.listed_urls,
        unlisted=lists.unlisted,
    ) if site is not None else None
