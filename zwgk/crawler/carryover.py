"""What a crawl carries over from an earlier crawl of the same site instead of asking the server.

- a resumed crawl (--resume): documents it already parsed before it stopped are not asked again;
- rolling revalidation (--revalidate-days N, see crawler/incremental.py): a document page still
  listed as it was and not due tonight is copied from the previous finished crawl, and so is a
  link target that checked ok and is not due;
- a 304: the previous crawl's rows are copied, the page followed up from what that crawl stored.

CarryOver decides per URL (ask / copy from crawl N / defer until its list entry is seen), caches
what earlier crawls stored (read lazily, through zwgk.store.incremental) and batches the pages
trusted without a request into ReuseItems. The spider keeps the requests and the link targets.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone

from zwgk.crawler.incremental import due_for_revalidation
from zwgk.crawler.items import ReuseItem
from zwgk.crawler.linkcheck.judge import HEAD_FALLBACK_STATUS
from zwgk.crawler.urlset import UrlDays, UrlSet

ASK = "ask"          # request the page
RESUMED = "resumed"  # parsed by this crawl before it was resumed: follow it up from its own rows
TRUSTED = "trusted"  # copy the previous crawl's rows without asking
DEFER = "defer"      # reached before its list entry: the entry decides (asked at idle if none)


def _store_opener(db_url: str | None):
    """A session factory opened on first need (a crawl that carries nothing never opens it)."""
    opened = []

    def open_db():
        if not opened:
            from zwgk.store.db import open_db as _open

            opened.append(_open(db_url))
        return opened[0]

    return open_db


class CarryOver:
    def __init__(self, start_url: str, open_db, current_crawl, resume: bool = False, revalidate_days: int = 0,
                 today: date | None = None):
        """`open_db()`: a session factory (read on first need; None: the run's ZWGK_DB, see
        `configure`); `current_crawl()`: this crawl's id (the pipeline may only assign it when the
        crawl opens)."""
        self.start_url = start_url
        self.open_db = open_db
        self.current_crawl = current_crawl
        self.resume = resume
        self.revalidate_days = revalidate_days
        self.today = today or datetime.now(timezone.utc).date()
        self.stored_docs = UrlSet()          # a resumed crawl's documents already parsed
        self.stored: dict[int, object] = {}  # crawl id -> StoredPages, for pages not parsed again
        self.known_docs = None               # KnownDocuments of the previous crawl, False if none
        self.deferred: dict[str, dict] = {}  # documents waiting for their list entry
        self.trusted_pages: dict[int, list] = {}  # previous crawl -> pages trusted, not yet handed on

    def configure(self, settings) -> None:
        """A run's settings (ZWGK_DB, the store it reads; ZWGK_INCREMENTAL with ZWGK_REVALIDATE_DAYS:
        rolling revalidation); a resumed crawl reads the documents it already stored."""
        if self.open_db is None:
            self.open_db = _store_opener(settings.get("ZWGK_DB"))
        if self.resume:
            self.load_resumed()
        if settings.getbool("ZWGK_INCREMENTAL"):
            self.revalidate_days = settings.getint("ZWGK_REVALIDATE_DAYS", 0)

    def load_resumed(self) -> None:
        """The documents this (resumed) crawl already stored."""
        from zwgk.store.incremental import stored_document_urls

        with self.open_db()() as session:
            self.stored_docs = stored_document_urls(session, self.current_crawl(), keep=UrlSet)

    def decide(self, key: str, entry: tuple | None, meta: dict) -> tuple[str, int | None]:
        """(ASK | RESUMED | TRUSTED | DEFER, the crawl whose rows are used) for a document page not
        requested yet. `entry`: the list entry that led here, (column url, url, title, date)."""
        if self.resume and key in self.stored_docs:
            return RESUMED, self.current_crawl()
        if self.revalidate_days:
            known = self.known()
            if entry is None and known and key in known.listed:
                # reached through a 解读 / 原文 link before its list entry: the entry decides
                self.deferred[key] = meta
                return DEFER, None
            prev = self.trusted(key, entry)
            if prev is not None:
                self.trusted_pages.setdefault(prev, []).append(key)  # copied in one item per list page
                return TRUSTED, prev
        return ASK, None

    def known(self):
        """KnownDocuments of the previous finished crawl of this site (read once), or None."""
        if self.known_docs is None:
            from zwgk.store.incremental import known_documents, previous_crawl

            with self.open_db()() as session:
                prev = previous_crawl(session, self.start_url, exclude=self.current_crawl())
                self.known_docs = known_documents(session, prev, keep=UrlSet, keep_days=UrlDays) if prev is not None else False
        return self.known_docs or None

    def trusted(self, url: str, entry: tuple | None) -> int | None:
        """The previous crawl whose rows for this document page can be copied without asking the
        server: the page answered then, its list entry is unchanged, and it is not due tonight."""
        known = self.known()
        verified = known.verified.get(url) if known else None
        if verified is None or (entry is not None and entry not in known.entries):
            return None  # new, or listed differently tonight (moved, renamed, re-dated): ask
        if due_for_revalidation(url, verified, self.today, self.revalidate_days):
            return None
        return known.crawl_id

    def unmoved(self, url: str, listing_json: dict | None) -> bool:
        """Under rolling revalidation: has the list whose first page is at `url` not moved since the
        previous crawl — its first page answered 304 (`listing_json` None) or shows the same entries
        and further pages as that crawl stored? Then its further pages are trusted like documents
        (`trusted_list`): a list that grows, shrinks or re-sorts changes its first page, or its pager."""
        known = self.known() if self.revalidate_days else None
        if known is None:
            return False
        if listing_json is None:
            return True
        stored = self.stored_pages(known.crawl_id).listing(url)
        return stored is not None and all(stored.get(k) == listing_json.get(k) for k in ("entries", "pagination", "ranges"))

    def trusted_list(self, url: str) -> tuple[int, dict] | None:
        """(previous crawl, its stored listing) for a further list page of a list that has not moved
        (`unmoved`) and that is not due tonight (`due_for_revalidation`, its own slot); None: ask it."""
        known = self.known()
        verified = known.lists.get(url) if known else None
        if verified is None or due_for_revalidation(url, verified, self.today, self.revalidate_days):
            return None
        data = self.stored_pages(known.crawl_id).listing(url)
        return (known.crawl_id, data) if data is not None else None

    def trusted_items(self):
        """ReuseItems for the pages trusted since the last call."""
        # taken before the first yield: Scrapy resumes this generator between other responses'
        # callbacks, which add to trusted_pages meanwhile
        batch, self.trusted_pages = self.trusted_pages, {}
        for prev, urls in batch.items():
            yield ReuseItem(urls=urls, from_crawl=prev, asked=False)

    def take_deferred(self, requested) -> list[tuple[str, dict]]:
        """Documents deferred for a list entry that no list showed tonight (those not requested meanwhile)."""
        waiting = [(u, meta) for u, meta in self.deferred.items() if u not in requested]
        self.deferred.clear()
        return waiting

    def split_trusted_targets(self, urls: list[str], fragments, listed=lambda url: True) -> tuple[list[str], list[str]]:
        """(to check tonight, to copy from the previous crawl): under rolling revalidation a target
        that checked ok and is not due is not asked; a broken or doubtful one always is, so a fix
        shows the next night. #fragment targets (keys of `fragments`) are always fetched (their
        anchors are needed), and so is a document page some list showed last time and no list
        shows tonight (`listed(url)` false): a document dropped from its list is often a document
        deleted, and the pages still linking to it have a broken link tonight."""
        known = self.known() if self.revalidate_days else None
        dropped = known.listed if known else ()
        known = known.targets if known else {}
        trusted = [u for u in urls if u in known and u not in fragments
                   and not (u in dropped and not listed(u))
                   and not due_for_revalidation(u, known[u], self.today, self.revalidate_days)]
        if trusted:
            done = set(trusted)
            urls = [u for u in urls if u not in done]
        return urls, trusted

    def get_at_once(self, url: str) -> bool:
        """Under rolling revalidation: ask this file target with GET rather than HEAD first? Yes when
        it failed last time with an answer that makes a HEAD be followed by a GET anyway (404, 403,
        405 …, or an HTML page: linkcheck.judge.HEAD_FALLBACK_STATUS): one request a night instead
        of two for every broken attachment or image, asked again each night until it is fixed."""
        known = self.known() if self.revalidate_days else None
        status = known.failed.get(url, 0) if known else 0
        return status is not None and (status == 200 or status in HEAD_FALLBACK_STATUS)

    def stored_pages(self, crawl_id: int):
        """What crawl `crawl_id` stored about its pages (store.incremental.StoredPages: read as needed)."""
        stored = self.stored.get(crawl_id)
        if stored is None:
            from zwgk.store.incremental import StoredPages

            stored = self.stored[crawl_id] = StoredPages(self.open_db(), crawl_id)
        return stored

    def prefetch(self, entries: Iterable[tuple]) -> None:
        """A list page's entries, (column url, url, title, date) with canonical urls, about to be
        followed one by one (`decide`): the stored rows of the documents this crawl will not ask
        (resumed, or trusted) read together beforehand. A crawl that takes nothing from an earlier
        one does not look at them."""
        if not (self.resume and self.stored_docs) and not self.revalidate_days:
            return
        entries = list(entries)
        if self.resume and self.stored_docs:
            done = [e[1] for e in entries if e[1] in self.stored_docs]
            if done:
                self.stored_pages(self.current_crawl()).prefetch(done)
        known = self.known() if self.revalidate_days else None
        if known:
            quiet = [e[1] for e in entries if self.trusted(e[1], e) is not None]
            if quiet:
                self.stored_pages(known.crawl_id).prefetch(quiet)
