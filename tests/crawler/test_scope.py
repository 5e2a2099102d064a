"""Scope: which hosts are the site, what kind a link target is, how a page is decoded."""
from __future__ import annotations

from scrapy.http import HtmlResponse

from zwgk.crawler.scope import Scope, title_and_text


def test_kind_of_link_targets():
    s = Scope("http://www.a.gov.cn/", scope_hosts=["xxgk.a.gov.cn"])
    assert s.kind("http://www.a.gov.cn/xxgk/t1.pdf") == "附件"
    assert s.kind("http://other.cn/file.docx") == "附件"
    assert s.kind("http://www.a.gov.cn/images/logo.PNG") == "图片"
    assert s.kind("http://xxgk.a.gov.cn/col/index.html") == "站内"
    assert s.kind("http://www.b.gov.cn/index.html") == "站外"


def test_hosts_join_the_scope():
    s = Scope("http://a.gov.cn/")
    assert not s.in_scope("http://www.a.gov.cn/x.html")
    s.add_start("http://www.a.gov.cn/index.html")  # the start URL redirected
    assert s.in_scope("http://www.a.gov.cn/x.html") and "www.a.gov.cn" in s.start_hosts
    s.add("http://bm.a.gov.cn/xxgk/")
    assert s.in_scope("http://bm.a.gov.cn/") and "bm.a.gov.cn" not in s.start_hosts
    assert not s.in_scope("not a url")


def test_decode_charset_and_profile_override():
    body = "<html><head><title>政府信息公开</title></head><body><p id='x'>正文</p></body></html>".encode("gbk")
    r = HtmlResponse("http://a.gov.cn/", body=body, headers={"Content-Type": "text/html; charset=GBK"})
    html, enc, tree = Scope("http://a.gov.cn/").decode(r)
    assert "政府信息公开" in html and enc.lower() in ("gbk", "gb18030")
    title, text = title_and_text(tree)
    assert title == "政府信息公开" and "正文" in text
    # the profile's encoding is taken over the header's
    r = HtmlResponse("http://a.gov.cn/", body=body.decode("gbk").encode("utf-8"),
                     headers={"Content-Type": "text/html; charset=GBK"})
    html, enc, _ = Scope("http://a.gov.cn/", encoding="utf-8").decode(r)
    assert "政府信息公开" in html and enc == "utf-8"
