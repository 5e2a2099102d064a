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


def test_kept_page_text_has_a_break_between_blocks_not_inside_a_line():
    import lxml.html

    from zwgk.crawler.scope import block_text

    tree = lxml.html.fromstring('<div><ul><li><h3>张建国</h3><p>县委副书记、<b>县长</b></p></li>'
                                '<li><h3>李明华</h3><p>副县长</p></li></ul><table><tr><td>网站标识码</td>'
                                '<td>3709000001</td></tr></table><p>联系电话：<span>0533-1234567</span></p></div>')
    assert tree.text_content().startswith("张建国县委副书记")  # minified markup runs them together
    assert " ".join(block_text(tree).split()) == ("张建国 县委副书记、县长 李明华 副县长 网站标识码 3709000001 "
                                                  "联系电话：0533-1234567")
