"""Store side of incremental re-crawls: the previous crawl's validators, and copying its rows on a 304."""
from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from . import models as m
from .db import in_chunks, streamed
from .models import key_of
from .write import UPSERT_KEYS, dialect_insert, now


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
    q = select(m.Page.url, m.Page.etag, m.Page.last_modified, m.Page.kind, m.Page.listing).where(
        m.Page.crawl_id == crawl_id, (m.Page.etag.is_not(None)) | (m.Page.last_modified.is_not(None)),
        m.Page.status == 200)
    # a list page is asked conditionally only if its listing was kept (a 304 is followed up from it)
    return {url: Validators(crawl_id, etag, lm) for url, etag, lm, kind, listing in session.execute(streamed(q))
            if kind != "column" or listing is not None}


def reuse_rows(session: Session, from_crawl: int, to_crawl: int, url: str) -> dict[str, int]:
    """Copy what `from_crawl` stored for the page at `url` into `to_crawl` (a 304: nothing changed).

    Copies the page row (reused_from set), the document parsed from it, the column (if the page is
    a column's first list page), the list entries read from it and the links that sit on it.
    Idempotent (INSERT … ON CONFLICT DO NOTHING on each table's unique key): a resumed crawl may
    copy the same page twice. Link targets are not copied: whether a target still works is a fact
    of tonight, not of the page. Returns how many rows of each table were copied by this call
    ({"page": 0} when the page is unknown or already copied).
    """
    counts = reuse_many(session, from_crawl, to_crawl, [url])
    return counts if counts["page"] else {"page": 0}


# what is copied besides the page row, and the column that ties each table's rows to the page: a
# key digest of the page's URL (indexed, see models.key_of) where the table has one
_COPIED = ((m.Document, m.Document.url_key), (m.SiteColumn, m.SiteColumn.url_key),
           (m.ColumnEntry, m.ColumnEntry.list_page), (m.Link, m.Link.source_key))


def _copy(session: Session, model, key_col, urls: list[str], from_crawl: int, override: dict) -> int:
    """INSERT INTO model SELECT … FROM model WHERE crawl_id = from_crawl AND key_col IN urls, with
    `override` (column → SQL expression) replacing copied values; one statement, in the database.
    A key digest column (…_key) is matched with the digests of `urls`."""
    if key_col.key.endswith("_key"):
        urls = [key_of(u) for u in urls]
    insert = dialect_insert(session)
    if insert is None:  # pragma: no cover - the two databases zwgk supports
        raise NotImplementedError("incremental re-crawls need SQLite or PostgreSQL")
    cols = [c for c in model.__table__.columns if c.key != "id"]
    exprs = [override[c.key].label(c.key) if c.key in override else c for c in cols]
    q = select(*exprs).where(model.crawl_id == from_crawl, key_col.in_(urls))
    keys, _ = UPSERT_KEYS[model]
    stmt = (insert(model).from_select([c.key for c in cols], q).on_conflict_do_nothing(index_elements=list(keys))
            .returning(model.id))  # psycopg reports no rowcount for INSERT … SELECT: count what came back
    return len(session.connection().execute(stmt).all())


def reuse_many(session: Session, from_crawl: int, to_crawl: int, urls: list[str], *,
               asked: bool = True) -> dict[str, int]:
    """reuse_rows for many pages at once, copied inside the database (INSERT … SELECT): a nightly
    re-crawl of an unchanged site copies thousands of pages.

    `asked`: the server was asked tonight and answered 304, so the copied page rows get tonight's
    `fetched_at` (the last time the server vouched for the page). With asked=False (a page trusted
    without a request, see `due_for_revalidation`) they keep the time of the crawl that last asked,
    and the page's own link-target row is copied too, with the time it was checked."""
    counts = dict.fromkeys(["page"] + [model.__tablename__ for model, _ in _COPIED], 0)
    crawl = literal(to_crawl)
    page_override = {"crawl_id": crawl, "reused_from": func.coalesce(m.Page.reused_from, from_crawl)}
    if asked:
        page_override["fetched_at"] = literal(now(), m.Page.fetched_at.type)
    for chunk in in_chunks(urls):
        counts["page"] += _copy(session, m.Page, m.Page.url_key, chunk, from_crawl, page_override)
        for model, col in _COPIED:
            counts[model.__tablename__] += _copy(session, model, col, chunk, from_crawl, {"crawl_id": crawl})
        if not asked:
            counts["link_target"] = counts.get("link_target", 0) + reuse_targets(session, from_crawl, to_crawl,
                                                                                  chunk)
    return counts


