"""Downloader middleware for incremental re-crawls: conditional requests from the previous crawl's pages.

Enabled by `ZWGK_INCREMENTAL = True` together with

    DOWNLOADER_MIDDLEWARES = {"zwgk.crawler.incremental.ConditionalRequestMiddleware": 580}

On the first request it loads, from the database (`ZWGK_DB`), the validators (ETag, Last-Modified)
of the latest finished crawl of the same site (`spider.start_url`, the site key). Every GET for a
URL that crawl fetched with a 200 then carries If-None-Match / If-Modified-Since, the values
echoed verbatim as RFC 9110 §13.1 asks.

What it leaves in `request.meta` for the spider and the pipeline:

- `zwgk_validators`: {"etag", "last_modified"} of every 2xx answer — to be stored on the page row;
- `zwgk_not_modified`: the crawl id whose rows for this URL are still valid, set on a 304 answer —
  the spider yields a ReuseItem (the pipeline copies the rows with zwgk.store.incremental.reuse_many)
  instead of parsing, and follows the page up from what that crawl stored: a document's links and
  解读 / 原文 links, a list page's listing (entries, sub-columns, office links, pagination).

With `ZWGK_REVALIDATE_DAYS = N` the spider goes further and does not ask at all for a document
page that is still listed as it was (same column, title, date) and not yet due (see
`due_for_revalidation`): its rows are copied as they were (the page row keeps the time the
server last answered for it).

A request with `meta["zwgk_unconditional"]` (link checks that must see tonight's status, robots.txt)
is left alone. Stats: zwgk/incremental/conditional, …/not_modified, …/modified.
"""
from __future__ import annotations

import zlib
from datetime import date

from scrapy import signals


def due_for_revalidation(url: str, verified: date, today: date, days: int) -> bool:
    """Rolling revalidation (`--revalidate-days N`): must a page known unchanged be asked again tonight?

    Each page has one night in `days` (its slot, from a stable hash of its URL), so a site's pages
    are asked again at an even ~1/N a night; a page whose last answer from the server is `days` or
    more old (nights missed) is due whatever its slot. `days` ≤ 0: every page, every night.
    """
    if days <= 0 or (today - verified).days >= days:
        return True
    return (today.toordinal() + zlib.crc32(url.encode("utf-8"))) % days == 0


class ConditionalRequestMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("ZWGK_INCREMENTAL", False)
        self.db = crawler.settings.get("ZWGK_DB")
        self.validators: dict | None = None  # loaded on the first request
        self.previous: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider=None):
        self.validators = None

    # -------------------------------------------------------------------------------------------
    def _load(self) -> dict:
        if self.validators is not None:
            return self.validators
        self.validators = {}
        spider = getattr(self.crawler, "spider", None)
        start_url = getattr(spider, "start_url", None)
        if not start_url:
            return self.validators
        from zwgk.store.db import open_db
        from zwgk.store.incremental import previous_crawl, previous_validators

        with open_db(self.db)() as s:
            self.previous = previous_crawl(s, start_url, exclude=getattr(spider, "crawl_id", None))
            if self.previous is not None:
                self.validators = previous_validators(s, self.previous)
        self._stats().set_value("zwgk/incremental/previous_crawl", self.previous)
        self._stats().set_value("zwgk/incremental/known_pages", len(self.validators))
        return self.validators

    def _stats(self):
        return self.crawler.stats

    def process_request(self, request, spider=None):
        if not self.enabled or request.method != "GET" or request.meta.get("zwgk_unconditional"):
            return None
        v = self._load().get(request.url)
        if v is None:
            return None
        added = False
        if v.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = v.etag
            added = True
        if v.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = v.last_modified
            added = True
        if added:
            request.meta["zwgk_conditional"] = v.crawl_id
            self._stats().inc_value("zwgk/incremental/conditional")
        return None

    def process_response(self, request, response, spider=None):
        # validators are kept on every crawl, so that the next one can ask conditionally
        if response.status == 304 and request.meta.get("zwgk_conditional") is not None:
            request.meta["zwgk_not_modified"] = request.meta["zwgk_conditional"]
            self._stats().inc_value("zwgk/incremental/not_modified")
        elif 200 <= response.status < 300:
            etag = response.headers.get(b"ETag")
            lm = response.headers.get(b"Last-Modified")
            if etag or lm:
                request.meta["zwgk_validators"] = {
                    "etag": etag.decode("latin-1") if etag else None,
                    "last_modified": lm.decode("latin-1") if lm else None}
            if request.meta.get("zwgk_conditional") is not None:
                self._stats().inc_value("zwgk/incremental/modified")
        return response
