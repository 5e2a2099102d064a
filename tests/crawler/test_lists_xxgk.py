"""The 大汉 信息公开 module adapter: infotypeId / jdid on the page → POST search.jsp pages (HTML)."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

from zwgk.crawler import lists
from zwgk.crawler.discovery import parse_tree
from zwgk.crawler.listing import read_listing

URL = "http://a.gov.cn/col/col1665241/index.html"
API = "http://a.gov.cn/module/xxgk/search.jsp"


def _page(script: str) -> str:
    return f"<html><body><div id='div1665241'></div><script>{script}</script></body></html>"


def _q(s: str) -> dict:
    return dict(parse_qsl(s, keep_blank_values=True))


def test_params_in_a_script_call():
    html = _page("$(function(){ xxgkSearch({url: '/module/xxgk/search.jsp', infotypeId: 'A02', jdid: '1305',\n"
                 " area: '', divid: 'div1665241', sortfield: ',createdate:0,orderid:0'}); });")
    (r,) = read_listing(parse_tree(html), URL, html).requests
    assert (r.method, r.adapter, r.url.split("?")[0]) == ("POST", "xxgk", API)
    form = _q(r.body)
    assert (form["infotypeId"], form["jdid"], form["divid"], form["currpage"]) == ("A02", "1305", "div1665241", "1")
    assert urlsplit(r.url).query == ""  # the form goes in the body only
    assert lists.request_headers(r)["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_params_in_an_address_and_divid_from_the_column():
    html = _page('var u = "/module/xxgk/search.jsp?infotypeId=B001AC001&amp;jdid=1756&amp;area=002482429";')
    (r,) = read_listing(parse_tree(html), URL, html).requests
    form = _q(r.body)
    assert (form["infotypeId"], form["jdid"], form["area"], form["divid"]) == ("B001AC001", "1756", "002482429", "div1665241")


def test_no_info_type_asks_nothing():
    html = _page("$.post('/module/xxgk/search.jsp', {vc_title: $('#kw').val()});")
    assert read_listing(parse_tree(html), URL, html).requests == []


def _fragment(first: int, n: int, pages: int, records: int) -> str:
    rows = "".join(f'<tr class="tr_main_value_{("odd", "even")[i % 2]}"><td><a class="bt_link" href="/art/2023/11/{1 + i % 28}/art_1665241_{8000 + i}.html" '
                   f'title="关于第{i}项工作的通知" target="_blank">关于第{i}项工作的通知</a></td><td>岚财〔2023〕{i}号</td>'
                   f"<td>2023-11-{1 + i % 28:02d}</td></tr>" for i in range(first, first + n))
    return (f'<table class="tb_main">{rows}</table><table><tr><td align="right">共{records}条&nbsp;&nbsp;共{pages}页&nbsp;&nbsp;'
            '<a href="javascript:void(0)" onclick="goPage(2)">下一页</a></td></tr></table>')


def _url(page: int) -> str:
    return f"{API}?infotypeId=A02&jdid=1305&area=&divid=div1665241&currpage={page}"


def test_first_page_asks_the_rest():
    read = lists.read_answer("xxgk", _url(1), _fragment(0, 15, 3, 38))
    assert len(read.entries) == 15 and read.expected == {"records": 38, "pages": 3}
    assert read.entries[0] == ("http://a.gov.cn/art/2023/11/1/art_1665241_8000.html", "关于第0项工作的通知", date(2023, 11, 1))
    assert [_q(r.body)["currpage"] for r in read.requests] == ["2", "3"]
    assert all(_q(r.body)["infotypeId"] == "A02" and r.method == "POST" for r in read.requests)
    later = lists.read_answer("xxgk", read.requests[0].url, _fragment(15, 15, 3, 38), read.requests[0].body)
    assert len(later.entries) == 15 and later.requests == []
    # the first page asked as a browser does — the form in the body only — asks the rest all the same
    first = lists.read_answer("xxgk", API, _fragment(0, 15, 3, 38), read.requests[0].body.replace("currpage=2", "currpage=1"))
    assert [_q(r.body)["currpage"] for r in first.requests] == ["2", "3"]


def test_html_answers_are_not_claimed_by_address():
    assert lists.answer_adapter(_url(1), "text/html;charset=UTF-8") is None
    assert lists.answer_adapter(_url(1), "text/html", "xxgk") == "xxgk"