Stored = tuple[tuple[str | None, tuple[str, ...]] | None, tuple[str, ...]]


class StoredPages:
    """What one crawl stored about its pages, read when needed: the spider follows a page up from
    it when it does not parse the page again (a 304, a resumed crawl, a page trusted without a
    request). Nothing of the crawl is held whole — read whole, site-62's previous crawl (36 495
    documents, 726 283 links) kept ~70 MiB in a night's process and would keep ten times that at
    400 000 pages. A list page's documents are read together (`prefetch`: two indexed queries for
    its entries) and handed over once; a page asked alone is two lookups by its key."""

    HELD = 1_000    # pages read ahead and not yet handed over, at most (the oldest dropped: read again if asked)

    def __init__(self, sessions: Callable[[], Session], crawl_id: int):
        self.sessions, self.crawl_id = sessions, crawl_id
        self.ahead: dict[str, Stored] = {}

    def listing(self, url: str) -> dict | None:
        """What the list page at `url` showed (Page.listing), or None."""
        with self.sessions() as s:
            return s.scalars(select(m.Page.listing).where(m.Page.crawl_id == self.crawl_id,
                                                          m.Page.url_key == key_of(url))).first()

    def prefetch(self, urls: Iterable[str]) -> None:
        """Read these pages' rows ahead, a few queries for all of them (a list page's entries)."""
        urls = [u for u in dict.fromkeys(urls) if u not in self.ahead]
        if not urls:
            return
        with self.sessions() as s:
            for chunk in in_chunks(urls):
                self.ahead.update(self._read(s, chunk))
        while len(self.ahead) > self.HELD:
            del self.ahead[next(iter(self.ahead))]

    def document(self, url: str) -> Stored:
        """((title, 解读 and 原文 urls) or None when no document was parsed from it, link targets)."""
        found = self.ahead.pop(url, None)
        if found is None:
            with self.sessions() as s:
                found = self._read(s, [url])[url]
        return found

    def _read(self, session: Session, urls: list[str]) -> dict[str, Stored]:
        by_key = {key_of(u): u for u in urls}
        docs = {by_key[k]: (title, tuple([x["url"] for x in interp or []] + list(policy or [])))
                for k, title, policy, interp in session.execute(
                    select(m.Document.url_key, m.Document.title, m.Document.policy_urls,
                           m.Document.interpretation_links)
                    .where(m.Document.crawl_id == self.crawl_id, m.Document.url_key.in_(by_key)))}
        # in the order the page showed them; sorted here, not by the query (an ORDER BY id makes
        # SQLite walk every link of the crawl instead of the (crawl, source) key)
        links: dict[str, list] = {}
        for k, id_, target in session.execute(
                select(m.Link.source_key, m.Link.id, m.Link.target_url)
                .where(m.Link.crawl_id == self.crawl_id, m.Link.source_key.in_(by_key))):
            links.setdefault(by_key[k], []).append((id_, target))
        return {u: (docs.get(u), tuple(t for _, t in sorted(links.get(u, ())))) for u in urls}


@dataclass
class KnownDocuments:
    """The previous crawl's document pages, list pages and link targets, for rolling revalidation:
    when the server last answered for each page (a 200 or a 304), the list entries that pointed to
    them, and when each link target last checked ok."""
    crawl_id: int
    verified: Mapping[str, date]                        # document url -> date of its last answer
    entries: Container[tuple[str, str, str, date | None]]  # (column url, url, title, date)
    targets: Mapping[str, date]                         # target url (state ok) -> date checked
    listed: Container[str]                              # document urls some list showed
    lists: Mapping[str, date] = field(default_factory=dict)  # list page with a kept listing -> date of its last answer
    failed: dict[str, int | None] = field(default_factory=dict)  # target url (broken, inconclusive) -> its status


