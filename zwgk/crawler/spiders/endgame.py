"""The end of a crawl: what the spider asks when the scheduler runs dry, in a declared order.

EndOfCrawl is a mixin of DisclosureSpider (its callbacks must be spider methods: Scrapy, and
scrapy-redis which names a request's callback by the spider's method, require it). It uses the
spider's parts — site (facts), carry (carry-over), columns, links (the link tracker), budget,
requested, related_later — and its `_request` and `parse_document`.

Each phase returns the requests it needs now, or None when it has nothing left; the first phase
with something to ask keeps the spider open. A phase returning [] keeps it open without asking
(retries waiting for their Retry-After). The crawl closes when no phase has anything left.
Phases that only hand on what is already known ask nobody: a `data:` request whose callback runs
when the scheduler reaches it.
"""
from __future__ import annotations

import scrapy
from scrapy.exceptions import DontCloseSpider

from zwgk.crawler.items import ReuseTargetsItem


DATA_SLOT = "zwgk-data"  # a download slot with no delay (settings.DOWNLOAD_SLOTS): data: asks nobody


class EndOfCrawl:
    IDLE_PHASES = ("search", "trusted", "related", "deferred", "link_checks", "retries", "final")
    finalized = False

    @staticmethod
    def _data_request(callback, role: str = "copy", **cb_kwargs) -> scrapy.Request:
        """A request that asks nobody: its callback runs when the scheduler reaches it."""
        return scrapy.Request("data:,", callback=callback, dont_filter=True, cb_kwargs=cb_kwargs,
                              meta={"role": role, "download_slot": DATA_SLOT})

    def parse_unchecked(self, response, urls):
        """Links left unchecked by the request cap."""
        return self.links.unchecked_items(urls)

    def parse_related(self, response, related):
        for url, office in related:
            yield from self._document(url, office=office)

    def parse_copy(self, response, targets=None):
        """What rolling revalidation carried over: trusted pages not yet handed on, and `targets`
        not checked tonight."""
        yield from self.carry.trusted_items()
        if targets:
            yield ReuseTargetsItem(urls=targets, from_crawl=self.carry.known().crawl_id)

    def parse_final(self, response):
        """What needs the whole crawl: link verdicts (LinkTracker.final_items), and where each
        column sits (Columns.settle)."""
        yield from self.links.final_items()
        yield from self.columns.settle()

    def on_idle(self):
        for phase in self.IDLE_PHASES:
            requests = getattr(self, f"_idle_{phase}")()
            if requests is not None:
                for req in requests:
                    self._send(req)
                raise DontCloseSpider

    def _idle_search(self):
        """The site's own search, asked once (facts.py)."""
        if not self.site.search_done:
            req = self.site.search_request(self.parse_search, self.on_search_error)
            return [req] if req is not None else None

    def _idle_trusted(self):
        """Pages trusted outside a list page (a 解读 link) under rolling revalidation: handed on."""
        return [self._data_request(self.parse_copy, targets=None)] if self.carry.trusted_pages else None

    def _idle_related(self):
        """Documents reached only through 解读 / 原文 links: asked now, filed under no column."""
        related = self.related_later.take(self.requested)
        return [self._data_request(self.parse_related, related=related)] if related else None

    def _idle_deferred(self):
        """Documents listed by the last crawl and on no list tonight."""
        waiting = self.carry.take_deferred(self.requested)
        if waiting:
            return [r for url, meta in waiting if (r := self._request(url, self.parse_document, "document", **meta))]

    def _idle_link_checks(self):
        """Every link target no page fetch answered: trusted ones copied (rolling revalidation),
        the rest checked within the request cap, the ones beyond it recorded as unchecked. At most
        ZWGK_CHECK_BATCH checks at a time: the scheduler holds a batch, not every target of a large
        site; the next batch is handed out when this one has been answered."""
        todo = self.links.to_check(self.requested, limit=max(1, self.settings.getint("ZWGK_CHECK_BATCH", 2000)))
        if not todo:
            return None
        out = []
        todo, trusted = self.carry.split_trusted_targets(todo, self.links.fragments, self.columns.shows)
        if trusted:
            self.requested.update(trusted)
            self.links.resolved.update(trusted)
            self.crawler.stats.inc_value("zwgk/incremental/trusted_targets", len(trusted))
            out.append(self._data_request(self.parse_copy, targets=trusted))
        todo, over = self.budget.within(todo, len(self.requested))
        if over:
            self.links.resolved.update(over)
            out.append(self._data_request(self.parse_unchecked, urls=over))
        self.requested.update(todo)
        checks = [self.links.check_request(url) for url in todo]
        return out + [r.replace(method="GET") if r.method == "HEAD" and self.carry.get_at_once(r.meta["target"]) else r
                      for r in checks]

    def _idle_retries(self):
        return [] if self.links.later else None  # retries waiting for their Retry-After

    def _idle_final(self):
        """Verdicts that need the whole crawl, once."""
        if not self.finalized:
            self.finalized = True
            return [self._data_request(self.parse_final, role="final")]
