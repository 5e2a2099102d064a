"""The coverage account: every listed entry is fetched or has a recorded reason."""
from __future__ import annotations

from datetime import date

from zwgk.auditor.coverage import coverage
from zwgk.auditor.model import Column, ColumnEntry, Document, LinkTarget, SiteSnapshot


def _snap(columns, documents, links):
    return SiteSnapshot(site_url="http://a.gov.cn/", homepage_url="http://a.gov.cn/", crawl_id=1,
                        crawled_at=None, as_of=date(2023, 11, 30), homepage=None, pages=(), documents=tuple(documents),
                        columns=tuple(columns), links=tuple(links), occurrences=(), offices=())


def _doc(url):
    import dataclasses

    fields = {f.name: None for f in dataclasses.fields(Document) if f.default is dataclasses.MISSING}
    return Document(**{**fields, "url": url})


def test_every_entry_is_fetched_or_has_a_reason():
    e = [ColumnEntry(f"http://a.gov.cn/xxgk/t{i}.html", f"文件{i}", None) for i in range(5)]
    e.append(ColumnEntry("http://a.gov.cn/xxgk/a.pdf", "附件", None))
    cols = [Column("http://a.gov.cn/xxgk/", "通知公告", "notice", None, None, tuple(e)),
            Column("http://a.gov.cn/zcjd/", "政策解读", "interpretation", None, None, (),
                   read_error="不允许抓取（robots.txt Disallow: /zcjd/）")]
    links = [LinkTarget("http://a.gov.cn/xxgk/t3.html", "broken", "站内", 404, None),
             LinkTarget("http://a.gov.cn/xxgk/a.pdf", "ok", "附件", 200, None)]
    cov = coverage(_snap(cols, [_doc(f"http://a.gov.cn/xxgk/t{i}.html") for i in (0, 1, 2)], links),
                   {"http://a.gov.cn/xxgk/": {"records": 9, "pages": 2}})
    col = cov["columns"][0]
    assert (col["entries"], col["documents"], col["not_fetched_count"]) == (6, 3, 3)
    reasons = {m["url"].rsplit("/", 1)[1]: m["reason"] for m in col["not_fetched"]}
    assert reasons == {"t3.html": "无法访问：HTTP 404", "t4.html": "未抓取（达到抓取上限、时间预算或抓取被中断）",
                       "a.pdf": "附件（不是文件页面）"}
    assert cov["columns_short"] == [{"url": "http://a.gov.cn/xxgk/", "name": "通知公告", "entries": 6,
                                     "records_expected": 9}]
    assert cov["columns_unread"] == 1 and not cov["complete"] and cov["share"] == 0.5