def known_documents(session: Session, crawl_id: int, keep: Callable[[Iterable], Container] = set,
                    keep_days: Callable[[Iterable], Mapping] = dict) -> KnownDocuments:
    """KnownDocuments of `crawl_id`: its parsed (or copied) document pages that answered 200.
    `keep` makes the sets that are only asked "in?" (entries, listed), `keep_days` the url -> date
    maps (verified, targets, lists), of the rows as they are read: the crawl passes its packed
    UrlSet and UrlDays (crawler/urlset.py). As sets and dicts, site-62's previous crawl took 35 MiB
    (entries alone 17: a tuple of four objects per entry); packed, 2.1."""
    verified = keep_days((url, at.date()) for url, at in session.execute(streamed(
        select(m.Page.url, m.Page.fetched_at)
        .join(m.Document, (m.Document.crawl_id == m.Page.crawl_id) & (m.Document.url_key == m.Page.url_key))
        .where(m.Page.crawl_id == crawl_id, m.Page.status == 200))))
    entries = keep(tuple(row) for row in session.execute(streamed(
        select(m.ColumnEntry.column_url, m.ColumnEntry.url, m.ColumnEntry.title, m.ColumnEntry.date)
        .where(m.ColumnEntry.crawl_id == crawl_id))))
    listed = keep(session.scalars(streamed(select(m.ColumnEntry.url).where(m.ColumnEntry.crawl_id == crawl_id))))
    targets = keep_days((url, at.date()) for url, at in session.execute(streamed(
        select(m.LinkTarget.url, m.LinkTarget.checked_at).where(m.LinkTarget.crawl_id == crawl_id,
                                                                 m.LinkTarget.state == "ok"))))
    lists = keep_days((url, at.date()) for url, at in session.execute(streamed(
        select(m.Page.url, m.Page.fetched_at).where(m.Page.crawl_id == crawl_id, m.Page.kind == "column",
                                                      m.Page.status == 200, m.Page.listing.is_not(None)))))
    failed = dict(session.execute(select(m.LinkTarget.url, m.LinkTarget.status).where(
        m.LinkTarget.crawl_id == crawl_id, m.LinkTarget.state.in_(("broken", "inconclusive")))).all())
    return KnownDocuments(crawl_id, verified, entries, targets, listed, lists, failed)


def reuse_targets(session: Session, from_crawl: int, to_crawl: int, urls: list[str]) -> int:
    """Copy link-target rows (state, status, redirects, time checked) of `from_crawl` into `to_crawl`:
    targets rolling revalidation did not ask again tonight. Idempotent; returns rows copied."""
    return sum(_copy(session, m.LinkTarget, m.LinkTarget.url_key, chunk, from_crawl, {"crawl_id": literal(to_crawl)})
               for chunk in in_chunks(urls))


def stored_document_urls(session: Session, crawl_id: int, keep: Callable[[Iterable], Container] = set) -> Container[str]:
    """Document pages a crawl already stored (fetched and parsed) — a resumed crawl keeps them
    (`keep`: what holds them, made of the rows as they are read; the crawl packs them).

    Read from the document rows: a page's row may be written in one batch and its document row
    in the next, and a crawl killed between the two must fetch that page again."""
    return keep(session.scalars(streamed(select(m.Document.url).where(m.Document.crawl_id == crawl_id))))


def unfinished_crawl(session: Session, start_url: str) -> int | None:
    """The latest crawl of this start URL that did not finish (killed, interrupted, or failed: a
    refused write loses the rows of one batch, as a kill does, and --resume fetches them again)."""
    return session.scalars(select(m.Crawl.id).where(m.Crawl.start_url == start_url,
                                                    m.Crawl.status.in_(("running", "interrupted", "failed")))
                           .order_by(m.Crawl.id.desc()).limit(1)).first()
