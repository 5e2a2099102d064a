"""List adapters, each on a page or answer shaped as its CMS family sends it."""
from __future__ import annotations

import json
from datetime import date

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing


def _records(col: int, first: int, last: int) -> str:
    return "".join(f'<record><![CDATA[<li><a href="/art/2023/9/{1 + i % 28}/art_{col}_{5000 + i}.html" '
                   f'title="关于第{i}项工作的通知">关于第{i}项工作的通知</a><span>2023-09-{1 + i % 28:02d}</span></li>]]></record>'
                   for i in range(first, last + 1))


def _jcms_page(total: int, inline: int) -> str:
    return (f'<html><body><div id="4483"><script type="text/xml"><datastore><column>101</column>'
            f'<totalrecord>{total}</totalrecord><totalpage>{-(-total // 15)}</totalpage><rpp>15</rpp><webid>1</webid>'
            f'<website><![CDATA[丰水县人民政府]]></website><recordset>{_records(101, 1, inline)}</recordset></datastore>'
            f'</script><script src="/module/web/jpage/jpage.js"></script></div></body></html>')


def test_jcms_datastore_asks_the_rest_from_dataproxy():
    url = "http://a.gov.cn/col/col101/index.html"
    html = _jcms_page(120, 45)
    listing = read_listing(parse_tree(html), url, html)
    assert len(listing.entries) == 45 and listing.expected == {"records": 120, "pages": 8}
    starts = [(r.url.split("?")[1], r.method) for r in listing.requests]
    assert starts == [("startrecord=46&endrecord=90&perpage=15", "POST"), ("startrecord=91&endrecord=120&perpage=15", "POST")]
    body = listing.requests[0].body
    assert "columnid=101" in body and "unitid=4483" in body and listing.requests[0].adapter == "jcms"


def test_jcms_column_shown_whole_asks_nothing_more():
    html = _jcms_page(7, 7)
    assert read_listing(parse_tree(html), "http://a.gov.cn/col/col103/index.html", html).requests == []


def test_dataproxy_answer_gives_its_records():
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
           f'<totalrecord>120</totalrecord><recordset>{_records(101, 46, 90)}</recordset></datastore>')
    url = "http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    assert lists.answer_adapter(url, "text/xml;charset=utf-8") == "jcms"
    assert lists.answer_adapter(url, "text/html") is None  # a GET pager some sites serve as HTML
    read = lists.read_answer("jcms", url, xml)
    assert len(read.entries) == 45 and read.entries[0][0] == "http://a.gov.cn/art/2023/9/19/art_101_5046.html"
    assert read.entries[0][2] == date(2023, 9, 19)


def test_gkmlpt_shell_is_a_directory_of_api_lists():
    html = ("<html><head><script>window._CONFIG = {SID: '757001', TREE: [{id: 2, name: '通知公告', children: []},"
            " {id: 3, name: '政策文件', children: [{id: 5, name: '规范性文件', children: []}]}]};</script></head>"
            "<body><div id='app'></div></body></html>")
    listing = read_listing(parse_tree(html), "http://a.gov.cn/jyj/gkmlpt/index", html)
    assert listing.directory and listing.entries == []
    assert [(u, n) for u, n, _ in listing.subcolumns] == [
        ("http://a.gov.cn/jyj/gkmlpt/api/all/2?page=1&sid=757001", "通知公告"),
        ("http://a.gov.cn/jyj/gkmlpt/api/all/5?page=1&sid=757001", "规范性文件")]  # leaves only


def test_gkmlpt_api_answer_pages_on_from_page_one():
    url = "http://a.gov.cn/jyj/gkmlpt/api/all/2?page=1&sid=757001"
    arts = [{"id": i, "title": f"关于第{i}项的通知", "url": f"http://a.gov.cn/jyj/gkmlpt/content/2/{i}/post_{i}.html",
             "first_publish_time": 1694736000 + i, "identifier": f"索引{i}", "document_number": ""} for i in range(10)]
    read = lists.read_answer("gkmlpt", url, json.dumps({"articles": arts, "post_count": 37}))
    assert lists.answer_adapter(url, "application/json") == "gkmlpt"
    assert len(read.entries) == 10 and read.entries[0][2] == date(2023, 9, 15)
    assert [r.url for r in read.requests] == [f"http://a.gov.cn/jyj/gkmlpt/api/all/2?page={n}&sid=757001"
                                              for n in (2, 3, 4)]
    again = lists.read_answer("gkmlpt", url.replace("page=1", "page=2"), json.dumps({"articles": arts, "post_count": 37}))
    assert again.requests == []  # later pages do not ask again


