"""Incremental re-crawls, store and middleware side: validators from the previous crawl become
conditional requests; a 304 is flagged for the spider, whose rows can then be copied, idempotently."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from zwgk.crawler.incremental import ConditionalRequestMiddleware
from zwgk.store import models as m
from zwgk.store.db import open_db
from zwgk.store.incremental import previous_crawl, previous_validators, reuse_rows
from zwgk.store.write import start_crawl, upsert_rows

SITE = "http://127.0.0.1:9/"
DOC = SITE + "xxgk/t1.html"
LIST = SITE + "xxgk/zcwj/"
T0 = datetime(2024, 3, 1, 18, 30, tzinfo=timezone.utc)


def _page(cid, url, **kw):
    return dict(crawl_id=cid, url=url, kind="document", status=200, title="t", text=None, encoding="utf-8",
                content_hash="h", office=None, fetched_at=T0, **kw)


def _seed(Session):
    """Crawl 1 (finished) with validators and rows; crawl 2 (running) is tonight's."""
    with Session.begin() as s:
        c1 = start_crawl(s, SITE)
        c1.status, c1.started_at = "finished", T0
        c0 = start_crawl(s, SITE)  # an older finished crawl: not the previous one
        c0.status, c0.started_at = "finished", T0 - timedelta(days=1)
        s.flush()
        upsert_rows(s, m.Page, [_page(c1.id, DOC, etag='"abc"', last_modified="Fri, 01 Mar 2024 10:00:00 GMT"),
                                _page(c1.id, LIST, etag=None, last_modified="Fri, 01 Mar 2024 09:00:00 GMT"),
                                _page(c1.id, SITE + "nov.html", etag=None, last_modified=None),
                                _page(c0.id, DOC, etag='"old"', last_modified=None)])
        upsert_rows(s, m.Document, [dict(crawl_id=c1.id, url=DOC, title="关于印发某办法的通知", doc_number="示政发〔2024〕1号",
                                         interpretation_links=[], policy_urls=[], attachments=[], reasons={})])
        upsert_rows(s, m.SiteColumn, [dict(crawl_id=c1.id, url=LIST, name="政策文件", kind="policy", list_pages=1,
                                           has_children=False)])
        upsert_rows(s, m.ColumnEntry, [dict(crawl_id=c1.id, column_url=LIST, url=DOC, title="关于印发某办法的通知",
                                            list_page=LIST)])
        upsert_rows(s, m.Link, [dict(crawl_id=c1.id, source_url=DOC, target_url=SITE + "a.pdf", text="附件", tag="a"),
                                dict(crawl_id=c1.id, source_url=LIST, target_url=DOC, text="关于…", tag="a")])
        c2 = start_crawl(s, SITE)
        c2.started_at = T0 + timedelta(days=1)
        return c0.id, c1.id, c2.id


def test_previous_crawl_and_its_validators(db_url):
    Session = open_db(db_url)
    _, c1, c2 = _seed(Session)
    with Session() as s:
        assert previous_crawl(s, SITE, exclude=c2) == c1
        v = previous_validators(s, c1)
    assert set(v) == {DOC, LIST}  # a page without validators cannot be asked conditionally
    assert v[DOC].etag == '"abc"' and v[LIST].last_modified == "Fri, 01 Mar 2024 09:00:00 GMT"


def test_reuse_rows_copies_the_page_and_what_was_read_from_it_once(db_url):
    Session = open_db(db_url)
    _, c1, c2 = _seed(Session)
    with Session.begin() as s:
        assert reuse_rows(s, c1, c2, LIST) == {"page": 1, "document": 0, "site_column": 1, "column_entry": 1,
                                               "link": 1}
    with Session.begin() as s:  # a resumed crawl copies again: still one row each
        assert reuse_rows(s, c1, c2, LIST) == {"page": 0}
    with Session.begin() as s:
        reuse_rows(s, c1, c2, DOC)
    with Session() as s:
        page = s.scalars(select(m.Page).where(m.Page.crawl_id == c2, m.Page.url == DOC)).one()
        assert page.reused_from == c1 and page.etag == '"abc"'
        doc = s.scalars(select(m.Document).where(m.Document.crawl_id == c2)).one()
        assert doc.doc_number == "示政发〔2024〕1号"
        assert s.scalar(select(func.count()).select_from(m.Link).where(m.Link.crawl_id == c2)) == 2
        assert s.scalar(select(func.count()).select_from(m.Page).where(m.Page.crawl_id == c2)) == 2
        assert s.scalar(select(func.count()).select_from(m.LinkTarget).where(m.LinkTarget.crawl_id == c2)) == 0
        assert reuse_rows(s, c1, c2, SITE + "missing.html") == {"page": 0}


class _Spider(Spider):
    name = "t"


def _middleware(db_url, crawl_id, enabled=True):
    crawler = get_crawler(_Spider, {"ZWGK_DB": db_url, "ZWGK_INCREMENTAL": enabled})
    crawler.spider = _Spider()
    crawler.spider.start_url, crawler.spider.crawl_id = SITE, crawl_id
    if crawler.stats is None:  # pragma: no cover - older Scrapy creates stats on crawl()
        from scrapy.statscollectors import MemoryStatsCollector
        crawler.stats = MemoryStatsCollector(crawler)
    return crawler, ConditionalRequestMiddleware.from_crawler(crawler)


def test_middleware_adds_validators_and_flags_a_304(db_url):
    _, c1, c2 = _seed(open_db(db_url))
    crawler, mw = _middleware(db_url, c2)
    req = Request(DOC)
    assert mw.process_request(req) is None
    assert req.headers[b"If-None-Match"] == b'"abc"'
    assert req.headers[b"If-Modified-Since"] == b"Fri, 01 Mar 2024 10:00:00 GMT"
    assert mw.process_response(req, Response(DOC, status=304, request=req)).status == 304
    assert req.meta["zwgk_not_modified"] == c1

    changed = Request(LIST)
    mw.process_request(changed)
    assert b"If-None-Match" not in changed.headers and changed.headers[b"If-Modified-Since"]
    resp = HtmlResponse(LIST, status=200, body=b"<html></html>", request=changed,
                        headers={"ETag": '"new"', "Last-Modified": "Sat, 02 Mar 2024 09:00:00 GMT"})
    mw.process_response(changed, resp)
    assert "zwgk_not_modified" not in changed.meta
    assert changed.meta["zwgk_validators"] == {"etag": '"new"', "last_modified": "Sat, 02 Mar 2024 09:00:00 GMT"}

    for r in (Request(SITE + "new.html"), Request(DOC, meta={"zwgk_unconditional": True}), Request(DOC, method="HEAD")):
        mw.process_request(r)
        assert b"If-None-Match" not in r.headers and "zwgk_conditional" not in r.meta
    stats = crawler.stats.get_stats()
    assert (stats["zwgk/incremental/conditional"], stats["zwgk/incremental/not_modified"],
            stats["zwgk/incremental/modified"], stats["zwgk/incremental/previous_crawl"]) == (2, 1, 1, c1)


def test_middleware_off_by_default(db_url):
    _, _, c2 = _seed(open_db(db_url))
    _, mw = _middleware(db_url, c2, enabled=False)
    req = Request(DOC)
    mw.process_request(req)
    assert b"If-None-Match" not in req.headers
