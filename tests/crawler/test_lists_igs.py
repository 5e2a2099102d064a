"""The TRS IGS adapter: a column script naming /igs/front/search/list.html → JSON pages."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

URL = "http://a.gov.cn/zrzyj/gsgg/index.shtml"
API = "http://a.gov.cn/igs/front/search/list.html"


def _page(script: str) -> str:
    return f"<html><body><ul id='list'></ul><div id='page'></div><script>{script}</script></body></html>"


def _q(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def test_params_in_a_script_object_next_to_the_address():
    html = _page("var params = {\n  index: 'zrzyj-index-alias', type: 'governmentdocuments',\n"
                 "  'filter[CHANNELID]': '62577', 'filter[AVAILABLE]': 'true', siteId: '21',\n"
                 "  orderProperty: 'PUBDATE', orderDirection: 'desc', pageSize: '15', keyword: ''\n};\n"
                 "$.get('/igs/front/search/list.html', $.extend({pageNumber: 1}, params), draw);")
    (r,) = read_listing(parse_tree(html), URL, html).requests
    assert (r.method, r.adapter, r.url.split("?")[0]) == ("GET", "igs", API)
    assert _q(r.url) == {"index": "zrzyj-index-alias", "type": "governmentdocuments", "filter[CHANNELID]": "62577",
                         "filter[AVAILABLE]": "true", "siteId": "21", "orderProperty": "PUBDATE",
                         "orderDirection": "desc", "pageSize": "15", "pageNumber": "1"}


def test_params_in_the_address_itself():
    html = _page('var u = "/igs/front/search/list.html?index=file2-index-alias&amp;type=governmentdocuments&pageNumber=3'
                 '&amp;filter%5BSITEID%5D=3";')
    (r,) = read_listing(parse_tree(html), URL, html).requests
    assert _q(r.url) == {"index": "file2-index-alias", "type": "governmentdocuments", "filter[SITEID]": "3",
                         "pageSize": "20", "pageNumber": "1"}


def test_an_address_without_an_index_asks_nothing():
    html = _page("$.get('/igs/front/search/list.html', {keyword: $('#kw').val()});")
    assert read_listing(parse_tree(html), URL, html).requests == []


def _content(first: int, n: int) -> list[dict]:
    return [{"_id": str(i), "DOCTITLE": f"关于第{i}项工作的<em>通知</em>", "DOCPUBURL": f"http://a.gov.cn/zrzyj/gsgg/2023{i:04d}.shtml",
             "PUBDATE": "2023-10-05T08:30:00.000+0800"} for i in range(first, first + n)]


def _url(page: int, size: int = 15) -> str:
    return f"{API}?index=zrzyj-index-alias&type=governmentdocuments&pageSize={size}&pageNumber={page}"


def test_first_page_asks_the_rest():
    assert lists.answer_adapter(_url(1), "application/json;charset=UTF-8") == "igs"
    text = json.dumps({"page": {"content": _content(0, 15), "total": 40, "totalPages": 3, "number": 1}})
    read = lists.read_answer("igs", _url(1), text)
    assert len(read.entries) == 15 and read.expected == {"records": 40, "pages": 3}
    assert read.entries[0] == ("http://a.gov.cn/zrzyj/gsgg/20230000.shtml", "关于第0项工作的通知", date(2023, 10, 5))
    assert [_q(r.url)["pageNumber"] for r in read.requests] == ["2", "3"]
    later = lists.read_answer("igs", read.requests[0].url, json.dumps({"page": {"content": _content(15, 15), "total": 40}}))
    assert len(later.entries) == 15 and later.requests == []


def test_a_cut_page_size():
    read = lists.read_answer("igs", _url(1, 100), json.dumps({"page": {"content": _content(0, 10), "total": 25}}))
    assert [(_q(r.url)["pageNumber"], _q(r.url)["pageSize"]) for r in read.requests] == [("2", "10"), ("3", "10")]


def test_an_error_answer():
    assert lists.read_answer("igs", _url(1), '{"code": 500, "msg": "index not found"}').entries == []
