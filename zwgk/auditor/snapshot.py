"""Reads one stored crawl into a frozen SiteSnapshot; no ORM object escapes this module."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zwgk.store import models as m
from zwgk.watch.fact import availability_fact

from . import model as am


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


def _document(d: m.Document) -> am.Document:
    links = d.interpretation_links or []
    reasons = d.reasons if isinstance(d.reasons, dict) else {}
    return am.Document(
        url=d.url, title=d.title, doc_number=d.doc_number, written_date=d.written_date,
        publish_date=d.publish_date, validity=d.validity, index_no=d.index_no, publisher=d.publisher,
        topic=d.topic, column=d.column, column_kind=d.column_kind, office=d.office,
        body_chars=d.body_chars or 0, is_interpretation=bool(d.is_interpretation),
        interpretation_urls=tuple(dict.fromkeys(x["url"] for x in links)),
        interpretation_forms=tuple(x.get("form") or "文字" for x in links),
        policy_urls=tuple(d.policy_urls or ()),
        attachments=tuple(am.Attachment(a["url"], a.get("name") or "", a.get("ext") or "") for a in d.attachments or ()),
        malformed_dates=_malformed_dates(reasons), validity_evidence=_validity_evidence(reasons),
    )


def _specific(c: am.Column) -> bool:
    return c.kind is not None and not c.has_children


def _listed(d: am.Document, listed_in: dict) -> am.Document:
    """A document belongs to the most specific column whose list shows it, whichever page the
    crawl reached it from first (a 解读's 原文 link, an overview page's preview box …)."""
    c = listed_in.get(d.url)
    if c is None or (d.column is not None and (d.column_kind is not None or not _specific(c))):
        return d
    return replace(d, column=c.name, column_kind=c.kind, office=c.office,
                   is_interpretation=d.is_interpretation or c.kind == "interpretation")


def load_snapshot(session: Session, crawl_id: int, as_of: date) -> am.SiteSnapshot:
    crawl = session.get(m.Crawl, crawl_id)
    if crawl is None:
        raise CrawlNotFound(f"数据库中没有编号为 {crawl_id} 的抓取记录")
    site = session.get(m.Site, crawl.site_id)
    pages = session.scalars(select(m.Page).where(m.Page.crawl_id == crawl_id)).all()
    page_objs = tuple(am.Page(p.url, p.kind, p.status, p.title, p.text or "", p.office) for p in pages)
    titles = {p.url: p.title for p in pages}
    home = next((p for p in page_objs if p.kind == "home"), None)

    entries = defaultdict(list)
    for e in session.scalars(select(m.ColumnEntry).where(m.ColumnEntry.crawl_id == crawl_id)
                             .order_by(m.ColumnEntry.id)):
        entries[e.column_url].append(am.ColumnEntry(e.url, e.title, e.date))
    columns = tuple(
        am.Column(url=c.url, name=c.name, kind=c.kind, office=c.office, parent_url=c.parent_url,
                  entries=tuple(entries.get(c.url, ())), list_pages=c.list_pages, has_children=c.has_children,
                  read_error=c.read_error)
        for c in session.scalars(select(m.SiteColumn).where(m.SiteColumn.crawl_id == crawl_id)
                                 .order_by(m.SiteColumn.id)))
    listed_in: dict[str, am.Column] = {}
    for c in columns:
        for e in c.entries:
            best = listed_in.get(e.url)
            if best is None or (_specific(c) and not _specific(best)):
                listed_in[e.url] = c
    documents = tuple(_listed(_document(d), listed_in) for d in session.scalars(
        select(m.Document).where(m.Document.crawl_id == crawl_id).order_by(m.Document.id)))
    links = tuple(am.LinkTarget(t.url, t.state, t.kind, t.status, t.error, tuple(t.redirects or ()))
                  for t in session.scalars(select(m.LinkTarget).where(m.LinkTarget.crawl_id == crawl_id)
                                           .order_by(m.LinkTarget.id)))
    occurrences = tuple(am.LinkOccurrence(l.source_url, titles.get(l.source_url), l.target_url, l.text)
                        for l in session.scalars(select(m.Link).where(m.Link.crawl_id == crawl_id)
                                                 .order_by(m.Link.id)))
    offices = tuple(sorted({c.office for c in columns if c.office} | {d.office for d in documents if d.office}))
    facts = dict(crawl.facts or {})
    # the homepage's availability as `zwgk watch` sampled it over the week before the audit date
    availability = availability_fact(session, crawl.start_url, as_of, homepage_url=crawl.homepage_url)
    if availability:
        facts["availability"] = availability
    return am.SiteSnapshot(
        site_url=crawl.start_url, homepage_url=crawl.homepage_url, crawl_id=crawl.id,
        crawled_at=crawl.started_at, as_of=as_of, homepage=home, pages=page_objs, documents=documents,
        columns=columns, links=links, occurrences=occurrences, offices=offices, facts=facts,
    ) if site is not None else None
