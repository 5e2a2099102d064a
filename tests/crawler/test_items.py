"""DocumentItem.from_fields: what the spider yields for a document page the extractor read."""
from __future__ import annotations

from datetime import date

from zwgk.crawler.extractors.fields import extract_document
from zwgk.crawler.items import DocumentItem

URL = "http://a.gov.cn/xxgk/zcjd/t1.html"
DOC = """<html><head><title>关于《测试县河道采砂管理办法》的政策解读</title></head><body>
<h1>关于《测试县河道采砂管理办法》的政策解读</h1><p>发布日期：2023-05-06</p><p>""" + "解读正文。" * 60 + "</p></body></html>"


def test_a_page_in_an_interpretation_column_is_an_interpretation():
    col = {"name": "政策解读", "kind": "interpretation", "office": None}
    doc = DocumentItem.from_fields(extract_document(DOC, URL), URL + "#top", col, "http://a.gov.cn/xxgk/zcjd/",
                                   None, "政策解读一")
    assert doc.url == URL and doc.column == "政策解读" and doc.column_kind == "interpretation"
    assert doc.is_interpretation is True and doc.list_title == "政策解读一"
    assert doc.fields.publish_date == date(2023, 5, 6) and doc.fields.body_chars >= 300
    assert doc.fields.body_text == ""  # counted, not carried to the store
    assert doc.related() == [x["url"] for x in doc.interpretation_links] + [u for u, _ in doc.fields.policy_links]


def test_a_page_with_no_title_date_or_body_is_no_document():
    empty = "<html><head></head><body><div></div></body></html>"
    assert DocumentItem.from_fields(extract_document(empty, URL), URL, None, None, None, None) is None
