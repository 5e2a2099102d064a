"""The truecms adapter: a jpage config with messageController/getMessage.do → JSONP-wrapped XML windows."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

URL = "http://a.gov.cn/wjj/tzgg/index.html"
API = "http://a.gov.cn/wjj/messageController/getMessage.do"


def _page(config: str) -> str:
    return f"<html><body><div id='list-box'></div><div id='pager'></div><script>{config}</script></body></html>"


def test_config_gives_the_first_window():
    html = _page("$('#list-box').jpage({\n  dataStore: [],\n  proxyUrl: '/wjj/messageController/getMessage.do',\n"
                 "  columnId: '2101',\n  perpage: 15,\n  pagerid: 'pager'\n});")
    (r,) = read_listing(parse_tree(html), URL, html).requests
    q = {k: v[0] for k, v in parse_qs(urlsplit(r.url).query).items()}
    assert (r.method, r.adapter, r.url.split("?")[0]) == ("GET", "truecms", API)
    assert (q["startrecord"], q["endrecord"], q["perpage"], q["columnId"]) == ("1", "15", "15", "2101")


def test_quoted_keys_in_another_order_and_no_perpage():
    html = _page('var cfg = {"columnId":"88", "proxyUrl":"messageController/getMessage.do"}; new Pager(cfg);')
    (r,) = read_listing(parse_tree(html), URL, html).requests
    q = parse_qs(urlsplit(r.url).query)
    assert r.url.startswith("http://a.gov.cn/wjj/tzgg/messageController/getMessage.do?")
    assert q["columnId"] == ["88"] and q["endrecord"] == ["15"]


def test_no_column_id_asks_nothing():
    html = _page("$('#x').jpage({proxyUrl: '/wjj/messageController/getMessage.do'});")
    assert read_listing(parse_tree(html), URL, html).requests == []


def _xml(first: int, n: int, total: int) -> str:
    recs = "".join(f'<record><![CDATA[<li><a href="/wjj/art/2023/10/{1 + i % 28}/art_2101_{7000 + i}.html" '
                   f'title="关于第{i}项工作的通知">关于第{i}项工作的通知</a><span>2023-10-{1 + i % 28:02d}</span></li>]]></record>'
                   for i in range(first, first + n))
    return f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{total}</totalrecord><recordset>{recs}</recordset></datastore>'


def _url(start: int, size: int = 15) -> str:
    return f"{API}?startrecord={start}&endrecord={start + size - 1}&perpage={size}&columnId=2101&callback=jsonpCallback"


def test_first_window_asks_the_rest():
    text = "jsonpCallback(" + json.dumps({"result": _xml(0, 15, 38)}) + ");"
    assert lists.answer_adapter(_url(1), "application/javascript") == "truecms"
    read = lists.read_answer("truecms", _url(1), text)
    assert len(read.entries) == 15 and read.expected == {"records": 38, "pages": 3}
    assert read.entries[0] == ("http://a.gov.cn/wjj/art/2023/10/1/art_2101_7000.html", "关于第0项工作的通知", date(2023, 10, 1))
    assert [(parse_qs(urlsplit(r.url).query)["startrecord"][0], parse_qs(urlsplit(r.url).query)["endrecord"][0])
            for r in read.requests] == [("16", "30"), ("31", "45")]
    later = lists.read_answer("truecms", read.requests[0].url, "jsonpCallback(" + json.dumps({"result": _xml(15, 15, 38)}) + ")")
    assert len(later.entries) == 15 and later.requests == []


def test_a_bare_string_callback_and_a_cut_window():
    text = "cb(" + json.dumps(_xml(0, 10, 25)) + ")"
    read = lists.read_answer("truecms", _url(1, 50), text)
    assert len(read.entries) == 10
    assert [parse_qs(urlsplit(r.url).query)["perpage"][0] for r in read.requests] == ["10", "10"]


def test_an_error_page_reads_as_nothing():
    assert lists.read_answer("truecms", _url(1), "<html><body>404</body></html>").entries == []