def test_list_in_a_same_host_iframe():
    html = ('<html><body><h2>财政预决算</h2><iframe src="/col/col104/list.html" width="100%"></iframe>'
            '<iframe src="http://map.baidu.com/x"></iframe></body></html>')
    listing = read_listing(parse_tree(html), "http://a.gov.cn/col/col104/index.html", html)
    assert [r.url for r in listing.requests] == ["http://a.gov.cn/col/col104/list.html"]


def test_listing_with_requests_survives_storage():
    html = _jcms_page(120, 45)
    listing = read_listing(parse_tree(html), "http://a.gov.cn/col/col101/index.html", html)
    from zwgk.crawler.listing import Listing

    again = Listing.from_json(json.loads(json.dumps(listing.to_json())))
    assert again.requests == listing.requests and again.expected == listing.expected


def test_an_image_link_to_the_disclosure_area_is_found_by_its_alt_text():
    from zwgk.crawler.discovery import find_disclosure_links

    html = ('<html><body><div class="nav"><a href="/col/col100/index.html"><img src="/images/xxgk.png" '
            'alt="政府信息公开"></a></div></body></html>')
    assert [a.url for a in find_disclosure_links(parse_tree(html), "http://a.gov.cn/")] == [
        "http://a.gov.cn/col/col100/index.html"]


def test_gkmlpt_tree_with_counts_and_links_out_gives_leaves_only():
    html = ('<script>window._CONFIG = {SID: "757001", SITE_NAME: "教育局", TREE: [{"id": 2, "name": "通知公告", '
            '"parent": 0, "post_count": 37, "children": []}, {"id": 4, "name": "政策文件", "parent": 0, "post_count": 23, '
            '"children": [{"id": 5, "name": "规范性文件", "parent": 4, "post_count": 14, "children": []}, {"id": 6, '
            '"name": "其他文件", "parent": 4, "post_count": 9, "children": []}]}, {"id": 8, "name": "依申请公开", '
            '"parent": 0, "children": [], "jump_url": "/ysqgk/"}], THEME: "blue"};</script>')
    listing = read_listing(parse_tree(html), "http://a.gov.cn/jyj/gkmlpt/index", html)
    assert [n for _, n, _ in listing.subcolumns] == ["通知公告", "规范性文件", "其他文件"]


def test_gkmlpt_count_in_classify():
    url = "http://a.gov.cn/jyj/gkmlpt/api/all/5?page=1&sid=757001"
    arts = [{"title": f"规范{i}", "url": f"/jyj/gkmlpt/content/5/{i}/post_{i}.html", "first_publish_time": 1694736000}
            for i in range(10)]
    read = lists.read_answer("gkmlpt", url, json.dumps({"articles": arts, "classify": {"id": 5, "post_count": 14},
                                                        "total": 14, "page": 1}))
    assert read.expected["records"] == 14 and len(read.requests) == 1


def test_adapters_pages_merge_in_first_seen_order_each_once():
    """Two adapters that read the same full pager (every page of a long list linked from each of
    its pages) give each further page once, in the order first seen."""
    from zwgk.crawler.lists import ListRead

    a = ListRead(pages=[f"http://a.gov.cn/col/index_{i}.html" for i in range(1, 900)])
    b = ListRead(pages=[f"http://a.gov.cn/col/index_{i}.html" for i in range(899, 0, -1)] + ["http://a.gov.cn/x.html"])
    out = ListRead().merge(a).merge(b)
    assert out.pages == a.pages + ["http://a.gov.cn/x.html"]


def test_trs_pager_urls_are_the_pages_joined_to_the_list_address():
    """createPageHTML's pages, for list addresses of every shape (a folder, a file, a query, a
    fragment, no path): each page is the list address joined with index_N.ext."""
    from urllib.parse import urljoin

    from zwgk.crawler.lists.trs import page_urls

    html = '<script>createPageHTML(12, 0, "index", "shtml");</script>'
    for base in ("http://a.gov.cn/col/", "http://a.gov.cn/col/index.shtml", "http://a.gov.cn/col/index.shtml?x=1#y",
                 "http://a.gov.cn", "http://a.gov.cn/a/../col/./list.htm"):
        assert page_urls(base, html) == [urljoin(base, f"index_{i}.shtml") for i in range(1, 12)], base
