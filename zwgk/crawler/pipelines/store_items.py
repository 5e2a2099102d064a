"""StoreItemsPipeline: writes every item to the database, in batches, idempotently.

A write the database refuses (a full disk, a lost connection, a constraint) stops the crawl: the
rows of that batch are lost, so whatever is audited afterwards would be an audit of what happened
to get stored. The first refusal is recorded (`crawler.zwgk_write_failure`, and the crawl row's
status "failed" with the cause when the database still takes that), the spider is closed with
reason "store_error", and every item after it is let through unbuffered — one message, not one
"Error processing" line per item.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import time

from scrapy import signals

from zwgk.crawler import items as it
from zwgk.crawler.urlset import UrlSet
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.errors import WriteFailure, write_cause
from zwgk.store.incremental import reuse_many, reuse_targets
from zwgk.store.write import now, start_crawl, upsert_rows

logger = logging.getLogger(__name__)
STORE_ERROR = "store_error"  # the reason the spider is closed with when a write failed


def _document_row(item: it.DocumentItem) -> dict:
    f = item.fields
    return dict(
        url=item.url, title=f.title, doc_number=f.doc_number, written_date=f.written_date,
        publish_date=f.publish_date, validity=f.validity, index_no=f.index_no, publisher=f.publisher,
        topic=f.topic, column=item.column, column_url=item.column_url, column_kind=item.column_kind,
        office=item.office, body_chars=f.body_chars, is_interpretation=item.is_interpretation,
        interpretation_links=item.interpretation_links, policy_urls=[u for u, _ in f.policy_links],
        attachments=[{"url": u, "name": n, "ext": e} for u, n, e in f.attachments], reasons=dict(f.reasons),
        list_title=item.list_title, content_hits=list(f.pii),
        mentions=list(f.mentions), term_hits=list(f.term_hits),
    )


def _row(item) -> tuple[type, dict]:
    if isinstance(item, it.DocumentItem):
        return m.Document, _document_row(item)
    if isinstance(item, it.PageItem):
        return m.Page, {**dataclasses.asdict(item), "fetched_at": now()}
    if isinstance(item, it.ColumnItem):
        return m.SiteColumn, dataclasses.asdict(item)
    if isinstance(item, it.LinkTargetItem):
        return m.LinkTarget, {**dataclasses.asdict(item), "checked_at": now()}
    if isinstance(item, it.MessageItem):
        return m.Message, dataclasses.asdict(item)
    raise TypeError(f"unknown item {type(item).__name__}")


class StoreItemsPipeline:
    """Buffers rows per table and writes them with INSERT … ON CONFLICT.

    The crawl row is created when the spider opens (unless the caller made one and set
    `spider.crawl_id`), and closed with its status and Scrapy's stats.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_url = crawler.settings.get("ZWGK_DB")
        self.flush_items = crawler.settings.getint("ZWGK_FLUSH_ITEMS", 500)
        self.buffer: dict[type, list[dict]] = {}
        self.reuse: dict[tuple[int, bool], list[str]] = {}  # (previous crawl, asked) -> pages to copy
        self.reuse_targets: dict[int, list[str]] = {}       # previous crawl -> link targets to copy
        self.pending = 0
        self.last_flush = time.monotonic()
        self.crawl_id: int | None = None
        self.failure: WriteFailure | None = None
        # distinct page and link-target rows of this crawl, for the progress line: the same
        # numbers the report shows (pages, links checked), copied rows included
        self.rows_seen: dict[str, UrlSet] = {"pages": UrlSet(), "link_targets": UrlSet()}

    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls(crawler)
        # spider_closed fires after every pipeline closed, with the reason the crawl ended
        crawler.signals.connect(pipe.finish_crawl, signal=signals.spider_closed)
        return pipe

    def open_spider(self):
        spider = self.crawler.spider
        try:
            self.Session = open_db(self.db_url)
            if getattr(spider, "crawl_id", None) is None:
                with self.Session.begin() as s:
                    spider.crawl_id = start_crawl(s, spider.start_url, spider.run_settings()).id
            else:  # resuming a crawl that was killed, interrupted or failed: it runs again
                with self.Session.begin() as s:
                    crawl = s.get(m.Crawl, spider.crawl_id)
                    crawl.status, crawl.error = "running", None
        except Exception as exc:  # the crawl cannot start (Scrapy stops it): the caller says why, once
            self._failed(exc, stop=False)
            self.failure.started = False
            raise
        self.crawl_id = spider.crawl_id

    def _failed(self, exc: BaseException, stop: bool = True) -> None:
        """Remember the first refused write, drop what was buffered, and stop the crawl."""
        if self.failure is None:
            self.failure = WriteFailure(write_cause(exc))
            self.crawler.zwgk_write_failure = self.failure
            # the command says it once on stderr; the traceback is for ZWGK_DEBUG=1 (process.log_errors)
            logger.log(logging.ERROR if os.environ.get("ZWGK_DEBUG") else logging.WARNING,
                       "数据库写入失败，停止抓取：%s", self.failure.cause, exc_info=exc)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("zwgk/store_error", self.failure.cause)
        self.buffer.clear()
        self.reuse.clear()
        self.reuse_targets.clear()
        self.pending = 0
        engine = getattr(self.crawler, "engine", None)
        if not stop or engine is None or getattr(engine, "spider", None) is None:
            return  # not running yet or already closed
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is not None:
            return  # closing already (the last flush): spider_closed records the failure
        if hasattr(engine, "close_spider_async"):  # Scrapy ≥ 2.14
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason=STORE_ERROR))
        else:  # pragma: no cover - older Scrapy
            engine.close_spider(self.crawler.spider, STORE_ERROR)

    def _count(self, kind: str, urls) -> None:
        seen = self.rows_seen[kind]
        seen.update(urls)
        self.crawler.stats.set_value(f"zwgk/rows/{kind}", len(seen))

    def process_item(self, item):
        if self.failure is not None:
            return item  # the crawl is stopping: nothing more can be stored
        if isinstance(item, it.PageItem):
            self._count("pages", (item.url,))
        elif isinstance(item, it.LinkTargetItem):
            self._count("link_targets", (item.url,))
        elif isinstance(item, it.ReuseItem):
            self._count("pages", item.urls)
            self._count("link_targets", item.urls)
        elif isinstance(item, it.ReuseTargetsItem):
            self._count("link_targets", item.urls)
        if isinstance(item, it.ReuseItem):
            # copied in bulk at the next flush, after the rows buffered before it
            self.reuse.setdefault((item.from_crawl, item.asked), []).extend(item.urls)
            self.pending += len(item.urls)
            return item
        if isinstance(item, it.EntriesItem):
            rows = self.buffer.setdefault(m.ColumnEntry, [])
            rows.extend({"crawl_id": self.crawl_id, "column_url": item.column_url, "url": url, "title": title,
                         "date": day, "list_page": item.list_page} for url, title, day in item.entries)
            self.pending += len(item.entries)
            return item
        if isinstance(item, it.ReuseTargetsItem):
            self.reuse_targets.setdefault(item.from_crawl, []).extend(item.urls)
            self.pending += len(item.urls)
            return item
        if isinstance(item, it.PageLinksItem):
            rows = self.buffer.setdefault(m.Link, [])
            # text as found: the store bounds it, with a visible marker (store.write.clip)
            rows.extend({"crawl_id": self.crawl_id, "source_url": item.source_url, "target_url": t,
                         "text": text, "tag": tag} for t, text, tag in item.links)
            self.pending += len(item.links)
        else:
            model, row = _row(item)
            row["crawl_id"] = self.crawl_id
            self.buffer.setdefault(model, []).append(row)
            self.pending += 1
        if self.pending >= self.flush_items or time.monotonic() - self.last_flush > 2.0:
            self.flush()
        return item

    def flush(self):
        if not self.pending or self.failure is not None:
            return
        try:
            with self.Session.begin() as s:
                for model in (m.Page, m.SiteColumn, m.ColumnEntry, m.Document, m.Link, m.LinkTarget, m.Message):
                    upsert_rows(s, model, self.buffer.get(model, []))
                for (from_crawl, asked), urls in self.reuse.items():
                    reuse_many(s, from_crawl, self.crawl_id, urls, asked=asked)
                for from_crawl, urls in self.reuse_targets.items():
                    reuse_targets(s, from_crawl, self.crawl_id, urls)
        except Exception as exc:  # any refused batch is lost rows, whatever the database's reason
            self._failed(exc)
            return
        self.buffer.clear()
        self.reuse.clear()
        self.reuse_targets.clear()
        self.pending = 0
        self.last_flush = time.monotonic()

    def close_spider(self):
        self.flush()

    def finish_crawl(self, spider, reason):
        """The crawl's end: "finished" only when Scrapy ran out of work (or reached --max-pages)
        and every write went through; "failed" with the cause when a write was refused;
        "interrupted" otherwise (time budget, Ctrl-C, shutdown). A killed process writes nothing:
        its crawl stays "running"; --resume carries on from either."""
        if self.crawl_id is None:
            return  # never started (open_spider failed)
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in (self.crawler.stats.get_stats() or {}).items()}
        try:
            with self.Session.begin() as s:
                crawl = s.get(m.Crawl, self.crawl_id)
                crawl.finished_at = now()
                if self.failure is not None:
                    crawl.status, crawl.error = "failed", self.failure.cause
                else:
                    crawl.status = "finished" if reason in ("finished", "closespider_pagecount") else "interrupted"
                crawl.homepage_url = getattr(spider, "homepage_url", None)
                crawl.facts = getattr(spider, "facts", None) or None
                crawl.stats = stats
        except Exception as exc:  # not even the crawl's end could be written: the process still knows
            self._failed(exc)
            return
        if self.failure is not None:
            self.failure.recorded = True
