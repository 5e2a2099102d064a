"""Store side of incremental re-crawls: the previous crawl's validators, and copying its rows on a 304."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .write import upsert_rows


@dataclass(frozen=True)
class Validators:
    crawl_id: int
    etag: str | None
    last_modified: str | None


def previous_crawl(session: Session, start_url: str, *, exclude: int | None = None) -> int | None:
    """The latest finished crawl of the site started at `start_url` (the site key of write.start_crawl)."""
    q = (select(m.Crawl.id).join(m.Site, m.Crawl.site_id == m.Site.id)
         .where(m.Site.url == start_url, m.Crawl.status == "finished"))
    if exclude is not None:
        q = q.where(m.Crawl.id != exclude)
    return session.scalars(q.order_by(m.Crawl.started_at.desc(), m.Crawl.id.desc()).limit(1)).first()


def previous_validators(session: Session, crawl_id: int) -> dict[str, Validators]:
    """URL → validators of every page of `crawl_id` that the server sent an ETag or Last-Modified for.

    A page that was itself a 304 reuse keeps the validators of the crawl it reused (copied with it).
    """
    q = select(m.Page.url, m.Page.etag, m.Page.last_modified, m.Page.reused_from).where(
        m.Page.crawl_id == crawl_id, (m.Page.etag.is_not(None)) | (m.Page.last_modified.is_not(None)),
        m.Page.status == 200)
    return {url: Validators(crawl_id, etag, lm) for url, etag, lm, _ in session.execute(q)}


def _row(obj, **override) -> dict:
    d = {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key != "id"}
    d.update(override)
    return d


def reuse_rows(session: Session, from_crawl: int, to_crawl: int, url: str) -> dict[str, int]:
    """Copy what `from_crawl` stored for the page at `url` into `to_crawl` (a 304: nothing changed).

    Copies the page row (reused_from set), the document parsed from it, the column (if the page is
    a column's first list page), the list entries read from it and the links that sit on it.
    Idempotent (upserts on each table's unique key): a resumed crawl may copy the same page twice.
    Link targets are not copied: whether a target still works is a fact of tonight, not of the page.
    Returns how many rows of each table were copied ({"page": 0} when the page is unknown).
    """
    counts = reuse_many(session, from_crawl, to_crawl, [url])
    return counts if counts["page"] else {"page": 0}


# what is copied besides the page row, and the column that ties each table's rows to the page
_COPIED = ((m.Document, m.Document.url), (m.SiteColumn, m.SiteColumn.url),
           (m.ColumnEntry, m.ColumnEntry.list_page), (m.Link, m.Link.source_url))


def reuse_many(session: Session, from_crawl: int, to_crawl: int, urls: list[str]) -> dict[str, int]:
    """reuse_rows for many pages at once: a few IN queries per table instead of a transaction
    per page (a nightly re-crawl of an unchanged site copies thousands of pages)."""
    counts = dict.fromkeys(["page"] + [model.__tablename__ for model, _ in _COPIED], 0)
    for i in range(0, len(urls), 500):
        pages = session.scalars(select(m.Page).where(m.Page.crawl_id == from_crawl,
                                                     m.Page.url.in_(urls[i:i + 500]))).all()
        known = [p.url for p in pages]
        if not known:
            continue
        upsert_rows(session, m.Page, [_row(p, crawl_id=to_crawl, reused_from=p.reused_from or from_crawl)
                                      for p in pages])
        counts["page"] += len(pages)
        for model, col in _COPIED:
            rows = [_row(o, crawl_id=to_crawl) for o in
                    session.scalars(select(model).where(model.crawl_id == from_crawl, col.in_(known)))]
            upsert_rows(session, model, rows)
            counts[model.__tablename__] += len(rows)
    return counts


def stored_document(session: Session, crawl_id: int, url: str) -> tuple[dict | None, list[dict]]:
    """What a crawl stored for a document page: its document fields and the links on it — the
    spider follows up from these when it does not parse the page again (a 304, a resumed crawl)."""
    doc = session.scalars(select(m.Document).where(m.Document.crawl_id == crawl_id, m.Document.url == url)).first()
    links = [{"target_url": lk.target_url, "text": lk.text, "tag": lk.tag} for lk in
             session.scalars(select(m.Link).where(m.Link.crawl_id == crawl_id, m.Link.source_url == url))]
    if doc is None:
        return None, links
    return {"title": doc.title, "policy_urls": list(doc.policy_urls or []),
            "interpretation_urls": [x["url"] for x in doc.interpretation_links or []]}, links


def stored_document_urls(session: Session, crawl_id: int) -> set[str]:
    """Document pages a crawl already stored (fetched and parsed) — a resumed crawl keeps them.

    Read from the document rows: a page's row may be written in one batch and its document row
    in the next, and a crawl killed between the two must fetch that page again."""
    return set(session.scalars(select(m.Document.url).where(m.Document.crawl_id == crawl_id)))


def unfinished_crawl(session: Session, start_url: str) -> int | None:
    """The latest crawl of this start URL that did not finish (killed, interrupted)."""
    return session.scalars(select(m.Crawl.id).where(m.Crawl.start_url == start_url,
                                                    m.Crawl.status.in_(("running", "interrupted")))
                           .order_by(m.Crawl.id.desc()).limit(1)).first()
