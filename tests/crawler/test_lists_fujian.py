"""The Fujian 动静结合 adapter: pageChnlInfo on a static list page → POST /fjdzapp/search pages."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

URL = "http://a.gov.cn/zwgk/zfxxgkml/tzgg/index.htm"


def _page(info: str, rows: int = 15) -> str:
    items = "".join(f'<li><a href="./202309/t20230915_{6000000 + i}.htm" title="关于第{i}项工作的通知">关于第{i}项工作的通知'
                    f'</a><span>2023-09-15</span></li>' for i in range(rows))
    return f"<html><head><script>{info}</script></head><body><ul class='list'>{items}</ul></body></html>"


def test_page_asks_the_whole_list_from_the_search_service():
    html = _page("var pageChnlInfo = {\n  chnlid: '4910',\n  recordCount: '187',\n  pageSize: '15'\n};")
    listing = read_listing(parse_tree(html), URL, html)
    assert listing.expected == {"records": 187, "pages": 13}
    assert [(r.url, r.method, r.adapter) for r in listing.requests] == [
        ("http://a.gov.cn/fjdzapp/search", "POST", "fujian")] * 3          # 75 records an answer
    forms = [parse_qs(r.body) for r in listing.requests]
    assert [f["page"] for f in forms] == [["1"], ["2"], ["3"]]
    assert forms[0]["classsql"] == ["chnlid=4910"] and forms[0]["channelid"] == ["229105"]
    assert lists.request_headers(listing.requests[0])["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_quoted_keys_another_order_and_a_channel_named_by_the_page():
    html = _page('var pageChnlInfo={"recordCount":"76" , "chnlid":"39794"};\n'
                 'var searchConf = {url: "/fjdzapp/search", channelid: "229999"};', rows=10)
    listing = read_listing(parse_tree(html), URL, html)
    assert listing.expected == {"records": 76, "pages": 8}          # 10 rows shown a page
    assert [parse_qs(r.body)["channelid"] for r in listing.requests] == [["229999"], ["229999"]]


def test_a_page_without_channel_info_asks_nothing():
    html = _page("var recordCount = 187;")
    assert read_listing(parse_tree(html), URL, html).requests == []


def test_search_answer_gives_records_and_the_total():
    data = [{"doctitle": f"关于第{i}项工作的通知", "docpuburl": f"http://a.gov.cn/zwgk/tzgg/202309/t20230915_{i}.htm",
             "chnldocurl": f"http://a.gov.cn/zwgk/tzgg/202309/t20230915_{i}.htm", "docreltime": "2023-09-15 10:20:00"}
            for i in range(75)]
    text = json.dumps({"data": data, "pageCount": 3, "pageChnlInfo": {"recordCount": 187, "chnlid": 4910}})
    url = "http://a.gov.cn/fjdzapp/search"
    assert lists.answer_adapter(url, "application/json;charset=UTF-8") == "fujian"
    assert lists.answer_adapter(url, "text/html") is None
    read = lists.read_answer("fujian", url, text)
    assert len(read.entries) == 75 and read.expected == {"records": 187}
    assert read.entries[0] == ("http://a.gov.cn/zwgk/tzgg/202309/t20230915_0.htm", "关于第0项工作的通知", date(2023, 9, 15))
    assert read.requests == []


def test_a_broken_answer_reads_as_nothing():
    assert lists.read_answer("fujian", "http://a.gov.cn/fjdzapp/search", "<html>err</html>").entries == []
